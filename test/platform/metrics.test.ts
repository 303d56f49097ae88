// platform/metrics.ts and its configuration, without a runtime (the exporter itself is exercised by
// metrics.e2e.test.ts against a worker process): METRICS_* variables, the outcome every
// classification of activities/*/errors.ts is counted under, and the metric names and buckets.
import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../../worker/config.js';
import { HISTOGRAM_BUCKETS, METRICS, prometheusExporter, type CallOutcome } from '../../platform/metrics.js';
import { occtoOutcome } from '../../systems/occto/activities/caller.js';
import { businessFailure, classifyTransportError as occtoTransportError, interpretResponse as occtoResponse, malformed } from '../../systems/occto/activities/errors.js';
import { TransportTimeoutError as OcctoTimeout } from '../../systems/occto/activities/transport.js';
import { takusouOutcome, TransportTimeoutError as TakusouTimeout } from '../../systems/kansai-takusou/activities/transport.js';
import { classifyTransportError as takusouTransportError, interpretResponse as takusouResponse, type Classified } from '../../systems/kansai-takusou/activities/errors.js';
import { SERVICE } from '../../systems/kansai-takusou/activities/provisional-wire-format.js';
import { MAINTENANCE_WAITS_METRIC } from '../../workflows/shared/maintenance-guard.js';
import { TEST_KEY_SPEC } from '../support/temporal-env.js';

const baseEnv = { DENKI_COMPANIES: '12346', TAKUSOU_BASE_URL: 'https://takusou.example.jp/api/low-takusou/', DENKI_PAYLOAD_KEYS: TEST_KEY_SPEC };

function configError(env: Record<string, string>): string {
  try {
    loadWorkerConfig({ ...baseEnv, ...env });
  } catch (e) {
    return (e as Error).message;
  }
  return expect.unreachable('the configuration should have been refused');
}

describe('METRICS_ADDRESS and METRICS_DECISIONS_INTERVAL', () => {
  it('metrics are off unless METRICS_ADDRESS is set', () => {
    expect(loadWorkerConfig(baseEnv).metrics).toBeUndefined();
    expect(loadWorkerConfig({ ...baseEnv, METRICS_ADDRESS: '' }).metrics).toBeUndefined();
  });

  it('takes ip:port (IPv4, or IPv6 in brackets) and a refresh interval defaulting to 30 seconds', () => {
    expect(loadWorkerConfig({ ...baseEnv, METRICS_ADDRESS: '0.0.0.0:9464' }).metrics).toEqual({ address: '0.0.0.0:9464', decisionsIntervalMs: 30_000 });
    expect(loadWorkerConfig({ ...baseEnv, METRICS_ADDRESS: '[::]:9464', METRICS_DECISIONS_INTERVAL: '5 seconds' }).metrics).toEqual({ address: '[::]:9464', decisionsIntervalMs: 5_000 });
    expect(loadWorkerConfig({ ...baseEnv, METRICS_ADDRESS: '127.0.0.1:0', METRICS_DECISIONS_INTERVAL: '2000' }).metrics?.decisionsIntervalMs).toBe(2_000);
    // 'off': this process exports metrics but does not query visibility for the decision gauges.
    expect(loadWorkerConfig({ ...baseEnv, METRICS_ADDRESS: '127.0.0.1:9464', METRICS_DECISIONS_INTERVAL: 'off' }).metrics).toEqual({ address: '127.0.0.1:9464', decisionsIntervalMs: undefined });
  });

  it.each(['localhost:9464', '9464', '0.0.0.0', '1.2.3.4:70000', '999.1.1.1:9464', '[zz]:9464', 'http://0.0.0.0:9464'])('refuses METRICS_ADDRESS=%s, naming the variable and the rule', (address) => {
    expect(configError({ METRICS_ADDRESS: address })).toMatch(/METRICS_ADDRESS must be ip:port .* an IP address, not a host name/);
  });

  it('refuses an interval under a second', () => {
    expect(configError({ METRICS_ADDRESS: '0.0.0.0:9464', METRICS_DECISIONS_INTERVAL: '500' })).toMatch(/METRICS_DECISIONS_INTERVAL must be a duration of at least 1 second.*got '500'/);
    expect(configError({ METRICS_ADDRESS: '0.0.0.0:9464', METRICS_DECISIONS_INTERVAL: 'often' })).toMatch(/METRICS_DECISIONS_INTERVAL/);
  });
});

describe('outcome labels follow the errors.ts classification', () => {
  const IF = 'IF_10110';
  const occto = (r: ReturnType<typeof occtoResponse>): CallOutcome => (r.ok ? 'ok' : occtoOutcome(r));

  it('OCCTO: every answer and transport error', () => {
    expect(occto(occtoResponse(IF, 403, ''))).toBe('auth_error');
    expect(occto(occtoResponse(IF, 401, ''))).toBe('auth_error');
    expect(occto(occtoResponse(IF, 503, ''))).toBe('maintenance');
    expect(occto(occtoResponse(IF, 429, ''))).toBe('rate_limited');
    expect(occto(occtoResponse(IF, 500, ''))).toBe('server_error');
    expect(occto(occtoResponse(IF, 502, ''))).toBe('server_error');
    expect(occto(occtoResponse(IF, 400, ''))).toBe('business_error');
    expect(occto(occtoResponse(IF, 200, 'not xml'))).toBe('malformed_response');
    expect(occtoOutcome(malformed(IF, 'schema', '<x/>'))).toBe('malformed_response');
    for (const code of ['ERR_20040', 'ERR_SW_DUPLICATE', 'ERR_PASSWORD_EXPIRED', 'ERR_AMPERE_AREA']) {
      expect(occtoOutcome({ failure: businessFailure(IF, code), log: {} }), code).toBe('business_error');
    }
    expect(occtoOutcome(occtoTransportError(IF, new OcctoTimeout('no complete response')))).toBe('timeout');
    expect(occtoOutcome(occtoTransportError(IF, Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })))).toBe('network_error');
    expect(occtoOutcome(occtoTransportError(IF, Object.assign(new Error('tls'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })))).toBe('auth_error');
    expect(occtoOutcome(occtoTransportError(IF, Object.assign(new Error('refused'), { code: 'OCCTO_TLS_REFUSED' })))).toBe('auth_error');
  });

  it('たくそう君: every answer and transport error', () => {
    const s = SERVICE.jojiApply;
    const answer = (status: number, body = ''): CallOutcome => {
      const r = takusouResponse(s, status, body);
      return takusouOutcome(r.ok ? undefined : (r as Classified), status);
    };
    const error = (code: string) => JSON.stringify({ errorCode: code, errorMessage: 'x' });
    expect(answer(400, error('INVALID_ITEM'))).toBe('business_error');
    expect(answer(401)).toBe('auth_error');
    expect(answer(403)).toBe('auth_error');
    expect(answer(404)).toBe('not_found');
    expect(answer(503)).toBe('maintenance');
    expect(answer(429)).toBe('rate_limited');
    expect(answer(400, error('SPACING_LIMIT'))).toBe('rate_limited');
    expect(answer(503, error('CONCURRENCY_LIMIT'))).toBe('rate_limited');
    expect(answer(500)).toBe('server_error');
    expect(answer(200, 'not json')).toBe('malformed_response');
    expect(takusouOutcome(takusouTransportError(s, new TakusouTimeout('no complete response')))).toBe('timeout');
    expect(takusouOutcome(takusouTransportError(s, Object.assign(new Error('reset'), { code: 'ECONNRESET' })))).toBe('network_error');
    expect(takusouOutcome(undefined, 200)).toBe('ok');
  });
});

describe('metric names and buckets', () => {
  it('every metric is ours (denki_), counters end in _total, every histogram has seconds buckets', () => {
    for (const name of [...Object.values(METRICS), MAINTENANCE_WAITS_METRIC]) expect(name).toMatch(/^denki_[a-z_]+$/);
    expect(METRICS.externalCalls).toMatch(/_total$/);
    expect(METRICS.decisionsRefreshFailures).toMatch(/_total$/);
    const histograms = [METRICS.externalCallDuration, METRICS.rateLimitWait, METRICS.maintenanceWaitSeconds];
    expect(Object.keys(HISTOGRAM_BUCKETS).sort()).toEqual([...histograms].sort());
    for (const h of histograms) {
      expect(h).toMatch(/_seconds$/);
      const b = HISTOGRAM_BUCKETS[h]!;
      expect([...b].sort((x, y) => x - y)).toEqual(b);
    }
    expect(prometheusExporter('0.0.0.0:9464')).toEqual({ prometheus: { bindAddress: '0.0.0.0:9464', histogramBucketOverrides: HISTOGRAM_BUCKETS } });
  });
});
