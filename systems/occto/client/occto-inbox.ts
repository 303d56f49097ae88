// The current retailer's inbox of incoming 廃止取次 (docs/external-systems/occto-switching.md §5.2: at least hourly in weekday
// business hours). Preferred: a Temporal Schedule per company and category that starts one sweep
// workflow at each cadence instant (calendar in Asia/Tokyo, Monday–Friday; the sweep itself skips
// national holidays and Dec 29 – Jan 3, which a calendar cannot express). Where Schedules are not
// available: the long-running watcher workflow.
import { ScheduleOverlapPolicy, WorkflowExecutionAlreadyStartedError, type CalendarSpec, type Client, type ScheduleSpec } from '@temporalio/client';
import { ensureSchedule } from '../../../platform/schedules.js';
import { violationsFromZodError } from '../../../domain/errors.js';
import { inboxConfigSchema, inboxScheduleId, inboxSweepMinutes, inboxWatcherWorkflowId, type InboxConfig } from '../domain/inbox.js';
import { switchingOutOptionsSchema, type SwitchingOutOptionsInput } from '../domain/switching-out.js';
import { companyCodeProblem } from '../../../domain/company.js';
import { CATEGORY_LABELS, type Category } from '../../../domain/categories.js';
import { WORKFLOWS_TASK_QUEUE } from '../../../domain/task-queues.js';
import {
  INBOX_SWEEP_WORKFLOW_TYPE,
  INBOX_WATCHER_WORKFLOW_TYPE,
  inboxWatcherStatusQuery,
  sweepNowSignal,
  type InboxSweepInput,
  type InboxWatcherInput,
  type InboxWatcherStatus,
} from '../workflows/incoming-relays.defs.js';
import { InvalidInputError } from '../../../domain/errors.js';

export const INBOX_TIME_ZONE = 'Asia/Tokyo';

export interface InboxSetup {
  company: string;
  /** Default all three. */
  categories?: Category[];
  /** Default 30 (a divisor of 60). */
  cadenceMinutes?: number;
  /** Default 09:00–17:00 JST. */
  businessHours?: { start: string; end: string };
  /** Options for every switching-out workflow the sweeps start (deadlines, auto-judge …). */
  switchingOut?: SwitchingOutOptionsInput;
}

function parseSetup(s: InboxSetup): { company: string; inbox: InboxConfig; switchingOut?: SwitchingOutOptionsInput } {
  const problem = companyCodeProblem(s.company, 'company');
  const parsed = inboxConfigSchema.safeParse({ cadenceMinutes: s.cadenceMinutes, businessHours: s.businessHours, categories: s.categories });
  const violations = parsed.success ? [] : violationsFromZodError(parsed.error);
  if (problem) violations.unshift({ field: 'company', rule: 'company-code', message: problem });
  let switchingOut: SwitchingOutOptionsInput | undefined;
  if (s.switchingOut !== undefined) {
    const o = switchingOutOptionsSchema.safeParse(s.switchingOut);
    if (!o.success) violations.push(...violationsFromZodError(o.error).map((v) => ({ ...v, field: `switchingOut.${v.field}` })));
    else switchingOut = s.switchingOut;
  }
  if (violations.length || !parsed.success) throw new InvalidInputError(violations);
  return { company: s.company, inbox: parsed.data, switchingOut };
}

/**
 * The Schedule's calendar: each business hour's sweep minutes, Monday–Friday, in JST. Hours with
 * the same minutes share one calendar entry (a short last hour gets its own).
 */
export function inboxScheduleSpec(config: Pick<InboxConfig, 'cadenceMinutes' | 'businessHours'>): ScheduleSpec {
  const byHour = new Map<number, number[]>();
  for (const m of inboxSweepMinutes(config)) {
    const h = Math.floor(m / 60);
    byHour.set(h, [...(byHour.get(h) ?? []), m % 60]);
  }
  const calendars: CalendarSpec[] = [];
  let run: { start: number; end: number; minutes: number[] } | undefined;
  const flush = () => {
    if (!run) return;
    calendars.push({ hour: { start: run.start, end: run.end }, minute: run.minutes, dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' } });
    run = undefined;
  };
  for (const [h, minutes] of [...byHour.entries()].sort((a, b) => a[0] - b[0])) {
    if (run && run.end === h - 1 && run.minutes.join() === minutes.join()) run.end = h;
    else {
      flush();
      run = { start: h, end: h, minutes };
    }
  }
  flush();
  return { calendars, timezone: INBOX_TIME_ZONE };
}

export interface EnsuredSchedule {
  scheduleId: string;
  category: Category;
  /** False when it existed and was updated to this setup. */
  created: boolean;
}

/** Creates (or updates to this setup) one Schedule `occto-inbox/<company>/<category>` per category. */
export async function ensureInboxSchedule(client: Client, setup: InboxSetup): Promise<EnsuredSchedule[]> {
  const { company, inbox, switchingOut } = parseSetup(setup);
  const spec = inboxScheduleSpec(inbox);
  const out: EnsuredSchedule[] = [];
  for (const category of inbox.categories) {
    const scheduleId = inboxScheduleId(company, category);
    const args: [InboxSweepInput] = [{ company, categories: [category], businessHours: inbox.businessHours, ...(switchingOut ? { switchingOut } : {}) }];
    const action = {
      type: 'startWorkflow' as const,
      workflowType: INBOX_SWEEP_WORKFLOW_TYPE,
      workflowId: `occto-inbox-sweep/${company}/${category}`,
      taskQueue: WORKFLOWS_TASK_QUEUE,
      args,
      staticSummary: `廃止取次照会 sweep · ${CATEGORY_LABELS[category]} · 事業者 ${company}`,
    };
    // A missed sweep (server down) is worth taking only while it is still this cadence slot.
    const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: `${inbox.cadenceMinutes} minutes` };
    const created = await ensureSchedule(client, {
      scheduleId,
      spec,
      action,
      policies,
      state: { note: `current retailer's inbox (docs/external-systems/occto-switching.md §5.2): every ${inbox.cadenceMinutes} min ${inbox.businessHours.start}–${inbox.businessHours.end} JST on business days` },
    });
    out.push({ scheduleId, category, created });
  }
  return out;
}

export interface WatcherStart {
  workflowId: string;
  started: boolean;
}

/** Starts the long-running inbox watcher of a company (one per company); a second start returns the running one. */
export async function startInboxWatcher(client: Client, setup: InboxSetup & { sweepsBeforeContinueAsNew?: number }): Promise<WatcherStart> {
  const { company, inbox, switchingOut } = parseSetup(setup);
  const workflowId = inboxWatcherWorkflowId(company);
  const args: [InboxWatcherInput] = [
    { company, inbox, ...(switchingOut ? { switchingOut } : {}), ...(setup.sweepsBeforeContinueAsNew ? { sweepsBeforeContinueAsNew: setup.sweepsBeforeContinueAsNew } : {}) },
  ];
  try {
    await client.workflow.start(INBOX_WATCHER_WORKFLOW_TYPE, {
      taskQueue: WORKFLOWS_TASK_QUEUE,
      workflowId,
      args,
      staticSummary: `廃止取次 inbox watcher · 事業者 ${company} · every ${inbox.cadenceMinutes} min ${inbox.businessHours.start}–${inbox.businessHours.end} JST`,
    });
    return { workflowId, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
    throw err;
  }
}

export async function getInboxWatcherStatus(client: Client, company: string): Promise<InboxWatcherStatus> {
  return client.workflow.getHandle(inboxWatcherWorkflowId(company)).query(inboxWatcherStatusQuery);
}

/** Asks the watcher for a sweep now (also outside business hours). */
export async function sweepInboxNow(client: Client, company: string): Promise<void> {
  await client.workflow.getHandle(inboxWatcherWorkflowId(company)).signal(sweepNowSignal);
}
