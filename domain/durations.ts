// Durations in workflow inputs are human-readable ("30 minutes", "3d") or milliseconds, so that
// business apps and operators can read them; parsed here once, deterministically.
import { z } from 'zod';

const UNIT_MS: Record<string, number> = {
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

export function parseDurationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = UNIT_MS[m[2]!.toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** A duration field: "15 minutes", "2h", "3 days" or a number of milliseconds; yields milliseconds. */
export const durationSchema = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    const ms = parseDurationMs(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be a duration like "15 minutes", "2h" or a number of milliseconds (got ${JSON.stringify(v)})` });
      return z.NEVER;
    }
    return ms;
  });

/** A duration with a floor, so that e.g. a zero reminder interval cannot turn into a busy loop. */
export function durationAtLeast(minMs: number, label: string) {
  return durationSchema.refine((ms) => ms >= minMs, { message: `must be at least ${label}` });
}
