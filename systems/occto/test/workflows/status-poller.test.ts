// The batched status poller on the time-skipping server against the real OCCTO simulator: it
// signals the right workflows (after the first status, only the one whose status changed), keeps
// its subscriptions over continue-as-new, is restarted by a subscriber when it vanished, and the
// workflows poll on their own only when no poller is configured. Each test uses its own category
// (one poller per company and category), so a poller of an earlier test never gets in the way.
import { describe, expect, it } from 'vitest';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { COMPANY, skipTime, supplyPoint, switchingInput, useOcctoHarness, type StartWorkersOptions } from '../harness.js';
import { getSwitchingInStatus, startSwitchingIn } from '../../client/switching-in.js';
import type { SwitchingInStatus } from '../../workflows/switching-in.defs.js';
import { statusPollerStatusQuery, statusPollerWorkflowId } from '../../workflows/status-poller.defs.js';
import type { Category } from '../../../../domain/categories.js';
import { recordReplayFixture } from '../../../../test/support/replay-fixtures.js';

const INTERVAL = 10 * 60_000;
const FAST: StartWorkersOptions = { minSpacingMs: 50, afterResponseMs: 0, ratePerSecond: 20 };

// Judged 25 minutes after registration, processed 25 minutes after the application.
const h = useOcctoHarness({ timing: { judgementDelayMs: 25 * 60_000, processingDelayMs: 25 * 60_000 }, rateLimit: { capPerSecond: 20 } });

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TERMINAL = ['COMPLETED', 'ABANDONED', 'CANCELLED'];

/** Drives Temporal time (never result() on a running workflow) until every status satisfies `done`. */
async function until(workflowIds: string[], done: (s: SwitchingInStatus) => boolean, maxSteps = 200): Promise<SwitchingInStatus[]> {
  let last: (SwitchingInStatus | undefined)[] = [];
  for (let i = 0; i < maxSteps; i++) {
    last = await Promise.all(workflowIds.map((id) => getSwitchingInStatus(h.client, id).catch(() => undefined)));
    if (last.every((s) => s && done(s))) return last as SwitchingInStatus[];
    if (i < 4) await delay(250);
    else await skipTime(h.env, '5 minutes');
  }
  throw new Error(`not there: ${JSON.stringify(last.map((s) => s && { id: s.workflowId, stage: s.stage }))}`);
}

async function signalsIn(handle: WorkflowHandle, name: string): Promise<number> {
  const history = await handle.fetchHistory();
  return history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name).length;
}

const inputFor = async (point: string, category: Category) =>
  switchingInput(await h.env.currentTimeMs(), point, { category, options: { pollInterval: '10 minutes' } });
/** Single-record status calls (IS_x20210 / IF_x10620) a workflow made for its own point. */
const ownStatusCalls = (point: string) => h.sim.calls().filter((c) => c.supplyPointId === point && (c.operation === 'relayResult' || c.operation === 'switchingStartStatus'));
const batchCalls = (category: Category) => h.sim.calls().filter((c) => c.category === category && (c.operation === 'statusList' || (c.operation === 'relayResult' && c.supplyPointId === undefined)));

describe('batched status poller (time-skipping server, OCCTO simulator)', () => {
  it('signals the right workflows and keeps its subscriptions over continue-as-new', async () => {
    // Continue-as-new after every 2 poll cycles: the switching needs ~8 cycles.
    const w = await h.startWorkers({ ...FAST, statusTracking: { mode: 'batched', intervalMs: INTERVAL, cyclesBeforeContinueAsNew: 2 } });
    await w.runUntil(async () => {
      const okPoint = supplyPoint('100'); // judged OK, then processed
      const pendingPoint = supplyPoint('880'); // never judged: its status never changes
      const ok = await startSwitchingIn(h.client, await inputFor(okPoint, 'LV'));
      const pending = await startSwitchingIn(h.client, await inputFor(pendingPoint, 'LV'));
      const [okDone] = await until([ok.workflowId], (s) => TERMINAL.includes(s.stage));
      expect(okDone!.stage).toBe('COMPLETED');
      await recordReplayFixture('switching-in-batched-tracking', ok.handle);
      await skipTime(h.env, 3 * INTERVAL); // more cycles with only the unchanged subscriber left

      const poller = h.client.workflow.getHandle(statusPollerWorkflowId(COMPANY, 'LV'));
      const status = await poller.query(statusPollerStatusQuery);
      expect(status.generation).toBeGreaterThanOrEqual(3); // continued-as-new several times
      expect(status.relays).toBe(1); // the pending one is still followed
      expect(status.applications).toBe(0);

      // First status to each; after that only the one whose status changed: PENDING → OK, 05 → 06.
      expect(await signalsIn(ok.handle, 'relayResultChanged')).toBe(2);
      expect(await signalsIn(ok.handle, 'processingStatusChanged')).toBe(2);
      expect(await signalsIn(pending.handle, 'relayResultChanged')).toBe(1);
      expect((await getSwitchingInStatus(h.client, pending.workflowId)).stage).toBe('AWAITING_JUDGEMENT');

      // No workflow polled its own point: the statuses came from batch calls.
      expect(ownStatusCalls(okPoint)).toHaveLength(0);
      expect(ownStatusCalls(pendingPoint)).toHaveLength(0);
      expect(batchCalls('LV').length).toBeGreaterThanOrEqual(4);
      // External calls per completed switching: 廃止取次登録 + 開始申請 + its share of the batch calls.
      expect(h.sim.calls().filter((c) => c.supplyPointId === okPoint).map((c) => c.operation).sort()).toEqual(['relayRegister', 'switchingStart']);

      await pending.handle.terminate('test done');
    });
  });

  it('a vanished poller is started again by its subscriber (re-subscription after a quiet period)', async () => {
    const w = await h.startWorkers({ ...FAST, statusTracking: { mode: 'batched', intervalMs: INTERVAL } });
    await w.runUntil(async () => {
      const point = supplyPoint('100');
      const { workflowId } = await startSwitchingIn(h.client, await inputFor(point, 'FIT'));
      await until([workflowId], (s) => s.stage === 'AWAITING_JUDGEMENT' && s.events.some((e) => e.event.includes('batched poller')));
      const poller = h.client.workflow.getHandle(statusPollerWorkflowId(COMPANY, 'FIT'));
      const firstRun = (await poller.describe()).runId;
      // Someone terminates the poller: the subscriber hears nothing, subscribes again and the
      // signalWithStart starts a new poller run that carries the switching to its end.
      await poller.terminate('operator mistake');
      const [done] = await until([workflowId], (s) => TERMINAL.includes(s.stage));
      expect(done!.stage).toBe('COMPLETED');
      const restarted = await poller.describe();
      expect(restarted.runId).not.toBe(firstRun);
      expect(restarted.status.name).toBe('RUNNING');
      expect(ownStatusCalls(point)).toHaveLength(0);
      await poller.terminate('test done');
    });
  });

  it("tracking mode 'own': no poller at all, each workflow polls its own records", async () => {
    const w = await h.startWorkers({ ...FAST, statusTracking: { mode: 'own', intervalMs: INTERVAL } });
    await w.runUntil(async () => {
      const point = supplyPoint('100');
      const before = batchCalls('HV').length;
      const { workflowId } = await startSwitchingIn(h.client, await inputFor(point, 'HV'));
      const [done] = await until([workflowId], (s) => TERMINAL.includes(s.stage));
      expect(done!.stage).toBe('COMPLETED');
      expect(done!.events.map((e) => e.event).join('\n')).toMatch(/status tracking configured as own polling/);
      expect(ownStatusCalls(point).length).toBeGreaterThanOrEqual(2);
      expect(batchCalls('HV').length).toBe(before);
      const err = await h.client.workflow.getHandle(statusPollerWorkflowId(COMPANY, 'HV')).describe().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowNotFoundError);
    });
  });
});
