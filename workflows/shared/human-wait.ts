// Waiting for a person with a deadline (docs/architecture.md §4: every wait for a person has a deadline and
// reminders). Reminders until the deadline; then either give up (the caller decides what that
// means) or escalate and keep waiting, escalating again at a cadence — used where no rule may
// decide in the person's place (a customer's switch).
import { waitUntil } from './timed-wait.js';

export interface HumanWait {
  /** Epoch ms. */
  dueAt: number;
  reminderInterval: number;
  /** Set: after the deadline, escalate and keep waiting, escalating again every this many ms. Unset: return at the deadline. */
  escalationInterval?: number;
  remind: () => Promise<void>;
  escalate: () => Promise<void>;
}

/** True once `answered()` holds; false at the deadline when there is no escalation cadence. */
export async function waitForPerson(answered: () => boolean, w: HumanWait): Promise<boolean> {
  for (;;) {
    const now = Date.now();
    if (now < w.dueAt) {
      const until = Math.min(w.dueAt, now + w.reminderInterval);
      if (await waitUntil(answered, until - now)) return true;
      if (Date.now() < w.dueAt) await w.remind();
      continue;
    }
    if (answered()) return true;
    await w.escalate();
    if (w.escalationInterval === undefined) return false;
    if (await waitUntil(answered, w.escalationInterval)) return true;
  }
}
