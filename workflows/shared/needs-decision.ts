// A step that cannot go on without a person: thrown inside the flow, caught by its decision loop,
// which asks the person (ask-person.ts). The reasons are each workflow's own.
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import { failureType } from './maintenance-guard.js';

/** What the person is told besides the sentence: a system code, 判断NG理由, the items to correct. No personal data. */
export interface DecisionFacts {
  code?: string;
  ngReasons?: number[];
  items?: { item: string; message: string }[];
}

export class NeedsDecision<Reason extends string = string> extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    readonly facts: DecisionFacts = {},
  ) {
    super(message);
  }
}

/** A person (or the deadline, for them) gave up on the lifecycle. */
export class Abandoned extends Error {
  constructor(
    readonly reason: string,
    readonly decidedBy: string,
  ) {
    super(reason);
  }
}

/** A failed activity, as a decision table reads it. */
export interface Failure {
  type: string | undefined;
  message: string;
  /** The failure's first detail (the system's code, items …), if any. */
  details: Record<string, unknown> | undefined;
  timedOut: boolean;
}

/**
 * Maps a failure to the decision a person has to take, by the workflow's table; a failure the
 * table does not know is a bug of ours and is rethrown (the workflow task fails and is fixed, not hidden).
 */
export function needsDecisionFrom<Reason extends string>(err: unknown, table: (f: Failure) => NeedsDecision<Reason> | undefined): NeedsDecision<Reason> {
  if (err instanceof NeedsDecision) return err as NeedsDecision<Reason>;
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const f: Failure = {
    type: failureType(err),
    message: cause instanceof Error ? cause.message : String(err),
    details: cause instanceof ApplicationFailure ? (cause.details?.[0] as Record<string, unknown> | undefined) : undefined,
    timedOut: cause instanceof TimeoutFailure,
  };
  const need = table(f);
  if (!need) throw err;
  return need;
}
