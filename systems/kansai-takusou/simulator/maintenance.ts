// Maintenance windows on the simulated clock: the regular stop (default KANSAI_TD_DEFAULT_MAINTENANCE,
// every Sunday 01:00–03:00 JST), ad-hoc windows, and a switch that forces maintenance on. All 21
// APIs answer 503 inside a window. Ad-hoc windows carry no area: たくそう君 is one Kansai system.
import {
  KANSAI_TD_DEFAULT_MAINTENANCE,
  activeMaintenanceWindow,
  type MaintenanceBlock,
  type MaintenanceConfig,
} from '../../../domain/maintenance.js';
import { z } from 'zod';
import type { TakusouMaintenanceWindow } from './types.js';

export const maintenanceWindowSchema = z
  .object({
    start: z.number({ error: 'start must be epoch milliseconds' }).int({ error: 'start must be an integer epoch-ms value' }),
    end: z.number({ error: 'end must be epoch milliseconds' }).int({ error: 'end must be an integer epoch-ms value' }),
    reason: z.string().max(200).optional(),
    announce: z.boolean().optional(),
  })
  .strict()
  .refine((w) => w.start < w.end, { message: 'end must be after start', path: ['end'] });

/** Until this far ahead a forced window claims to last (Retry-After, notice end): one hour. */
const FORCED_HORIZON_MS = 3_600_000;

export class MaintenanceSchedule {
  private adHoc: TakusouMaintenanceWindow[] = [];
  private forced = false;

  constructor(private readonly base: MaintenanceConfig = KANSAI_TD_DEFAULT_MAINTENANCE) {}

  add(w: TakusouMaintenanceWindow): TakusouMaintenanceWindow {
    const parsed = maintenanceWindowSchema.parse(w);
    this.adHoc.push(parsed);
    return { ...parsed };
  }

  force(on: boolean): void {
    this.forced = on;
  }

  get isForced(): boolean {
    return this.forced;
  }

  addedWindows(): TakusouMaintenanceWindow[] {
    return this.adHoc.map((w) => ({ ...w }));
  }

  active(nowMs: number): MaintenanceBlock | undefined {
    if (this.forced) return { start: nowMs, end: nowMs + FORCED_HORIZON_MS, reason: 'maintenance forced on (simulator switch)' };
    const config: MaintenanceConfig = {
      ...this.base,
      adHoc: [...(this.base.adHoc ?? []), ...this.adHoc.map((w) => ({ start: w.start, end: w.end, reason: w.reason ?? 'ad-hoc maintenance' }))],
    };
    // Exactly the domain's view, which workflows consult before calling.
    return activeMaintenanceWindow(config, nowMs);
  }

  reset(): void {
    this.adHoc = [];
    this.forced = false;
  }
}
