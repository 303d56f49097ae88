// Messages of the new-retailer switching workflow, shared by the workflow and its clients.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Category } from '../../../domain/categories.js';
import type { SwitchingInCorrection } from '../domain/switching-in.js';

export const SWITCHING_IN_KIND = 'switching-in';

export type SwitchingInStage =
  | 'VALIDATING'
  | 'REGISTERING_RELAY' // スイッチング廃止取次登録
  | 'AWAITING_JUDGEMENT' // waiting for the current retailer's 判断
  | 'APPLYING_START' // スイッチング開始申請
  | 'AWAITING_PROCESSING' // 業務処理状況確認 until 受付工程 06/08
  | 'AWAITING_DECISION' // a person decides: correct and resubmit, retry, or abandon
  | 'COMPENSATING' // 取消 of what was registered
  | 'COMPLETED'
  | 'ABANDONED'
  | 'CANCELLED';

/** Why a person is asked. */
export type DecisionReason =
  | 'RELAY_NG' // 判断済み(NG)
  | 'BUSINESS_ERROR' // ERR_20040 … from the system
  | 'DUPLICATE_RELAY' // a 廃止取次 of someone else is open for the point
  | 'RELAY_CANCELLED' // the relay was cancelled outside this workflow
  | 'PROCESSING_REJECTED' // 受付工程 09
  | 'AUTH_ERROR' // certificate / credentials refused: fix, then retry
  | 'MALFORMED_RESPONSE'
  | 'UNREACHABLE'; // transient failures for longer than the activity's schedule-to-close

export type DecisionAction = 'resubmit' | 'retry' | 'abandon';

export const ALLOWED_ACTIONS: Record<DecisionReason, DecisionAction[]> = {
  RELAY_NG: ['resubmit', 'abandon'],
  BUSINESS_ERROR: ['resubmit', 'abandon'],
  DUPLICATE_RELAY: ['resubmit', 'retry', 'abandon'],
  RELAY_CANCELLED: ['resubmit', 'abandon'],
  PROCESSING_REJECTED: ['resubmit', 'abandon'],
  AUTH_ERROR: ['retry', 'abandon'],
  MALFORMED_RESPONSE: ['retry', 'abandon'],
  UNREACHABLE: ['retry', 'abandon'],
};

export interface PendingDecision {
  reason: DecisionReason;
  /** System code (ERR_20040, 判断NG理由 numbers …) and a sentence for the person. No personal data. */
  code?: string;
  message: string;
  ngReasons?: number[];
  allowedActions: DecisionAction[];
  askedAt: string; // ISO
  dueAt: string; // ISO: after this the switching is abandoned
  remindersSent: number;
}

export type SwitchingInDecision =
  | { action: 'resubmit'; decidedBy: string; corrections: SwitchingInCorrection; comment?: string }
  | { action: 'retry'; decidedBy: string; comment?: string }
  | { action: 'abandon'; decidedBy: string; reason: string };

export interface DecisionAccepted {
  accepted: true;
  action: DecisionAction;
  nextStage: SwitchingInStage;
}

export interface SwitchingInEvent {
  at: string; // ISO
  event: string; // no personal data
}

export interface SwitchingInStatus {
  workflowId: string;
  kind: typeof SWITCHING_IN_KIND;
  stage: SwitchingInStage;
  company: string;
  category: Category;
  supplyPointId: string;
  area: string;
  supplyStartDate: string;
  submission: number; // 1 + number of resubmissions
  relayNo?: string;
  relayJudgement?: string;
  ngReasons?: number[];
  applicationNo?: string;
  processingStage?: string; // 受付工程
  plannedDate?: string;
  actualDate?: string;
  awaitingHuman: boolean;
  decision?: PendingDecision;
  waitingForMaintenanceUntil?: string; // ISO
  outcome?: SwitchingInResult;
  events: SwitchingInEvent[];
}

export type SwitchingInResult =
  | { outcome: 'COMPLETED'; relayNo: string; applicationNo: string; switchingDate?: string; plannedDate?: string }
  | { outcome: 'ABANDONED'; reason: string; decidedBy?: string };

export const switchingInStatusQuery = defineQuery<SwitchingInStatus>('status');
/** A person's answer to AWAITING_DECISION; the validator rejects it before it enters history. */
export const switchingInDecideUpdate = defineUpdate<DecisionAccepted, [SwitchingInDecision]>('decide');
