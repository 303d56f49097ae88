// Asking a person, with a deadline: the question goes into the status and the stage, an INFO
// notice tells them, reminders and escalation follow (human-wait.ts) until they answer.
import type { HumanWait } from './human-wait.js';
import { waitForPerson } from './human-wait.js';
import type { Lifecycle, LifecycleStatus } from './lifecycle.js';

/** A question as the status shows it while it is open. */
export interface OpenQuestion {
  askedAt: string; // ISO
  dueAt: string; // ISO
  remindersSent: number;
}

export interface Ask<Stage extends string, Q extends OpenQuestion> {
  stage: Stage;
  deadlineMs: number;
  /** Puts the question into the status (and forgets any earlier answer); returns it. */
  open: (when: { askedAt: string; dueAt: string }) => Q;
  /** Recorded in the event list when asked, if set. */
  asked?: string;
  /** The INFO notice. */
  notice: string;
  answered: () => boolean;
  wait: Pick<HumanWait, 'reminderInterval' | 'cadence' | 'escalationInterval' | 'timers' | 'wakeOn' | 'afterWake'>;
  reminder: (q: Q) => string;
  escalation: (q: Q) => string;
  /** Before the escalation notice (count it, record it). */
  onEscalation?: (q: Q) => void;
}

/** True once answered; false when the deadline passed and the cadence gives up (the caller decides what follows). */
export async function askPerson<Stage extends string, Q extends OpenQuestion>(lc: Lifecycle<Stage, LifecycleStatus<Stage>>, a: Ask<Stage, Q>): Promise<boolean> {
  const now = Date.now();
  const dueAt = now + a.deadlineMs;
  const q = a.open({ askedAt: new Date(now).toISOString(), dueAt: new Date(dueAt).toISOString() });
  lc.setStage(a.stage, q.dueAt);
  if (a.asked) lc.record(a.asked);
  await lc.notify('INFO', a.notice, q.dueAt);
  return waitForPerson(a.answered, {
    ...a.wait,
    dueAt,
    remind: async () => {
      q.remindersSent += 1;
      await lc.notify('REMINDER', a.reminder(q), q.dueAt);
    },
    escalate: async () => {
      a.onEscalation?.(q);
      await lc.notify('ESCALATION', a.escalation(q), q.dueAt);
    },
  });
}
