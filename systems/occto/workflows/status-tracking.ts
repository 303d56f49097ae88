// The subscriber's side of batched status tracking: subscribe to the company's poller (a fleet
// activity: signalWithStart, no external call), then wait for its signals. Quiet for too long →
// subscribe again (which restarts a vanished poller). Poll on our own ONLY when there is no poller:
// tracking mode 'own' (option or worker configuration), or subscribing failed.
import { proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import { waitUntil } from '../../../workflows/shared/timed-wait.js';
import type { ApplicationKind, ProcessingStatus, RelayResult } from '../activities/contract.js';
import type { FleetActivities, StatusTrackingGrant } from '../../../activities/fleet/fleet.js';
import type { Category } from '../../../domain/categories.js';
import { NOTIFY_TASK_QUEUE } from '../../../domain/task-queues.js';
import {
  processingStatusChangedSignal,
  relayFingerprint,
  relayResultChangedSignal,
  statusFingerprint,
  type StatusSubscription,
} from './status-poller.defs.js';

/** Quiet periods grow while nothing changes (fewer re-subscriptions over a long wait), up to this. */
const MAX_QUIET_MS = 2 * 3_600_000;
/** Re-subscribe when nothing was heard for this many poller intervals. */
const QUIET_INTERVALS = 3;

export interface StatusTrackerOptions {
  company: string;
  category: Category;
  workflowId: string;
  /** 'auto': the batched poller when available; 'own': always poll ourselves. */
  mode: 'auto' | 'own';
  /** Own polling interval, and the cadence we ask the poller for. */
  pollIntervalMs: number;
  record: (event: string) => void;
}

interface Wait<T> {
  latest: () => T | undefined;
  fingerprint: (t: T) => string;
  terminal: (t: T) => boolean;
  subscription: (known: string | undefined) => StatusSubscription;
  ownPoll: () => Promise<T>;
  onUpdate: (t: T) => void;
}

export class StatusTracker {
  private readonly statuses = new Map<string, ProcessingStatus>();
  private readonly relayResults = new Map<string, RelayResult>();
  private heard = 0;
  private readonly fleet = proxyActivities<FleetActivities>({
    taskQueue: NOTIFY_TASK_QUEUE,
    startToCloseTimeout: '30 seconds',
    // Bounded: if nobody can subscribe us, we poll on our own rather than wait.
    scheduleToCloseTimeout: '5 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });

  /** Call once, at the start of the workflow: registers the poller's signals. */
  constructor(private readonly o: StatusTrackerOptions) {
    setHandler(processingStatusChangedSignal, (s) => {
      this.statuses.set(s.applicationNo, s);
      this.heard += 1;
    });
    setHandler(relayResultChangedSignal, (r) => {
      this.relayResults.set(r.relayNo, r);
      this.heard += 1;
    });
  }

  /** Waits until the application's 受付工程 is final (06/08 completed, 09 rejected). */
  awaitApplication(
    ref: { applicationNo: string; kind: ApplicationKind },
    ownPoll: () => Promise<ProcessingStatus>,
    onUpdate: (s: ProcessingStatus) => void,
  ): Promise<ProcessingStatus> {
    return this.await({
      latest: () => this.statuses.get(ref.applicationNo),
      fingerprint: statusFingerprint,
      terminal: (s) => s.state !== 'IN_PROGRESS',
      subscription: (known) => ({ type: 'application', workflowId: this.o.workflowId, applicationNo: ref.applicationNo, kind: ref.kind, known, wantedIntervalMs: this.o.pollIntervalMs }),
      ownPoll,
      onUpdate,
    });
  }

  /** Waits until our 廃止取次 is judged (or cancelled / failed). */
  awaitRelay(ref: { relayNo: string }, ownPoll: () => Promise<RelayResult>, onUpdate: (r: RelayResult) => void): Promise<RelayResult> {
    return this.await({
      latest: () => this.relayResults.get(ref.relayNo),
      fingerprint: relayFingerprint,
      terminal: (r) => r.judgement !== 'PENDING',
      subscription: (known) => ({ type: 'relay', workflowId: this.o.workflowId, relayNo: ref.relayNo, known, wantedIntervalMs: this.o.pollIntervalMs }),
      ownPoll,
      onUpdate,
    });
  }

  private async subscribe(subscription: StatusSubscription): Promise<StatusTrackingGrant | undefined> {
    try {
      return await this.fleet.trackWithStatusPoller({ company: this.o.company, category: this.o.category, subscription });
    } catch (err) {
      this.o.record(`subscribing to the status poller failed (${(err as Error).message}): polling on our own`);
      return undefined;
    }
  }

  private async await<T>(w: Wait<T>): Promise<T> {
    let seen: string | undefined;
    /** The poller's latest news, if new; the final status once there is one. */
    const consume = (t: T | undefined): T | undefined => {
      if (t === undefined) return undefined;
      const fp = w.fingerprint(t);
      if (fp !== seen) {
        seen = fp;
        w.onUpdate(t);
      }
      return w.terminal(t) ? t : undefined;
    };
    const early = consume(w.latest());
    if (early) return early;

    if (this.o.mode === 'auto') {
      let grant = await this.subscribe(w.subscription(seen));
      if (grant?.mode === 'batched') this.o.record(`status tracked by the batched poller ${grant.pollerWorkflowId}`);
      const base = grant?.mode === 'batched' ? QUIET_INTERVALS * Math.min(grant.intervalMs, this.o.pollIntervalMs) : 0;
      let quiet = base;
      while (grant?.mode === 'batched') {
        const before = this.heard;
        const heard = await waitUntil(() => this.heard !== before, quiet);
        const done = consume(w.latest());
        if (done) return done;
        if (heard) {
          quiet = base;
          continue;
        }
        // Nothing for a while: the status may simply not have changed, or the poller is gone.
        // Subscribing again is cheap (no external call) and restarts a vanished poller.
        quiet = Math.min(quiet * 2, Math.max(base, MAX_QUIET_MS));
        grant = await this.subscribe(w.subscription(seen));
      }
      if (grant?.mode === 'own') this.o.record('status tracking configured as own polling');
    }
    for (;;) {
      const done = consume(await w.ownPoll());
      if (done) return done;
      await sleep(this.o.pollIntervalMs);
    }
  }
}
