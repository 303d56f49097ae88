// Messages of the other OCCTO operations (設備情報照会, 使用量情報照会, 再点, 廃止・撤去,
// アンペア変更, 需要者/発電者情報変更). One status shape for all: no personal data, no password.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Category } from '../../../../domain/categories.js';
import type { OcctoOperation } from '../../domain/occto-operations.js';
import type { FacilityInfo, UsageData } from '../../activities/contract.js';

export const OCCTO_OPERATION_KIND = 'occto-operation';

export type OperationStage =
  | 'QUERYING' // 設備情報照会 / 使用量情報照会 (answers directly)
  | 'APPLYING' // the application (IF_x1NN10)
  | 'AWAITING_PROCESSING' // 受付工程 until 06/08 (or 09)
  | 'CANCELLING' // 取消 of our application
  | 'HOLDING' // usage result ready; re-queries reuse the password while valid
  | 'AWAITING_DECISION' // a business error: retry or abandon
  | 'COMPLETED'
  | 'REJECTED' // 受付工程 09
  | 'CANCELLED'
  | 'ABANDONED';

export const OPERATION_TERMINAL: readonly OperationStage[] = ['COMPLETED', 'REJECTED', 'CANCELLED', 'ABANDONED'];

export interface OperationDecisionPending {
  reason: 'BUSINESS_ERROR' | 'AUTH_ERROR' | 'MALFORMED_RESPONSE' | 'UNREACHABLE';
  code?: string;
  message: string;
  allowedActions: ('retry' | 'abandon')[];
  askedAt: string;
  dueAt: string; // after this the operation is abandoned
  remindersSent: number;
}

export interface OperationStatus {
  workflowId: string;
  kind: typeof OCCTO_OPERATION_KIND;
  operation: OcctoOperation;
  /** 設備情報照会 …, 発電者情報変更 for FIT. */
  label: string;
  company: string;
  category: Category;
  supplyPointId: string;
  area: string;
  reference: string;
  stage: OperationStage;
  applicationNo?: string;
  /** Applications filed (a usage query applies again when its password expired). */
  applications: number;
  processingStage?: string;
  plannedDate?: string;
  actualDate?: string;
  note?: string;
  /** Usage query: last day the password may be used (the password itself is never shown). */
  passwordValidUntil?: string;
  queries?: number;
  awaitingHuman: boolean;
  decision?: OperationDecisionPending;
  cancellation?: { requestedBy: string; reason: string; at: string };
  waitingForMaintenanceUntil?: string;
  outcome?: string;
  events: { at: string; event: string }[];
}

export type FacilityQueryResult = { outcome: 'COMPLETED'; facility: FacilityInfo } | { outcome: 'ABANDONED'; reason: string; decidedBy: string };

export type UsageQueryResult =
  | { outcome: 'COMPLETED'; applicationNo: string; usage: UsageData; passwordValidUntil?: string; queries: number; applications: number }
  | { outcome: 'REJECTED'; applicationNo: string; stageCode: string; note?: string }
  | { outcome: 'CANCELLED'; applicationNo?: string; requestedBy: string; reason: string }
  | { outcome: 'ABANDONED'; reason: string; decidedBy: string };

export type ApplicationOutcome =
  | { outcome: 'COMPLETED'; applicationNo: string; stageCode: string; plannedDate?: string; actualDate?: string }
  | { outcome: 'REJECTED'; applicationNo: string; stageCode: string; note?: string }
  | { outcome: 'CANCELLED'; applicationNo?: string; requestedBy: string; reason: string }
  | { outcome: 'ABANDONED'; reason: string; decidedBy: string };

export type OperationDecision = { action: 'retry'; decidedBy: string; comment?: string } | { action: 'abandon'; decidedBy: string; reason: string };
export interface CancelRequest {
  requestedBy: string;
  reason: string;
}
export interface RequeryRequest {
  requestedBy: string;
}

export const operationStatusQuery = defineQuery<OperationStatus>('status');
export const operationDecideUpdate = defineUpdate<{ accepted: true; action: 'retry' | 'abandon' }, [OperationDecision]>('decide');
/** 取消 of our application while it is in progress; answers once OCCTO took the cancellation. */
export const cancelApplicationUpdate = defineUpdate<{ accepted: true; applicationNo: string }, [CancelRequest]>('cancelApplication');
/** Usage query: query again (reusing the password while it is valid, else applying again). */
export const requeryUsageUpdate = defineUpdate<UsageData, [RequeryRequest]>('requery');
