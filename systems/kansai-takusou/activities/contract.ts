/**
 * The たくそう君 activities as workflows see them: types and failure names only.
 * Workflows `import type` this; `createTakusouActivities(deps)` in ./activities.ts implements it.
 */
import type { ConstructionKind, ConstructionParsed, FileRef } from '../domain/construction.js';

interface OnCompany {
  /** 事業者コード of the retailer we act for: selects credentials and the task queue. */
  company: string;
}

/** The application items sent to KTD (everything but workflow options and files). */
export type ApplicationData = Omit<ConstructionParsed, 'options' | 'files' | 'company'>;

export interface ApplyInput extends OnCompany {
  kind: Exclude<ConstructionKind, never>;
  /** Our reference (事業者管理番号) for this submission: lets a retry find an application whose response was lost. */
  requestRef: string;
  application: ApplicationData;
  /** 訂正: re-sent through the same apply API for an existing application number. */
  correctionOf?: string;
}
export interface ApplyResult {
  applicationNo: string; // 申込番号
  alreadyApplied: boolean;
}

export interface AttachFileInput extends OnCompany {
  applicationNo: string;
  file: FileRef;
}
export interface AttachFileResult {
  fileId: string;
}

export interface ApplicationRef extends OnCompany {
  kind: ConstructionKind;
  applicationNo: string;
}

export interface CompletionNoticeInput extends ApplicationRef {
  completedOn: string; // YYYY-MM-DD
  /** File IDs of the completion documents, attached beforehand. */
  fileIds: string[];
}

export interface CancelInput extends ApplicationRef {
  reason: string;
}

export interface RetrievalInput extends OnCompany {
  /** 集団 applications use the group retrieval APIs (12, 14, 16, 18). */
  group: boolean;
  applicationNos: string[];
}

export type AcceptanceStatus = 'PENDING' | 'ACCEPTED' | 'NEEDS_CORRECTION' | 'REJECTED';
export interface AcceptanceResult {
  applicationNo: string;
  status: AcceptanceStatus;
  reason?: string;
  /** Items KTD asks to correct (no personal data). */
  items?: { item: string; message: string }[];
}

export interface ProcessInfo {
  applicationNo: string;
  steps: { code: string; name: string; date?: string }[];
  /** True when the construction work on KTD's side is done (工事完了). */
  workDone: boolean;
}

export interface ContractCalculation {
  applicationNo: string;
  available: boolean;
  contractCapacity?: string;
  amountYen?: number;
}

export interface ResultNotification {
  applicationNo: string;
  available: boolean;
  supplyStartDate?: string;
  supplyPointId?: string;
}

export interface Notice {
  id: string;
  title: string;
  kind: 'MAINTENANCE' | 'INFO';
  /** For maintenance notices: the window, epoch ms. */
  start?: number;
  end?: number;
  postedAt: string; // ISO
  read: boolean;
}

export interface TakusouActivities {
  /** 1–4 常時/臨時/街路灯/集団申込 (and 訂正 through the same API). Looks up a lost submission on retry. */
  apply(input: ApplyInput): Promise<ApplyResult>;
  /** 9 FileTnpu: the file is streamed from its reference; type and size checked before sending. */
  attachFile(input: AttachFileInput): Promise<AttachFileResult>;
  /** 5 集団申込完了. */
  completeGroupApplication(input: ApplicationRef): Promise<void>;
  /** 6 / 7 / 8 竣工届 (by kind). */
  fileCompletionNotice(input: CompletionNoticeInput): Promise<void>;
  /** 10 申込取消. Succeeds if already cancelled. */
  cancelApplication(input: CancelInput): Promise<void>;
  /** 11 / 12 */
  getAcceptanceResults(input: RetrievalInput): Promise<AcceptanceResult[]>;
  /** 13 / 14 */
  getProcessInfo(input: RetrievalInput): Promise<ProcessInfo[]>;
  /** 15 / 16 */
  getContractCalculations(input: RetrievalInput): Promise<ContractCalculation[]>;
  /** 17 / 18 */
  getResultNotifications(input: RetrievalInput): Promise<ResultNotification[]>;
  /** 19 */
  getNotices(input: OnCompany): Promise<Notice[]>;
  /** 20 (notices cannot be corrected or deleted: register a new one instead) */
  registerNotice(input: OnCompany & { title: string; body: string }): Promise<{ id: string }>;
  /** 21 */
  markNoticesRead(input: OnCompany & { ids: string[] }): Promise<void>;
}

/** ApplicationFailure.type values thrown by the たくそう君 activities (docs/architecture.md §5). */
export const TakusouFailure = {
  /** 400: an item the interface does not define or an invalid value — non-retryable; details name the items. */
  Invalid: 'TakusouInvalidRequest',
  /** 404: wrong service name — a defect of ours; non-retryable. */
  NotFound: 'TakusouNotFound',
  /** 503: maintenance — non-retryable for the activity; the workflow waits durably. */
  Maintenance: 'TakusouMaintenance',
  /** 500 / network / timeout: retried with backoff. */
  Transient: 'TakusouTransient',
  /** Not JSON or not the schema — non-retryable, excerpt logged with personal data redacted. */
  MalformedResponse: 'TakusouMalformedResponse',
  /** A file that is missing, of a type or size the API refuses — non-retryable. */
  BadFile: 'TakusouBadFile',
} as const;
