// Activities that talk to Temporal itself: tell running workflows what one of them learnt (an
// announced maintenance window), and read what a watcher knows. The worker gives them a Client.
import type { Client } from '@temporalio/client';
import type { AdHocWindow } from '../../domain/maintenance.js';

export interface FleetActivities {
  /** Signals every running workflow of `kind` for `company` (visibility query on the search attributes). */
  announceMaintenance(input: { kind: string; company: string; window: AdHocWindow }): Promise<number>;
  /** The maintenance windows the company's notice watcher knows (empty when it is not running). */
  knownMaintenance(input: { watcherWorkflowId: string }): Promise<AdHocWindow[]>;
}

const SAFE = /^[\w.-]+$/;

export function createFleetActivities(deps: { client: Client }): FleetActivities {
  return {
    async announceMaintenance({ kind, company, window }) {
      if (!SAFE.test(kind) || !SAFE.test(company)) throw new Error('kind and company must be plain identifiers');
      let n = 0;
      const query = `DenkiKind = '${kind}' AND DenkiCompany = '${company}' AND ExecutionStatus = 'Running'`;
      for await (const wf of deps.client.workflow.list({ query })) {
        await deps.client.workflow.getHandle(wf.workflowId).signal('maintenanceAnnounced', window).catch(() => undefined);
        n++;
      }
      return n;
    },
    async knownMaintenance({ watcherWorkflowId }) {
      try {
        const s = await deps.client.workflow.getHandle(watcherWorkflowId).query<{ windows: AdHocWindow[] }>('status');
        return s.windows;
      } catch {
        return []; // no watcher: the weekly window still applies, and 503s are waited out
      }
    },
  };
}
