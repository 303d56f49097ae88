// The current retailer's inbox of incoming 廃止取次: when to look. The duty is "at least once an
// hour during weekday business hours" (docs/external-systems/occto-switching.md §5.2, 送配電等業務指針 第260条第3項); we look every
// `cadenceMinutes` from business-hours start, on JST business days only, so the duty holds with
// margin even if one sweep is late or fails.
import { z } from 'zod';
import { categorySchema, CATEGORIES, type Category } from '../../../domain/categories.js';
import { DEFAULT_BUSINESS_HOURS, businessHoursSchema, isBusinessDay, nonBusinessDayReason, type BusinessHours } from '../../../domain/business-calendar.js';
import { addDays, hhmmToMinutes, jstDate, jstDateTimeMs, jstMidnightMs } from '../../../domain/jst.js';

/** Cadences that divide an hour, so every business hour has the same sweep minutes (a Schedule's calendar can say that). */
export const INBOX_CADENCES = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60] as const;
export const DEFAULT_INBOX_CADENCE_MINUTES = 30;

export const inboxConfigSchema = z
  .object({
    /** Minutes between sweeps; a divisor of 60, so every clock hour in business hours gets ≥ 1 sweep. */
    cadenceMinutes: z
      .number({ error: 'cadenceMinutes must be a number of minutes' })
      .int('cadenceMinutes must be an integer')
      .refine((n) => (INBOX_CADENCES as readonly number[]).includes(n), {
        message: `cadenceMinutes must divide an hour (one of ${INBOX_CADENCES.join(', ')}) so that the hourly duty (docs/external-systems/occto-switching.md §5.2) holds in every hour`,
      })
      .default(DEFAULT_INBOX_CADENCE_MINUTES),
    /** JST business hours; start inclusive, end exclusive. Default 09:00–17:00 (docs/external-systems/occto-switching.md §13 Q18: our assumption). */
    businessHours: businessHoursSchema.default({ ...DEFAULT_BUSINESS_HOURS }),
    /** Categories whose inbox is swept. */
    categories: z
      .array(categorySchema, { error: 'categories must be a list of LV, HV, FIT' })
      .min(1, 'categories must name at least one of LV, HV, FIT')
      .refine((c) => new Set(c).size === c.length, { message: 'categories must not repeat a category' })
      .default([...CATEGORIES]),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Sweeps are on the cadence grid from the start; a start off the grid would make the
    // Schedule's calendar (same minutes every hour) and the watcher disagree.
    const start = safeMinutes(c.businessHours.start);
    if (start !== undefined && start % c.cadenceMinutes !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['businessHours', 'start'],
        message: `businessHours.start ${c.businessHours.start} must fall on the ${c.cadenceMinutes}-minute grid of cadenceMinutes (e.g. 09:00)`,
      });
    }
  });
export type InboxConfig = z.output<typeof inboxConfigSchema>;
export type InboxConfigInput = z.input<typeof inboxConfigSchema>;

function safeMinutes(hhmm: string): number | undefined {
  try {
    return hhmmToMinutes(hhmm);
  } catch {
    return undefined;
  }
}

/** Minutes after JST midnight of every sweep of a business day: start, start + cadence, … < end. */
export function inboxSweepMinutes(config: Pick<InboxConfig, 'cadenceMinutes' | 'businessHours'>): number[] {
  const start = hhmmToMinutes(config.businessHours.start);
  const end = hhmmToMinutes(config.businessHours.end);
  const out: number[] = [];
  for (let m = start; m < end; m += config.cadenceMinutes) out.push(m);
  return out;
}

/** The sweep instants (epoch ms) of a JST day: none on weekends, national holidays and Dec 29 – Jan 3. */
export function inboxPollInstants(date: string, config: Pick<InboxConfig, 'cadenceMinutes' | 'businessHours'>): number[] {
  if (!isBusinessDay(date)) return [];
  const midnight = jstMidnightMs(date);
  return inboxSweepMinutes(config).map((m) => midnight + m * 60_000);
}

/** The first sweep instant strictly after `afterMs` (business days only). */
export function nextInboxPollAt(afterMs: number, config: Pick<InboxConfig, 'cadenceMinutes' | 'businessHours'>): number {
  let day = jstDate(afterMs);
  // A run of closed days is at most ~10 long (year end + weekend), so 30 days always finds one.
  for (let i = 0; i < 30; i++, day = addDays(day, 1)) {
    const next = inboxPollInstants(day, config).find((t) => t > afterMs);
    if (next !== undefined) return next;
  }
  throw new RangeError(`no business day within 30 days after ${new Date(afterMs).toISOString()}`);
}

export type SweepVerdict = { sweep: true } | { sweep: false; reason: string };

/** Whether a sweep at `nowMs` is inside business hours (a scheduled sweep skips otherwise, unless forced). */
export function inboxSweepVerdict(nowMs: number, hours: BusinessHours = DEFAULT_BUSINESS_HOURS): SweepVerdict {
  const day = jstDate(nowMs);
  const closed = nonBusinessDayReason(day);
  if (closed) return { sweep: false, reason: `${day} is not a business day (${closed})` };
  const start = jstDateTimeMs(day, hours.start);
  const end = jstDateTimeMs(day, hours.end);
  if (nowMs < start || nowMs >= end) return { sweep: false, reason: `outside business hours ${hours.start}–${hours.end} JST` };
  return { sweep: true };
}

/** Schedule ID of one company's inbox sweep for one category. */
export function inboxScheduleId(company: string, category: Category): string {
  return `occto-inbox/${company}/${category}`;
}

/** Workflow ID of the long-running inbox watcher (where Schedules are unavailable). */
export function inboxWatcherWorkflowId(company: string): string {
  return `occto-inbox-watcher/${company}`;
}
