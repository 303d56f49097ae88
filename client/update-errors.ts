// One translation of an Update's failure for every client function that answers a workflow: the
// validator's or handler's refusal, and an Update sent to a workflow that has already finished,
// become DecisionRejectedError with the reason — the CLI and the gateway show it as a 4xx, not a crash.
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { DecisionRejectedError } from './switching-in.js';

export function decisionError(err: unknown, workflowId: string): unknown {
  if (err instanceof WorkflowUpdateFailedError) return new DecisionRejectedError(err.cause?.message ?? err.message);
  const message = err instanceof Error ? err.message : String(err);
  if (/already completed/i.test(message)) {
    return new DecisionRejectedError(`${workflowId} has already finished: it takes no more decisions (see its status or result)`);
  }
  if (err instanceof WorkflowNotFoundError) return new DecisionRejectedError(`${workflowId}: no such workflow`);
  return err;
}
