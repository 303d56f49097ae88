// Maintenance windows: before a call, a workflow asks whether now is blocked and sleeps until the
// END OF THE WHOLE BLOCKED PERIOD (not just the first window), so it never wakes into a second,
// adjoining window and burns a call on a 503.
import { z } from 'zod';
import { AREA_CODES, isAreaCode, type AreaCode } from './areas.js';
import { DAY_MS, addDays, hhmmProblem, hhmmToMinutes, jstDate, jstDateTimeMs, weekdayOf } from './jst.js';

export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** A weekly JST window. A window over midnight is written as two (Sat 22:00–24:00, Sun 00:00–02:00). */
export interface WeeklyWindow {
  /** JST, 0 = Sunday. */
  dayOfWeek: DayOfWeek;
  /** 'HH:MM' JST, inclusive. */
  start: string;
  /** 'HH:MM' JST, exclusive; '24:00' = end of the day. */
  end: string;
  label?: string;
}

/** A one-off window (announced on OCCTO's インフォメーション screen, or entered by an operator). */
export interface AdHocWindow {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
  /** Only this area's T&D system; absent = the whole system. */
  area?: AreaCode;
  reason?: string;
}

export interface MaintenanceConfig {
  /** Default weekly windows, for every area. */
  weekly: WeeklyWindow[];
  /** Replaces (does not add to) `weekly` for that area; `[]` means "no weekly window there". */
  perArea?: Partial<Record<AreaCode, WeeklyWindow[]>>;
  adHoc?: AdHocWindow[];
}

export interface MaintenanceBlock {
  start: number;
  end: number;
  reason: string;
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

// ---- schemas ----------------------------------------------------------------------------------

export const weeklyWindowSchema = z
  .object({
    dayOfWeek: z.literal([0, 1, 2, 3, 4, 5, 6], {
      error: (issue) => `dayOfWeek must be an integer 0–6 (0 = Sunday, JST) (got ${JSON.stringify(issue.input)})`,
    }),
    start: z.string({ error: "start must be a time 'HH:MM'" }),
    end: z.string({ error: "end must be a time 'HH:MM'" }),
    label: z.string().optional(),
  })
  .superRefine((w, ctx) => {
    const startProblem = hhmmProblem(w.start);
    const endProblem = hhmmProblem(w.end);
    if (startProblem) ctx.addIssue({ code: 'custom', path: ['start'], message: `start ${startProblem}` });
    if (endProblem) ctx.addIssue({ code: 'custom', path: ['end'], message: `end ${endProblem}` });
    if (!startProblem && !endProblem && hhmmToMinutes(w.start) >= hhmmToMinutes(w.end)) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `weekly window end ${w.end} must be after start ${w.start} on the same day (split a window over midnight into two, ending at '24:00')`,
      });
    }
  });

export const adHocWindowSchema = z
  .object({
    start: z.number({ error: 'start must be epoch milliseconds' }).int({ error: 'start must be an integer epoch-ms value' }),
    end: z.number({ error: 'end must be epoch milliseconds' }).int({ error: 'end must be an integer epoch-ms value' }),
    area: z.string().optional(),
    reason: z.string().optional(),
  })
  .superRefine((w, ctx) => {
    if (w.area !== undefined && !isAreaCode(w.area)) {
      ctx.addIssue({ code: 'custom', path: ['area'], message: `area must be a two-digit area code 01–10 (got '${w.area}')` });
    }
    if (w.start >= w.end) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `ad-hoc window end ${new Date(w.end).toISOString()} must be after start ${new Date(w.start).toISOString()}`,
      });
    }
  })
  .transform((w) => w as AdHocWindow);

export const maintenanceConfigSchema = z
  .object({
    weekly: z.array(weeklyWindowSchema),
    perArea: z.record(z.string(), z.array(weeklyWindowSchema)).optional(),
    adHoc: z.array(adHocWindowSchema).optional(),
  })
  .superRefine((c, ctx) => {
    for (const key of Object.keys(c.perArea ?? {})) {
      if (!isAreaCode(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['perArea', key],
          message: `perArea key must be an area code ${AREA_CODES[0]}–${AREA_CODES[AREA_CODES.length - 1]} (got '${key}')`,
        });
      }
    }
  })
  .transform((c) => c as MaintenanceConfig);

// ---- defaults ---------------------------------------------------------------------------------

/** OCCTO planned maintenance: normally Sunday 00:00–06:00 JST (docs/external-systems/occto-switching.md §7.2); some T&D areas differ (unknown, §13 Q7). */
export const OCCTO_DEFAULT_MAINTENANCE: MaintenanceConfig = {
  weekly: [{ dayOfWeek: 0, start: '00:00', end: '06:00', label: 'OCCTO planned maintenance (Sun 00:00–06:00 JST)' }],
};

/** Kansai T&D (たくそう君, 各種申込WEB): every Sunday 01:00–03:00, JST assumed (docs/external-systems/kansai-takusou.md §6, docs/external-systems/kansai-kakushu-web.md §7). */
export const KANSAI_TD_DEFAULT_MAINTENANCE: MaintenanceConfig = {
  weekly: [{ dayOfWeek: 0, start: '01:00', end: '03:00', label: 'Kansai T&D regular stop (Sun 01:00–03:00 JST)' }],
};

// ---- evaluation -------------------------------------------------------------------------------

interface Interval {
  start: number;
  end: number;
  reason: string;
}

function weeklyReason(w: WeeklyWindow, area: AreaCode | undefined, perArea: boolean): string {
  const base = w.label ?? `weekly maintenance (${DAY_NAMES[w.dayOfWeek]} ${w.start}–${w.end} JST)`;
  return perArea && area ? `${base} [area ${area}]` : base;
}

/** Every window (weekly instances and ad-hoc) that overlaps [fromMs, toMs]. */
function intervalsBetween(config: MaintenanceConfig, area: AreaCode | undefined, fromMs: number, toMs: number): Interval[] {
  const areaWeekly = area !== undefined ? config.perArea?.[area] : undefined;
  const weekly = areaWeekly ?? config.weekly;
  const out: Interval[] = [];
  const lastDay = addDays(jstDate(toMs), 1);
  for (let day = addDays(jstDate(fromMs), -1); day <= lastDay; day = addDays(day, 1)) {
    const wd = weekdayOf(day);
    for (const w of weekly) {
      if (w.dayOfWeek !== wd) continue;
      const start = jstDateTimeMs(day, w.start);
      const end = jstDateTimeMs(day, w.end);
      if (end > fromMs && start <= toMs) out.push({ start, end, reason: weeklyReason(w, area, areaWeekly !== undefined) });
    }
  }
  for (const w of config.adHoc ?? []) {
    // Without an area only system-wide windows apply; with one, system-wide + that area's.
    if (w.area !== undefined && w.area !== area) continue;
    if (w.end > fromMs && w.start <= toMs) {
      const where = w.area !== undefined ? ` [area ${w.area}]` : '';
      out.push({ start: w.start, end: w.end, reason: `${w.reason ?? 'ad-hoc maintenance'}${where}` });
    }
  }
  return out;
}

/** Sorted blocks; windows that overlap or touch (one ends when the next starts) become one. */
function mergeIntervals(intervals: Interval[]): MaintenanceBlock[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start || a.end - b.end);
  const blocks: { start: number; end: number; reasons: string[] }[] = [];
  for (const i of sorted) {
    const last = blocks[blocks.length - 1];
    if (last && i.start <= last.end) {
      last.end = Math.max(last.end, i.end);
      if (!last.reasons.includes(i.reason)) last.reasons.push(i.reason);
    } else {
      blocks.push({ start: i.start, end: i.end, reasons: [i.reason] });
    }
  }
  return blocks.map((b) => ({ start: b.start, end: b.end, reason: b.reasons.join('; ') }));
}

const SCAN_STEP_MS = 8 * DAY_MS;
/**
 * How far a chain of adjoining windows is followed. A config blocked for longer than this reports
 * an end at about this horizon; the caller then checks again, so nothing is lost.
 */
export const MAX_BLOCK_SCAN_MS = 64 * DAY_MS;

function blocksAround(config: MaintenanceConfig, nowMs: number, area: AreaCode | undefined, aheadMs: number): MaintenanceBlock[] {
  let from = nowMs - SCAN_STEP_MS;
  let to = nowMs + aheadMs;
  for (;;) {
    const blocks = mergeIntervals(intervalsBetween(config, area, from, to));
    const first = blocks[0];
    const last = blocks[blocks.length - 1];
    let grew = false;
    // A block reaching the scan edge may continue beyond it: widen and merge again.
    if (last && last.end >= to && to - nowMs < MAX_BLOCK_SCAN_MS) {
      to += SCAN_STEP_MS;
      grew = true;
    }
    if (first && first.start <= from && nowMs - from < MAX_BLOCK_SCAN_MS) {
      from -= SCAN_STEP_MS;
      grew = true;
    }
    if (!grew) return blocks;
  }
}

function checkNow(nowMs: number): void {
  if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be a finite epoch-ms number (got ${String(nowMs)})`);
}

/**
 * The blocked period containing `nowMs` (start ≤ now < end), merged with every window that
 * overlaps or adjoins it; undefined when the system is available. Without `area`, only
 * area-independent windows (default weekly + ad-hoc without area) apply.
 */
export function activeMaintenanceWindow(config: MaintenanceConfig, nowMs: number, area?: AreaCode): MaintenanceBlock | undefined {
  checkNow(nowMs);
  return blocksAround(config, nowMs, area, 0).find((b) => b.start <= nowMs && nowMs < b.end);
}

/** For display: the next blocked period starting after `nowMs`, within 8 days; undefined if none. */
export function nextMaintenanceWindow(config: MaintenanceConfig, nowMs: number, area?: AreaCode): MaintenanceBlock | undefined {
  checkNow(nowMs);
  const horizon = nowMs + SCAN_STEP_MS;
  // A window that adjoins the current block is part of it, not "next".
  return blocksAround(config, nowMs, area, SCAN_STEP_MS).find((b) => b.start > nowMs && b.start <= horizon);
}
