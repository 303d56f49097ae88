// Messages of the current-retailer switching workflow (スイッチング・現小売), shared by the workflow
// and its clients. The `status` query carries NO customer data (win-back ban, docs/external-systems/occto-switching.md Appendix A):
// only `relayDetails` does, and the client reads it only for switching roles.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Category } from '../../../domain/categories.js';
import type { JudgeDecision, MistakenOkReport, SwitchingOutDecision } from '../domain/switching-out.js';
import type { Customer } from '../activities/contract.js';
import type { RecordCheckResult } from '../../../activities/customer-records/contract.js';

export const SWITCHING_OUT_KIND = 'switching-out';

export type SwitchingOutStage =
  | 'CHECKING_RECORDS' // our customer records vs the relay
  | 'AWAITING_JUDGEMENT' // a person judges OK / NG (Update `judge`)
  | 'REGISTERING_JUDGEMENT' // スイッチング廃止取次判断 IS_x20410
  | 'APPLYING_STOP' // スイッチング廃止申請 IF_x10710
  | 'AWAITING_PROCESSING' // 受付工程 until 06/08 (or 09)
  | 'AWAITING_DECISION' // a business error: a person retries or abandons (Update `decide`)
  | 'COMPLETED' // the stop application went through
  | 'COMPLETED_NG' // we judged NG: nothing more to do
  | 'CANCELLED_BY_NEW_RETAILER' // the relay was cancelled (e.g. after a mistaken OK): our stop application was rejected
  | 'ABANDONED';

export const SWITCHING_OUT_TERMINAL: readonly SwitchingOutStage[] = ['COMPLETED', 'COMPLETED_NG', 'CANCELLED_BY_NEW_RETAILER', 'ABANDONED'];

export type SwitchingOutDecisionReason =
  | 'BUSINESS_ERROR' // ERR_20040 … from the system
  | 'ALREADY_JUDGED' // the relay was judged differently (e.g. on the Web screen): cannot change it
  | 'PROCESSING_REJECTED' // 受付工程 09 without a reported mistaken OK
  | 'AUTH_ERROR'
  | 'MALFORMED_RESPONSE'
  | 'UNREACHABLE';

export interface JudgementRecord {
  judgement: 'OK' | 'NG';
  ngReasons: number[];
  /** A person's user ID, or 'rule:<name>' for a configured rule. */
  decidedBy: string;
  by: 'person' | 'rule';
  decidedAt: string; // ISO
  registeredAt?: string; // ISO, once IS_x20410 succeeded
  comment?: string;
}

export interface PendingJudgement {
  askedAt: string;
  dueAt: string;
  remindersSent: number;
  escalations: number;
}

export interface PendingSwitchingOutDecision {
  reason: SwitchingOutDecisionReason;
  code?: string;
  message: string;
  allowedActions: ('retry' | 'abandon')[];
  askedAt: string;
  dueAt: string;
  remindersSent: number;
  escalations: number;
}

export interface SwitchingOutEvent {
  at: string;
  event: string; // no personal data
}

export type SwitchingOutResult =
  | { outcome: 'COMPLETED'; relayNo: string; applicationNo: string; stopDate: string; actualDate?: string; mistakenOkReported: boolean }
  | { outcome: 'COMPLETED_NG'; relayNo: string; ngReasons: number[] }
  | { outcome: 'CANCELLED_BY_NEW_RETAILER'; relayNo: string; applicationNo?: string; note?: string }
  | { outcome: 'ABANDONED'; relayNo: string; reason: string; decidedBy: string };

/** No personal data: safe for any role that may see that a switching exists. */
export interface SwitchingOutStatus {
  workflowId: string;
  kind: typeof SWITCHING_OUT_KIND;
  stage: SwitchingOutStage;
  company: string;
  category: Category;
  /** 供給地点特定番号; for FIT the 受電地点特定番号. */
  supplyPointId: string;
  pointIdLabel: '供給地点特定番号' | '受電地点特定番号';
  area: string;
  relayNo: string;
  newRetailerCode: string;
  supplyStartDate: string;
  /** Our last day of supply: the day before the new retailer's start. */
  stopDate: string;
  registeredAt: string;
  recordCheck?: RecordCheckResult;
  judgement?: JudgementRecord;
  pendingJudgement?: PendingJudgement;
  applicationNo?: string;
  processingStage?: string;
  plannedDate?: string;
  actualDate?: string;
  awaitingHuman: boolean;
  decision?: PendingSwitchingOutDecision;
  mistakenOk?: { reportedBy: string; reportedAt: string; instructions: string };
  waitingForMaintenanceUntil?: string;
  outcome?: SwitchingOutResult;
  events: SwitchingOutEvent[];
}

/** The relay as OCCTO delivered it, customer data included: switching roles only. */
export interface RelayDetails {
  relayNo: string;
  category: Category;
  supplyPointId: string;
  newRetailerCode: string;
  supplyStartDate: string;
  registeredAt: string;
  customer: Customer;
}

export interface JudgeAccepted {
  accepted: true;
  judgement: 'OK' | 'NG';
  ngReasons: number[];
}
export interface MistakenOkAccepted {
  accepted: true;
  /** What a person must do now (we cannot retract the OK ourselves). */
  instructions: string;
}
export interface SwitchingOutDecisionAccepted {
  accepted: true;
  action: 'retry' | 'abandon';
}

export const switchingOutStatusQuery = defineQuery<SwitchingOutStatus>('status');
export const relayDetailsQuery = defineQuery<RelayDetails>('relayDetails');
/** A person's 判断 (OK, or NG with 判断NG理由 1–9); refused by the validator once a judgement is fixed. */
export const judgeUpdate = defineUpdate<JudgeAccepted, [JudgeDecision]>('judge');
/** After an OK was registered: it was a mistake. We cannot retract it; the new retailer must 取消. */
export const reportMistakenOkUpdate = defineUpdate<MistakenOkAccepted, [MistakenOkReport]>('reportMistakenOk');
/** A person's answer to AWAITING_DECISION (a business error). */
export const switchingOutDecideUpdate = defineUpdate<SwitchingOutDecisionAccepted, [SwitchingOutDecision]>('decide');
