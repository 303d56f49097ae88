// domain/durations.ts: human-readable durations ("15 minutes", "2h", "3 days") and plain
// milliseconds become milliseconds; anything else is refused with a message naming the rule.
import { describe, expect, it } from 'vitest';
import { durationSchema, parseDurationMs } from '../../domain/durations.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('parseDurationMs', () => {
  it.each([
    ['15 minutes', 15 * MIN],
    ['1 minute', MIN],
    ['30min', 30 * MIN],
    ['5m', 5 * MIN],
    ['2h', 2 * HOUR],
    ['1 hour', HOUR],
    ['3 hours', 3 * HOUR],
    ['3 days', 3 * DAY],
    ['1 day', DAY],
    ['3d', 3 * DAY],
    ['10s', 10_000],
    ['10 sec', 10_000],
    ['1 second', 1_000],
    ['45 seconds', 45_000],
    ['250ms', 250],
    ['1 millisecond', 1],
    ['250 milliseconds', 250],
    ['0s', 0],
  ])('%j → %d ms', (input, expected) => {
    expect(parseDurationMs(input)).toBe(expected);
  });

  it('accepts fractions and rounds to whole milliseconds', () => {
    expect(parseDurationMs('1.5h')).toBe(90 * MIN);
    expect(parseDurationMs('0.5 days')).toBe(12 * HOUR);
    expect(parseDurationMs('1.5ms')).toBe(2);
    expect(parseDurationMs('0.4ms')).toBe(0);
  });

  it('ignores surrounding white space and the case of the unit', () => {
    expect(parseDurationMs('  2 H  ')).toBe(2 * HOUR);
    expect(parseDurationMs('15 Minutes')).toBe(15 * MIN);
    expect(parseDurationMs('3DAYS')).toBe(3 * DAY);
    expect(parseDurationMs('\t10\tsec\n')).toBe(10_000);
  });

  it('takes a number as milliseconds, unchanged', () => {
    expect(parseDurationMs(0)).toBe(0);
    expect(parseDurationMs(1_500)).toBe(1_500);
    expect(parseDurationMs(86_400_000)).toBe(DAY);
  });

  it('refuses negative, NaN and infinite numbers', () => {
    expect(parseDurationMs(-1)).toBeUndefined();
    expect(parseDurationMs(Number.NaN)).toBeUndefined();
    expect(parseDurationMs(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(parseDurationMs(Number.NEGATIVE_INFINITY)).toBeUndefined();
  });

  it.each([
    [''],
    ['   '],
    ['soon'],
    ['15'], // a bare number in a string has no unit
    ['minutes'],
    ['-5m'],
    ['+5m'],
    ['5 weeks'], // unknown unit
    ['5 mins'], // not in the unit table
    ['5 m s'],
    ['1e3ms'],
    ['.5h'],
    ['5.h'],
    ['2h30m'], // compound durations are not supported
    ['１５分'], // full-width digits and a Japanese unit
    ['15 分'],
  ])('refuses %j', (input) => {
    expect(parseDurationMs(input)).toBeUndefined();
  });
});

describe('durationSchema', () => {
  it('yields milliseconds for strings and numbers', () => {
    expect(durationSchema.parse('15 minutes')).toBe(15 * MIN);
    expect(durationSchema.parse('2h')).toBe(2 * HOUR);
    expect(durationSchema.parse('3 days')).toBe(3 * DAY);
    expect(durationSchema.parse(42)).toBe(42);
    expect(durationSchema.parse(0)).toBe(0);
  });

  it('refuses a bad string with one custom issue that names the rule and echoes the value', () => {
    const r = durationSchema.safeParse('soon');
    expect(r.success).toBe(false);
    expect(r.error?.issues).toHaveLength(1);
    expect(r.error?.issues[0]?.code).toBe('custom');
    expect(r.error?.issues[0]?.message).toBe('must be a duration like "15 minutes", "2h" or a number of milliseconds (got "soon")');
  });

  it('refuses a negative number with the same rule', () => {
    const r = durationSchema.safeParse(-5);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('must be a duration like "15 minutes", "2h" or a number of milliseconds (got -5)');
  });

  it('refuses values that are neither strings nor numbers', () => {
    for (const v of [null, undefined, true, {}, ['2h']]) {
      expect(durationSchema.safeParse(v).success, JSON.stringify(v)).toBe(false);
    }
  });
});

describe('durationAtLeast', () => {
  it('refuses durations under the floor with the floor named', async () => {
    const { durationAtLeast } = await import('../../domain/durations.js');
    const s = durationAtLeast(60_000, '1 minute');
    expect(s.safeParse('30 seconds').success).toBe(false);
    expect(s.safeParse(0).error?.issues[0]?.message).toBe('must be at least 1 minute');
    expect(s.parse('1 minute')).toBe(60_000);
  });
});
