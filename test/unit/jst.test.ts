import { describe, it, expect } from 'vitest';
import {
  JST_OFFSET_MS,
  addDays,
  daysBetween,
  hhmmToMinutes,
  isLeapYear,
  isValidIsoDate,
  isoDateSchema,
  jstDate,
  jstDateTimeMs,
  jstMidnightMs,
  jstParts,
  weekdayOf,
} from '../../domain/index.js';

describe('jst', () => {
  it('offset is +9 h', () => {
    expect(JST_OFFSET_MS).toBe(32_400_000);
  });

  it('Saturday 15:00 UTC is Sunday 00:00 JST', () => {
    const p = jstParts(Date.UTC(2026, 0, 17, 15, 0, 0));
    expect(p).toEqual({ year: 2026, month: 1, day: 18, hour: 0, minute: 0, second: 0, weekday: 0, date: '2026-01-18' });
  });

  it('Saturday 14:59:59 UTC is still Saturday 23:59:59 JST', () => {
    const p = jstParts(Date.UTC(2026, 0, 17, 14, 59, 59));
    expect(p.date).toBe('2026-01-17');
    expect(p.weekday).toBe(6);
    expect([p.hour, p.minute, p.second]).toEqual([23, 59, 59]);
  });

  it('jstDate crosses the year in JST before it does in UTC', () => {
    expect(jstDate(Date.UTC(2026, 11, 31, 15, 0, 0))).toBe('2027-01-01');
    expect(jstDate(Date.UTC(2026, 11, 31, 14, 59, 59))).toBe('2026-12-31');
  });

  it('jstMidnightMs and jstDateTimeMs', () => {
    expect(jstMidnightMs('2026-01-18')).toBe(Date.UTC(2026, 0, 17, 15));
    expect(jstDateTimeMs('2026-01-18', '06:00')).toBe(Date.UTC(2026, 0, 17, 21));
    expect(jstDateTimeMs('2026-01-18', '24:00')).toBe(jstMidnightMs('2026-01-19'));
    expect(jstDate(jstMidnightMs('2028-02-29'))).toBe('2028-02-29');
    expect(() => jstMidnightMs('2026-02-30')).toThrow(/2026-02 has 28 days/);
    expect(() => jstDateTimeMs('2026-01-18', '25:00')).toThrow(/not a time of day/);
  });

  it('hhmmToMinutes', () => {
    expect(hhmmToMinutes('00:00')).toBe(0);
    expect(hhmmToMinutes('17:30')).toBe(1050);
    expect(hhmmToMinutes('24:00')).toBe(1440);
    expect(() => hhmmToMinutes('9:00')).toThrow(/HH:MM/);
    expect(() => hhmmToMinutes('24:01')).toThrow(/not a time of day/);
  });

  it('addDays and daysBetween handle month ends and leap years', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-03-01', 365)).toBe('2027-03-01');
    expect(daysBetween('2027-03-01', '2028-03-01')).toBe(366);
    expect(daysBetween('2026-03-01', '2027-03-01')).toBe(365);
    expect(daysBetween('2026-01-02', '2026-01-01')).toBe(-1);
    expect(() => addDays('2026-01-01', 1.5)).toThrow(/integer/);
  });

  it('weekdayOf', () => {
    expect(weekdayOf('2026-01-18')).toBe(0);
    expect(weekdayOf('2026-01-17')).toBe(6);
    expect(weekdayOf('1970-01-01')).toBe(4);
    expect(weekdayOf('2028-02-29')).toBe(2);
  });

  it('isLeapYear follows the Gregorian rule', () => {
    expect(isLeapYear(2028)).toBe(true);
    expect(isLeapYear(2026)).toBe(false);
    expect(isLeapYear(2100)).toBe(false);
    expect(isLeapYear(2000)).toBe(true);
  });

  it('isValidIsoDate refuses impossible dates and loose formats', () => {
    expect(isValidIsoDate('2028-02-29')).toBe(true);
    expect(isValidIsoDate('2026-02-29')).toBe(false);
    expect(isValidIsoDate('2026-02-30')).toBe(false);
    expect(isValidIsoDate('2026-04-31')).toBe(false);
    expect(isValidIsoDate('2026-13-01')).toBe(false);
    expect(isValidIsoDate('2026-1-5')).toBe(false);
    expect(isValidIsoDate('2026/01/05')).toBe(false);
    expect(isValidIsoDate('2026-01-05T00:00')).toBe(false);
  });

  it('isoDateSchema explains why a date is refused', () => {
    expect(isoDateSchema.parse('2026-02-28')).toBe('2026-02-28');
    const r = isoDateSchema.safeParse('2026-02-30');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe("'2026-02-30' is not a calendar date: 2026-02 has 28 days");
    expect(isoDateSchema.safeParse('20260230').error?.issues[0]?.message).toBe("must be a date in the form 'YYYY-MM-DD' (got '20260230')");
    expect(isoDateSchema.safeParse(20260230).success).toBe(false);
  });
});
