// Keeps calls out of maintenance windows: known windows are slept through with a durable timer
// before the call; a 503 outside any known window is an unannounced window — wait and try again,
// never a failure (design.md §3, §5).
import { ApplicationFailure, ActivityFailure, patched, sleep } from '@temporalio/workflow';
import { activeMaintenanceWindow, type AdHocWindow, type MaintenanceConfig } from '../../domain/maintenance.js';
import type { AreaCode } from '../../domain/areas.js';

/** Calls are not started within this lead time before a known window, */
export const WINDOW_LEAD_MS = 2 * 60_000;
/** … nor until this long after it ends (our clock and the system's are not the same clock). */
export const WINDOW_TAIL_MS = 60_000;

export interface MaintenanceGuardHooks {
  onWait(untilMs: number, reason: string): void;
  onResume(): void;
}

export class MaintenanceGuard {
  constructor(
    private config: MaintenanceConfig,
    private readonly area: AreaCode,
    private readonly unannouncedRetryMs: number,
    private readonly hooks: MaintenanceGuardHooks,
    /** The ApplicationFailure type the system's activities use for HTTP 503. */
    private readonly maintenanceFailureType: string,
  ) {}

  announce(window: AdHocWindow): void {
    this.config = { ...this.config, adHoc: [...(this.config.adHoc ?? []), window] };
  }

  /**
   * Runs `call` outside every known window. `areaSpecific` calls (OCCTO's IF_, forwarded to the
   * T&D company; every Kansai call) also respect the area's own windows; OCCTO-internal ones (IS_)
   * only the system-wide ones.
   */
  async run<T>(areaSpecific: boolean, call: () => Promise<T>): Promise<T> {
    for (;;) {
      // Look a little ahead: a call decided just before a window opens must not land inside it
      // after queueing and dispatch.
      const area = areaSpecific ? this.area : undefined;
      const now = Date.now();
      // patched(): histories recorded before the lead time existed replay without it.
      const lead = patched('maintenance-window-lead') ? WINDOW_LEAD_MS : 0;
      const block = activeMaintenanceWindow(this.config, now, area) ?? (lead ? activeMaintenanceWindow(this.config, now + lead, area) : undefined);
      if (block) {
        const until = block.end + (lead ? WINDOW_TAIL_MS : 0);
        this.hooks.onWait(until, block.reason);
        await sleep(until - Date.now());
        this.hooks.onResume();
        continue;
      }
      try {
        return await call();
      } catch (err) {
        if (!isFailureOfType(err, this.maintenanceFailureType)) throw err;
        const until = Date.now() + this.unannouncedRetryMs;
        this.hooks.onWait(until, 'unannounced maintenance (HTTP 503)');
        await sleep(this.unannouncedRetryMs);
        this.hooks.onResume();
      }
    }
  }
}

/** The ApplicationFailure type behind an activity failure, if any. */
export function failureType(err: unknown): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

export function isFailureOfType(err: unknown, type: string): boolean {
  return failureType(err) === type;
}
