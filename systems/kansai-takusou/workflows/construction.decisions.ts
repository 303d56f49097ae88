// What a person decides in a construction application: the decision a failure asks for, and how a
// correction (訂正) changes the application.
import { TakusouFailure } from '../activities/contract.js';
import type { ConstructionParsed } from '../domain/construction.js';
import { NeedsDecision, type Failure } from '../../../workflows/shared/needs-decision.js';
import type { ConstructionCorrection, DecisionNeeded } from './construction.defs.js';

export type ConstructionDecisionReason = DecisionNeeded['reason'];

/** The decision a non-retryable activity failure asks for; undefined (NotFound, unknown) for a defect of ours. */
export function constructionNeed(f: Failure): NeedsDecision<ConstructionDecisionReason> | undefined {
  switch (f.type) {
    case TakusouFailure.Invalid:
      return new NeedsDecision('INVALID_REQUEST', f.message, { items: f.details?.items as DecisionNeeded['items'] });
    case TakusouFailure.BadFile:
      return new NeedsDecision('BAD_FILE', f.message);
    case TakusouFailure.MalformedResponse:
      return new NeedsDecision('MALFORMED_RESPONSE', f.message);
    default:
      if (f.timedOut || f.type === TakusouFailure.Transient) return new NeedsDecision('UNREACHABLE', `たくそう君 unreachable for too long: ${f.message}`);
      return undefined;
  }
}

/** The application items as たくそう君 takes them: no workflow options, files or company. */
export function applicationData(input: ConstructionParsed) {
  const { options: _o, files: _f, company: _c, ...rest } = input;
  return rest;
}

export function mergeCorrection(input: ConstructionParsed, c: ConstructionCorrection): ConstructionParsed {
  const ch = c.changes ?? {};
  return {
    ...input,
    ...(ch.contractAmperes !== undefined ? { contractAmperes: ch.contractAmperes } : {}),
    ...(ch.desiredDate !== undefined ? { desiredDate: ch.desiredDate } : {}),
    ...(ch.temporaryUntil !== undefined ? { temporaryUntil: ch.temporaryUntil } : {}),
    ...(ch.equipment !== undefined ? { equipment: ch.equipment as ConstructionParsed['equipment'] } : {}),
    site: { ...input.site, ...ch.site },
    files: [...input.files, ...(c.files ?? [])],
  };
}
