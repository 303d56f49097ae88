// 30 switchings started at once for one company on the dev server: the occto.<company> queue's
// server-side cap (maxTaskQueueActivitiesPerSecond 0.9) and the client's spacer keep every call at
// least 1 s apart, so the simulator's violation log stays empty while all 30 complete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv } from '../support/temporal-env.js';
import { COMPANY, createOcctoHarness, supplyPoint, switchingInput, type OcctoHarness } from '../support/occto-harness.js';
import { startSwitchingIn } from '../../client/switching-in.js';

const N = 30;
let env: TestWorkflowEnvironment;
let h: OcctoHarness;

beforeAll(async () => {
  env = await createDevServerEnv();
  // Judgement and processing are immediate: every call the flow makes is a rate-limited one.
  h = await createOcctoHarness(env, { timing: { judgementDelayMs: 0, processingDelayMs: 0 } });
});

afterAll(async () => {
  await h?.close();
  await env?.teardown();
});

describe('rate limit: 1 request/s per company', () => {
  it(`${N} switchings started at once all complete with zero violations`, async () => {
    const w = await h.startWorkers({ followTemporalClock: false });
    await w.runUntil(async () => {
      const t0 = Date.now();
      const now = Date.now();
      const handles = await Promise.all(
        Array.from({ length: N }, () => startSwitchingIn(h.client, switchingInput(now, supplyPoint('100'), { options: { pollInterval: '5 seconds' } }))),
      );
      const results = await Promise.all(handles.map((s) => s.handle.result()));
      const elapsedS = (Date.now() - t0) / 1000;
      expect(results.every((r) => r.outcome === 'COMPLETED')).toBe(true);

      const calls = h.sim.calls().filter((c) => c.company === COMPANY);
      const gaps = calls.slice(1).map((c, i) => c.receivedAtMs - calls[i]!.receivedAtMs);
      const minGap = Math.min(...gaps);
      const violations = h.sim.violations();
      console.log(
        `rate test: ${N} switchings, ${calls.length} calls, ${violations.length} violations, ` +
          `min gap ${minGap} ms, ${(calls.length / elapsedS).toFixed(2)} calls/s, elapsed ${elapsedS.toFixed(1)} s`,
      );
      expect(calls.length).toBeGreaterThanOrEqual(4 * N); // register, result, apply, status
      expect(violations).toEqual([]);
      expect(minGap).toBeGreaterThanOrEqual(1000);
      expect(calls.every((c) => c.httpStatus === 200)).toBe(true);
    });
  }, 400_000);
});
