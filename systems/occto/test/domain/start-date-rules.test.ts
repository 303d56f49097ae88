import { describe, it, expect } from 'vitest';
import { checkSupplyStartDate, hvLatestSupplyStartDate } from '../../domain/start-date-rules.js';

describe('LV / FIT: 供給開始日 ≤ 次々回検針日', () => {
  const base = { today: '2027-01-15', nextButOneMeterReadingDate: '2027-02-10' };

  it('equal to the next-but-one meter reading day is allowed', () => {
    expect(checkSupplyStartDate({ ...base, category: 'LV', supplyStartDate: '2027-02-10' })).toEqual({ ok: true });
    expect(checkSupplyStartDate({ ...base, category: 'FIT', supplyStartDate: '2027-02-10' })).toEqual({ ok: true });
    expect(checkSupplyStartDate({ ...base, category: 'LV', supplyStartDate: '2027-01-15' })).toEqual({ ok: true });
  });

  it('one day after is refused, naming the field and the limit date', () => {
    expect(checkSupplyStartDate({ ...base, category: 'LV', supplyStartDate: '2027-02-11' })).toEqual({
      ok: false,
      field: 'supplyStartDate',
      rule: 'lv-next-but-one-meter-reading',
      message: 'supplyStartDate 2027-02-11 is after the next-but-one meter reading day 2027-02-10 (LV rule: 供給開始日 ≤ 次々回検針日)',
    });
    const fit = checkSupplyStartDate({ ...base, category: 'FIT', supplyStartDate: '2027-03-01' });
    expect(fit.ok).toBe(false);
    if (!fit.ok) {
      expect(fit.rule).toBe('lv-next-but-one-meter-reading');
      expect(fit.message).toBe('supplyStartDate 2027-03-01 is after the next-but-one meter reading day 2027-02-10 (FIT rule: 供給開始日 ≤ 次々回検針日)');
    }
  });

  it('the meter reading date is required for LV and FIT', () => {
    for (const category of ['LV', 'FIT'] as const) {
      const r = checkSupplyStartDate({ category, today: '2027-01-15', supplyStartDate: '2027-02-01' });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.field).toBe('nextButOneMeterReadingDate');
        expect(r.rule).toBe('required');
        expect(r.message).toContain(`required for category ${category}`);
      }
    }
    const empty = checkSupplyStartDate({ category: 'LV', today: '2027-01-15', supplyStartDate: '2027-02-01', nextButOneMeterReadingDate: '' });
    expect(empty.ok || empty.rule).toBe('required');
  });

  it('the meter reading date must itself be after today and a real date', () => {
    const same = checkSupplyStartDate({ category: 'LV', today: '2027-01-15', supplyStartDate: '2027-01-15', nextButOneMeterReadingDate: '2027-01-15' });
    expect(same).toMatchObject({ ok: false, field: 'nextButOneMeterReadingDate', rule: 'after-today' });
    const bad = checkSupplyStartDate({ category: 'LV', today: '2027-01-15', supplyStartDate: '2027-01-20', nextButOneMeterReadingDate: '2027-02-30' });
    expect(bad).toMatchObject({ ok: false, field: 'nextButOneMeterReadingDate', rule: 'iso-date' });
  });
});

describe('HV: ≤ 365 days ahead, 366 across a Feb 29', () => {
  it('365 days when no Feb 29 is crossed', () => {
    expect(hvLatestSupplyStartDate('2026-03-01')).toBe('2027-03-01');
    expect(checkSupplyStartDate({ category: 'HV', today: '2026-03-01', supplyStartDate: '2027-03-01' })).toEqual({ ok: true });
    expect(checkSupplyStartDate({ category: 'HV', today: '2026-03-01', supplyStartDate: '2027-03-02' })).toEqual({
      ok: false,
      field: 'supplyStartDate',
      rule: 'hv-max-days-ahead',
      message: 'supplyStartDate 2027-03-02 is after the latest allowed date 2027-03-01 (HV rule: 供給開始日 ≤ today 2026-03-01 + 365 days; 366 when the span contains Feb 29)',
    });
  });

  it('366 days when the span contains 2028-02-29', () => {
    expect(hvLatestSupplyStartDate('2027-03-01')).toBe('2028-03-01');
    expect(checkSupplyStartDate({ category: 'HV', today: '2027-03-01', supplyStartDate: '2028-03-01' })).toEqual({ ok: true });
    const r = checkSupplyStartDate({ category: 'HV', today: '2027-03-01', supplyStartDate: '2028-03-02' });
    expect(r).toMatchObject({ ok: false, rule: 'hv-max-days-ahead' });
    if (!r.ok) expect(r.message).toContain('latest allowed date 2028-03-01 (HV rule: 供給開始日 ≤ today 2027-03-01 + 366 days');
    // Feb 29 as the last day of the span counts.
    expect(hvLatestSupplyStartDate('2027-02-28')).toBe('2028-02-29');
  });

  it('starting on Feb 29 itself does not count it', () => {
    expect(hvLatestSupplyStartDate('2028-02-29')).toBe('2029-02-28');
    expect(hvLatestSupplyStartDate('2028-03-01')).toBe('2029-03-01');
    expect(checkSupplyStartDate({ category: 'HV', today: '2028-02-29', supplyStartDate: '2029-03-01' }).ok).toBe(false);
  });

  it('HV needs no meter reading date', () => {
    expect(checkSupplyStartDate({ category: 'HV', today: '2027-01-15', supplyStartDate: '2027-06-01' })).toEqual({ ok: true });
  });
});

describe('all categories', () => {
  it('refuse a start date in the past', () => {
    for (const category of ['LV', 'HV', 'FIT'] as const) {
      const r = checkSupplyStartDate({ category, today: '2027-01-15', supplyStartDate: '2027-01-14', nextButOneMeterReadingDate: '2027-02-10' });
      expect(r).toEqual({
        ok: false,
        field: 'supplyStartDate',
        rule: 'not-in-past',
        message: 'supplyStartDate 2027-01-14 is before today 2027-01-15 (rule: 供給開始日 must not be in the past)',
      });
    }
  });

  it('refuse malformed dates and unknown categories', () => {
    expect(checkSupplyStartDate({ category: 'HV', today: '2027-01-15', supplyStartDate: '2027-02-30' })).toMatchObject({
      ok: false,
      field: 'supplyStartDate',
      rule: 'iso-date',
      message: "supplyStartDate '2027-02-30' is not a calendar date: 2027-02 has 28 days",
    });
    expect(checkSupplyStartDate({ category: 'HV', today: '15/01/2027', supplyStartDate: '2027-02-01' })).toMatchObject({ ok: false, field: 'today' });
    expect(checkSupplyStartDate({ category: 'EHV' as 'HV', today: '2027-01-15', supplyStartDate: '2027-02-01' })).toMatchObject({
      ok: false,
      field: 'category',
    });
  });
});
