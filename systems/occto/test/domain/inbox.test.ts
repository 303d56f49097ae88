// systems/occto/domain/inbox.ts: the sweep instants of the current retailer's inbox (docs/external-systems/occto-switching.md §5.2: at least hourly
// in weekday business hours), on the JST business calendar.
import { describe, expect, it } from 'vitest';
import { violationsFromZodError } from '../../../../domain/errors.js';
import { inboxConfigSchema, inboxPollInstants, inboxSweepMinutes, inboxSweepVerdict, nextInboxPollAt } from '../../domain/inbox.js';
import { jstDateTimeMs, jstParts } from '../../../../domain/jst.js';
import { inboxScheduleSpec } from '../../client/occto-inbox.js';

const cfg = inboxConfigSchema.parse({});
const hhmm = (ms: number) => {
  const p = jstParts(ms);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
};

describe('inbox config', () => {
  it('defaults to every 30 minutes, 09:00–17:00 JST, all categories', () => {
    expect(cfg).toEqual({ cadenceMinutes: 30, businessHours: { start: '09:00', end: '17:00' }, categories: ['LV', 'HV', 'FIT'] });
  });

  it('refuses a cadence that does not divide an hour, a start off the grid, bad hours and repeated categories, naming each field', () => {
    const r = inboxConfigSchema.safeParse({ cadenceMinutes: 45, businessHours: { start: '09:00', end: '08:00' }, categories: ['LV', 'LV'] });
    expect(r.success).toBe(false);
    const v = violationsFromZodError(r.error!);
    expect(v.map((x) => x.field)).toEqual(expect.arrayContaining(['cadenceMinutes', 'businessHours.end', 'categories']));
    expect(v.find((x) => x.field === 'cadenceMinutes')!.message).toMatch(/divide an hour/);
    const off = inboxConfigSchema.safeParse({ cadenceMinutes: 20, businessHours: { start: '09:10', end: '17:00' } });
    expect(violationsFromZodError(off.error!)[0]).toMatchObject({ field: 'businessHours.start' });
    expect(violationsFromZodError(off.error!)[0]!.message).toMatch(/20-minute grid/);
    expect(inboxConfigSchema.safeParse({ categories: ['MV'] }).success).toBe(false);
  });
});

describe('inboxPollInstants', () => {
  it('a business day: 16 sweeps 09:00, 09:30 … 16:30, every clock hour 9–16 covered', () => {
    const instants = inboxPollInstants('2026-05-12', cfg); // Tuesday
    expect(instants.map(hhmm)).toEqual(['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00', '16:30']);
    const hours = new Set(instants.map((t) => jstParts(t).hour));
    for (let h = 9; h < 17; h++) expect(hours.has(h)).toBe(true);
  });

  it('no sweep on a weekend, a national holiday, a substitute holiday or the year-end closure', () => {
    for (const day of ['2026-05-09', '2026-05-10', '2026-05-04', '2026-05-06', '2026-12-29', '2027-01-03', '2026-09-22']) {
      expect(inboxPollInstants(day, cfg), day).toEqual([]);
    }
  });

  it('an hourly cadence and a short last hour', () => {
    expect(inboxPollInstants('2026-05-12', { cadenceMinutes: 60, businessHours: { start: '08:00', end: '10:30' } }).map(hhmm)).toEqual(['08:00', '09:00', '10:00']);
    expect(inboxSweepMinutes({ cadenceMinutes: 15, businessHours: { start: '16:30', end: '17:10' } })).toEqual([990, 1005, 1020]);
  });
});

describe('nextInboxPollAt', () => {
  it('the next instant on the grid, strictly after', () => {
    expect(nextInboxPollAt(jstDateTimeMs('2026-05-12', '10:10'), cfg)).toBe(jstDateTimeMs('2026-05-12', '10:30'));
    expect(nextInboxPollAt(jstDateTimeMs('2026-05-12', '10:30'), cfg)).toBe(jstDateTimeMs('2026-05-12', '11:00'));
    expect(nextInboxPollAt(jstDateTimeMs('2026-05-12', '06:00'), cfg)).toBe(jstDateTimeMs('2026-05-12', '09:00'));
  });

  it('skips the evening, the weekend and Golden Week to the next business day 09:00', () => {
    expect(nextInboxPollAt(jstDateTimeMs('2026-05-12', '16:30'), cfg)).toBe(jstDateTimeMs('2026-05-13', '09:00'));
    expect(nextInboxPollAt(jstDateTimeMs('2026-05-08', '17:00'), cfg)).toBe(jstDateTimeMs('2026-05-11', '09:00')); // Fri → Mon
    expect(nextInboxPollAt(jstDateTimeMs('2026-05-01', '16:45'), cfg)).toBe(jstDateTimeMs('2026-05-07', '09:00')); // GW: 2–6 May closed
    expect(nextInboxPollAt(jstDateTimeMs('2026-12-28', '18:00'), cfg)).toBe(jstDateTimeMs('2027-01-04', '09:00')); // year end
  });
});

describe('inboxSweepVerdict', () => {
  it('sweeps in business hours only', () => {
    expect(inboxSweepVerdict(jstDateTimeMs('2026-05-12', '09:00'))).toEqual({ sweep: true });
    expect(inboxSweepVerdict(jstDateTimeMs('2026-05-12', '16:59'))).toEqual({ sweep: true });
    expect(inboxSweepVerdict(jstDateTimeMs('2026-05-12', '17:00'))).toMatchObject({ sweep: false, reason: expect.stringMatching(/outside business hours/) });
    expect(inboxSweepVerdict(jstDateTimeMs('2026-05-05', '10:00'))).toMatchObject({ sweep: false, reason: expect.stringMatching(/national holiday こどもの日/) });
    expect(inboxSweepVerdict(jstDateTimeMs('2026-05-09', '10:00'))).toMatchObject({ sweep: false, reason: expect.stringMatching(/weekend/) });
  });
});

describe('inboxScheduleSpec (the Schedule the client creates)', () => {
  it('weekdays, the sweep minutes of each business hour, Asia/Tokyo', () => {
    expect(inboxScheduleSpec(cfg)).toEqual({
      timezone: 'Asia/Tokyo',
      calendars: [{ hour: { start: 9, end: 16 }, minute: [0, 30], dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' } }],
    });
  });

  it('a short last hour gets its own calendar entry', () => {
    const spec = inboxScheduleSpec({ cadenceMinutes: 20, businessHours: { start: '09:00', end: '10:30' } });
    expect(spec.calendars).toEqual([
      { hour: { start: 9, end: 9 }, minute: [0, 20, 40], dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' } },
      { hour: { start: 10, end: 10 }, minute: [0, 20], dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' } },
    ]);
  });
});
