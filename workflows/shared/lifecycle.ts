// The part of a lifecycle workflow every system shares: its status (stage, awaiting a person, the
// bounded event list, the maintenance-wait note), the stage as search attributes, the current
// details for the Web UI, notices to people, and the maintenance guard that keeps the status.
import { setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { NotificationActivities, NotifyInput } from '../../activities/notifications/contract.js';
import { eventRecorder, maintenanceNotes, type JournalEvent } from './journal.js';
import { MaintenanceGuard, type MaintenanceGuardOptions } from './maintenance-guard.js';
import { maintenanceAnnouncedSignal } from './messages.js';
import { publishStage } from './stage-attributes.js';

/** What the kit reads and writes in a workflow's status; the rest of the status is the workflow's own. */
export interface LifecycleStatus<Stage extends string> {
  workflowId: string;
  stage: Stage;
  awaitingHuman: boolean;
  waitingForMaintenanceUntil?: string;
  events: JournalEvent[];
}

export interface LifecycleOptions<Stage extends string> {
  eventsKept: number;
  /** The stages in which a person is awaited (DenkiAwaitingHuman, the status's awaitingHuman). */
  awaitingHumanIn: readonly Stage[];
  /** The current details, paragraph by paragraph; empty ones are left out. */
  details: () => (string | undefined | false)[];
  /** The workflow's notification activity (its own timeouts and retries). */
  notify: NotificationActivities;
}

export class Lifecycle<Stage extends string, S extends LifecycleStatus<Stage>> {
  /** Appends to the status's event list and the workflow log. */
  readonly record: (event: string) => void;

  constructor(
    readonly state: S,
    private readonly o: LifecycleOptions<Stage>,
  ) {
    this.record = eventRecorder(state.events, o.eventsKept, () => state.stage);
  }

  /** The search attributes that name the lifecycle (kind, company, area …), set once at the start. */
  identify(attributes: SearchAttributeUpdatePair[]): void {
    upsertSearchAttributes(attributes);
  }

  /** Moves to `stage`: status, DenkiStage / DenkiAwaitingHuman / DenkiDecisionDue (`dueAt`), current details. */
  setStage(stage: Stage, dueAt?: string): void {
    this.state.stage = stage;
    this.state.awaitingHuman = this.o.awaitingHumanIn.includes(stage);
    publishStage(stage, this.state.awaitingHuman, dueAt);
    this.refresh();
  }

  /** Shows the status's news in the current details without a stage change. */
  refresh(): void {
    setCurrentDetails(this.describe());
  }

  describe(): string {
    return this.o.details().filter(Boolean).join('\n\n');
  }

  /** A notice to the people in charge, from the current stage. */
  notify(kind: NotifyInput['kind'], message: string, dueAt?: string): Promise<void> {
    return this.o.notify.notifyPerson({ kind, message, dueAt, workflowId: this.state.workflowId, stage: this.state.stage });
  }

  /** A maintenance guard whose waits show in the status and the current details. */
  maintenanceGuard(options: Omit<MaintenanceGuardOptions, 'hooks'>): MaintenanceGuard {
    return new MaintenanceGuard({ ...options, hooks: maintenanceNotes(this.state, this.record, () => this.refresh()) });
  }

  /** From now on, announced windows (maintenanceAnnounced) reach `guard` and the event list. */
  acceptMaintenanceAnnouncements(guard: MaintenanceGuard): void {
    setHandler(maintenanceAnnouncedSignal, (w) => {
      guard.announce(w);
      this.record(`maintenance window announced ${new Date(w.start).toISOString()} – ${new Date(w.end).toISOString()}`);
    });
  }
}
