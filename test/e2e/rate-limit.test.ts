// 30 switchings started at once for one company on the dev server: the occto.<company> queue's
// server-side cap (maxTaskQueueActivitiesPerSecond 0.97) and the client's pacing keep every call at
// least 1 s apart, so the simulator's violation log stays empty while all 30 complete.
// The simulator runs as its own process, as OCCTO is its own system: arrival times are then
// measured on an event loop that the busy worker does not share.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createDevServerEnv, TEST_CODEC_KEYS } from '../support/temporal-env.js';
import { COMPANY, LOGIN, supplyPoint, switchingInput } from '../../systems/occto/test/harness.js';
import { startTs, type Proc } from '../support/processes.js';
import { startSwitchingIn } from '../../systems/occto/client/switching-in.js';
import { createWorkerSet } from '../../worker/workers.js';
import { parseOcctoClientConfig } from '../../systems/occto/activities/config.js';

const N = 30;
let env: TestWorkflowEnvironment;
let sim: Proc;
let info: { endpoint: string; adminUrl: string; caFile: string; clientCerts: Record<string, { cert: string; key: string }> };

beforeAll(async () => {
  env = await createDevServerEnv();
  // Judgement and processing are immediate: every call the flow makes is a rate-limited one.
  sim = startTs('systems/occto/simulator/main.ts', {
    OCCTO_SIM_PORT: '0',
    OCCTO_SIM_ADMIN_PORT: '0',
    OCCTO_SIM_CERT_DIR: join(mkdtempSync(join(tmpdir(), 'denki-rate-')), 'pki'),
    OCCTO_SIM_COMPANIES: COMPANY,
    OCCTO_SIM_LOGIN_ID: LOGIN.loginId,
    OCCTO_SIM_PASSWORD: LOGIN.password,
    OCCTO_SIM_JUDGEMENT_DELAY_MS: '0',
    OCCTO_SIM_PROCESSING_DELAY_MS: '0',
    OCCTO_SIM_LOG_LEVEL: 'warn',
  });
  ({ occtoSimulator: info } = await sim.firstJsonLine<{ occtoSimulator: typeof info }>());
}, 180_000);

afterAll(async () => {
  await sim?.stop();
  await env?.teardown();
});

interface Call {
  company: string;
  receivedAtMs: number;
  httpStatus: number;
}

describe('rate limit: 1 request/s per company', () => {
  it(`${N} switchings started at once all complete with zero violations`, { timeout: 400_000 }, async () => {
    const certs = info.clientCerts[COMPANY]!;
    const w = await createWorkerSet({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      companies: [COMPANY],
      codecKeys: TEST_CODEC_KEYS,
      logger: pino({ level: 'silent' }),
      workflows: { workflowBundle: { codePath: inject('workflowBundle') } },
      occto: {
        client: parseOcctoClientConfig({
          endpoint: info.endpoint,
          sourceIp: '127.0.0.1',
          companies: {
            [COMPANY]: { cert: readFileSync(certs.cert, 'utf8'), key: readFileSync(certs.key, 'utf8'), ca: readFileSync(info.caFile, 'utf8'), ...LOGIN },
          },
        }),
        ratePerSecond: 0.97, // the production default (OCCTO_RATE_PER_SECOND)
        maxConcurrent: 2,
      },
      // Every switching polls on its own here: the most calls per switching, the hardest test of the cap.
      temporalClient: env.client,
      statusTracking: { mode: 'own', intervalMs: 5_000 },
    });
    await w.runUntil(async () => {
      const t0 = Date.now();
      const handles = await Promise.all(
        Array.from({ length: N }, () => startSwitchingIn(env.client, switchingInput(t0, supplyPoint('100'), { options: { pollInterval: '5 seconds' } }))),
      );
      const results = await Promise.all(handles.map((s) => s.handle.result()));
      const elapsedS = (Date.now() - t0) / 1000;
      expect(results.every((r) => r.outcome === 'COMPLETED')).toBe(true);

      const calls = ((await (await fetch(`${info.adminUrl}/calls`)).json()) as Call[]).filter((c) => c.company === COMPANY);
      const violations = (await (await fetch(`${info.adminUrl}/violations`)).json()) as unknown[];
      const gaps = calls.slice(1).map((c, i) => c.receivedAtMs - calls[i]!.receivedAtMs);
      const minGap = Math.min(...gaps);
      console.log(
        `rate test: ${N} switchings, ${calls.length} calls, ${violations.length} violations, ` +
          `min gap ${minGap} ms, ${(calls.length / elapsedS).toFixed(2)} calls/s, elapsed ${elapsedS.toFixed(1)} s`,
      );
      expect(calls.length).toBeGreaterThanOrEqual(4 * N); // register, result, apply, status
      expect(violations).toEqual([]);
      expect(minGap).toBeGreaterThanOrEqual(1000);
      expect(calls.every((c) => c.httpStatus === 200)).toBe(true);
    });
  });
});
