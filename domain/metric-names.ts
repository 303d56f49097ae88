// The names of our Prometheus metrics (docs/observability.md), in one place for both sides that
// emit them: the worker process (platform/metrics.ts) and workflow code through the workflow's
// metric meter (workflows/shared/maintenance-guard.ts). Plain strings: workflow-safe.
export const METRICS = {
  externalCalls: 'denki_external_calls_total',
  externalCallDuration: 'denki_external_call_duration_seconds',
  rateLimitWait: 'denki_rate_limit_wait_seconds',
  /** Waits started, by system and kind (announced = a known window, unannounced = after a 503). */
  maintenanceWaits: 'denki_maintenance_waits_total',
  /** Seconds each wait lasted (workflow time), recorded when it ends; by system and kind. */
  maintenanceWaitSeconds: 'denki_maintenance_wait_seconds',
  decisionsAwaiting: 'denki_decisions_awaiting',
  decisionsOverdue: 'denki_decisions_overdue',
  decisionsRefreshFailures: 'denki_decisions_refresh_failures_total',
} as const;
