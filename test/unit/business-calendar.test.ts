import { describe, it, expect } from 'vitest';
import {
  DEFAULT_BUSINESS_HOURS,
  HOLIDAY_DATA_RANGE,
  addBusinessDays,
  businessDaysBetween,
  businessHoursSchema,
  holidayName,
  isBusinessDay,
  isHoliday,
  isWithinBusinessHours,
  nextBusinessDay,
  nextBusinessHoursStart,
  nonBusinessDayReason,
  previousBusinessDay,
} from '../../domain/index.js';

/** Epoch ms of a JST wall-clock time, written independently of domain/jst.ts. */
const jst = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h - 9, mi, s);

describe('national holidays', () => {
  it('knows fixed, Happy-Monday, substitute and citizen holidays', () => {
    expect(isHoliday('2026-01-01')).toBe(true);
    expect(holidayName('2026-01-12')).toBe('成人の日');
    expect(isHoliday('2026-05-06')).toBe(true); // 憲法記念日 on Sunday → 振替休日 on Wed 05-06
    expect(holidayName('2026-05-06')).toContain('振替休日');
    expect(isHoliday('2026-09-22')).toBe(true); // 国民の休日 between 敬老の日 and 秋分の日
    expect(isHoliday('2026-01-13')).toBe(false);
  });

  it('2027 vernal equinox falls on a Sunday and is substituted on Monday', () => {
    expect(holidayName('2027-03-21')).toBe('春分の日');
    expect(isHoliday('2027-03-22')).toBe(true);
    expect(isBusinessDay('2027-03-22')).toBe(false);
    expect(isBusinessDay('2027-03-23')).toBe(true);
  });

  it('refuses to guess outside the holiday data', () => {
    expect(HOLIDAY_DATA_RANGE).toEqual({ firstYear: 1970, lastYear: 2050 });
    expect(isHoliday('2050-11-23')).toBe(true);
    expect(() => isHoliday('2051-01-02')).toThrow(/2051-01-02 is outside the holiday data \(1970–2050/);
    expect(() => isBusinessDay('2051-03-01')).toThrow(/outside the holiday data/);
    expect(() => isHoliday('1969-12-31')).toThrow(/outside the holiday data/);
    expect(() => nextBusinessDay('2050-12-30')).toThrow(/2051-01-01 is outside/);
  });

  it('refuses malformed dates', () => {
    expect(() => isHoliday('2026-02-30')).toThrow(/2026-02 has 28 days/);
  });
});

describe('business days', () => {
  it('weekends are closed', () => {
    expect(isBusinessDay('2026-01-17')).toBe(false); // Sat
    expect(isBusinessDay('2026-01-18')).toBe(false); // Sun
    expect(nonBusinessDayReason('2026-01-18')).toBe('weekend');
    expect(isBusinessDay('2026-01-16')).toBe(true); // Fri
  });

  it('Dec 29 – Jan 3 is closed even on weekdays that are not holidays', () => {
    expect(isHoliday('2026-12-29')).toBe(false);
    expect(isBusinessDay('2026-12-28')).toBe(true); // Mon
    for (const d of ['2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03']) {
      expect(isBusinessDay(d), d).toBe(false);
    }
    expect(nonBusinessDayReason('2026-12-30')).toMatch(/year-end closure/);
    expect(isBusinessDay('2027-01-04')).toBe(true);
    expect(nextBusinessDay('2026-12-28')).toBe('2027-01-04');
    expect(previousBusinessDay('2027-01-04')).toBe('2026-12-28');
  });

  it('nextBusinessDay is strictly after and skips a long weekend', () => {
    expect(nextBusinessDay('2026-01-13')).toBe('2026-01-14');
    expect(nextBusinessDay('2026-01-09')).toBe('2026-01-13'); // Sat, Sun, 成人の日
    expect(nextBusinessDay('2026-05-01')).toBe('2026-05-07'); // Golden Week
    expect(nextBusinessDay('2026-09-18')).toBe('2026-09-24'); // Silver Week
  });

  it('addBusinessDays and businessDaysBetween are inverses', () => {
    expect(addBusinessDays('2026-01-09', 0)).toBe('2026-01-09');
    expect(addBusinessDays('2026-01-09', 1)).toBe('2026-01-13');
    expect(addBusinessDays('2026-01-09', 2)).toBe('2026-01-14');
    expect(addBusinessDays('2026-01-13', -1)).toBe('2026-01-09');
    expect(addBusinessDays('2026-12-25', 3)).toBe('2027-01-05');
    expect(businessDaysBetween('2026-01-09', '2026-01-14')).toBe(2);
    expect(businessDaysBetween('2026-01-14', '2026-01-09')).toBe(-2);
    expect(businessDaysBetween('2026-01-10', '2026-01-12')).toBe(0);
    for (const n of [0, 1, 5, 8, 20, -7]) {
      expect(businessDaysBetween('2026-04-28', addBusinessDays('2026-04-28', n)), `n=${n}`).toBe(n);
    }
    expect(() => addBusinessDays('2026-01-09', 0.5)).toThrow(/integer/);
  });
});

describe('business hours (default 09:00–17:00 JST)', () => {
  it('edges on a business day', () => {
    expect(DEFAULT_BUSINESS_HOURS).toEqual({ start: '09:00', end: '17:00' });
    expect(isWithinBusinessHours(jst(2026, 1, 13, 8, 59, 59))).toBe(false);
    expect(isWithinBusinessHours(jst(2026, 1, 13, 9, 0, 0))).toBe(true);
    expect(isWithinBusinessHours(jst(2026, 1, 13, 16, 59, 0))).toBe(true);
    expect(isWithinBusinessHours(jst(2026, 1, 13, 16, 59, 59) + 999)).toBe(true);
    expect(isWithinBusinessHours(jst(2026, 1, 13, 17, 0, 0))).toBe(false);
  });

  it('closed all day on holidays and weekends', () => {
    expect(isWithinBusinessHours(jst(2026, 1, 12, 10))).toBe(false); // 成人の日
    expect(isWithinBusinessHours(jst(2026, 1, 17, 10))).toBe(false); // Sat
    expect(isWithinBusinessHours(jst(2026, 12, 30, 10))).toBe(false); // year-end
  });

  it('custom hours', () => {
    const hours = { start: '08:30', end: '20:00' };
    expect(isWithinBusinessHours(jst(2026, 1, 13, 8, 30), hours)).toBe(true);
    expect(isWithinBusinessHours(jst(2026, 1, 13, 19, 59, 59), hours)).toBe(true);
    expect(isWithinBusinessHours(jst(2026, 1, 13, 20), hours)).toBe(false);
    expect(() => isWithinBusinessHours(jst(2026, 1, 13, 10), { start: '17:00', end: '09:00' })).toThrow(/end 09:00 must be after start 17:00/);
  });

  it('nextBusinessHoursStart', () => {
    const inside = jst(2026, 1, 13, 10, 15);
    expect(nextBusinessHoursStart(inside)).toBe(inside);
    expect(nextBusinessHoursStart(jst(2026, 1, 13, 8, 59, 59))).toBe(jst(2026, 1, 13, 9));
    expect(nextBusinessHoursStart(jst(2026, 1, 13, 17))).toBe(jst(2026, 1, 14, 9));
    // Friday evening before Sat, Sun and 成人の日 (Mon) → Tuesday 09:00.
    expect(nextBusinessHoursStart(jst(2026, 1, 9, 17))).toBe(jst(2026, 1, 13, 9));
    expect(nextBusinessHoursStart(jst(2026, 1, 12, 8))).toBe(jst(2026, 1, 13, 9));
    // Golden Week 2026: Fri 05-01 evening → Thu 05-07 09:00.
    expect(nextBusinessHoursStart(jst(2026, 5, 1, 17, 30))).toBe(jst(2026, 5, 7, 9));
    // Year end: Mon 12-28 after hours → Mon 2027-01-04 09:00.
    expect(nextBusinessHoursStart(jst(2026, 12, 28, 18))).toBe(jst(2027, 1, 4, 9));
    // Just after midnight JST on a business day (still the previous day in UTC).
    expect(nextBusinessHoursStart(jst(2026, 1, 14, 0, 30))).toBe(jst(2026, 1, 14, 9));
  });

  it('businessHoursSchema', () => {
    expect(businessHoursSchema.safeParse({ start: '09:00', end: '17:00' }).success).toBe(true);
    const r = businessHoursSchema.safeParse({ start: '17:00', end: '09:00' });
    expect(r.error?.issues[0]?.message).toBe('business hours end 09:00 must be after start 17:00');
    expect(businessHoursSchema.safeParse({ start: '9:00', end: '17:00' }).error?.issues[0]?.path).toEqual(['start']);
  });
});
