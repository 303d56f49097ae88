// Activities that talk to Temporal itself: a construction workflow subscribes to its company's
// notice watcher (and learns the windows already announced); the watcher signals its subscribers
// when a new maintenance window is announced; an OCCTO workflow subscribes to its company's batched
// status poller (signalWithStart: starts the poller if it is not running). Exact and
// visibility-free (no list queries, which are eventually consistent and not offered by every server).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Category } from '../../domain/categories.js';
import type { AdHocWindow } from '../../domain/maintenance.js';
import { WORKFLOWS_TASK_QUEUE } from '../../domain/task-queues.js';
import {
  STATUS_POLLER_WORKFLOW_TYPE,
  statusPollerWorkflowId,
  subscribeStatusSignal,
  type StatusPollerInput,
  type StatusSubscription,
} from '../../systems/occto/workflows/status-poller.defs.js';
import { noticeWatcherStatusQuery, subscribeToMaintenanceSignal } from '../../systems/kansai-takusou/workflows/notice-watcher.defs.js';
import { maintenanceAnnouncedSignal } from '../../workflows/shared/messages.js';

export interface FleetActivities {
  /** Subscribes `subscriberWorkflowId` to the watcher; returns the windows it already knows ([] without a watcher). */
  subscribeToMaintenance(input: { watcherWorkflowId: string; subscriberWorkflowId: string }): Promise<AdHocWindow[]>;
  /** Signals the window to each subscriber; returns the IDs that are gone (closed or unknown). */
  announceMaintenance(input: { workflowIds: string[]; window: AdHocWindow }): Promise<string[]>;
  /**
   * Subscribes a workflow to the batched status poller of its company and category, starting the
   * poller if it is not running. No external call. With tracking mode 'own' configured, subscribes
   * nobody and says so: the workflow polls on its own.
   */
  trackWithStatusPoller(input: { company: string; category: Category; subscription: StatusSubscription }): Promise<StatusTrackingGrant>;
}

export type StatusTrackingGrant = { mode: 'batched'; pollerWorkflowId: string; intervalMs: number } | { mode: 'own' };

/** How this worker tracks OCCTO statuses (worker/config.ts: STATUS_TRACKING, STATUS_POLLER_INTERVAL). */
export interface StatusTrackingConfig {
  mode: 'batched' | 'own';
  /** The poller's interval (production default 10 minutes). */
  intervalMs: number;
  /** Poll cycles before the poller continues-as-new. */
  cyclesBeforeContinueAsNew?: number;
}

export const DEFAULT_STATUS_TRACKING: StatusTrackingConfig = { mode: 'batched', intervalMs: 10 * 60_000 };

export function createFleetActivities(deps: { client: Client; statusTracking?: StatusTrackingConfig }): FleetActivities {
  const tracking = deps.statusTracking ?? DEFAULT_STATUS_TRACKING;
  return {
    async subscribeToMaintenance({ watcherWorkflowId, subscriberWorkflowId }) {
      const watcher = deps.client.workflow.getHandle(watcherWorkflowId);
      try {
        await watcher.signal(subscribeToMaintenanceSignal, subscriberWorkflowId);
        const s = await watcher.query(noticeWatcherStatusQuery);
        return s.windows;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return []; // no watcher: weekly windows still apply, 503s are waited out
        throw err;
      }
    },
    async announceMaintenance({ workflowIds, window }) {
      const gone: string[] = [];
      for (const id of workflowIds) {
        try {
          await deps.client.workflow.getHandle(id).signal(maintenanceAnnouncedSignal, window);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) gone.push(id);
          else throw err;
        }
      }
      return gone;
    },
    async trackWithStatusPoller({ company, category, subscription }) {
      if (tracking.mode === 'own') return { mode: 'own' };
      const pollerWorkflowId = statusPollerWorkflowId(company, category);
      const args: [StatusPollerInput] = [{ company, category, interval: tracking.intervalMs, cyclesBeforeContinueAsNew: tracking.cyclesBeforeContinueAsNew }];
      await deps.client.workflow.signalWithStart(STATUS_POLLER_WORKFLOW_TYPE, {
        workflowId: pollerWorkflowId,
        taskQueue: WORKFLOWS_TASK_QUEUE,
        args,
        signal: subscribeStatusSignal,
        signalArgs: [subscription],
        staticSummary: `業務処理状況確認(複数件) poller · ${category} · 事業者 ${company}`,
      });
      return { mode: 'batched', pollerWorkflowId, intervalMs: tracking.intervalMs };
    },
  };
}
