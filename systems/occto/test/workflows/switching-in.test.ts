// New-retailer switching on the time-skipping test server, against the real OCCTO simulator
// over mutual TLS. Each test uses its own supply point, so one simulator serves the file.
import { describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { jstDay, supplyPoint, switchingInput, useOcctoHarness } from '../harness.js';
import {
  DecisionRejectedError,
  InvalidInputError,
  cancelSwitchingIn,
  decideSwitchingIn,
  getSwitchingInStatus,
  startSwitchingIn,
} from '../../client/switching-in.js';
import type { SwitchingInStage } from '../../workflows/switching-in.defs.js';
import { jstDateTimeMs, jstParts, addDays, jstDate } from '../../../../domain/jst.js';
import { recordReplayFixture } from '../../../../test/support/replay-fixtures.js';

const h = useOcctoHarness({
  // Simulated time: judgement an hour after registration, processing done three hours after the
  // application; the workflow polls every 30 minutes and time skipping does the waiting. (Each
  // call still takes ≥ 1.05 s of real time: the rate spacer is real, so polls are kept few.)
  timing: { judgementDelayMs: 3_600_000, processingDelayMs: 3 * 3_600_000, hangMs: 8_000 },
});

/** Skips Temporal time in steps until the workflow reaches `stage` (time is locked otherwise). */
async function waitForStage(workflowId: string, stage: SwitchingInStage, step = '10 minutes', maxSteps = 400) {
  for (let i = 0; i < maxSteps; i++) {
    const s = await getSwitchingInStatus(h.client, workflowId).catch(() => undefined);
    if (s?.stage === stage) return s;
    if (i < 5) await new Promise((r) => setTimeout(r, 200));
    else await h.env.sleep(step);
  }
  throw new Error(`workflow ${workflowId} never reached ${stage}`);
}

const relaysOf = (point: string) => h.sim.state().relays.filter((r) => r.supplyPointId === point);
const applicationsOf = (point: string) => h.sim.state().applications.filter((a) => a.supplyPointId === point && a.kind === 'start');

describe('switching-in workflow (time-skipping server, OCCTO simulator)', () => {
  it('happy path: 廃止取次 → OK → 開始申請 → 受付工程 06; a second start returns the running one', async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      const point = supplyPoint('100');
      const input = switchingInput(await h.env.currentTimeMs(), point);
      const first = await startSwitchingIn(h.client, input);
      const second = await startSwitchingIn(h.client, input);
      expect(first.started).toBe(true);
      expect(second.started).toBe(false);
      expect(second.workflowId).toBe(first.workflowId);
      expect(first.workflowId).toBe(`switching-in/12346/${point}`);

      const result = await first.handle.result();
      if (result.outcome !== 'COMPLETED') console.log(JSON.stringify(await getSwitchingInStatus(h.client, first.workflowId), null, 1));
      expect(result.outcome).toBe('COMPLETED');
      if (result.outcome !== 'COMPLETED') return;
      expect(result.relayNo).toBe(relaysOf(point)[0]!.haishiToritsugiNo);
      expect(result.applicationNo).toBe(applicationsOf(point)[0]!.moshikomiNo);
      expect(result.switchingDate).toBe(input.supplyStartDate);
      expect(relaysOf(point)).toHaveLength(1);

      await recordReplayFixture('switching-in-happy-path', first.handle);
      const status = await getSwitchingInStatus(h.client, first.workflowId);
      expect(status.stage).toBe('COMPLETED');
      expect(status.awaitingHuman).toBe(false);
      expect(status.processingStage).toBe('06');
      // The status and search attributes carry no personal data.
      expect(JSON.stringify(status)).not.toContain('電気');
      const desc = await first.handle.describe();
      expect(desc.typedSearchAttributes.get({ name: 'DenkiStage', type: 'KEYWORD' } as never)).toBe('COMPLETED');
      expect(JSON.stringify(desc.searchAttributes)).not.toContain('電気');
    });
  });

  it('refuses bad input at the client with every field named, and starts nothing', async () => {
    const input = switchingInput(await h.env.currentTimeMs(), '0312', { category: 'MV', customer: { name: '', kana: 'abc', address: 'x' } });
    const err = await startSwitchingIn(h.client, input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    const fields = (err as InvalidInputError).violations.map((v) => v.field);
    expect(fields).toEqual(expect.arrayContaining(['supplyPointId', 'category', 'customer.name', 'customer.kana']));
    expect((err as Error).message).toContain('supplyPointId must be exactly 22 digits');
  });

  it('NG → a person corrects named fields and resubmits → OK; invalid decisions are rejected by the validator', async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      const point = supplyPoint('802'); // ng-once
      const now = await h.env.currentTimeMs();
      const { workflowId, handle } = await startSwitchingIn(h.client, switchingInput(now, point));
      const waiting = await waitForStage(workflowId, 'AWAITING_DECISION');
      expect(waiting.decision?.reason).toBe('RELAY_NG');
      expect(waiting.decision?.ngReasons).toEqual([2]);
      expect(waiting.awaitingHuman).toBe(true);

      // Rejected before entering history: wrong action, no corrections, an impossible date.
      await expect(decideSwitchingIn(h.client, workflowId, { action: 'retry', decidedBy: 'approver1' })).rejects.toThrow(/action must be one of resubmit, abandon/);
      await expect(decideSwitchingIn(h.client, workflowId, { action: 'resubmit', decidedBy: 'approver1', corrections: {} })).rejects.toThrow(DecisionRejectedError);
      const tooLate = jstDay(await h.env.currentTimeMs(), 60);
      await expect(
        decideSwitchingIn(h.client, workflowId, { action: 'resubmit', decidedBy: 'approver1', corrections: { supplyStartDate: tooLate } }),
      ).rejects.toThrow(/supplyStartDate/);
      await expect(
        decideSwitchingIn(h.client, workflowId, { action: 'resubmit', decidedBy: 'approver1', corrections: { unknownField: 1 } as never }),
      ).rejects.toThrow(/corrections/);

      const newDate = jstDay(await h.env.currentTimeMs(), 12);
      const accepted = await decideSwitchingIn(h.client, workflowId, {
        action: 'resubmit',
        decidedBy: 'approver1',
        corrections: { supplyStartDate: newDate, customer: { kana: 'デンキ タロウ' } },
      });
      expect(accepted).toEqual({ accepted: true, action: 'resubmit', nextStage: 'REGISTERING_RELAY' });
      const result = await handle.result();
      expect(result.outcome).toBe('COMPLETED');
      const relays = relaysOf(point);
      expect(relays.map((r) => r.jokyoCode).sort()).toEqual(['02', '03']);
      expect(relays.find((r) => r.jokyoCode === '02')!.kyokyuKaishiBi).toBe(newDate);
      await recordReplayFixture('switching-in-ng-resubmit', handle);
      const status = await getSwitchingInStatus(h.client, workflowId);
      expect(status.submission).toBe(2);

      // Only the accepted update is in history.
      const history = await handle.fetchHistory();
      const accepts = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(accepts).toHaveLength(1);
    });
  });

  it('NG → abandon: ends ABANDONED with the reason, nothing left open', async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      const point = supplyPoint('801'); // always NG
      const { workflowId, handle } = await startSwitchingIn(h.client, switchingInput(await h.env.currentTimeMs(), point));
      await waitForStage(workflowId, 'AWAITING_DECISION');
      await decideSwitchingIn(h.client, workflowId, { action: 'abandon', decidedBy: 'approver2', reason: 'customer withdrew' });
      const result = await handle.result();
      expect(result).toEqual({ outcome: 'ABANDONED', reason: 'customer withdrew', decidedBy: 'approver2' });
      expect(relaysOf(point).map((r) => r.jokyoCode)).toEqual(['03']);
    });
  });

  it('no decision by the deadline: reminders, then escalation and ABANDONED', async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      const point = supplyPoint('801');
      const input = switchingInput(await h.env.currentTimeMs(), point, { options: { pollInterval: '30 minutes', decisionDeadline: '2 days', reminderInterval: '12 hours' } });
      const { handle } = await startSwitchingIn(h.client, input);
      const result = await handle.result();
      expect(result.outcome).toBe('ABANDONED');
      if (result.outcome === 'ABANDONED') expect(result.reason).toMatch(/no decision before the deadline/);
      const history = await handle.fetchHistory();
      const notices = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notifyPerson');
      // 1 "decision needed" + 3 reminders (12 h, 24 h, 36 h) + 1 escalation
      expect(notices).toHaveLength(5);
    });
  });

  it('cancel while awaiting processing: 開始申請 and 廃止取次 are cancelled (取消), workflow ends cancelled', async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      const point = supplyPoint('100');
      const { workflowId, handle } = await startSwitchingIn(h.client, switchingInput(await h.env.currentTimeMs(), point));
      await waitForStage(workflowId, 'AWAITING_PROCESSING');
      await cancelSwitchingIn(h.client, workflowId);
      const err = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      await recordReplayFixture('switching-in-cancelled', handle);
      expect(relaysOf(point).map((r) => r.jokyoCode)).toEqual(['06']);
      expect(applicationsOf(point)).toHaveLength(1);
      expect(applicationsOf(point)[0]!.cancelledAtMs).toBeDefined();
      const status = await getSwitchingInStatus(h.client, workflowId);
      expect(status.stage).toBe('CANCELLED');
    });
  });

  it('a lost response after the write (timeout) is retried without registering twice', async () => {
    const w = await h.startWorkers({ timeoutMs: 3_000 });
    await w.runUntil(async () => {
      const point = supplyPoint('850'); // timeout-once: the first registration is stored, its response lost
      const { workflowId, handle } = await startSwitchingIn(h.client, switchingInput(await h.env.currentTimeMs(), point));
      const result = await handle.result();
      expect(result.outcome).toBe('COMPLETED');
      expect(relaysOf(point)).toHaveLength(1);
      const status = await getSwitchingInStatus(h.client, workflowId);
      expect(status.events.map((e) => e.event).join('\n')).toMatch(/not registered twice/);
    });
  });

  it('an announced ad-hoc window and an unannounced 503: no call inside the known window, the 503 is waited out', async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      const now = await h.env.currentTimeMs();
      const point = supplyPoint('100');
      // Known window: from 30 minutes to 5 hours from now (the judgement is due after 1 hour).
      const known = { start: now + 30 * 60_000, end: now + 5 * 3_600_000, reason: 'announced notice' };
      h.sim.addMaintenance(known);
      // Unannounced: from 6 to 7 hours (while processing is followed, 5–8 hours).
      h.sim.addMaintenance({ start: now + 6 * 3_600_000, end: now + 7 * 3_600_000, reason: 'unannounced' });
      const input = switchingInput(now, point, { options: { pollInterval: '30 minutes', maintenance: { weekly: [], adHoc: [known] }, unannouncedOutageRetry: '20 minutes' } });
      const { workflowId, handle } = await startSwitchingIn(h.client, input);
      const result = await handle.result();
      expect(result.outcome).toBe('COMPLETED');
      const calls = h.sim.calls().filter((c) => c.supplyPointId === point);
      const inKnown = calls.filter((c) => c.simulatedAtMs >= known.start && c.simulatedAtMs < known.end);
      expect(inKnown).toHaveLength(0);
      const status = await getSwitchingInStatus(h.client, workflowId);
      const events = status.events.map((e) => e.event).join('\n');
      expect(events).toMatch(/waiting for maintenance \(announced notice\)/);
      // The unannounced window was met at most a couple of times and answered 503, never failing the flow.
      const in503 = calls.filter((c) => c.inMaintenance);
      expect(in503.every((c) => c.httpStatus === 503)).toBe(true);
      expect(in503.length).toBeGreaterThanOrEqual(1);
      expect(events).toMatch(/unannounced maintenance \(HTTP 503\)/);
      await recordReplayFixture('switching-in-maintenance', handle);
    });
  });

  it('the weekly Sunday 00:00–06:00 JST window: no call inside it, the flow resumes at 06:00', async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      // Skip Temporal time to Saturday 23:40 JST, then start.
      let now = await h.env.currentTimeMs();
      let day = jstDate(now);
      while (jstParts(jstDateTimeMs(day, '12:00')).weekday !== 6) day = addDays(day, 1);
      let target = jstDateTimeMs(day, '23:40');
      if (target <= now) target = jstDateTimeMs(addDays(day, 7), '23:40');
      await h.env.sleep(target - now);
      now = await h.env.currentTimeMs();
      const point = supplyPoint('100');
      const { handle } = await startSwitchingIn(h.client, switchingInput(now, point));
      const result = await handle.result();
      expect(result.outcome).toBe('COMPLETED');
      const calls = h.sim.calls().filter((c) => c.supplyPointId === point);
      expect(calls.filter((c) => c.inMaintenance)).toHaveLength(0);
      const sunday = jstDateTimeMs(addDays(day, 1), '00:00');
      const inside = calls.filter((c) => c.simulatedAtMs >= sunday && c.simulatedAtMs < sunday + 6 * 3_600_000);
      expect(inside).toHaveLength(0);
      // It did call right before and after the window.
      expect(calls.some((c) => c.simulatedAtMs < sunday)).toBe(true);
      expect(calls.some((c) => c.simulatedAtMs >= sunday + 6 * 3_600_000)).toBe(true);
    });
  });

  it('a worker restarted mid-flow: the new worker picks up where the old one stopped', async () => {
    const point = supplyPoint('100');
    let workflowId = '';
    // No sticky cache for the first worker: the Java test server does not hand a stopped worker's
    // sticky tasks back to the shared queue (real servers do). The second worker then rebuilds the
    // workflow from history alone, which is what a restart means.
    const first = await h.startWorkers({ maxCachedWorkflows: 0 });
    await first.runUntil(async () => {
      ({ workflowId } = await startSwitchingIn(h.client, switchingInput(await h.env.currentTimeMs(), point)));
      await waitForStage(workflowId, 'AWAITING_PROCESSING');
    });
    // first is shut down now; the workflow waits on a timer with nobody polling.
    const second = await h.startWorkers();
    await second.runUntil(async () => {
      const result = await h.client.workflow.getHandle(workflowId).result();
      expect(result.outcome).toBe('COMPLETED');
    });
    expect(relaysOf(point)).toHaveLength(1);
    expect(applicationsOf(point)).toHaveLength(1);
  });
});
