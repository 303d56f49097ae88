// Batched OCCTO status tracking on the time-skipping test server, against the real OCCTO
// simulator: one poller per company and category reads every subscribed relay (IS_20210) and
// application (IF_11110) in batches of ≤ 200 and signals only the workflows whose status changed;
// without subscriptions it makes no call; its subscriptions survive continue-as-new. (A vanished
// poller and own polling: status-poller.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { COMPANY, supplyPoint, switchingInput, useOcctoHarness, type StartWorkersOptions } from '../harness.js';
import { getSwitchingInStatus, startSwitchingIn } from '../../client/switching-in.js';
import { WORKFLOWS_TASK_QUEUE } from '../../../../domain/task-queues.js';
import { addDays, jstDate, jstDateTimeMs, jstParts } from '../../../../domain/jst.js';
import type { CallRecord } from '../../simulator/server.js';
import {
  BATCH_MAX,
  STATUS_POLLER_WORKFLOW_TYPE,
  statusPollerStatusQuery,
  statusPollerWorkflowId,
  subscribeStatusSignal,
  unsubscribeStatusSignal,
  type StatusPollerInput,
} from '../../workflows/status-poller.defs.js';

const INTERVAL_MS = 10 * 60_000;
const POLLER_ID = statusPollerWorkflowId(COMPANY, 'LV');
// The batch calls of the LV poller, and the single-record calls a workflow makes on its own.
const RELAY_STATUS = 'IS_20210';
const APPLICATION_BATCH = 'IF_11110';
const SWITCHING_START_STATUS = 'IF_10620';
/** Calls are paced fast here (the pacing has its own tests); the simulator counts violations at 20/s. */
const FAST: StartWorkersOptions = { minSpacingMs: 50, afterResponseMs: 0, ratePerSecond: 20 };

const h = useOcctoHarness({
  // The simulated current retailer judges 25 minutes after registration; applications are done
  // 25 minutes after filing: a few 10-minute poll cycles see each stage.
  timing: { judgementDelayMs: 25 * 60_000, processingDelayMs: 25 * 60_000 },
  rateLimit: { capPerSecond: 20 },
});

beforeAll(async () => {
  // Start at a known calendar point, far from the Sunday 00:00–06:00 JST window: the next Tuesday 10:00 JST.
  const now = await h.env.currentTimeMs();
  let day = addDays(jstDate(now), 1);
  while (jstParts(jstDateTimeMs(day, '12:00')).weekday !== 2) day = addDays(day, 1);
  await h.env.sleep(jstDateTimeMs(day, '10:00') - now);
});

/** Calls recorded after `mark` (a sequence number from sim.calls()). */
const callsSince = (mark: number, ...serviceIds: string[]): CallRecord[] =>
  h.sim.calls().filter((c) => c.seq > mark && (serviceIds.length === 0 || serviceIds.includes(c.serviceId)));
const lastSeq = () => h.sim.calls().at(-1)?.seq ?? 0;

/** Batch calls grouped into poll cycles: the calls of one cycle are seconds apart, cycles ≥ 1 interval. */
function cycles(calls: CallRecord[]): CallRecord[][] {
  const out: CallRecord[][] = [];
  for (const c of [...calls].sort((a, b) => a.seq - b.seq)) {
    const cur = out.at(-1);
    if (cur && c.simulatedAtMs - cur[0]!.simulatedAtMs < INTERVAL_MS / 2) cur.push(c);
    else out.push([c]);
  }
  return out;
}

/** Signals of `name` in a workflow's history, with their event times (epoch ms). */
async function signalsIn(handle: WorkflowHandle, name: string): Promise<number[]> {
  const history = await handle.fetchHistory();
  return history
    .events!.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === name)
    .map((e) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6));
}

/** Waits (real time; Temporal time is locked meanwhile) until `f` returns a value. */
async function eventually<T>(f: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Terminates a workflow once it has no activity in flight. (The Java test server keeps the
 * time-skipping lock of an activity whose workflow was terminated under it: time would stand still.)
 */
async function settleAndTerminate(workflowId: string) {
  const handle = h.client.workflow.getHandle(workflowId);
  for (let i = 0; (await handle.describe()).raw.pendingActivities?.length; i++) {
    if (i > 200) throw new Error(`${workflowId} keeps an activity in flight`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await handle.terminate('test');
}

// Each test starts its own worker set and leaves no workflow running (a stopped worker's sticky
// tasks are not handed back by the Java test server). That server also keeps a 10-year run-timeout
// timer of each run that did not complete, and may jump to it once nothing else is scheduled: the
// tests depend on relative times only.
describe('batched OCCTO status poller (time-skipping server, OCCTO simulator)', () => {
  it('signals only the subscribers whose status changed, with ⌈n/200⌉ batch calls per poll cycle', async () => {
    const w = await h.startWorkers({ ...FAST, statusTracking: { mode: 'batched', intervalMs: INTERVAL_MS } });
    await w.runUntil(async () => {
      const mark = lastSeq();
      const t0 = await h.env.currentTimeMs();
      // 199 subscriptions to relays that are not ours (never in a result, never signalled): with the
      // two real relays below 201 numbers → 2 calls per cycle; once one is judged, 200 → 1 call.
      const others = Array.from({ length: BATCH_MAX - 1 }, (_, i) => ({
        workflowId: `switching-in/${COMPANY}/not-running-${i}`,
        relayNo: `H00000${String(i).padStart(6, '0')}`,
        lastContactAt: t0,
      }));
      const pollerInput: StatusPollerInput = { company: COMPANY, category: 'LV', interval: INTERVAL_MS, relays: others };
      const poller = await h.client.workflow.start(STATUS_POLLER_WORKFLOW_TYPE, { workflowId: POLLER_ID, taskQueue: WORKFLOWS_TASK_QUEUE, args: [pollerInput] });

      const okPoint = supplyPoint('100'); // judged OK after 25 minutes
      const pendingPoint = supplyPoint('880'); // never judged: its status never changes
      const opts = { options: { pollInterval: '10 minutes' } };
      const ok = await startSwitchingIn(h.client, switchingInput(t0, okPoint, opts));
      const pending = await startSwitchingIn(h.client, switchingInput(t0, pendingPoint, opts));

      const result = await ok.handle.result();
      expect(result.outcome).toBe('COMPLETED');
      // Two more cycles with only the unchanged subscriber (and the 199 others) left.
      await h.env.sleep(2 * INTERVAL_MS + 60_000);

      const status = await poller.query(statusPollerStatusQuery);
      expect(status.generation).toBe(0);
      expect(status.relays).toBe(BATCH_MAX); // 199 others + the pending one
      expect(status.applications).toBe(0); // the completed one is gone
      expect(status.dropped).toBe(0); // no signal to a subscriber without a result

      // The unchanged subscriber heard once (its first status, PENDING), never again.
      const pendingRelaySignals = await signalsIn(pending.handle, 'relayResultChanged');
      expect(pendingRelaySignals).toHaveLength(1);
      expect(await signalsIn(pending.handle, 'processingStatusChanged')).toHaveLength(0);
      expect((await getSwitchingInStatus(h.client, pending.workflowId)).stage).toBe('AWAITING_JUDGEMENT');
      // The changed one: PENDING, OK; then 受付工程 05, 06.
      const okRelaySignals = await signalsIn(ok.handle, 'relayResultChanged');
      expect(okRelaySignals).toHaveLength(2);
      expect(await signalsIn(ok.handle, 'processingStatusChanged')).toHaveLength(2);
      expect(status.signalsSent).toBe(5);
      const okEvents = (await getSwitchingInStatus(h.client, ok.workflowId)).events.map((e) => e.event).join('\n');
      expect(okEvents).toContain(`status tracked by the batched poller ${POLLER_ID}`);

      // Neither subscriber polled on its own: every status call was a batch (no point on it).
      expect(callsSince(mark, RELAY_STATUS, SWITCHING_START_STATUS).filter((c) => c.supplyPointId !== undefined)).toEqual([]);
      expect(callsSince(mark, SWITCHING_START_STATUS)).toHaveLength(0);

      // Per cycle: ⌈relays/200⌉ IS_20210 calls (201 numbers until the OK was seen, then 200) and
      // ⌈applications/200⌉ IF_11110 calls (1 while the application was followed).
      const batchCalls = callsSince(mark, RELAY_STATUS, APPLICATION_BATCH);
      expect(batchCalls.every((c) => c.httpStatus === 200 && c.resultCode === 'I00000')).toBe(true);
      const perCycle = cycles(batchCalls);
      expect(perCycle.length).toBe(status.cycles);
      expect(batchCalls.length).toBe(status.calls);
      const okSeenAt = okRelaySignals[1]!;
      const relayCalls = perCycle.map((c) => c.filter((x) => x.serviceId === RELAY_STATUS).length);
      const expectedRelayCalls = perCycle.map((c) => (c[0]!.simulatedAtMs <= okSeenAt ? 2 : 1));
      expect(relayCalls).toEqual(expectedRelayCalls);
      expect(relayCalls.filter((n) => n === 2).length).toBeGreaterThanOrEqual(2);
      expect(relayCalls.filter((n) => n === 1).length).toBeGreaterThanOrEqual(4);
      const appCalls = perCycle.map((c) => c.filter((x) => x.serviceId === APPLICATION_BATCH).length);
      expect(appCalls.every((n) => n <= 1)).toBe(true);
      expect(appCalls.filter((n) => n === 1).length).toBeGreaterThanOrEqual(2); // 05 seen, then 06
      // Cycles are one interval apart (never faster than the fastest subscriber's wish).
      for (let i = 1; i < perCycle.length; i++) {
        expect(perCycle[i]![0]!.simulatedAtMs - perCycle[i - 1]![0]!.simulatedAtMs).toBeGreaterThanOrEqual(INTERVAL_MS - 1_000);
      }

      // Subscriptions never refreshed (no re-subscription, no delivered signal) expire after
      // max(10 intervals, 4 h): the 199 others go. The waiting workflow stays: it re-subscribes
      // when it has heard nothing for a while (no external call, and no repeated signal).
      await h.env.sleep(t0 + 4 * 3_600_000 + INTERVAL_MS - (await h.env.currentTimeMs()));
      let later = await poller.query(statusPollerStatusQuery);
      expect(later).toMatchObject({ dropped: BATCH_MAX - 1, relays: 1, applications: 0, signalsSent: 5 });
      expect(await signalsIn(pending.handle, 'relayResultChanged')).toHaveLength(1);
      expect(callsSince(mark, RELAY_STATUS).filter((c) => c.supplyPointId !== undefined)).toEqual([]);
      // A subscriber that is gone is dropped at its next change: the cancelled workflow withdraws
      // (取消) its relay, the poller's signal about it fails; the poller falls idle and stops calling.
      await pending.handle.cancel();
      await pending.handle.result().catch(() => undefined);
      await h.env.sleep(INTERVAL_MS + 60_000);
      later = await poller.query(statusPollerStatusQuery);
      expect(later).toMatchObject({ dropped: BATCH_MAX, relays: 0, signalsSent: 5 });
      const quietFrom = lastSeq();
      await h.env.sleep('2 hours');
      expect(callsSince(quietFrom)).toHaveLength(0);
      expect((await poller.query(statusPollerStatusQuery)).cycles).toBe(later.cycles);
      await settleAndTerminate(POLLER_ID);
    });
  });

  it('makes no OCCTO call without subscriptions, and stops calling after the last one leaves', async () => {
    const w = await h.startWorkers({ ...FAST, statusTracking: { mode: 'batched', intervalMs: INTERVAL_MS } });
    await w.runUntil(async () => {
      const mark = lastSeq();
      const input: StatusPollerInput = { company: COMPANY, category: 'LV', interval: INTERVAL_MS };
      const poller = await h.client.workflow.start(STATUS_POLLER_WORKFLOW_TYPE, { workflowId: POLLER_ID, taskQueue: WORKFLOWS_TASK_QUEUE, args: [input] });
      await h.env.sleep('3 hours');
      let status = await poller.query(statusPollerStatusQuery);
      expect(status).toMatchObject({ cycles: 0, calls: 0, applications: 0, relays: 0 });
      expect(callsSince(mark)).toHaveLength(0);

      // One subscriber for one cycle: exactly one batch call; then it leaves: silence again.
      await poller.signal(subscribeStatusSignal, { type: 'relay', workflowId: 'switching-in/12346/nobody', relayNo: 'H00000999999' });
      await h.env.sleep(INTERVAL_MS + 60_000);
      expect(callsSince(mark, RELAY_STATUS)).toHaveLength(1);
      await poller.signal(unsubscribeStatusSignal, { workflowId: 'switching-in/12346/nobody' });
      await h.env.sleep('3 hours');
      status = await poller.query(statusPollerStatusQuery);
      expect(status).toMatchObject({ cycles: 1, calls: 1, relays: 0, signalsSent: 0 });
      expect(callsSince(mark)).toHaveLength(1);
      await settleAndTerminate(POLLER_ID);
    });
  });

  it('keeps its subscriptions across continue-as-new: the subscriber gets its final status and completes', async () => {
    // The worker's configuration starts the poller (through the fleet activity) with 2 cycles per run.
    const w = await h.startWorkers({ ...FAST, statusTracking: { mode: 'batched', intervalMs: INTERVAL_MS, cyclesBeforeContinueAsNew: 2 } });
    await w.runUntil(async () => {
      const mark = lastSeq();
      const point = supplyPoint('100');
      const started = await startSwitchingIn(h.client, switchingInput(await h.env.currentTimeMs(), point, { options: { pollInterval: '10 minutes' } }));
      const poller = h.client.workflow.getHandle(POLLER_ID);
      const first = await eventually(async () => {
        const d = await poller.describe();
        return d.status.name === 'RUNNING' ? d.runId : undefined;
      }, 'the poller started by the subscription');

      const result = await started.handle.result();
      expect(result.outcome).toBe('COMPLETED');
      const status = await poller.query(statusPollerStatusQuery);
      const d = await poller.describe();
      // Judged OK after 25 min (3rd cycle), 06 after another 25 (≥ 5th cycle): ≥ 2 continue-as-new.
      expect(status.generation).toBeGreaterThanOrEqual(2);
      expect(d.runId).not.toBe(first);
      expect(d.status.name).toBe('RUNNING');
      expect(status).toMatchObject({ relays: 0, applications: 0 });
      // What the subscriber already knew went over too: each status once, no repeats after a new run.
      expect(await signalsIn(started.handle, 'relayResultChanged')).toHaveLength(2);
      expect(await signalsIn(started.handle, 'processingStatusChanged')).toHaveLength(2);
      const s = await getSwitchingInStatus(h.client, started.workflowId);
      expect(s.processingStage).toBe('06');
      // All of it through batches (≥ 5 cycles), no single-record call.
      expect(callsSince(mark, RELAY_STATUS, SWITCHING_START_STATUS).filter((c) => c.supplyPointId === point)).toEqual([]);
      expect(cycles(callsSince(mark, RELAY_STATUS, APPLICATION_BATCH)).length).toBeGreaterThanOrEqual(5);
      await settleAndTerminate(POLLER_ID);
    });
  });
});
