/**
 * Our own customer records, as the current-retailer workflow sees them: types only. Workflows
 * `import type` this; ./activities.ts implements it over a JSON file.
 */
import type { Category, Customer } from '../../systems/occto/activities/contract.js';
import type { AutoJudgeRule } from '../../systems/occto/domain/switching-out.js';

export type RecordVerdict = 'MATCH' | 'MISMATCH' | 'NOT_FOUND' | 'NOT_ACTIVE';

export interface RecordCheckInput {
  company: string;
  category: Category;
  supplyPointId: string;
  /** For the audit log only. */
  relayNo: string;
  /** The customer as the new retailer registered them (personal data: compared, never logged). */
  customer: Customer;
}

export interface RecordCheckResult {
  verdict: RecordVerdict;
  /** Field NAMES that differ ('name', 'kana', 'address', 'category'); never values. */
  mismatchedFields: string[];
  /** 判断NG理由 numbers a person would likely choose (provisional labels: systems/occto/domain/occto-operations.ts). */
  suggestedNgReasons: number[];
}

export interface CustomerRecordActivities {
  checkRelayAgainstRecords(input: RecordCheckInput): Promise<RecordCheckResult>;
  /** The auto-judge rule configured for this worker (default: everything goes to a person). */
  autoJudgeRule(input: { company: string; category: Category }): Promise<AutoJudgeRule>;
}

/** ApplicationFailure.type when the records cannot be read (file missing or malformed): non-retryable. */
export const CustomerRecordFailure = { Unavailable: 'CustomerRecordsUnavailable' } as const;
