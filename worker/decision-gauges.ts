// The decisions-awaiting gauges (docs/observability.md): visibility counts of running lifecycles
// that wait for a person, and of those past their deadline, per kind, refreshed on an interval.
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { LIFECYCLE_KINDS } from '../workflows/visibility.defs.js';
import { metricInstruments } from '../platform/metrics.js';

/** Every DenkiKind a workflow sets; anything else is counted as `other`. */
export const DECISION_KINDS = LIFECYCLE_KINDS;

const AWAITING = `DenkiAwaitingHuman = true AND ExecutionStatus = 'Running'`;

export interface DecisionCounts {
  awaiting: Record<string, number>;
  overdue: Record<string, number>;
}

/** Visibility counts of running workflows awaiting a person (and overdue ones) per kind. */
export async function countDecisions(client: Client, now = new Date()): Promise<DecisionCounts> {
  const count = async (q: string) => (await client.workflow.count(q)).count;
  const due = `DenkiDecisionDue < '${now.toISOString()}'`;
  const [total, totalOverdue, ...perKind] = await Promise.all([
    count(AWAITING),
    count(`${AWAITING} AND ${due}`),
    ...DECISION_KINDS.flatMap((k) => [count(`${AWAITING} AND DenkiKind = '${k}'`), count(`${AWAITING} AND DenkiKind = '${k}' AND ${due}`)]),
  ]);
  const awaiting: Record<string, number> = {};
  const overdue: Record<string, number> = {};
  DECISION_KINDS.forEach((k, i) => {
    awaiting[k] = perKind[2 * i] ?? 0;
    overdue[k] = perKind[2 * i + 1] ?? 0;
  });
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  // Visibility is eventually consistent: the separate counts may disagree by a moment.
  awaiting['other'] = Math.max(0, (total ?? 0) - sum(awaiting));
  overdue['other'] = Math.max(0, (totalOverdue ?? 0) - sum(overdue));
  return { awaiting, overdue };
}

export interface DecisionGauges {
  /** Resolves after the refresh in progress (if any) has finished. */
  stop(): Promise<void>;
  /** The refresh that is running or the next one (tests, start-up). */
  refresh(): Promise<void>;
}

/**
 * Refreshes denki_decisions_awaiting / denki_decisions_overdue every `intervalMs` from visibility.
 * A failed refresh keeps the last values, counts a failure and logs once until one succeeds.
 */
export function startDecisionGauges(o: { client: Client; intervalMs: number; logger: Logger }): DecisionGauges {
  let failing = false;
  let running: Promise<void> | undefined;
  const refresh = () =>
    (running ??= (async () => {
      try {
        const counts = await countDecisions(o.client);
        const i = metricInstruments();
        for (const [kind, n] of Object.entries(counts.awaiting)) i.awaiting.set(n, { kind });
        for (const [kind, n] of Object.entries(counts.overdue)) i.overdue.set(n, { kind });
        if (failing) o.logger.info({ event: 'metrics.decisions' }, 'decision gauges refreshed again');
        failing = false;
      } catch (err) {
        metricInstruments().refreshFailures.add(1);
        if (!failing) o.logger.warn({ event: 'metrics.decisions', err }, 'decision gauges: visibility query failed; keeping the last values');
        failing = true;
      } finally {
        running = undefined;
      }
    })());
  void refresh();
  const timer = setInterval(() => void refresh(), o.intervalMs);
  timer.unref();
  return {
    refresh,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
