// What every lifecycle workflow keeps for its `status` query and the Web UI: a bounded event list
// (no personal data) and the maintenance-wait note.
import { log } from '@temporalio/workflow';
import type { MaintenanceGuardHooks } from './maintenance-guard.js';

export interface JournalEvent {
  at: string;
  event: string;
}

/** Appends an event (workflow time), keeps the last `kept`, and logs it through the workflow logger. */
export function eventRecorder(events: JournalEvent[], kept: number, stage: () => string): (event: string) => void {
  return (event) => {
    events.push({ at: new Date(Date.now()).toISOString(), event });
    if (events.length > kept) events.splice(0, events.length - kept);
    log.info(event, { stage: stage() });
  };
}

/** Guard hooks that note the wait in the status and the current details. */
export function maintenanceNotes(
  state: { waitingForMaintenanceUntil?: string },
  record: (event: string) => void,
  refresh: () => void,
): MaintenanceGuardHooks {
  return {
    onWait: (until, reason) => {
      state.waitingForMaintenanceUntil = new Date(until).toISOString();
      record(`waiting for maintenance (${reason}) until ${state.waitingForMaintenanceUntil}`);
      refresh();
    },
    onResume: () => {
      state.waitingForMaintenanceUntil = undefined;
      refresh();
    },
  };
}
