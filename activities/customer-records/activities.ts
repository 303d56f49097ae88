// Checks an incoming 廃止取次 against our customer records (contract.ts). Logs the verdict and
// the NAMES of differing fields for the audit trail — never a name, kana, address or phone.
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import { NO_AUTO_JUDGE, type AutoJudgeRule } from '../../systems/occto/domain/switching-out.js';
import { CustomerRecordFailure, type CustomerRecordActivities, type RecordCheckResult } from './contract.js';
import { normaliseAddress, normaliseKana, normaliseName } from './normalise.js';
import { RecordsFile, type CustomerRecord } from './records-file.js';
import type { Customer } from '../../systems/occto/activities/contract.js';

export interface CustomerRecordDeps {
  /** JSON file of customer records (CUSTOMER_RECORDS_FILE). */
  filePath: string;
  /** The rule for clear cases (SWITCHING_OUT_AUTO_JUDGE); default: everything to a person. */
  autoJudge?: AutoJudgeRule;
  logger: Logger;
}

/** 判断NG理由 a person would likely pick per differing field (provisional labels, systems/occto/domain/occto-operations.ts). */
const NG_REASON_OF_FIELD: Readonly<Record<string, number>> = { name: 2, kana: 2, address: 3, category: 1 };

/** Pure comparison, exported for unit tests. */
export function compareWithRecord(record: CustomerRecord | undefined, category: string, customer: Customer): RecordCheckResult {
  if (!record) return { verdict: 'NOT_FOUND', mismatchedFields: [], suggestedNgReasons: [1] };
  if (record.status !== 'ACTIVE') return { verdict: 'NOT_ACTIVE', mismatchedFields: [], suggestedNgReasons: [1] };
  const mismatched: string[] = [];
  if (record.category !== category) mismatched.push('category');
  if (normaliseName(record.customer.name) !== normaliseName(customer.name)) mismatched.push('name');
  if (normaliseKana(record.customer.kana) !== normaliseKana(customer.kana)) mismatched.push('kana');
  if (normaliseAddress(record.customer.address) !== normaliseAddress(customer.address)) mismatched.push('address');
  if (mismatched.length === 0) return { verdict: 'MATCH', mismatchedFields: [], suggestedNgReasons: [] };
  const reasons = [...new Set(mismatched.map((f) => NG_REASON_OF_FIELD[f]!))].sort((a, b) => a - b);
  return { verdict: 'MISMATCH', mismatchedFields: mismatched, suggestedNgReasons: reasons };
}

export function createCustomerRecordActivities(deps: CustomerRecordDeps): CustomerRecordActivities {
  const file = new RecordsFile(deps.filePath);
  const log = deps.logger.child({ component: 'customer-records' });
  const rule = deps.autoJudge ?? NO_AUTO_JUDGE;
  return {
    async checkRelayAgainstRecords(input) {
      let record: CustomerRecord | undefined;
      try {
        record = await file.find(input.company, input.supplyPointId);
      } catch (err) {
        log.error({ event: 'customer-records.unavailable', relayNo: input.relayNo, problem: (err as Error).message }, 'customer records unavailable');
        throw ApplicationFailure.nonRetryable(`customer records unavailable: ${(err as Error).message}`, CustomerRecordFailure.Unavailable);
      }
      const result = compareWithRecord(record, input.category, input.customer);
      // Audit: who asked about which relay and point, and the verdict (no personal data).
      log.info(
        { event: 'customer-records.check', company: input.company, category: input.category, relayNo: input.relayNo, supplyPointId: input.supplyPointId, verdict: result.verdict, mismatchedFields: result.mismatchedFields },
        'relay checked against customer records',
      );
      return result;
    },
    async autoJudgeRule() {
      return rule;
    },
  };
}
