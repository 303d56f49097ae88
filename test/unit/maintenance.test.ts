import { describe, it, expect } from 'vitest';
import {
  KANSAI_TD_DEFAULT_MAINTENANCE,
  OCCTO_DEFAULT_MAINTENANCE,
  activeMaintenanceWindow,
  maintenanceConfigSchema,
  nextMaintenanceWindow,
  type MaintenanceConfig,
} from '../../domain/index.js';

/** Epoch ms of a JST wall-clock time, written independently of domain/jst.ts. */
const jst = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h - 9, mi, s);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// 2026-01-18 is a Sunday.
const SUN_0000 = jst(2026, 1, 18, 0);
const SUN_0600 = jst(2026, 1, 18, 6);

describe('OCCTO default maintenance (Sunday 00:00–06:00 JST)', () => {
  it('Sunday 00:00 JST is inside — the same instant is Saturday 15:00 UTC', () => {
    expect(SUN_0000).toBe(Date.parse('2026-01-17T15:00:00Z'));
    expect(new Date(SUN_0000).getUTCDay()).toBe(6);
    const w = activeMaintenanceWindow(OCCTO_DEFAULT_MAINTENANCE, SUN_0000);
    expect(w).toEqual({ start: SUN_0000, end: SUN_0600, reason: 'OCCTO planned maintenance (Sun 00:00–06:00 JST)' });
  });

  it('05:59:59 JST is inside, 06:00 is outside, Saturday 23:59:59 JST is outside', () => {
    expect(activeMaintenanceWindow(OCCTO_DEFAULT_MAINTENANCE, jst(2026, 1, 18, 5, 59, 59))?.end).toBe(SUN_0600);
    expect(activeMaintenanceWindow(OCCTO_DEFAULT_MAINTENANCE, SUN_0600)).toBeUndefined();
    expect(activeMaintenanceWindow(OCCTO_DEFAULT_MAINTENANCE, jst(2026, 1, 17, 23, 59, 59))).toBeUndefined();
    // Sunday 00:00–06:00 UTC is Sunday 09:00–15:00 JST: not a window.
    expect(activeMaintenanceWindow(OCCTO_DEFAULT_MAINTENANCE, Date.parse('2026-01-18T01:00:00Z'))).toBeUndefined();
  });

  it('applies to every area unless overridden', () => {
    expect(activeMaintenanceWindow(OCCTO_DEFAULT_MAINTENANCE, jst(2026, 1, 18, 3), '06')?.end).toBe(SUN_0600);
    expect(activeMaintenanceWindow(OCCTO_DEFAULT_MAINTENANCE, jst(2026, 1, 18, 3), '10')?.end).toBe(SUN_0600);
  });

  it('nextMaintenanceWindow shows the coming Sunday, and next week while inside one', () => {
    const sat = jst(2026, 1, 17, 23, 59, 59);
    expect(nextMaintenanceWindow(OCCTO_DEFAULT_MAINTENANCE, sat)).toEqual({
      start: SUN_0000,
      end: SUN_0600,
      reason: 'OCCTO planned maintenance (Sun 00:00–06:00 JST)',
    });
    expect(nextMaintenanceWindow(OCCTO_DEFAULT_MAINTENANCE, jst(2026, 1, 18, 1))?.start).toBe(SUN_0000 + 7 * DAY);
    expect(nextMaintenanceWindow(OCCTO_DEFAULT_MAINTENANCE, SUN_0000)?.start).toBe(SUN_0000 + 7 * DAY);
    expect(nextMaintenanceWindow({ weekly: [] }, sat)).toBeUndefined();
  });

  it('Kansai T&D default is Sunday 01:00–03:00 JST', () => {
    expect(activeMaintenanceWindow(KANSAI_TD_DEFAULT_MAINTENANCE, jst(2026, 1, 18, 0, 59, 59))).toBeUndefined();
    expect(activeMaintenanceWindow(KANSAI_TD_DEFAULT_MAINTENANCE, jst(2026, 1, 18, 1))?.end).toBe(jst(2026, 1, 18, 3));
  });
});

describe('per-area windows replace the default', () => {
  const config: MaintenanceConfig = {
    weekly: OCCTO_DEFAULT_MAINTENANCE.weekly,
    perArea: {
      '03': [{ dayOfWeek: 0, start: '02:00', end: '08:00', label: 'Tokyo T&D maintenance' }],
      '09': [],
    },
  };

  it('area 03 follows its own window, not the default', () => {
    expect(activeMaintenanceWindow(config, jst(2026, 1, 18, 1), '03')).toBeUndefined();
    expect(activeMaintenanceWindow(config, jst(2026, 1, 18, 7), '03')).toEqual({
      start: jst(2026, 1, 18, 2),
      end: jst(2026, 1, 18, 8),
      reason: 'Tokyo T&D maintenance [area 03]',
    });
    expect(nextMaintenanceWindow(config, jst(2026, 1, 17, 12), '03')?.start).toBe(jst(2026, 1, 18, 2));
  });

  it('an empty per-area list means no weekly window for that area', () => {
    expect(activeMaintenanceWindow(config, jst(2026, 1, 18, 1), '09')).toBeUndefined();
  });

  it('other areas and area-less calls keep the default', () => {
    expect(activeMaintenanceWindow(config, jst(2026, 1, 18, 1), '06')?.end).toBe(SUN_0600);
    expect(activeMaintenanceWindow(config, jst(2026, 1, 18, 1))?.end).toBe(SUN_0600);
    expect(activeMaintenanceWindow(config, jst(2026, 1, 18, 7))).toBeUndefined();
  });
});

describe('ad-hoc windows', () => {
  it('an ad-hoc window starting when the weekly one ends extends the block', () => {
    const config: MaintenanceConfig = {
      ...OCCTO_DEFAULT_MAINTENANCE,
      adHoc: [{ start: SUN_0600, end: jst(2026, 1, 18, 9), reason: 'emergency patch' }],
    };
    const w = activeMaintenanceWindow(config, jst(2026, 1, 18, 1));
    expect(w?.start).toBe(SUN_0000);
    expect(w?.end).toBe(jst(2026, 1, 18, 9));
    expect(w?.reason).toBe('OCCTO planned maintenance (Sun 00:00–06:00 JST); emergency patch');
    expect(activeMaintenanceWindow(config, jst(2026, 1, 18, 8, 59, 59))?.end).toBe(jst(2026, 1, 18, 9));
    expect(activeMaintenanceWindow(config, jst(2026, 1, 18, 9))).toBeUndefined();
  });

  it('chains several overlapping and adjoining windows, in any order', () => {
    const config: MaintenanceConfig = {
      weekly: OCCTO_DEFAULT_MAINTENANCE.weekly,
      adHoc: [
        { start: jst(2026, 1, 18, 11), end: jst(2026, 1, 18, 12), reason: 'c' },
        { start: jst(2026, 1, 18, 8, 30), end: jst(2026, 1, 18, 11), reason: 'b' },
        { start: jst(2026, 1, 18, 5), end: jst(2026, 1, 18, 9), reason: 'a' },
        { start: jst(2026, 1, 18, 13), end: jst(2026, 1, 18, 14), reason: 'separate' },
      ],
    };
    const w = activeMaintenanceWindow(config, jst(2026, 1, 18, 0, 0, 1));
    expect(w?.end).toBe(jst(2026, 1, 18, 12));
    expect(w?.reason).toBe('OCCTO planned maintenance (Sun 00:00–06:00 JST); a; b; c');
    expect(nextMaintenanceWindow(config, jst(2026, 1, 18, 1))).toEqual({ start: jst(2026, 1, 18, 13), end: jst(2026, 1, 18, 14), reason: 'separate' });
  });

  it('the block includes a Saturday-night window adjoining Sunday 00:00', () => {
    const config: MaintenanceConfig = {
      weekly: [
        { dayOfWeek: 6, start: '22:00', end: '24:00' },
        { dayOfWeek: 0, start: '00:00', end: '06:00' },
      ],
    };
    const w = activeMaintenanceWindow(config, jst(2026, 1, 17, 23));
    expect(w).toEqual({
      start: jst(2026, 1, 17, 22),
      end: SUN_0600,
      reason: 'weekly maintenance (Sat 22:00–24:00 JST); weekly maintenance (Sun 00:00–06:00 JST)',
    });
  });

  it('area-specific ad-hoc windows apply only to that area', () => {
    const config: MaintenanceConfig = {
      weekly: [],
      adHoc: [{ start: jst(2026, 2, 3, 10), end: jst(2026, 2, 3, 12), area: '06', reason: 'Kansai backup-centre failover' }],
    };
    const t = jst(2026, 2, 3, 11);
    expect(activeMaintenanceWindow(config, t, '06')?.reason).toBe('Kansai backup-centre failover [area 06]');
    expect(activeMaintenanceWindow(config, t, '03')).toBeUndefined();
    expect(activeMaintenanceWindow(config, t)).toBeUndefined();
  });

  it('a multi-week ad-hoc outage adjoining the weekly window is followed to its end', () => {
    const end = SUN_0600 + 20 * DAY + 5 * HOUR;
    const config: MaintenanceConfig = { ...OCCTO_DEFAULT_MAINTENANCE, adHoc: [{ start: SUN_0600, end, reason: 'external attack cut-off' }] };
    expect(activeMaintenanceWindow(config, jst(2026, 1, 18, 1))?.end).toBe(end);
    // An outage that started long ago still reports its real start.
    expect(activeMaintenanceWindow(config, end - HOUR)?.start).toBe(SUN_0000);
  });

  it('a config that is always closed still terminates, with an end far ahead', () => {
    const always: MaintenanceConfig = {
      weekly: [0, 1, 2, 3, 4, 5, 6].map((d) => ({ dayOfWeek: d as 0, start: '00:00', end: '24:00' })),
    };
    const now = jst(2026, 1, 14, 12);
    const w = activeMaintenanceWindow(always, now);
    expect(w).toBeDefined();
    expect(w!.end).toBeGreaterThan(now + 56 * DAY);
  });
});

describe('maintenanceConfigSchema', () => {
  it('accepts the defaults and 24:00 as an end', () => {
    expect(maintenanceConfigSchema.parse(OCCTO_DEFAULT_MAINTENANCE)).toEqual(OCCTO_DEFAULT_MAINTENANCE);
    expect(maintenanceConfigSchema.safeParse({ weekly: [{ dayOfWeek: 6, start: '22:00', end: '24:00' }] }).success).toBe(true);
  });

  it('refuses start >= end with a clear message and path', () => {
    const r = maintenanceConfigSchema.safeParse({ weekly: [{ dayOfWeek: 0, start: '06:00', end: '06:00' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['weekly', 0, 'end']);
    expect(r.error?.issues[0]?.message).toMatch(/^weekly window end 06:00 must be after start 06:00/);

    const a = maintenanceConfigSchema.safeParse({ weekly: [], adHoc: [{ start: 2_000, end: 1_000 }] });
    expect(a.error?.issues[0]?.path).toEqual(['adHoc', 0, 'end']);
    expect(a.error?.issues[0]?.message).toBe('ad-hoc window end 1970-01-01T00:00:01.000Z must be after start 1970-01-01T00:00:02.000Z');
  });

  it('refuses bad days, times and area keys', () => {
    const day = maintenanceConfigSchema.safeParse({ weekly: [{ dayOfWeek: 7, start: '00:00', end: '06:00' }] });
    expect(day.error?.issues[0]?.message).toBe('dayOfWeek must be an integer 0–6 (0 = Sunday, JST) (got 7)');
    const time = maintenanceConfigSchema.safeParse({ weekly: [{ dayOfWeek: 0, start: '00:00', end: '25:00' }] });
    expect(time.error?.issues[0]?.message).toMatch(/^end '25:00' is not a time of day/);
    const key = maintenanceConfigSchema.safeParse({ weekly: [], perArea: { '11': [] } });
    expect(key.error?.issues[0]?.path).toEqual(['perArea', '11']);
    expect(key.error?.issues[0]?.message).toBe("perArea key must be an area code 01–10 (got '11')");
    const area = maintenanceConfigSchema.safeParse({ weekly: [], adHoc: [{ start: 1, end: 2, area: '00' }] });
    expect(area.error?.issues[0]?.message).toBe("area must be a two-digit area code 01–10 (got '00')");
  });
});
