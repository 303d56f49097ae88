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

/** The `system` label of the wait metrics: the external system a guard keeps calls away from. */
export type MaintenanceSystem = 'occto' | 'kansai-takusou';

export interface MaintenanceGuardHooks {
  onWait(untilMs: number, reason: string): void;
  onResume(): void;
}

export interface MaintenanceGuardOptions {
  /** The metrics label of every wait. */
  system: MaintenanceSystem;
  maintenance: MaintenanceConfig;
  /** The area whose own windows area-scoped calls respect. */
  area: AreaCode;
  /** How long to wait after a 503 outside any known window before trying again. */
  unannouncedRetryMs: number;
  /** The ApplicationFailure type the system's activities use for HTTP 503. */
  maintenanceFailureType: string;
  /** Told when a wait starts and ends (status, current details); none by default. */
  hooks?: MaintenanceGuardHooks;
}

/**
 * Which windows a call must stay out of. 'area': the system-wide ones and the area's own (OCCTO's
 * IF_ calls, forwarded to the T&D company; every Kansai call). 'system-wide': only the system-wide
 * ones (OCCTO-internal IS_ calls).
 */
export interface CallScope {
  scope: 'area' | 'system-wide';
}

const NO_HOOKS: MaintenanceGuardHooks = { onWait: () => undefined, onResume: () => undefined };

export class MaintenanceGuard {
  private config: MaintenanceConfig;
  private readonly hooks: MaintenanceGuardHooks;

  constructor(private readonly o: MaintenanceGuardOptions) {
    this.config = o.maintenance;
    this.hooks = o.hooks ?? NO_HOOKS;
  }

  announce(window: AdHocWindow): void {
    this.config = { ...this.config, adHoc: [...(this.config.adHoc ?? []), window] };
  }

  /** Runs `call` outside every known window of its scope; waits out a 503 and tries again. */
  async run<T>({ scope }: CallScope, call: () => Promise<T>): Promise<T> {
    for (;;) {
      // Look a little ahead: a call decided just before a window opens must not land inside it
      // after queueing and dispatch.
      const area = scope === 'area' ? this.o.area : undefined;
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
        if (!isFailureOfType(err, this.o.maintenanceFailureType)) throw err;
        const until = Date.now() + this.o.unannouncedRetryMs;
        this.hooks.onWait(until, 'unannounced maintenance (HTTP 503)');
        await this.wait('unannounced', this.o.unannouncedRetryMs);
        this.hooks.onResume();
      }
    }
  }

  /** The durable sleep of one wait (the same sleep command as before), counted in the metrics. */
  private async wait(kind: WaitKind, ms: number): Promise<void> {
    const tags = { system: this.o.system, kind };
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
