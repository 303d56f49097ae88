// Batched status tracking (docs/architecture.md §4): per company and category ONE poller reads the status of
// every subscribed application (業務処理状況確認(複数件) IF_x11110) and relay (IS_x20210) in
// batches of ≤ 200 and signals only the workflows whose status changed. The rate limit (1 request/s
// per company) makes every call precious: N waiting workflows cost ⌈N/200⌉ calls per interval,
// not N. No subscriptions, no calls. Continues-as-new with its subscriptions before history grows.
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ApplicationKind, OcctoActivities, ProcessingStatus, RelayResult } from '../activities/contract.js';
import type { NotificationActivities } from '../../../activities/notifications/contract.js';
import { areaOfCompany } from '../../../domain/company.js';
import { formatViolations, violationsFromZodError } from '../../../domain/errors.js';
import { type AdHocWindow } from '../../../domain/maintenance.js';
import { NOTIFY_TASK_QUEUE, occtoTaskQueue } from '../../../domain/task-queues.js';
import { MaintenanceGuard, type CallScope } from '../../../workflows/shared/maintenance-guard.js';
import { maintenanceAnnouncedSignal } from '../../../workflows/shared/messages.js';
import { waitUntil } from '../../../workflows/shared/timed-wait.js';
import {
  BATCH_MAX,
  processingStatusChangedSignal,
  relayFingerprint,
  relayResultChangedSignal,
  statusFingerprint,
  statusPollerInputSchema,
  statusPollerStatusQuery,
  subscribeStatusSignal,
  unsubscribeStatusSignal,
  type StatusPollerInput,
  type StatusPollerStatus,
} from './status-poller.defs.js';
import { occtoGuardOptions } from './occto-lifecycle.js';

interface Sub {
  workflowId: string;
  key: string; // applicationNo or relayNo
  kind?: ApplicationKind;
  known?: string;
  wantedIntervalMs?: number;
  lastContactAt: number;
}

/** A subscription not refreshed (re-subscribe or delivered signal) for this many intervals, or 4 h, is dropped. */
const EXPIRY_INTERVALS = 10;
const MIN_EXPIRY_MS = 4 * 3_600_000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function occtoStatusPollerWorkflow(raw: StatusPollerInput): Promise<never> {
  const parsed = statusPollerInputSchema.safeParse(raw);
  if (!parsed.success) {
    const v = violationsFromZodError(parsed.error);
    throw ApplicationFailure.nonRetryable(`invalid status poller input: ${formatViolations(v)}`, 'InvalidInput', v);
  }
  const input = parsed.data;
  const { company, category } = input;
  const occto = proxyActivities<OcctoActivities>({
    taskQueue: occtoTaskQueue(company),
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '30 minutes',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });
  const notify = proxyActivities<NotificationActivities>({ taskQueue: NOTIFY_TASK_QUEUE, startToCloseTimeout: '30 seconds' });

  // Keyed `${workflowId}|${number}`: one workflow may wait for several numbers.
  const apps = new Map<string, Sub>();
  const relays = new Map<string, Sub>();
  for (const a of input.applications) {
    apps.set(`${a.workflowId}|${a.applicationNo}`, { workflowId: a.workflowId, key: a.applicationNo, kind: a.kind as ApplicationKind, known: a.known, wantedIntervalMs: a.wantedIntervalMs, lastContactAt: a.lastContactAt });
  }
  for (const r of input.relays) {
    relays.set(`${r.workflowId}|${r.relayNo}`, { workflowId: r.workflowId, key: r.relayNo, known: r.known, wantedIntervalMs: r.wantedIntervalMs, lastContactAt: r.lastContactAt });
  }

  const status: StatusPollerStatus = {
    company,
    category,
    generation: input.generation,
    configuredIntervalMs: input.interval,
    effectiveIntervalMs: input.interval,
    applications: apps.size,
    relays: relays.size,
    cycles: 0,
    calls: 0,
    signalsSent: 0,
    dropped: 0,
  };
  const windows: AdHocWindow[] = input.windows as AdHocWindow[];
  // IF_x11110 goes to the T&D system the company code routes to (docs/external-systems/occto-switching.md §6.2): that area's windows.
  const guard = new MaintenanceGuard({
    ...occtoGuardOptions({ area: areaOfCompany(company), unannouncedRetryMs: 15 * 60_000 }),
    hooks: {
      onWait: (until) => {
        status.waitingForMaintenanceUntil = new Date(until).toISOString();
      },
      onResume: () => {
        status.waitingForMaintenanceUntil = undefined;
      },
    },
  });
  for (const w of windows) guard.announce(w);

  const effectiveInterval = () => {
    let ms = input.interval;
    for (const s of [...apps.values(), ...relays.values()]) if (s.wantedIntervalMs && s.wantedIntervalMs < ms) ms = s.wantedIntervalMs;
    return Math.max(1_000, ms);
  };
  const refreshCounts = () => {
    status.applications = apps.size;
    status.relays = relays.size;
    status.effectiveIntervalMs = effectiveInterval();
  };

  setHandler(statusPollerStatusQuery, () => status);
  setHandler(subscribeStatusSignal, (s) => {
    const now = Date.now();
    if (s.type === 'application') {
      const k = `${s.workflowId}|${s.applicationNo}`;
      const prev = apps.get(k);
      // A re-subscription keeps what we already told it, unless it says it knows something else.
      apps.set(k, { workflowId: s.workflowId, key: s.applicationNo, kind: s.kind, known: s.known ?? prev?.known, wantedIntervalMs: s.wantedIntervalMs, lastContactAt: now });
    } else {
      const k = `${s.workflowId}|${s.relayNo}`;
      const prev = relays.get(k);
      relays.set(k, { workflowId: s.workflowId, key: s.relayNo, known: s.known ?? prev?.known, wantedIntervalMs: s.wantedIntervalMs, lastContactAt: now });
    }
    refreshCounts();
  });
  setHandler(unsubscribeStatusSignal, ({ workflowId }) => {
    for (const m of [apps, relays]) for (const [k, s] of m) if (s.workflowId === workflowId) m.delete(k);
    refreshCounts();
  });
  setHandler(maintenanceAnnouncedSignal, (w) => {
    windows.push(w);
    guard.announce(w);
  });

  /** Signals one subscriber; false when it is gone (closed or unknown), so the subscription is dropped. */
  const tell = async (workflowId: string, send: (h: ReturnType<typeof getExternalWorkflowHandle>) => Promise<void>): Promise<boolean> => {
    try {
      await send(getExternalWorkflowHandle(workflowId));
      status.signalsSent += 1;
      return true;
    } catch (err) {
      log.info('subscriber gone: subscription dropped', { workflowId, reason: (err as Error).message });
      status.dropped += 1;
      return false;
    }
  };

  let failureAlerted = false;
  /** One batch call; a failure skips this cycle (the next one tries again) and alerts an operator once. */
  const batch = async <T>(scope: CallScope, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      const r = await guard.run(scope, call);
      status.calls += 1;
      failureAlerted = false;
      status.lastError = undefined;
      return r;
    } catch (err) {
      status.calls += 1;
      status.lastError = (err as Error).message;
      log.warn('batch status call failed; retried next cycle', { error: status.lastError });
      if (!failureAlerted) {
        failureAlerted = true;
        await notify
          .notifyPerson({ kind: 'OPERATOR_ALERT', workflowId: workflowInfo().workflowId, stage: 'POLLING', message: `batched status tracking failed: ${status.lastError}` })
          .catch(() => undefined);
      }
      return undefined;
    }
  };

  /**
   * Signals, in parallel, every subscriber whose fingerprint changed; drops the gone ones and, once
   * told, the finished ones.
   */
  const deliver = async <R>(
    subs: Map<string, Sub>,
    byNo: Map<string, R>,
    fingerprint: (r: R) => string,
    finished: (r: R) => boolean,
    send: (h: ReturnType<typeof getExternalWorkflowHandle>, r: R) => Promise<void>,
  ) => {
    const sends: Promise<void>[] = [];
    for (const [k, sub] of subs) {
      const r = byNo.get(sub.key);
      if (r === undefined) continue;
      const fp = fingerprint(r);
      if (fp === sub.known) {
        if (finished(r)) subs.delete(k);
        continue;
      }
      sends.push(
        tell(sub.workflowId, (h) => send(h, r)).then((delivered) => {
          if (!delivered || finished(r)) {
            subs.delete(k);
            return;
          }
          sub.known = fp;
          sub.lastContactAt = Date.now();
        }),
      );
    }
    await Promise.all(sends);
  };

  const pollApplications = async () => {
    const numbers = [...new Set([...apps.values()].map((s) => s.key))];
    for (const part of chunks(numbers, BATCH_MAX)) {
      const found = await batch({ scope: 'area' }, () => occto.checkProcessingStatusBatch({ company, category, applicationNos: part }));
      if (!found) continue;
      const byNo = new Map<string, ProcessingStatus>(found.map((s) => [s.applicationNo, s]));
      await deliver(apps, byNo, statusFingerprint, (s) => s.state !== 'IN_PROGRESS', (h, s) => h.signal(processingStatusChangedSignal, s));
    }
  };

  const pollRelays = async () => {
    const numbers = [...new Set([...relays.values()].map((s) => s.key))];
    for (const part of chunks(numbers, BATCH_MAX)) {
      // 廃止取次 functions are OCCTO-internal (IS_): only system-wide windows apply.
      const found = await batch({ scope: 'system-wide' }, () => occto.queryRelayResultsBatch({ company, category, relayNos: part }));
      if (!found) continue;
      const byNo = new Map<string, RelayResult>(found.map((r) => [r.relayNo, r]));
      // The subscriber waits for the judgement; once judged, nothing more is asked of us.
      await deliver(relays, byNo, relayFingerprint, (r) => r.judgement !== 'PENDING', (h, r) => h.signal(relayResultChangedSignal, r));
    }
  };

  const expire = () => {
    const limit = Math.max(EXPIRY_INTERVALS * effectiveInterval(), MIN_EXPIRY_MS);
    const now = Date.now();
    for (const m of [apps, relays]) {
      for (const [k, s] of m) {
        if (now - s.lastContactAt > limit) {
          m.delete(k);
          status.dropped += 1;
        }
      }
    }
  };

  let lastPollAt = Date.now();
  for (let cycle = 0; cycle < input.cyclesBeforeContinueAsNew && !workflowInfo().continueAsNewSuggested; ) {
    refreshCounts();
    // Idle: wait without a timer until someone subscribes (no subscriptions, no calls).
    if (apps.size === 0 && relays.size === 0) {
      await condition(() => apps.size > 0 || relays.size > 0 || workflowInfo().continueAsNewSuggested);
      lastPollAt = Date.now(); // a new subscriber was just filed: its first status comes one interval later
      continue;
    }
    // Sleep until the next poll; a subscriber that wants a faster cadence wakes us early.
    const interval = effectiveInterval();
    const due = lastPollAt + interval;
    if (Date.now() < due) {
      await waitUntil(() => effectiveInterval() < interval || (apps.size === 0 && relays.size === 0), due - Date.now());
      if (Date.now() < lastPollAt + effectiveInterval() || (apps.size === 0 && relays.size === 0)) continue;
    }
    lastPollAt = Date.now();
    if (apps.size > 0) await pollApplications();
    if (relays.size > 0) await pollRelays();
    expire();
    cycle += 1;
    status.cycles += 1;
    status.lastPollAt = new Date(Date.now()).toISOString();
    refreshCounts();
  }

  const now = Date.now();
  return continueAsNew<typeof occtoStatusPollerWorkflow>({
    company,
    category,
    interval: input.interval,
    cyclesBeforeContinueAsNew: input.cyclesBeforeContinueAsNew,
    applications: [...apps.values()].map((s) => ({ workflowId: s.workflowId, applicationNo: s.key, kind: s.kind ?? 'SWITCHING_START', known: s.known, wantedIntervalMs: s.wantedIntervalMs, lastContactAt: s.lastContactAt })),
    relays: [...relays.values()].map((s) => ({ workflowId: s.workflowId, relayNo: s.key, known: s.known, wantedIntervalMs: s.wantedIntervalMs, lastContactAt: s.lastContactAt })),
    windows: windows.filter((w) => w.end > now),
    generation: input.generation + 1,
  });
}
