// Keeps calls out of maintenance windows: known windows are slept through with a durable timer
// before the call; a 503 outside any known window is an unannounced window — wait and try again,
// never a failure (design.md §3, §5).
import { ApplicationFailure, ActivityFailure, sleep } from '@temporalio/workflow';
import { activeMaintenanceWindow, type AdHocWindow, type MaintenanceConfig } from '../../domain/maintenance.js';
import type { AreaCode } from '../../domain/areas.js';
import { OcctoFailure } from '../../activities/occto/contract.js';

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
  ) {}

  announce(window: AdHocWindow): void {
    this.config = { ...this.config, adHoc: [...(this.config.adHoc ?? []), window] };
  }

  /**
   * Runs `call` outside every known window. `forwarded` calls (IF_, sent on to the T&D company)
   * also respect the area's own windows; OCCTO-internal ones (IS_) only the system-wide ones.
   */
  async run<T>(forwarded: boolean, call: () => Promise<T>): Promise<T> {
    for (;;) {
      const block = activeMaintenanceWindow(this.config, Date.now(), forwarded ? this.area : undefined);
      if (block) {
        this.hooks.onWait(block.end, block.reason);
        await sleep(block.end - Date.now());
        this.hooks.onResume();
        continue;
      }
      try {
        return await call();
      } catch (err) {
        if (!isFailureOfType(err, OcctoFailure.Maintenance)) throw err;
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
