// Japan Standard Time helpers. JST is UTC+9 all year (no DST), so a fixed offset is exact and
// we avoid Intl/time-zone data, which is neither needed nor guaranteed in the workflow sandbox.
// Instants are epoch milliseconds; calendar days are 'YYYY-MM-DD' strings (JST days).
import { z } from 'zod';

export const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

export interface JstParts {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday, in JST. */
  weekday: number;
  /** 'YYYY-MM-DD' in JST. */
  date: string;
}

const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HHMM_RE = /^(\d{2}):(\d{2})$/;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function formatYmd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function assertFiniteMs(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a finite epoch-millisecond number (got ${String(ms)})`);
}

export function jstParts(ms: number): JstParts {
  assertFiniteMs(ms, 'jstParts(ms)');
  // Shift into JST and read with UTC getters: host time zone never leaks in.
  const d = new Date(ms + JST_OFFSET_MS);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return {
    year,
    month,
    day,
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
    date: formatYmd(year, month, day),
  };
}

/** The JST calendar day of an instant, 'YYYY-MM-DD'. */
export function jstDate(ms: number): string {
  return jstParts(ms).date;
}

/** Why a string is not a real 'YYYY-MM-DD' date, or undefined when it is one. */
export function isoDateProblem(s: unknown): string | undefined {
  if (typeof s !== 'string') return `must be a date string 'YYYY-MM-DD' (got ${typeof s})`;
  const m = ISO_DATE_RE.exec(s);
  if (!m) return `must be a date in the form 'YYYY-MM-DD' (got '${s}')`;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12) return `'${s}' is not a calendar date: month ${m[2]} is not 01–12`;
  const max = daysInMonth(year, month);
  if (day < 1 || day > max) return `'${s}' is not a calendar date: ${year}-${m[2]} has ${max} days`;
  return undefined;
}

export function isValidIsoDate(s: string): boolean {
  return isoDateProblem(s) === undefined;
}

/** 'YYYY-MM-DD' that is a real calendar date (2026-02-30 is refused). */
export const isoDateSchema = z.string({ error: "must be a date string 'YYYY-MM-DD'" }).superRefine((s, ctx) => {
  const problem = isoDateProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

function parseDate(date: string, what: string): { year: number; month: number; day: number } {
  const problem = isoDateProblem(date);
  if (problem) throw new RangeError(`${what}: ${problem}`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return { year: y, month: m, day: d };
}

/** Days since 1970-01-01 of a calendar date (calendar arithmetic without time zones). */
function dayNumber(date: string, what: string): number {
  const { year, month, day } = parseDate(date, what);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  return new Date(0).setUTCFullYear(year, month - 1, day) / DAY_MS;
}

function fromDayNumber(n: number): string {
  const d = new Date(n * DAY_MS);
  return formatYmd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Epoch ms of 00:00 JST on that day. */
export function jstMidnightMs(date: string): number {
  return dayNumber(date, 'jstMidnightMs(date)') * DAY_MS - JST_OFFSET_MS;
}

/** Minutes after midnight of 'HH:MM'; '24:00' (end of day) is accepted and gives 1440. */
export function hhmmToMinutes(hhmm: string): number {
  const problem = hhmmProblem(hhmm);
  if (problem) throw new RangeError(problem);
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Why a string is not 'HH:MM' (00:00–23:59, or 24:00), or undefined. */
export function hhmmProblem(hhmm: unknown): string | undefined {
  if (typeof hhmm !== 'string') return `must be a time string 'HH:MM' (got ${typeof hhmm})`;
  const m = HHMM_RE.exec(hhmm);
  if (!m) return `must be a time in the form 'HH:MM' (got '${hhmm}')`;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h === 24 && min === 0) return undefined;
  if (h > 23 || min > 59) return `'${hhmm}' is not a time of day (00:00–23:59, or 24:00 for end of day)`;
  return undefined;
}

/** 'HH:MM' (00:00–23:59, or '24:00' meaning the end of the day). */
export const hhmmSchema = z.string({ error: "must be a time string 'HH:MM'" }).superRefine((s, ctx) => {
  const problem = hhmmProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Epoch ms of a JST wall-clock time on a JST day; '24:00' is the next day's 00:00. */
export function jstDateTimeMs(date: string, hhmm: string): number {
  return jstMidnightMs(date) + hhmmToMinutes(hhmm) * 60_000;
}

/** Minutes since JST midnight of an instant (0–1439), seconds included as a fraction. */
export function jstMinuteOfDay(ms: number): number {
  assertFiniteMs(ms, 'jstMinuteOfDay(ms)');
  const inDay = (((ms + JST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return inDay / 60_000;
}

export function addDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`addDays(n) must be an integer (got ${n})`);
  return fromDayNumber(dayNumber(date, 'addDays(date)') + n);
}

/** Calendar days from a to b (positive when b is later): daysBetween('2026-01-01','2026-01-02') = 1. */
export function daysBetween(a: string, b: string): number {
  return dayNumber(b, 'daysBetween(b)') - dayNumber(a, 'daysBetween(a)');
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  // 1970-01-01 was a Thursday (4).
  return (((dayNumber(date, 'weekdayOf(date)') + 4) % 7) + 7) % 7;
}
