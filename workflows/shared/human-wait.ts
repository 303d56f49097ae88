// Waiting for a person with a deadline (docs/architecture.md §4: every wait for a person has a
// deadline and reminders), with reminders and escalation. One implementation, two cadences, because
// recorded histories fix the timers each workflow starts:
//   'until-deadline' reminders until the deadline (the last reminder timer ends at it); then give up
//                    (the caller decides what that means) or, with `escalationInterval`, escalate and
//                    keep waiting, escalating again at that cadence — used where no rule may decide in
//                    the person's place (a customer's switch).
//   'steady'         a reminder every `reminderInterval` without end; the first one due after the
//                    deadline is an escalation instead. Never gives up.
import { condition } from '@temporalio/workflow';
import { waitUntil } from './timed-wait.js';

export interface HumanWait {
  /** Epoch ms. */
  dueAt: number;
  reminderInterval: number;
  remind: () => Promise<void>;
  escalate: () => Promise<void>;
  /** Default 'until-deadline'. */
  cadence?: 'until-deadline' | 'steady';
  /** 'until-deadline' only. Set: after the deadline, escalate and keep waiting, escalating again every this many ms. Unset: return at the deadline. */
  escalationInterval?: number;
  /**
   * 'kept' (default): a timer is left to fire after the person answered (timed-wait.ts says why).
   * 'cancelled': condition(fn, timeout), which cancels it — the commands the switching-in and
   * construction histories were recorded with.
   */
  timers?: 'kept' | 'cancelled';
  /** 'steady' only: also wake for this (a correction, a cancellation) … */
  wakeOn?: () => boolean;
  /** … and run this after every wake, timer or not (it may throw to end the wait). */
  afterWake?: () => Promise<void>;
}

/** True once `answered()` holds; false at the deadline when the cadence gives up. */
export function waitForPerson(answered: () => boolean, w: HumanWait): Promise<boolean> {
  return w.cadence === 'steady' ? steady(answered, w) : untilDeadline(answered, w);
}

async function untilDeadline(answered: () => boolean, w: HumanWait): Promise<boolean> {
  for (;;) {
    const now = Date.now();
    if (now < w.dueAt) {
      const until = Math.min(w.dueAt, now + w.reminderInterval);
      if (await waitFor(answered, until - now, w.timers)) return true;
      if (Date.now() < w.dueAt) await w.remind();
      continue;
    }
    if (answered()) return true;
    await w.escalate();
    if (w.escalationInterval === undefined) return false;
    if (await waitFor(answered, w.escalationInterval, w.timers)) return true;
  }
}

async function steady(answered: () => boolean, w: HumanWait): Promise<boolean> {
  const wakeOn = w.wakeOn ?? (() => false);
  let escalated = false;
  while (!answered()) {
    const before = Date.now();
    await waitFor(() => wakeOn() || answered(), w.reminderInterval, w.timers);
    await w.afterWake?.();
    if (answered()) return true;
    // Woken early by something else: no reminder yet.
    if (Date.now() - before < w.reminderInterval) continue;
    if (!escalated && Date.now() >= w.dueAt) {
      escalated = true;
      await w.escalate();
    } else await w.remind();
  }
  return true;
}

function waitFor(fn: () => boolean, ms: number, timers: HumanWait['timers']): Promise<boolean> {
  return timers === 'cancelled' ? condition(fn, ms) : waitUntil(fn, ms);
}
