// Messages of the construction-application workflow (たくそう君), shared with its clients.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ConstructionKind, FileRef } from '../domain/construction.js';

export const CONSTRUCTION_KIND_SA = 'construction';

export type ConstructionStage =
  | 'VALIDATING'
  | 'APPLYING' // 申込 (常時/臨時/街路灯/集団)
  | 'ATTACHING_FILES' // ファイル添付
  | 'COMPLETING_GROUP' // 集団申込完了
  | 'AWAITING_ACCEPTANCE' // 受付結果
  | 'IN_PROGRESS' // 工程 and 契約算定
  | 'AWAITING_COMPLETION' // a person confirms the work is done, with the completion documents
  | 'FILING_COMPLETION' // 竣工届
  | 'AWAITING_RESULT' // 結果通知
  | 'AWAITING_DECISION' // 要訂正 / 却下 / an error: a person corrects or cancels
  | 'CANCELLING' // 申込取消
  | 'COMPLETED'
  | 'CANCELLED';

/** A correction (訂正) a person sends; re-sent through the same apply API. */
export interface ConstructionCorrection {
  correctedBy: string;
  /** Corrected application items (same shape as the input's, partial). No workflow options. */
  changes?: {
    contractAmperes?: number;
    desiredDate?: string;
    temporaryUntil?: string;
    site?: { customerName?: string; address?: string; phone?: string };
    equipment?: unknown[];
  };
  /** Additional or replacement documents to attach. */
  files?: FileRef[];
  comment?: string;
}

export interface CompletionConfirmation {
  confirmedBy: string;
  completedOn: string; // YYYY-MM-DD
  /** Completion documents (竣工書類): at least one COMPLETION_REPORT. */
  documents: FileRef[];
}

export interface CancelRequest {
  requestedBy: string;
  reason: string;
}

export interface DecisionNeeded {
  reason: 'NEEDS_CORRECTION' | 'REJECTED' | 'INVALID_REQUEST' | 'BAD_FILE' | 'UNREACHABLE' | 'MALFORMED_RESPONSE';
  message: string;
  items?: { item: string; message: string }[];
  askedAt: string;
  dueAt: string;
  remindersSent: number;
}

export interface ConstructionStatus {
  workflowId: string;
  kind: ConstructionKind;
  company: string;
  reference: string;
  stage: ConstructionStage;
  applicationNo?: string;
  attachedFiles: { documentType: string; fileId: string }[];
  acceptance?: string;
  processSteps: { code: string; name: string; date?: string }[];
  contractCalculation?: { contractCapacity?: string; amountYen?: number };
  result?: { supplyStartDate?: string; supplyPointId?: string };
  corrections: number;
  awaitingHuman: boolean;
  decision?: DecisionNeeded;
  completionDueAt?: string;
  waitingForMaintenanceUntil?: string;
  events: { at: string; event: string }[];
}

export type ConstructionResult =
  | { outcome: 'COMPLETED'; applicationNo: string; supplyStartDate?: string; supplyPointId?: string }
  | { outcome: 'CANCELLED'; applicationNo?: string; reason: string; by: string };

export const constructionStatusQuery = defineQuery<ConstructionStatus>('status');
export const confirmCompletionUpdate = defineUpdate<{ accepted: true }, [CompletionConfirmation]>('confirmCompletion');
export const correctApplicationUpdate = defineUpdate<{ accepted: true }, [ConstructionCorrection]>('correct');
export const cancelApplicationUpdate = defineUpdate<{ accepted: true }, [CancelRequest]>('cancelApplication');
