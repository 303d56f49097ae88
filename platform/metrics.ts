// Our own Prometheus metrics (denki_*), emitted through the Temporal runtime's metric meter so they
// appear on the same /metrics endpoint as the SDK's temporal_* metrics (docs/observability.md).
//
// Until installRuntime() turns metrics on (METRICS_ADDRESS), every recorder here writes to a no-op
// meter: activities, tests and scripts call them unconditionally at no cost. The workflow side
// (maintenance waits) lives in workflows/shared/maintenance-guard.ts and uses the workflow's meter;
// the decision gauges, which read visibility, in worker/decision-gauges.ts. Names: domain/metric-names.ts.
import { noopMetricMeter, type MetricCounter, type MetricGauge, type MetricHistogram, type MetricMeter } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { METRICS } from '../domain/metric-names.js';

/** The external systems we call. */
export type ExternalSystem = 'occto' | 'kansai-takusou';

/**
 * What became of one request that left for an external system (one value per classification of
 * activities/<system>/errors.ts; `cancelled` = our activity was cancelled while it was in flight).
 */
export type CallOutcome =
  | 'ok'
  | 'business_error'
  | 'auth_error'
  | 'not_found'
  | 'maintenance'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network_error'
  | 'malformed_response'
  | 'cancelled';

/** Where a call waited for the rate limit: the task queue's dispatch, or the in-process spacer. */
export type RateLimitStage = 'dispatch' | 'spacer';

export { METRICS };

/**
 * Histogram buckets (the runtime's default, 50…10000, suits milliseconds, not our seconds).
 * Calls: tens of ms to the 30 s timeout. Rate-limit waits: the spacer's ~1 s up to a backlog of an
 * hour at ~1 request/s. Maintenance: a 2-second retry up to a 6-hour Sunday window and beyond.
 */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [METRICS.externalCallDuration]: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  [METRICS.rateLimitWait]: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
  [METRICS.maintenanceWaitSeconds]: [1, 10, 60, 300, 900, 1800, 3600, 7200, 21600, 43200],
};

/** The Prometheus exporter options for Runtime.install's telemetryOptions.metrics. */
export function prometheusExporter(bindAddress: string) {
  return { prometheus: { bindAddress, histogramBucketOverrides: HISTOGRAM_BUCKETS } };
}

export interface Instruments {
  calls: MetricCounter;
  callDuration: MetricHistogram;
  rateLimitWait: MetricHistogram;
  awaiting: MetricGauge;
  overdue: MetricGauge;
  refreshFailures: MetricCounter;
}

let meter: MetricMeter = noopMetricMeter;
let instruments: Instruments | undefined;

/** Sends every denki_* metric of this process to `m` (installRuntime passes the runtime's meter). */
export function useMetricMeter(m: MetricMeter): void {
  meter = m;
  instruments = undefined;
}

/** Whether metrics go anywhere (false until installRuntime turned them on). */
export function metricsEnabled(): boolean {
  return meter !== noopMetricMeter;
}

/** This process's instruments on the current meter (created on first use). */
export function metricInstruments(): Instruments {
  return (instruments ??= {
    calls: meter.createCounter(METRICS.externalCalls, '', 'Requests sent to an external system, by system, api, company and outcome'),
    callDuration: meter.createHistogram(METRICS.externalCallDuration, 'float', 's', 'Time from a request leaving to its answer (or failure), by system, api and outcome'),
    rateLimitWait: meter.createHistogram(METRICS.rateLimitWait, 'float', 's', 'Time a call waited for the rate limit: dispatch = task-queue schedule-to-start, spacer = in-process spacing'),
    awaiting: meter.createGauge(METRICS.decisionsAwaiting, 'int', '', 'Running workflows awaiting a decision by a person, by kind'),
    overdue: meter.createGauge(METRICS.decisionsOverdue, 'int', '', 'Of those, the ones whose DenkiDecisionDue has passed, by kind'),
    refreshFailures: meter.createCounter(METRICS.decisionsRefreshFailures, '', 'Visibility queries for the decision gauges that failed'),
  });
}

/** Seconds from milliseconds, never negative (clocks of different machines). */
const seconds = (ms: number) => Math.max(0, ms) / 1000;

/** One request that left for an external system (not one refused before sending). */
export function recordExternalCall(c: { system: ExternalSystem; api: string; company: string; outcome: CallOutcome; durationMs: number }): void {
  const tags = { system: c.system, api: c.api, company: c.company, outcome: c.outcome };
  const i = metricInstruments();
  i.calls.add(1, tags);
  i.callDuration.record(seconds(c.durationMs), tags);
}

/** A wait for the rate limit of `queue` (the task queue, e.g. occto.12345). */
export function recordRateLimitWait(w: { system: ExternalSystem; queue: string; stage: RateLimitStage; waitedMs: number }): void {
  metricInstruments().rateLimitWait.record(seconds(w.waitedMs), { system: w.system, queue: w.queue, stage: w.stage });
}

/**
 * Activity interceptor for a rate-limited queue: records the current attempt's schedule-to-start
 * (the server's maxTaskQueueActivitiesPerSecond and the worker's slots hold tasks back there).
 */
export function dispatchWaitInterceptor(system: ExternalSystem): ActivityInterceptorsFactory {
  return (ctx) => {
    const { currentAttemptScheduledTimestampMs: scheduled, taskQueue } = ctx.info;
    if (scheduled > 0) recordRateLimitWait({ system, queue: taskQueue, stage: 'dispatch', waitedMs: Date.now() - scheduled });
    return {};
  };
}

