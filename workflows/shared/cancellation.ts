// How a cancelled lifecycle ends: as cancelled (CANCELED in the Web UI), also when the cancellation
// reached it through an activity or timer it was awaiting — then the error in hand is the
// ActivityFailure that wraps the CancelledFailure, and rethrowing it would end the workflow as FAILED.
import { ActivityFailure, CancelledFailure, ChildWorkflowFailure } from '@temporalio/workflow';

/** The CancelledFailure to end with, for an error that isCancellation() accepted. */
export function endedByCancellation(err: unknown): unknown {
  let e: unknown = err;
  while ((e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) && e.cause) e = e.cause;
  return e instanceof CancelledFailure ? e : err;
}
