// Who judges a current-retailer switching and what a person decides after an error: the configured
// rule for clear cases, and the decision a failure asks for.
import { OcctoFailure } from '../activities/contract.js';
import type { RecordCheckResult } from '../../../activities/customer-records/contract.js';
import type { AutoJudgeRule } from '../domain/switching-out.js';
import { NeedsDecision, type Failure } from '../../../workflows/shared/needs-decision.js';
import type { JudgementRecord, SwitchingOutDecisionReason } from './switching-out.defs.js';
import { occtoTechnicalNeed } from './occto-lifecycle.js';

/** The rule's judgement for a clear case, or undefined (a person judges). */
export function ruleJudgement(rule: AutoJudgeRule, check: RecordCheckResult | undefined): Omit<JudgementRecord, 'decidedAt'> | undefined {
  if (!check) return undefined; // never judge without having looked at our records
  if (check.verdict === 'MATCH' && rule.okWhenMatch) return { judgement: 'OK', ngReasons: [], decidedBy: 'rule:okWhenMatch', by: 'rule' };
  if (check.verdict === 'NOT_FOUND' && rule.ngWhenNotFound) {
    return { judgement: 'NG', ngReasons: [...rule.ngReasonsWhenNotFound], decidedBy: 'rule:ngWhenNotFound', by: 'rule' };
  }
  if (check.verdict === 'NOT_ACTIVE' && rule.ngWhenNotActive) {
    return { judgement: 'NG', ngReasons: [...rule.ngReasonsWhenNotActive], decidedBy: 'rule:ngWhenNotActive', by: 'rule' };
  }
  return undefined;
}

/** The decision a non-retryable activity failure asks for; undefined for a bug of ours. */
export function switchingOutNeed(f: Failure): NeedsDecision<SwitchingOutDecisionReason> | undefined {
  switch (f.type) {
    case OcctoFailure.Business:
      return new NeedsDecision('BUSINESS_ERROR', f.message, { code: f.details?.code as string | undefined });
    case OcctoFailure.AlreadyJudged:
      return new NeedsDecision('ALREADY_JUDGED', `${f.message} — the judgement registered with OCCTO differs from ours and cannot be changed (docs/external-systems/occto-switching.md §4.3)`);
    default:
      return occtoTechnicalNeed(f);
  }
}
