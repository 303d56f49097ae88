// What every OCCTO lifecycle has in common, stated once: how it calls OCCTO and notifies people,
// its maintenance guard (the system, OCCTO's 503 failure type, the Sunday window unless the input
// names others) and the decisions a technical failure asks for (the same for every OCCTO call).
import { proxyActivities } from '@temporalio/workflow';
import { OcctoFailure, type OcctoActivities } from '../activities/contract.js';
import type { NotificationActivities } from '../../../activities/notifications/contract.js';
import { NOTIFY_TASK_QUEUE, occtoTaskQueue } from '../../../domain/task-queues.js';
import type { AreaCode } from '../../../domain/areas.js';
import { OCCTO_DEFAULT_MAINTENANCE, type MaintenanceConfig } from '../../../domain/maintenance.js';
import type { MaintenanceGuardOptions } from '../../../workflows/shared/maintenance-guard.js';
import { NeedsDecision, type Failure } from '../../../workflows/shared/needs-decision.js';

/**
 * The activities of a long-running OCCTO lifecycle (switchings, operations): OCCTO calls on the
 * company's rate-limited queue, where queue time counts — a backlog behind the 1 req/s cap is
 * normal, hours of failures are not — and notifications to people.
 */
export function occtoLifecycleActivities(company: string): { occto: OcctoActivities; notify: NotificationActivities } {
  return {
    occto: proxyActivities<OcctoActivities>({
      taskQueue: occtoTaskQueue(company),
      startToCloseTimeout: '2 minutes',
      scheduleToCloseTimeout: '6 hours',
      retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
    }),
    notify: proxyActivities<NotificationActivities>({ taskQueue: NOTIFY_TASK_QUEUE, startToCloseTimeout: '30 seconds', retry: { maximumInterval: '1 minute' } }),
  };
}

/** Options of an OCCTO lifecycle's maintenance guard. */
export function occtoGuardOptions(o: { area: AreaCode; unannouncedRetryMs: number; maintenance?: MaintenanceConfig }): Omit<MaintenanceGuardOptions, 'hooks'> {
  return {
    system: 'occto',
    maintenance: o.maintenance ?? OCCTO_DEFAULT_MAINTENANCE,
    area: o.area,
    unannouncedRetryMs: o.unannouncedRetryMs,
    maintenanceFailureType: OcctoFailure.Maintenance,
  };
}

export type TechnicalDecisionReason = 'AUTH_ERROR' | 'MALFORMED_RESPONSE' | 'UNREACHABLE';

/**
 * The decision a technical failure of an OCCTO call asks for (refused credentials, a malformed
 * answer, OCCTO unreachable for too long); undefined for anything else. A lifecycle's own table
 * handles its business failures first.
 */
export function occtoTechnicalNeed(f: Failure): NeedsDecision<TechnicalDecisionReason> | undefined {
  if (f.type === OcctoFailure.Auth) return new NeedsDecision('AUTH_ERROR', `${f.message} — check the client certificate and credentials, then retry`);
  if (f.type === OcctoFailure.MalformedResponse) return new NeedsDecision('MALFORMED_RESPONSE', f.message);
  if (f.timedOut || f.type === OcctoFailure.Transient || f.type === OcctoFailure.RateLimited) {
    return new NeedsDecision('UNREACHABLE', `OCCTO unreachable for too long: ${f.message}`);
  }
  return undefined;
}
