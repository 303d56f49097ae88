// JST business calendar: weekdays, minus Japanese national holidays (振替休日 and 国民の休日
// included, from @holiday-jp/holiday_jp), minus the year-end closure Dec 29 – Jan 3 (OCCTO
// helpdesk hours, docs/external-systems/occto-switching.md §7.1). Drives the current retailer's hourly polling duty (docs/external-systems/occto-switching.md §5.2).
import holidayJp from '@holiday-jp/holiday_jp';
import { z } from 'zod';
import { addDays, daysBetween, hhmmProblem, hhmmToMinutes, isoDateProblem, jstDate, jstDateTimeMs, jstMinuteOfDay, weekdayOf } from './jst.js';

// A Set instead of the library's isHoliday(): that one scans every key on each call and, given a
// Date, formats it in the host's local time zone.
const HOLIDAY_NAMES: ReadonlyMap<string, string> = new Map(
  Object.values(holidayJp.holidays).map((h) => [h.date, h.name] as const),
);

const holidayYears = [...HOLIDAY_NAMES.keys()].map((d) => Number(d.slice(0, 4)));

/**
 * Years covered by the holiday data (1970–2050 in holiday_jp 2.5.1). Outside it we cannot tell a
 * holiday from a working day, so the calendar throws instead of guessing "no holiday".
 */
export const HOLIDAY_DATA_RANGE: Readonly<{ firstYear: number; lastYear: number }> = {
  firstYear: Math.min(...holidayYears),
  lastYear: Math.max(...holidayYears),
};

function checkedYear(date: string, what: string): number {
  const problem = isoDateProblem(date);
  if (problem) throw new RangeError(`${what}: ${problem}`);
  const year = Number(date.slice(0, 4));
  if (year < HOLIDAY_DATA_RANGE.firstYear || year > HOLIDAY_DATA_RANGE.lastYear) {
    throw new RangeError(
      `${what}: ${date} is outside the holiday data (${HOLIDAY_DATA_RANGE.firstYear}–${HOLIDAY_DATA_RANGE.lastYear}, @holiday-jp/holiday_jp ${holidayJp.VERSION}); update the package to extend the business calendar`,
    );
  }
  return year;
}

/** Japanese national holiday (incl. 振替休日 and 国民の休日). Throws outside HOLIDAY_DATA_RANGE. */
export function isHoliday(date: string): boolean {
  checkedYear(date, 'isHoliday(date)');
  return HOLIDAY_NAMES.has(date);
}

/** The holiday's Japanese name (e.g. '成人の日'), or undefined. Throws outside HOLIDAY_DATA_RANGE. */
export function holidayName(date: string): string | undefined {
  checkedYear(date, 'holidayName(date)');
  return HOLIDAY_NAMES.get(date);
}

/** Dec 29 – Jan 3 (年末年始). */
export function isYearEndClosure(date: string): boolean {
  const md = date.slice(5);
  return md >= '12-29' || md <= '01-03';
}

/** Why a day is not a business day ('weekend', 'national holiday 成人の日', 'year-end closure'), or undefined. */
export function nonBusinessDayReason(date: string): string | undefined {
  checkedYear(date, 'nonBusinessDayReason(date)');
  const wd = weekdayOf(date);
  if (wd === 0 || wd === 6) return 'weekend';
  const name = HOLIDAY_NAMES.get(date);
  if (name !== undefined) return `national holiday ${name}`;
  if (isYearEndClosure(date)) return 'year-end closure (Dec 29 – Jan 3)';
  return undefined;
}

export function isBusinessDay(date: string): boolean {
  return nonBusinessDayReason(date) === undefined;
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(date: string): string {
  let d = addDays(date, 1);
  while (!isBusinessDay(d)) d = addDays(d, 1); // ends: at most ~10 closed days in a row
  return d;
}

/** The last business day strictly before `date`. */
export function previousBusinessDay(date: string): string {
  let d = addDays(date, -1);
  while (!isBusinessDay(d)) d = addDays(d, -1);
  return d;
}

/**
 * Moves n business days (n < 0 goes back). n = 0 returns `date` unchanged even if it is closed;
 * otherwise counting starts from the next (previous) business day, like "2 business days later".
 */
export function addBusinessDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`addBusinessDays(n) must be an integer (got ${n})`);
  let d = date;
  for (let i = 0; i < Math.abs(n); i++) d = n > 0 ? nextBusinessDay(d) : previousBusinessDay(d);
  return d;
}

/**
 * Business days in (a, b] — a excluded, b included — negative when b is before a. Inverse of
 * addBusinessDays: businessDaysBetween(a, addBusinessDays(a, n)) === n.
 */
export function businessDaysBetween(a: string, b: string): number {
  const span = daysBetween(a, b);
  const [from, to, sign] = span >= 0 ? [a, b, 1] : [b, a, -1];
  let count = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isBusinessDay(d)) count++;
  return sign * count;
}

// ---- business hours ---------------------------------------------------------------------------

export interface BusinessHours {
  /** JST 'HH:MM', inclusive. */
  start: string;
  /** JST 'HH:MM', exclusive ('24:00' allowed). */
  end: string;
}

/**
 * ASSUMPTION: the sources never define "business hours" for the polling duty (docs/external-systems/occto-switching.md §13 Q18);
 * 09:00–17:00 is the OCCTO helpdesk's hours (docs/external-systems/occto-switching.md §7.1).
 */
export const DEFAULT_BUSINESS_HOURS: Readonly<BusinessHours> = { start: '09:00', end: '17:00' };

export const businessHoursSchema = z
  .object({ start: z.string(), end: z.string() })
  .superRefine((h, ctx) => {
    const startProblem = hhmmProblem(h.start);
    const endProblem = hhmmProblem(h.end);
    if (startProblem) ctx.addIssue({ code: 'custom', path: ['start'], message: `start ${startProblem}` });
    if (endProblem) ctx.addIssue({ code: 'custom', path: ['end'], message: `end ${endProblem}` });
    if (!startProblem && !endProblem && hhmmToMinutes(h.start) >= hhmmToMinutes(h.end)) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: `business hours end ${h.end} must be after start ${h.start}` });
    }
  });

function minutesOf(hours: BusinessHours): { start: number; end: number } {
  const start = hhmmToMinutes(hours.start);
  const end = hhmmToMinutes(hours.end);
  if (start >= end) throw new RangeError(`business hours end ${hours.end} must be after start ${hours.start}`);
  return { start, end };
}

/** Inside [start, end) JST on a business day. */
export function isWithinBusinessHours(ms: number, hours: BusinessHours = DEFAULT_BUSINESS_HOURS): boolean {
  const { start, end } = minutesOf(hours);
  if (!isBusinessDay(jstDate(ms))) return false;
  const minute = jstMinuteOfDay(ms);
  return minute >= start && minute < end;
}

/** `ms` itself if inside business hours, else the epoch ms of the next business-hours opening. */
export function nextBusinessHoursStart(ms: number, hours: BusinessHours = DEFAULT_BUSINESS_HOURS): number {
  const { start } = minutesOf(hours);
  if (isWithinBusinessHours(ms, hours)) return ms;
  const today = jstDate(ms);
  if (isBusinessDay(today) && jstMinuteOfDay(ms) < start) return jstDateTimeMs(today, hours.start);
  return jstDateTimeMs(nextBusinessDay(today), hours.start);
}
