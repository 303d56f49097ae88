// Unit tests of the OCCTO client pieces that need no server: response classification, redaction,
// the per-company spacer, configuration messages, notifications.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { OcctoFailure } from '../../activities/contract.js';
import { parseOcctoClientConfig } from '../../activities/config.js';
import { classifyTransportError, interpretResponse, redactedExcerpt } from '../../activities/errors.js';
import { ngReasonsOf, processingStateOf } from '../../activities/activities.js';
import { RateSpacer } from '../../activities/rate-spacer.js';
import { jstTimestamp } from '../../activities/provisional-wire-format.js';
import { createNotificationActivities } from '../../../../activities/notifications/activities.js';
import {
  AUTH_FAULT_CODE,
  RATE_LIMIT_FAULT_CODE,
  REQUEST_FAULT_CODE,
  buildFault,
  buildResponse,
} from '../../activities/provisional-wire-format.js';

const ok = { renkeiSeihiStatus: '0' as const, kekkaCode: 'I00000' };

describe('interpretResponse', () => {
  it('success: the body of <serviceID>Response', () => {
    const r = interpretResponse('IS_20110', 200, buildResponse('IS_20110', ok, { haishiToritsugiNo: 'H1' }));
    expect(r.ok && r.body['haishiToritsugiNo']).toBe('H1');
  });

  it('an unknown error code is still Business, with a neutral meaning', () => {
    const r = interpretResponse('IF_10610', 200, buildResponse('IF_10610', { renkeiSeihiStatus: '1', kekkaCode: 'ERR_99999', kekkaMei: '想定外' }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.type).toBe(OcctoFailure.Business);
    expect(r.failure.details?.[0]).toMatchObject({ code: 'ERR_99999', message: '想定外' });
    expect(r.failure.message).toContain('ERR_99999');
  });

  it.each([
    [403, buildFault(AUTH_FAULT_CODE, 'x'), OcctoFailure.Auth, true],
    [500, buildFault(AUTH_FAULT_CODE, 'x'), OcctoFailure.Auth, true],
    [401, '', OcctoFailure.Auth, true],
    [503, '<html>maintenance</html>', OcctoFailure.Maintenance, true],
    [429, buildFault(RATE_LIMIT_FAULT_CODE, 'slow down'), OcctoFailure.RateLimited, false],
    [500, buildFault(RATE_LIMIT_FAULT_CODE, 'slow down'), OcctoFailure.RateLimited, false],
    [500, buildFault('soapenv:Server', 'boom'), OcctoFailure.Transient, false],
    [502, '<html><h1>502 Bad Gateway</h1></html>', OcctoFailure.Transient, false],
    [504, '', OcctoFailure.Transient, false],
    [400, buildFault(REQUEST_FAULT_CODE, 'header.serviceID: bad'), OcctoFailure.Business, true],
    [404, buildFault(REQUEST_FAULT_CODE, 'no endpoint'), OcctoFailure.Business, true],
    [404, '<html>not found</html>', OcctoFailure.MalformedResponse, true],
    [200, 'not xml at all', OcctoFailure.MalformedResponse, true],
    [200, buildResponse('IS_20210', ok), OcctoFailure.MalformedResponse, true], // wrong operation
    [200, buildResponse('IS_20110', { renkeiSeihiStatus: '0' } as never), OcctoFailure.MalformedResponse, true],
  ])('HTTP %i → %s', (status, body, type, nonRetryable) => {
    const r = interpretResponse('IS_20110', status, body);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.type).toBe(type);
    expect(r.failure.nonRetryable).toBe(nonRetryable);
    expect(r.failure.message).not.toContain('<');
  });

  it('an input-check fault keeps a known code but never the faultstring (it may echo values)', () => {
    const r = interpretResponse('IS_20110', 400, buildFault(REQUEST_FAULT_CODE, 'juyoshaMei 山田花子 too long'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.details?.[0]).toMatchObject({ code: 'ERR_INPUT' });
    expect(JSON.stringify([r.failure.message, r.failure.details, r.log])).not.toContain('山田花子');
  });
});

describe('classifyTransportError', () => {
  const err = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });
  it.each([
    ['ECONNREFUSED', OcctoFailure.Transient],
    ['ECONNRESET', OcctoFailure.Transient],
    ['UND_ERR_HEADERS_TIMEOUT', OcctoFailure.Transient],
    ['UND_ERR_SOCKET', OcctoFailure.Transient],
    ['OCCTO_TIMEOUT', OcctoFailure.Transient],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', OcctoFailure.Auth],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', OcctoFailure.Auth],
    ['CERT_HAS_EXPIRED', OcctoFailure.Auth],
    ['SELF_SIGNED_CERT_IN_CHAIN', OcctoFailure.Auth],
    ['OCCTO_TLS_REFUSED', OcctoFailure.Auth],
    ['OCCTO_UNKNOWN_COMPANY', OcctoFailure.Auth],
  ])('%s → %s', (code, type) => {
    expect(classifyTransportError('IS_20110', err(code)).failure.type).toBe(type);
  });

  it('looks through causes (undici wraps the TLS error)', () => {
    const f = classifyTransportError('IS_20110', err('UND_ERR_SOCKET', err('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'))).failure;
    expect(f.type).toBe(OcctoFailure.Auth);
    expect(f.nonRetryable).toBe(true);
  });
});

describe('redactedExcerpt', () => {
  it('masks customer items, secrets, phone numbers and any other non-ASCII text, and is short', () => {
    const xml =
      '<?xml version="1.0"?><soapenv:Envelope><soapenv:Body><sw:X><sw:juyoshaMei>山田 花子</sw:juyoshaMei>' +
      '<sw:juyoshaJusho>大阪府大阪市北区1-2-3</sw:juyoshaJusho><sw:password>hunter2</sw:password><sw:shokaiPassword>Sh0kai-secret</sw:shokaiPassword><sw:memo>連絡先 06-1234-5678 様</sw:memo>' +
      '<sw:juyoshaDenwa>0312345678';
    const ex = redactedExcerpt(xml);
    for (const secret of ['山田', '花子', '大阪', 'hunter2', 'Sh0kai-secret', '06-1234-5678', '0312345678', '連絡先']) expect(ex).not.toContain(secret);
    expect(ex).toContain('<sw:juyoshaMei>[REDACTED]');
    expect(redactedExcerpt('x'.repeat(1000)).length).toBeLessThanOrEqual(301);
  });
});

describe('mappings', () => {
  it('判断NG理由 flags → reason numbers; 受付工程 → state', () => {
    expect(ngReasonsOf('100100001')).toEqual([1, 4, 9]);
    expect(ngReasonsOf(undefined)).toEqual([]);
    expect(['05', '06', '08', '09', '01'].map(processingStateOf)).toEqual(['IN_PROGRESS', 'COMPLETED', 'COMPLETED', 'REJECTED', undefined]);
  });

  it('timeStamp is ISO 8601 in JST', () => {
    expect(jstTimestamp(Date.parse('2030-06-12T01:02:03.004Z'))).toBe('2030-06-12T10:02:03+09:00');
  });
});

describe('RateSpacer', () => {
  it('spaces requests of one key, not of different keys', async () => {
    const s = new RateSpacer(100);
    const t0 = Date.now();
    const at: number[] = [];
    await Promise.all([1, 2, 3].map(async () => at.push((await s.acquire('a'), Date.now() - t0))));
    expect(await s.acquire('b')).toBe(0);
    at.sort((x, y) => x - y);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(95);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(95);
  });

  it('a cancelled wait rejects at once and gives its slot back', async () => {
    let now = 0;
    const s = new RateSpacer(1_000, { now: () => now });
    await s.acquire('a'); // slot 0
    const ac = new AbortController();
    const waiting = s.acquire('a', ac.signal); // slot 1000
    ac.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    now = 1_000;
    expect(await s.acquire('a')).toBe(0); // the freed slot, not 2000
  });

  it('an already aborted signal rejects without reserving', async () => {
    const s = new RateSpacer(1_000);
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    await expect(s.acquire('a', ac.signal)).rejects.toThrow('gone');
    expect(await s.acquire('a')).toBe(0);
  });
});

describe('occtoClientConfigSchema', () => {
  const pem = (label: string) => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;
  const good = {
    endpoint: 'https://occto.example.jp/sw/soap',
    sourceIp: '192.0.2.10',
    companies: { '12343': { cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY'), loginId: 'api1', password: 'p@ss-very-secret' } },
  };

  it('applies the defaults', () => {
    expect(parseOcctoClientConfig(good)).toMatchObject({ timeoutMs: 30_000, minSpacingMs: 1_000, afterResponseMs: 1_000 });
  });

  it.each([
    [{ endpoint: 'http://occto.example.jp' }, 'endpoint'],
    [{ sourceIp: 'localhost' }, 'sourceIp'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ minSpacingMs: -1 }, 'minSpacingMs'],
    [{ companies: {} }, 'companies'],
    [{ companies: { '1234': good.companies['12343'] } }, "companies.1234: companies key '1234' must be exactly 5 digits"],
    [{ companies: { '12343': { ...good.companies['12343'], cert: 'nope' } } }, 'companies.12343.cert'],
    [{ companies: { '12343': { ...good.companies['12343'], key: pem('CERTIFICATE') } } }, 'companies.12343.key'],
  ])('%j → an error naming %s', (over, field) => {
    expect(() => parseOcctoClientConfig({ ...good, ...over })).toThrow(field);
  });

  it('never echoes a secret value', () => {
    const bad = { ...good, companies: { '12343': { ...good.companies['12343'], password: 'x'.repeat(65), key: 'secret-key-material' } } };
    let msg = '';
    try {
      parseOcctoClientConfig(bad);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain('companies.12343.password');
    expect(msg).not.toContain('xxxxxxxx');
    expect(msg).not.toContain('secret-key-material');
  });
});

describe('notifications', () => {
  it('logs a structured notification on the notifications logger and hands it to a sender', async () => {
    const lines: string[] = [];
    const sent: unknown[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
    const n = createNotificationActivities({ logger, send: async (x) => void sent.push(x) });
    const input = { kind: 'ESCALATION' as const, workflowId: 'switching-in/03000', stage: 'AWAIT_JUDGEMENT', message: 'no judgement for 3 days', dueAt: '2030-06-15T09:00:00+09:00' };
    await n.notifyPerson(input);
    const line = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(line).toMatchObject({ component: 'notifications', event: 'notification', ...input, level: 40 });
    expect(sent).toEqual([input]);
  });
});

describe('RateSpacer with afterResponseMs (what the transport uses)', () => {
  it('lets one request per key out at a time, the next only afterResponseMs after the previous response', async () => {
    const s = new RateSpacer(50, Date, 300);
    const t0 = Date.now();
    await s.acquire('a');
    let secondLeft = 0;
    const second = s.acquire('a').then(() => (secondLeft = Date.now() - t0));
    await new Promise((r) => setTimeout(r, 200)); // the first request is still "in flight"
    expect(secondLeft).toBe(0);
    s.release('a'); // response received at ~200 ms
    await second;
    expect(secondLeft).toBeGreaterThanOrEqual(490); // ≥ 200 + 300
    s.release('a');
    expect(await s.acquire('b')).toBe(0); // other keys are independent
  });
});
