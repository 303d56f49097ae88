// Maintenance windows on the simulated clock (docs/external-systems/occto-switching.md §7.2): OCCTO-internal (IS_) operations see only
// the area-independent windows; operations forwarded to a T&D system (IF_) also see the per-area
// windows of the supply point's area (a T&D window stops only that area's forwarded operations).
import { isForwardedToTd, type Operation } from '../activities/provisional-wire-format.js';
import type { AreaCode } from '../../../domain/areas.js';
import {
  OCCTO_DEFAULT_MAINTENANCE,
  activeMaintenanceWindow,
  adHocWindowSchema,
  type AdHocWindow,
  type MaintenanceBlock,
  type MaintenanceConfig,
} from '../../../domain/maintenance.js';

export class MaintenanceSchedule {
  private adHoc: AdHocWindow[] = [];

  constructor(private readonly base: MaintenanceConfig = OCCTO_DEFAULT_MAINTENANCE) {}

  add(w: AdHocWindow): void {
    this.adHoc.push(adHocWindowSchema.parse(w));
  }

  addedWindows(): AdHocWindow[] {
    return this.adHoc.map((w) => ({ ...w }));
  }

  active(op: Operation, nowMs: number, area: AreaCode | undefined): MaintenanceBlock | undefined {
    const config: MaintenanceConfig = { ...this.base, adHoc: [...(this.base.adHoc ?? []), ...this.adHoc] };
    // Exactly the domain's view, which workflows consult before calling: a forwarded operation
    // is judged with its area (where `perArea` replaces the default weekly windows).
    return activeMaintenanceWindow(config, nowMs, isForwardedToTd(op) ? area : undefined);
  }

  reset(): void {
    this.adHoc = [];
  }
}
