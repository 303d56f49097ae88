// Keeps calls out of maintenance windows: known windows are slept through with a durable timer
// before the call; a 503 outside any known window is an unannounced window — wait and try again,
// never a failure (docs/architecture.md §3, §5). Each wait is counted in the worker's metrics (not a command:
// metrics go through a sink and are not emitted on replay).
import { ApplicationFailure, ActivityFailure, metricMeter, patched, sleep } from '@temporalio/workflow';
import { activeMaintenanceWindow, type AdHocWindow, type MaintenanceConfig } from '../../domain/maintenance.js';
import type { AreaCode } from '../../domain/areas.js';
import { METRICS } from '../../domain/metric-names.js';

/** Calls are not started within this lead time before a known window, */
export const WINDOW_LEAD_MS = 2 * 60_000;
/** … nor until this long after it ends (our clock and the system's are not the same clock). */
export const WINDOW_TAIL_MS = 60_000;

/** Waits started, and the seconds each lasted: by system and kind (names in domain/metric-names.ts). */
export const MAINTENANCE_WAITS_METRIC = METRICS.maintenanceWaits;
export const MAINTENANCE_WAIT_SECONDS_METRIC = METRICS.maintenanceWaitSeconds;

type WaitKind = 'announced' | 'unannounced';

/** The external system behind a maintenance failure type (OcctoMaintenance, TakusouMaintenance). */
export function maintenanceSystem(failureType: string): string {
  return failureType.startsWith('Occto') ? 'occto' : failureType.startsWith('Takusou') ? 'kansai-takusou' : 'other';
}

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
        await this.wait('announced', until - Date.now());
        this.hooks.onResume();
        continue;
      }
      try {
        return await call();
      } catch (err) {
        if (!isFailureOfType(err, this.maintenanceFailureType)) throw err;
        const until = Date.now() + this.unannouncedRetryMs;
        this.hooks.onWait(until, 'unannounced maintenance (HTTP 503)');
        await this.wait('unannounced', this.unannouncedRetryMs);
        this.hooks.onResume();
      }
    }
  }

  /** The durable sleep of one wait (the same sleep command as before), counted in the metrics. */
  private async wait(kind: WaitKind, ms: number): Promise<void> {
    const tags = { system: maintenanceSystem(this.maintenanceFailureType), kind };
    metricMeter.createCounter(MAINTENANCE_WAITS_METRIC, '', 'Maintenance waits started').add(1, tags);
    const started = Date.now();
    await sleep(ms);
    metricMeter.createHistogram(MAINTENANCE_WAIT_SECONDS_METRIC, 'float', 's', 'Time spent waiting for maintenance windows').record(Math.max(0, Date.now() - started) / 1000, tags);
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
