// Activities that talk to Temporal itself: a construction workflow subscribes to its company's
// notice watcher (and learns the windows already announced); the watcher signals its subscribers
// when a new maintenance window is announced. Exact and visibility-free (no list queries, which
// are eventually consistent and not offered by every server).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { AdHocWindow } from '../../domain/maintenance.js';

export const SUBSCRIBE_SIGNAL = 'subscribe';
export const MAINTENANCE_SIGNAL = 'maintenanceAnnounced';

export interface FleetActivities {
  /** Subscribes `subscriberWorkflowId` to the watcher; returns the windows it already knows ([] without a watcher). */
  subscribeToMaintenance(input: { watcherWorkflowId: string; subscriberWorkflowId: string }): Promise<AdHocWindow[]>;
  /** Signals the window to each subscriber; returns the IDs that are gone (closed or unknown). */
  announceMaintenance(input: { workflowIds: string[]; window: AdHocWindow }): Promise<string[]>;
}

export function createFleetActivities(deps: { client: Client }): FleetActivities {
  return {
    async subscribeToMaintenance({ watcherWorkflowId, subscriberWorkflowId }) {
      const watcher = deps.client.workflow.getHandle(watcherWorkflowId);
      try {
        await watcher.signal(SUBSCRIBE_SIGNAL, subscriberWorkflowId);
        const s = await watcher.query<{ windows: AdHocWindow[] }>('status');
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
          await deps.client.workflow.getHandle(id).signal(MAINTENANCE_SIGNAL, window);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) gone.push(id);
          else throw err;
        }
      }
      return gone;
    },
  };
}
