// condition(fn, timeout) without cancelling the timer when fn wins. A timer left to fire later is
// harmless (one empty workflow task); a CancelTimer that races the timer's own firing wedges the
// Java time-skipping test server (the completion is refused and the task stays STARTED, holding
// the time-skipping lock: sdk-java issue #3088). Real servers handle both; this works on both.
import { condition, sleep } from '@temporalio/workflow';

/** True as soon as `fn()` holds; false when `ms` passed first. */
export async function waitUntil(fn: () => boolean, ms: number): Promise<boolean> {
  if (fn()) return true;
  if (ms <= 0) return false;
  let timedOut = false;
  // Not awaited and never cancelled by us; a cancelled workflow scope rejects it: swallowed.
  sleep(ms).then(
    () => {
      timedOut = true;
    },
    () => undefined,
  );
  await condition(() => timedOut || fn());
  return fn();
}
