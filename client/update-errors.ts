// One translation of an Update's failure for every client function that answers a workflow: the
// validator's or handler's refusal, and an Update sent to a workflow that has already finished,
// become DecisionRejectedError with the reason — the CLI and the gateway show it as a 4xx, not a crash.
// The two subclasses let the gateway answer 409 (finished) and 404 (no such workflow) instead of 422.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';

/** A decision the workflow refused (its Update validator), with the workflow's reason. */
export class DecisionRejectedError extends Error {
  override name = 'DecisionRejectedError';
}

/** The workflow has already finished: it takes no more decisions. */
export class WorkflowFinishedError extends DecisionRejectedError {
  override name = 'WorkflowFinishedError';
}

/** There is no workflow with that ID. */
export class NoSuchWorkflowError extends DecisionRejectedError {
  override name = 'NoSuchWorkflowError';
}

export function decisionError(err: unknown, workflowId: string): unknown {
  if (err instanceof WorkflowUpdateFailedError) return new DecisionRejectedError(err.cause?.message ?? err.message);
  const message = err instanceof Error ? err.message : String(err);
  if (/already completed/i.test(message)) {
    return new WorkflowFinishedError(`${workflowId} has already finished: it takes no more decisions (see its status or result)`);
  }
  if (err instanceof WorkflowNotFoundError) return new NoSuchWorkflowError(`${workflowId}: no such workflow`);
  return err;
}

/**
 * Sends a decision (Update) and translates its failure with decisionError. Some servers answer an
 * Update to a closed workflow like one to a missing workflow: when the workflow exists, it has
 * finished (WorkflowFinishedError), otherwise there is none (NoSuchWorkflowError).
 */
export async function executeDecision<Ret, Args extends [unknown, ...unknown[]]>(client: Client, workflowId: string, def: UpdateDefinition<Ret, Args>, ...args: Args): Promise<Ret> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await handle.executeUpdate(def, { args });
  } catch (err) {
    const e = decisionError(err, workflowId);
    if (e instanceof NoSuchWorkflowError) {
      const d = await handle.describe().catch(() => undefined);
      if (d) throw new WorkflowFinishedError(`${workflowId} has already finished (${d.status.name}): it takes no more decisions`);
    }
    throw e;
  }
}
