// The current retailer's inbox (docs/external-systems/occto-switching.md §5.2: incoming 廃止取次 at least hourly in business hours):
// the watcher over a week with a national holiday on a weekday (time-skipping server), the sweep's
// business calendar, exactly one switching-out workflow per relay however often it is seen, and
// the Schedule on the dev server (the Java test server has no Schedules).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { msToTs, tsToMs } from '@temporalio/common/lib/time.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv } from '../../../../test/support/temporal-env.js';
import { COMPANY, createOcctoHarness, skipTime, supplyPoint, useOcctoHarness, type OcctoHarness } from '../harness.js';
import { SIMULATED_NEW_RETAILER } from '../../simulator/server.js';
import { ensureInboxSchedule, getInboxWatcherStatus, startInboxWatcher, sweepInboxNow } from '../../client/occto-inbox.js';
import { getSwitchingOutStatus } from '../../client/switching-out.js';
import { isBusinessDay, isHoliday } from '../../../../domain/business-calendar.js';
import { inboxScheduleId, inboxSweepVerdict, inboxWatcherWorkflowId } from '../../domain/inbox.js';
import { addDays, jstDate, jstDateTimeMs, jstParts, weekdayOf } from '../../../../domain/jst.js';
import { switchingOutWorkflowId } from '../../domain/switching-out.js';
import { WORKFLOWS_TASK_QUEUE } from '../../../../domain/task-queues.js';
import type { InboxSweepInput, InboxSweepResult } from '../../workflows/incoming-relays.defs.js';

const dir = mkdtempSync(join(tmpdir(), 'inbox-'));
const recordsFile = join(dir, 'records.json');
writeFileSync(recordsFile, JSON.stringify({ records: [] })); // every relay: NOT_FOUND → a person judges
const WORKERS = { minSpacingMs: 50, afterResponseMs: 0, ratePerSecond: 20, customerRecordsFile: recordsFile };
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first Monday after `fromMs` (JST) whose week has a national holiday on a weekday and ≥ 3 business days. */
function holidayWeekMonday(fromMs: number): string {
  let day = addDays(jstDate(fromMs), 1);
  while (weekdayOf(day) !== 1) day = addDays(day, 1);
  for (;; day = addDays(day, 7)) {
    const week = [0, 1, 2, 3, 4].map((i) => addDays(day, i));
    if (week.some(isHoliday) && week.filter(isBusinessDay).length >= 3) return day;
  }
}

describe('inbox on the time-skipping server (OCCTO simulator)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true })); // after the harness's tear-down
  const h = useOcctoHarness({ rateLimit: { capPerSecond: 20 } }, WORKERS);

  /** Runs one sweep workflow to its end (no timer in it: real-time waiting, then its final result). */
  async function sweep(input: InboxSweepInput, id: string): Promise<InboxSweepResult> {
    const handle = await h.client.workflow.start('occtoInboxSweepWorkflow', { taskQueue: WORKFLOWS_TASK_QUEUE, workflowId: id, args: [input] });
    for (let i = 0; i < 300 && (await handle.describe()).status.name === 'RUNNING'; i++) await delay(100);
    return (await h.plainClient.workflow.getHandle(id).result()) as InboxSweepResult;
  }
  const inboxCalls = () => h.sim.calls().filter((c) => c.operation === 'relayInbox');

  it('the watcher sweeps every business hour of a week with a weekday holiday, and never on the holiday, the weekend or outside 09:00–17:00', async () => {
    const monday = holidayWeekMonday((await h.env.currentTimeMs()) + 86_400_000);
    const holiday = [0, 1, 2, 3, 4].map((i) => addDays(monday, i)).find(isHoliday)!;
    // Start on the Sunday before, at noon (after OCCTO's Sunday 00:00–06:00 window).
    const weekStart = jstDateTimeMs(addDays(monday, -1), '12:00');
    await skipTime(h.env, weekStart - (await h.env.currentTimeMs()));
    // Continue-as-new every 20 sweeps: the grid must carry over.
    const watcher = h.client.workflow.getHandle(inboxWatcherWorkflowId(COMPANY));
    onTestFinished(async () => {
      // Terminated with nothing in flight (the test server would keep an activity's time lock otherwise).
      for (let i = 0; i < 100 && (await watcher.describe()).raw.pendingActivities?.length; i++) await delay(100);
      await watcher.terminate('test done').catch(() => undefined);
    });
    const started = await startInboxWatcher(h.client, { company: COMPANY, categories: ['LV'], sweepsBeforeContinueAsNew: 20 });
    expect(started).toEqual({ workflowId: inboxWatcherWorkflowId(COMPANY), started: true });
    expect((await startInboxWatcher(h.client, { company: COMPANY, categories: ['LV'] })).started).toBe(false);
    // Through Saturday evening (OCCTO's Sunday 00:00–06:00 window would hold the forced sweep below).
    const weekEnd = jstDateTimeMs(addDays(monday, 5), '20:00');
    while ((await h.env.currentTimeMs()) < weekEnd) await skipTime(h.env, '4 hours');

    const sweeps = inboxCalls().filter((c) => c.category === 'LV' && c.simulatedAtMs >= weekStart && c.simulatedAtMs < weekEnd);
    const days = [0, 1, 2, 3, 4, 5].map((i) => addDays(monday, i));
    for (const day of days) {
      const ofDay = sweeps.filter((c) => jstDate(c.simulatedAtMs) === day);
      if (!isBusinessDay(day)) {
        expect(ofDay, `${day} is closed`).toHaveLength(0);
        continue;
      }
      const hours = new Set(ofDay.map((c) => jstParts(c.simulatedAtMs).hour));
      for (let hour = 9; hour < 17; hour++) expect(hours.has(hour), `${day} ${hour}:00–${hour + 1}:00 has a sweep`).toBe(true);
      expect(ofDay.every((c) => jstParts(c.simulatedAtMs).hour >= 9 && jstParts(c.simulatedAtMs).hour < 17)).toBe(true);
      expect(ofDay).toHaveLength(16); // every 30 minutes, 09:00–16:30
    }
    expect(sweeps.filter((c) => jstDate(c.simulatedAtMs) === holiday)).toHaveLength(0);
    expect(sweeps.filter((c) => jstDate(c.simulatedAtMs) === addDays(monday, -1))).toHaveLength(0); // Sunday afternoon

    const status = await getInboxWatcherStatus(h.client, COMPANY);
    expect(status.generation).toBeGreaterThanOrEqual(2); // continued-as-new, on the same grid
    expect(status.nextSweepAt).toBeDefined();
    // An operator's "look now" sweeps at once, even on a Saturday.
    const before = inboxCalls().length;
    await sweepInboxNow(h.client, COMPANY);
    for (let i = 0; i < 100 && inboxCalls().length === before; i++) await delay(100);
    expect(inboxCalls().length).toBe(before + 1);
    expect(jstParts(inboxCalls().at(-1)!.simulatedAtMs).weekday).toBe(6);
  });

  it('a sweep skips closed days and the hours outside business hours without any call, unless forced', async () => {
    const now = await h.env.currentTimeMs();
    let holiday = addDays(jstDate(now), 1);
    while (!isHoliday(holiday) || weekdayOf(holiday) === 0 || weekdayOf(holiday) === 6) holiday = addDays(holiday, 1);
    await skipTime(h.env, jstDateTimeMs(holiday, '10:00') - now);
    const before = inboxCalls().length;
    const onHoliday = await sweep({ company: COMPANY, categories: ['LV'] }, `test-sweep-holiday-${holiday}`);
    expect(onHoliday.skipped).toMatch(/national holiday/);
    expect(onHoliday.categories).toEqual([]);
    expect(inboxCalls().length).toBe(before);
    const forced = await sweep({ company: COMPANY, categories: ['LV', 'FIT'], force: true }, `test-sweep-forced-${holiday}`);
    expect(forced.skipped).toBeUndefined();
    expect(forced.categories.map((c) => c.category)).toEqual(['LV', 'FIT']);
    expect(inboxCalls().length).toBe(before + 2);

    let workday = addDays(holiday, 1);
    while (!isBusinessDay(workday)) workday = addDays(workday, 1);
    await skipTime(h.env, jstDateTimeMs(workday, '17:30') - (await h.env.currentTimeMs()));
    const evening = await sweep({ company: COMPANY, categories: ['LV'] }, `test-sweep-evening-${workday}`);
    expect(evening.skipped).toMatch(/outside business hours 09:00–17:00/);
    expect(inboxCalls().length).toBe(before + 2);
  });

  it('a relay seen by many sweeps (at once, one after the other) starts exactly one switching-out workflow; a terminated one is replaced', async () => {
    // A business day morning, so unforced sweeps run.
    let day = addDays(jstDate(await h.env.currentTimeMs()), 1);
    while (!isBusinessDay(day)) day = addDays(day, 1);
    await skipTime(h.env, jstDateTimeMs(day, '10:00') - (await h.env.currentTimeMs()));
    const point = supplyPoint('100');
    const relay = h.sim.injectIncomingRelay({
      toCompany: COMPANY,
      category: 'LV',
      supplyPointId: point,
      newRetailerCode: SIMULATED_NEW_RETAILER,
      customer: { name: '試験 一郎', kana: 'シケン イチロウ', address: '東京都千代田区1-1' },
    });
    const workflowId = switchingOutWorkflowId(COMPANY, relay.haishiToritsugiNo);
    const input: InboxSweepInput = { company: COMPANY, categories: ['LV'] };
    // Two sweeps at once, then a third: the relay is pending (01) all the while — a person judges it.
    const [a, b] = await Promise.all([sweep(input, `test-dup-a-${relay.haishiToritsugiNo}`), sweep(input, `test-dup-b-${relay.haishiToritsugiNo}`)]);
    const c = await sweep(input, `test-dup-c-${relay.haishiToritsugiNo}`);
    const seenBy = [a, b, c].map((r) => r.categories[0]!);
    expect(seenBy.every((s) => s.seen >= 1)).toBe(true);
    expect([a, b, c].filter((r) => r.startedWorkflowIds.includes(workflowId))).toHaveLength(1);
    expect(seenBy.reduce((n, s) => n + s.started, 0) + seenBy.reduce((n, s) => n + s.alreadyStarted, 0)).toBe(seenBy.reduce((n, s) => n + s.seen, 0));

    for (let i = 0; i < 100; i++) {
      const s = await getSwitchingOutStatus(h.client, workflowId).catch(() => undefined);
      if (s?.stage === 'AWAITING_JUDGEMENT') break;
      await delay(100);
    }
    expect((await getSwitchingOutStatus(h.client, workflowId)).stage).toBe('AWAITING_JUDGEMENT');
    // The workflow is terminated while the relay still awaits our judgement: the next sweep starts
    // a new run (ALLOW_DUPLICATE_FAILED_ONLY: a relay is never left without a workflow) — and the
    // sweep after that, with the new run going, starts nothing.
    const firstRun = (await h.client.workflow.getHandle(workflowId).describe()).runId;
    await h.client.workflow.getHandle(workflowId).terminate('test');
    const d = await sweep(input, `test-dup-d-${relay.haishiToritsugiNo}`);
    expect(d.startedWorkflowIds).toContain(workflowId);
    const secondRun = (await h.client.workflow.getHandle(workflowId).describe()).runId;
    expect(secondRun).not.toBe(firstRun);
    const e = await sweep(input, `test-dup-e-${relay.haishiToritsugiNo}`);
    expect(e.startedWorkflowIds).not.toContain(workflowId);
    expect(e.categories[0]!.alreadyStarted).toBeGreaterThanOrEqual(1);
    // No customer data in the sweep results.
    expect(JSON.stringify([a, b, c, d, e])).not.toMatch(/試験|シケン/);
  });
});

describe('inbox Schedule on the dev server', () => {
  let env: TestWorkflowEnvironment;
  let h: OcctoHarness;

  beforeAll(async () => {
    env = await createDevServerEnv();
    h = await createOcctoHarness(env, { rateLimit: { capPerSecond: 20 } });
  });
  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('fires at the cadence in JST business hours on weekdays (a holiday is left to the sweep), and its sweep follows the calendar', async () => {
    const client = env.client;
    const ensured = await ensureInboxSchedule(client, { company: COMPANY, categories: ['LV', 'HV'] });
    expect(ensured).toEqual([
      { scheduleId: inboxScheduleId(COMPANY, 'LV'), category: 'LV', created: true },
      { scheduleId: inboxScheduleId(COMPANY, 'HV'), category: 'HV', created: true },
    ]);
    // Again with another cadence: updated in place, not duplicated.
    const again = await ensureInboxSchedule(client, { company: COMPANY, categories: ['LV'], cadenceMinutes: 20 });
    expect(again).toEqual([{ scheduleId: inboxScheduleId(COMPANY, 'LV'), category: 'LV', created: false }]);
    const lv = client.schedule.getHandle(inboxScheduleId(COMPANY, 'LV'));
    const hv = client.schedule.getHandle(inboxScheduleId(COMPANY, 'HV'));

    const described = await hv.describe();
    expect(described.spec.timezone).toBe('Asia/Tokyo');
    expect(described.info.nextActionTimes.length).toBeGreaterThan(0);
    for (const t of described.info.nextActionTimes) {
      const p = jstParts(t.getTime());
      expect([1, 2, 3, 4, 5]).toContain(p.weekday);
      expect(p.hour >= 9 && p.hour < 17 && p.minute % 30 === 0 && p.second === 0).toBe(true);
    }

    // A whole week with a national holiday on a weekday: 16 instants on each of Monday–Friday.
    const monday = holidayWeekMonday(Date.now());
    const from = jstDateTimeMs(addDays(monday, -1), '00:00');
    const to = jstDateTimeMs(addDays(monday, 6), '00:00');
    const matching = async (scheduleId: string) => {
      const r = await client.workflowService.listScheduleMatchingTimes({ namespace: 'default', scheduleId, startTime: msToTs(from), endTime: msToTs(to) });
      return (r.startTime ?? []).map((t) => tsToMs(t));
    };
    const hvTimes = await matching(inboxScheduleId(COMPANY, 'HV'));
    expect(hvTimes).toHaveLength(5 * 16);
    for (let i = 0; i < 5; i++) {
      const day = addDays(monday, i);
      const ofDay = hvTimes.filter((t) => jstDate(t) === day).map((t) => `${jstParts(t).hour}:${jstParts(t).minute}`);
      expect(ofDay[0]).toBe('9:0');
      expect(ofDay.at(-1)).toBe('16:30');
    }
    expect(hvTimes.some((t) => isHoliday(jstDate(t)))).toBe(true); // the calendar cannot know holidays …
    expect(inboxSweepVerdict(hvTimes.find((t) => isHoliday(jstDate(t)))!)).toMatchObject({ sweep: false }); // … the sweep skips them
    const lvTimes = await matching(inboxScheduleId(COMPANY, 'LV'));
    expect(lvTimes).toHaveLength(5 * 24); // every 20 minutes after the update

    // Triggered now, the sweep runs or skips exactly as the business calendar says for this moment.
    const workers = await h.startWorkers({ minSpacingMs: 50, afterResponseMs: 0, ratePerSecond: 20 });
    await workers.runUntil(async () => {
      const before = h.sim.calls().filter((c) => c.operation === 'relayInbox').length;
      const verdict = inboxSweepVerdict(Date.now());
      await hv.trigger();
      let result: InboxSweepResult | undefined;
      for (let i = 0; i < 100 && !result; i++) {
        const recent = (await hv.describe()).info.recentActions.at(-1);
        if (recent) {
          const run = client.workflow.getHandle(recent.action.workflow.workflowId, recent.action.workflow.firstExecutionRunId);
          if ((await run.describe()).status.name === 'COMPLETED') result = (await run.result()) as InboxSweepResult;
        }
        if (!result) await delay(200);
      }
      expect(result).toBeDefined();
      const calls = h.sim.calls().filter((c) => c.operation === 'relayInbox').length - before;
      if (verdict.sweep) expect(calls).toBe(1);
      else {
        expect(result!.skipped).toBeDefined();
        expect(calls).toBe(0);
      }
    });
    await lv.delete();
    await hv.delete();
  });
});
