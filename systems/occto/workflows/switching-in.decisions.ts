// What a person decides in a new-retailer switching: the decision a failure asks for, whether an
// answer is acceptable (the update's validator), and how corrections change the input.
import { violationsFromZodError, formatViolations } from '../../../domain/errors.js';
import { jstDate } from '../../../domain/jst.js';
import { checkSupplyStartDate } from '../domain/start-date-rules.js';
import { switchingInCorrectionSchema, type SwitchingInCorrection, type SwitchingInParsed } from '../domain/switching-in.js';
import { OcctoFailure } from '../activities/contract.js';
import { NeedsDecision, type Failure } from '../../../workflows/shared/needs-decision.js';
import type { DecisionReason, SwitchingInDecision, SwitchingInStatus } from './switching-in.defs.js';
import { occtoTechnicalNeed } from './occto-lifecycle.js';

/** The decision a non-retryable activity failure asks for; undefined for a bug of ours. */
export function switchingInNeed(f: Failure): NeedsDecision<DecisionReason> | undefined {
  const code = f.details?.code as string | undefined;
  switch (f.type) {
    case OcctoFailure.Business:
      return new NeedsDecision('BUSINESS_ERROR', f.message, { code });
    case OcctoFailure.DuplicateRelay:
      return new NeedsDecision('DUPLICATE_RELAY', f.message, { code });
    default:
      return occtoTechnicalNeed(f);
  }
}

export function validateDecision(d: SwitchingInDecision, state: SwitchingInStatus, input: SwitchingInParsed): void {
  if (state.stage !== 'AWAITING_DECISION' || !state.decision) {
    throw new Error(`no decision is awaited: the switching is in stage ${state.stage}`);
  }
  if (!d || typeof d !== 'object') throw new Error('decision must be an object with an action');
  if (typeof d.decidedBy !== 'string' || !/^[\w.@-]{1,64}$/.test(d.decidedBy)) {
    throw new Error('decidedBy must be the deciding person\'s user ID (1–64 letters, digits, . @ - _)');
  }
  if (!state.decision.allowedActions.includes(d.action)) {
    throw new Error(`action must be one of ${state.decision.allowedActions.join(', ')} for ${state.decision.reason} (got ${JSON.stringify(d.action)})`);
  }
  if (d.action === 'abandon' && (typeof d.reason !== 'string' || d.reason.trim() === '')) {
    throw new Error('reason is required to abandon');
  }
  if (d.action === 'resubmit') {
    const parsed = switchingInCorrectionSchema.safeParse(d.corrections ?? {});
    if (!parsed.success) throw new Error(`corrections: ${formatViolations(violationsFromZodError(parsed.error, 'corrections'))}`);
    if (Object.keys(parsed.data).length === 0) throw new Error('corrections must name at least one corrected field to resubmit');
    const corrected = applyCorrections(input, parsed.data);
    const check = checkSupplyStartDate({
      category: corrected.category,
      supplyStartDate: corrected.supplyStartDate,
      today: jstDate(Date.now()),
      nextButOneMeterReadingDate: corrected.nextButOneMeterReadingDate,
    });
    if (!check.ok) throw new Error(`corrections.${check.field}: ${check.message}`);
  }
}

export function applyCorrections(input: SwitchingInParsed, c: SwitchingInCorrection): SwitchingInParsed {
  const parsed = switchingInCorrectionSchema.parse(c);
  return {
    ...input,
    supplyStartDate: parsed.supplyStartDate ?? input.supplyStartDate,
    nextButOneMeterReadingDate: parsed.nextButOneMeterReadingDate ?? input.nextButOneMeterReadingDate,
    currentRetailerCode: parsed.currentRetailerCode ?? input.currentRetailerCode,
    customer: { ...input.customer, ...parsed.customer },
  };
}
