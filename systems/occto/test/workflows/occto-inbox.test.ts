// The current retailer's inbox of incoming 廃止取次 (docs/external-systems/occto-switching.md §5.2: look at least once an hour in
// weekday business hours), on the time-skipping test server against the real OCCTO simulator: the
// long-running watcher across a week with a national holiday, one workflow per relay however often
// it is seen, single sweeps that skip closed days and hours; and the Schedule's calendar on the
// dev server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import holidayJp from '@holiday-jp/holiday_jp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { msNumberToTs, tsToMs } from '@temporalio/common/lib/time.js';
import { createDevServerEnv } from '../../../../test/support/temporal-env.js';
import { COMPANY, supplyPoint, useOcctoHarness } from '../harness.js';
import { getSwitchingOutStatus } from '../../client/switching-out.js';
import { ensureInboxSchedule, getInboxWatcherStatus, startInboxWatcher, sweepInboxNow } from '../../client/occto-inbox.js';
import { addDays, jstDate, jstDateTimeMs, jstMidnightMs, jstParts, weekdayOf } from '../../../../domain/jst.js';
import { inboxWatcherWorkflowId } from '../../domain/inbox.js';
import { switchingOutWorkflowId } from '../../domain/switching-out.js';
import { WORKFLOWS_TASK_QUEUE } from '../../../../domain/task-queues.js';
import { SIMULATED_NEW_RETAILER } from '../../simulator/server.js';
import { INBOX_SWEEP_WORKFLOW_TYPE, type InboxSweepInput, type InboxSweepResult } from '../../workflows/incoming-relays.defs.js';

const INBOX = 'IS_20310'; // 廃止取次照会, LV
const HOUR = 3_600_000;
const CUSTOMER = { name: '電気 花子', kana: 'デンキ ハナコ', address: '大阪府大阪市北区中之島3-6-16', phone: '06-6441-8821' };

const dir = mkdtempSync(join(tmpdir(), 'occto-inbox-'));

// Registered before the harness: runs before its set-up, and after its tear-down.
beforeAll(() => {
  // No customer of ours in the records: a started switching-out workflow waits for a person to judge.
  writeFileSync(join(dir, 'records.json'), JSON.stringify({ records: [] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One worker set for the file (the Java test server does not hand a stopped worker's sticky
// tasks back to the shared queue). Calls are paced fast; the simulator counts violations at 20/s.
const h = useOcctoHarness(
  { rateLimit: { capPerSecond: 20 } },
  { minSpacingMs: 50, afterResponseMs: 0, ratePerSecond: 20, customerRecordsFile: join(dir, 'records.json') },
);

// ---- an oracle of the business calendar, independent of domain/business-calendar.ts -------------
const HOLIDAYS: Readonly<Record<string, { name: string } | undefined>> = holidayJp.holidays;
const isYearEnd = (d: string) => d.slice(5) >= '12-29' || d.slice(5) <= '01-03';
const isWeekend = (d: string) => weekdayOf(d) === 0 || weekdayOf(d) === 6;
const isOpen = (d: string) => !isWeekend(d) && HOLIDAYS[d] === undefined && !isYearEnd(d);
/** Instants in (from, to) every `stepMinutes` from 09:00 to before 17:00 JST on the days `day` accepts. */
function instants(from: number, to: number, stepMinutes = 30, day: (d: string) => boolean = isOpen): number[] {
  const out: number[] = [];
  for (let d = jstDate(from); jstMidnightMs(d) < to; d = addDays(d, 1)) {
    if (!day(d)) continue;
    for (let m = 9 * 60; m < 17 * 60; m += stepMinutes) {
      const t = jstMidnightMs(d) + m * 60_000;
      if (t > from && t < to) out.push(t);
    }
  }
  return out;
}
/** The sweep instants of the business calendar (09:00, 09:30 … 16:30 JST on open days). */
const gridInstants = (from: number, to: number) => instants(from, to);
/** A Monday–Friday calendar's instants (it cannot know holidays). */
const weekdayInstants = (from: number, to: number, stepMinutes = 30) => instants(from, to, stepMinutes, (d) => !isWeekend(d));
const jst = (ms: number) => new Date(ms + 9 * HOUR).toISOString().slice(0, 16).replace('T', ' ');

const callsSince = (mark: number, serviceId?: string) => h.sim.calls().filter((c) => c.seq > mark && (serviceId === undefined || c.serviceId === serviceId));
const lastSeq = () => h.sim.calls().at(-1)?.seq ?? 0;

async function sweep(workflowId: string, input: Partial<InboxSweepInput> = {}): Promise<InboxSweepResult> {
  const args: [InboxSweepInput] = [{ company: COMPANY, categories: ['LV'], ...input }];
  return h.client.workflow.execute(INBOX_SWEEP_WORKFLOW_TYPE, { workflowId, taskQueue: WORKFLOWS_TASK_QUEUE, args });
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
  await handle.terminate('test done');
}

async function skipTo(ms: number) {
  const now = await h.env.currentTimeMs();
  if (ms > now) await h.env.sleep(ms - now);
}

function injectRelay() {
  return h.sim.injectIncomingRelay({ toCompany: COMPANY, category: 'LV', supplyPointId: supplyPoint('100'), newRetailerCode: SIMULATED_NEW_RETAILER, customer: CUSTOMER });
}

// The order matters: the Java test server keeps a 10-year run-timeout timer of every run that did
// not complete (terminated, cancelled, continued-as-new) and jumps to it when nothing else is
// scheduled. The tests that need exact instants come first; the watcher's (it continues-as-new
// and is terminated) second; the one that does not care about the date last.
describe('current retailer inbox (time-skipping server, OCCTO simulator)', () => {
  it('a sweep skips national holidays, the year-end closure, weekends and the hours outside 09:00–17:00, with no call', async () => {
    const today = jstDate(await h.env.currentTimeMs());
    let holiday = addDays(today, 1);
    while (HOLIDAYS[holiday] === undefined || isWeekend(holiday) || isYearEnd(holiday)) holiday = addDays(holiday, 1);
    let yearEnd = addDays(today, 1);
    while (!isYearEnd(yearEnd) || isWeekend(yearEnd) || HOLIDAYS[yearEnd] !== undefined) yearEnd = addDays(yearEnd, 1);
    let saturday = addDays(today, 1);
    while (weekdayOf(saturday) !== 6) saturday = addDays(saturday, 1);
    let open = addDays(holiday, 1);
    while (!isOpen(open)) open = addDays(open, 1);
    let nextOpen = addDays(open, 1);
    while (!isOpen(nextOpen)) nextOpen = addDays(nextOpen, 1);

    const cases: Array<{ at: number; skipped?: RegExp }> = [
      { at: jstDateTimeMs(holiday, '10:00'), skipped: new RegExp(`${holiday} is not a business day \\(national holiday ${HOLIDAYS[holiday]!.name}\\)`) },
      { at: jstDateTimeMs(yearEnd, '10:00'), skipped: /is not a business day \(year-end closure/ },
      { at: jstDateTimeMs(saturday, '10:00'), skipped: /is not a business day \(weekend\)/ },
      { at: jstDateTimeMs(open, '08:59'), skipped: /outside business hours 09:00–17:00 JST/ },
      { at: jstDateTimeMs(open, '09:00') },
      { at: jstDateTimeMs(open, '16:59') },
      // On another day: the test server may run a little ahead after a sweep that called OCCTO.
      { at: jstDateTimeMs(nextOpen, '17:00'), skipped: /outside business hours 09:00–17:00 JST/ },
    ].sort((x, y) => x.at - y.at);
    expect(cases.map((c) => jstDate(c.at))).toContain(holiday);

    for (const [i, c] of cases.entries()) {
      await skipTo(c.at);
      const mark = lastSeq();
      const r = await sweep(`inbox-sweep/calendar-${i}`);
      const calls = callsSince(mark);
      expect(Date.parse(r.sweptAt) - c.at).toBeGreaterThanOrEqual(0);
      expect(Date.parse(r.sweptAt) - c.at).toBeLessThan(60_000);
      if (c.skipped) {
        expect({ at: jst(c.at), skipped: r.skipped }).toEqual({ at: jst(c.at), skipped: expect.stringMatching(c.skipped) });
        expect(r.categories).toEqual([]);
        expect(calls).toHaveLength(0);
      } else {
        expect({ at: jst(c.at), skipped: r.skipped }).toEqual({ at: jst(c.at), skipped: undefined });
        expect(calls.map((x) => x.serviceId)).toEqual([INBOX]);
        expect(r.categories).toEqual([{ category: 'LV', seen: 0, started: 0, alreadyStarted: 0, refused: 0 }]);
      }
    }
  });

  it('the watcher sweeps every business hour of a week with a national holiday on a weekday, and never outside', async () => {
    // The first week ahead with a national holiday on a weekday and ≥ 16 business hours still to
    // come (from the calendar test's end: the week of 2027-01-11 成人の日; alone, the week of
    // 2026-11-23 勤労感謝の日 when written); from its Sunday 00:00 JST (or now) to the next Monday.
    const now = await h.env.currentTimeMs();
    let holiday = addDays(jstDate(now), 1);
    let from = 0;
    let to = 0;
    for (;; holiday = addDays(holiday, 1)) {
      if (HOLIDAYS[holiday] === undefined || isWeekend(holiday) || isYearEnd(holiday)) continue;
      const sunday = addDays(holiday, -weekdayOf(holiday));
      from = Math.max(now, jstMidnightMs(sunday));
      to = jstMidnightMs(addDays(sunday, 8));
      if (new Set(gridInstants(from, to).map((t) => t - (t % HOUR))).size >= 16) break;
    }
    await skipTo(from);
    from = await h.env.currentTimeMs();
    const mark = lastSeq();
    const expected = gridInstants(from, to);

    // Default cadence (30 minutes, 09:00–17:00); LV only; continue-as-new every 10 sweeps.
    const { workflowId, started } = await startInboxWatcher(h.client, { company: COMPANY, categories: ['LV'], sweepsBeforeContinueAsNew: 10 });
    expect(started).toBe(true);
    await h.env.sleep(to - from);

    const sweeps = callsSince(mark, INBOX).map((c) => c.simulatedAtMs);
    // Every sweep on an open day, inside 09:00–17:00 JST, and none on the holiday.
    const outside = sweeps.filter((t) => !isOpen(jstDate(t)) || jstParts(t).hour < 9 || jstParts(t).hour >= 17);
    expect(outside.map(jst)).toEqual([]);
    expect(sweeps.filter((t) => jstDate(t) === holiday)).toEqual([]);
    // The hourly duty: every business hour of every business day has a sweep.
    const hours = [...new Set(expected.map((t) => t - (t % HOUR)))];
    const missed = hours.filter((start) => !sweeps.some((t) => t >= start && t < start + HOUR));
    expect(missed.map(jst)).toEqual([]);
    expect(hours.length).toBeGreaterThanOrEqual(16);
    // On the grid: exactly one sweep per cadence instant (none doubled around continue-as-new).
    const perInstant = expected.map((t) => sweeps.filter((s) => s >= t && s < t + 60_000).length);
    expect(perInstant.every((n) => n === 1)).toBe(true);
    expect(sweeps).toHaveLength(expected.length);

    const status = await getInboxWatcherStatus(h.client, COMPANY);
    expect(status.generation).toBe(Math.floor(expected.length / 10));
    expect(status.generation).toBeGreaterThanOrEqual(3);
    expect(status.cadenceMinutes).toBe(30);
    expect(status.lastSweep?.skipped).toBeUndefined();
    expect(status.lastSweep?.categories).toEqual([{ category: 'LV', seen: 0, started: 0, alreadyStarted: 0, refused: 0 }]);
    // The next sweep: the first business instant after the week.
    expect(Date.parse(status.nextSweepAt!)).toBe(gridInstants(to - 1, to + 14 * 86_400_000)[0]);
    expect(workflowId).toBe(inboxWatcherWorkflowId(COMPANY));
    await settleAndTerminate(workflowId);
  });

  it('a relay seen by several sweeps (one after the other, or at once) starts exactly one switching-out workflow', async () => {
    // Nothing pending yet (this also lets the test server's clock settle: see above).
    const none = await sweep('inbox-sweep/dup-0', { force: true });
    expect(none.categories).toEqual([{ category: 'LV', seen: 0, started: 0, alreadyStarted: 0, refused: 0 }]);
    h.sim.clock.set(await h.env.currentTimeMs());
    const first = injectRelay();
    const expectedId = switchingOutWorkflowId(COMPANY, first.haishiToritsugiNo);

    // Forced: sweeps at any hour (an operator's "look now").
    const one = await sweep('inbox-sweep/dup-1', { force: true });
    expect(one.skipped).toBeUndefined();
    expect(one.categories).toEqual([{ category: 'LV', seen: 1, started: 1, alreadyStarted: 0, refused: 0 }]);
    expect(one.startedWorkflowIds).toEqual([expectedId]);
    const two = await sweep('inbox-sweep/dup-2', { force: true });
    expect(two.categories).toEqual([{ category: 'LV', seen: 1, started: 0, alreadyStarted: 1, refused: 0 }]);
    expect(two.startedWorkflowIds).toEqual([]);

    // One run only: the one the first sweep started; the second sweep's start was refused.
    const child = h.client.workflow.getHandle(expectedId);
    const d = await child.describe();
    expect(d.type).toBe('switchingOutWorkflow');
    expect(d.status.name).toBe('RUNNING');
    const h1 = await h.client.workflow.getHandle('inbox-sweep/dup-1').fetchHistory();
    const startedRun = h1.events!.find((e) => e.childWorkflowExecutionStartedEventAttributes)!.childWorkflowExecutionStartedEventAttributes!.workflowExecution!.runId;
    expect(d.runId).toBe(startedRun);
    const h2 = await h.client.workflow.getHandle('inbox-sweep/dup-2').fetchHistory();
    expect(h2.events!.some((e) => e.childWorkflowExecutionStartedEventAttributes)).toBe(false);
    expect(h2.events!.filter((e) => e.startChildWorkflowExecutionFailedEventAttributes)).toHaveLength(1);

    // Two sweeps at once, a second relay: still one workflow per relay.
    const second = injectRelay();
    const secondId = switchingOutWorkflowId(COMPANY, second.haishiToritsugiNo);
    const [a, b] = await Promise.all([sweep('inbox-sweep/dup-3', { force: true }), sweep('inbox-sweep/dup-4', { force: true })]);
    const cats = [a.categories[0]!, b.categories[0]!];
    expect(cats.map((c) => c.seen)).toEqual([2, 2]);
    expect(cats[0]!.started + cats[1]!.started).toBe(1);
    expect(cats[0]!.alreadyStarted + cats[1]!.alreadyStarted).toBe(3);
    expect([...a.startedWorkflowIds, ...b.startedWorkflowIds]).toEqual([secondId]);
    expect((await h.client.workflow.getHandle(secondId).describe()).status.name).toBe('RUNNING');
    // Both relays still await our judgement: the sweeps only started the workflows, which wait for a person.
    for (const id of [expectedId, secondId]) {
      await expect.poll(async () => (await getSwitchingOutStatus(h.client, id)).stage, { timeout: 20_000 }).toBe('AWAITING_JUDGEMENT');
    }
    const inbox = h.sim.state().incomingRelays.filter((r) => [first.haishiToritsugiNo, second.haishiToritsugiNo].includes(r.haishiToritsugiNo));
    expect(inbox.map((r) => r.jokyoCode)).toEqual(['01', '01']);

    // The watcher's "look now" (an operator's signal, forced): both seen again, nothing started.
    const watcher = await startInboxWatcher(h.client, { company: COMPANY, categories: ['LV'] });
    expect(watcher.started).toBe(true);
    await sweepInboxNow(h.client, COMPANY);
    await expect.poll(async () => (await getInboxWatcherStatus(h.client, COMPANY)).lastSweep, { timeout: 20_000 }).toBeDefined();
    const after = await getInboxWatcherStatus(h.client, COMPANY);
    expect(after.sweeps).toBe(1);
    expect(after.lastSweep!.categories).toEqual([{ category: 'LV', seen: 2, started: 0, alreadyStarted: 2, refused: 0 }]);
    await settleAndTerminate(watcher.workflowId);
    for (const id of [expectedId, secondId]) await settleAndTerminate(id);
  });

  it('the Schedule (dev server) fires only at business-hour instants, Monday–Friday, in JST', async () => {
    const dev = await createDevServerEnv();
    try {
      const made = await ensureInboxSchedule(dev.client, { company: COMPANY, categories: ['LV'] });
      expect(made).toEqual([{ scheduleId: `occto-inbox/${COMPANY}/LV`, category: 'LV', created: true }]);
      const handle = dev.client.schedule.getHandle(made[0]!.scheduleId);
      const d = await handle.describe();
      expect(d.spec.timezone).toBe('Asia/Tokyo');
      expect(d.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(d.policies.catchupWindow).toBe(30 * 60_000); // a missed sweep only while its slot lasts
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: INBOX_SWEEP_WORKFLOW_TYPE, taskQueue: WORKFLOWS_TASK_QUEUE });

      // Every instant of a week, as the server computes it: Monday–Friday, 09:00 … 16:30 JST every
      // 30 minutes (the calendar cannot know holidays: the sweep skips those itself).
      const from = Math.floor(Date.now() / 60_000) * 60_000 + 7_000;
      const to = from + 7 * 86_400_000;
      const res = await dev.client.workflowService.listScheduleMatchingTimes({
        namespace: dev.namespace ?? 'default',
        scheduleId: made[0]!.scheduleId,
        startTime: msNumberToTs(from),
        endTime: msNumberToTs(to),
      });
      const times = (res.startTime ?? []).map(tsToMs);
      expect(times.map(jst)).toEqual(weekdayInstants(from, to).map(jst));
      expect(times).toHaveLength(5 * 16);
      // The next actions the server shows are among them.
      const next = (d.info.nextActionTimes ?? []).map((t) => t.getTime());
      expect(next.length).toBeGreaterThan(0);
      for (const t of next) expect(weekdayInstants(from - 60_000, to + 86_400_000)).toContain(t);

      // A second ensure updates the Schedule in place.
      expect(await ensureInboxSchedule(dev.client, { company: COMPANY, categories: ['LV'], cadenceMinutes: 60 })).toEqual([
        { scheduleId: made[0]!.scheduleId, category: 'LV', created: false },
      ]);
      const hourly = await dev.client.workflowService.listScheduleMatchingTimes({
        namespace: dev.namespace ?? 'default',
        scheduleId: made[0]!.scheduleId,
        startTime: msNumberToTs(from),
        endTime: msNumberToTs(to),
      });
      const hourlyTimes = (hourly.startTime ?? []).map(tsToMs);
      expect(hourlyTimes.map(jst)).toEqual(weekdayInstants(from, to, 60).map(jst));
      await handle.delete();
    } finally {
      await dev.teardown();
    }
  });
});
