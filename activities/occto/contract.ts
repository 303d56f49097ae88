/**
 * The OCCTO activities as workflows see them: types and failure names only, no implementation.
 * Workflows `import type` this; `createOcctoActivities(deps)` in ./activities.ts implements it.
 */
export type Category = 'LV' | 'HV' | 'FIT';

/** Customer personal data (需要者情報). Encrypted in every Temporal payload by the payload codec. */
export interface Customer {
  name: string; // 需要者名
  kana: string; // 需要者名カナ
  address: string; // 需要者住所
  phone?: string;
}

interface OnCompany {
  /** 事業者コード of the retailer we act for: selects client certificate, credentials and task queue. */
  company: string;
  category: Category;
}

export interface RegisterRelayInput extends OnCompany {
  supplyPointId: string;
  supplyStartDate: string; // YYYY-MM-DD (JST)
  currentRetailerCode?: string;
  customer: Customer;
  /** Our reference for this registration; lets a retry find a registration whose response was lost. */
  requestRef: string;
}
export interface RegisterRelayResult {
  relayNo: string; // 廃止取次番号
  /** True when a retry found our own earlier registration instead of registering again. */
  alreadyRegistered: boolean;
}

export interface RelayRef extends OnCompany {
  relayNo: string;
  supplyPointId: string;
}

export type RelayJudgement = 'PENDING' | 'OK' | 'NG' | 'CANCELLED' | 'FAILED';
export interface RelayResult {
  relayNo: string;
  statusCode: string; // raw 状況コード
  judgement: RelayJudgement;
  matched: boolean; // マッチング済み(OK)
  /** 判断NG理由 flags that are set, 1–9. */
  ngReasons: number[];
}

export interface ApplySwitchingStartInput extends OnCompany {
  supplyPointId: string;
  relayNo: string;
  supplyStartDate: string; // YYYY-MM-DD
  customer: Customer;
  requestRef: string;
}
export interface ApplySwitchingStartResult {
  applicationNo: string; // 申込番号
  alreadyApplied: boolean;
}

export interface ApplicationRef extends OnCompany {
  applicationNo: string;
  supplyPointId: string;
}

export type ProcessingState = 'IN_PROGRESS' | 'COMPLETED' | 'REJECTED';
export interface ProcessingStatus {
  applicationNo: string;
  stageCode: string; // raw 受付工程: 05, 06, 08, 09
  state: ProcessingState;
  plannedDate?: string; // 異動予定日 YYYY-MM-DD
  actualDate?: string; // 異動日 YYYY-MM-DD
  note?: string; // ご連絡事項
}

export interface ProcessingStatusBatchInput extends OnCompany {
  applicationNos: string[];
}

export interface OcctoActivities {
  /** IS_x20110 登録. Looks up our own earlier registration first on a retry. */
  registerRelay(input: RegisterRelayInput): Promise<RegisterRelayResult>;
  /** IS_x20210 結果照会. */
  queryRelayResult(input: RelayRef): Promise<RelayResult>;
  /** IS_x20110 with 更新フラグ 3 (取消). Succeeds if already cancelled. */
  cancelRelay(input: RelayRef): Promise<void>;
  /** IF_x10610 スイッチング開始申請. Looks up an earlier application first on a retry. */
  applySwitchingStart(input: ApplySwitchingStartInput): Promise<ApplySwitchingStartResult>;
  /** IF_x10610 with 更新フラグ 3. Succeeds if already cancelled. */
  cancelSwitchingStart(input: ApplicationRef): Promise<void>;
  /** IF_x10620 業務処理状況確認. */
  checkSwitchingStartStatus(input: ApplicationRef): Promise<ProcessingStatus>;
  /** IF_x11110 業務処理状況確認(複数件), at most 200 per call. */
  checkProcessingStatusBatch(input: ProcessingStatusBatchInput): Promise<ProcessingStatus[]>;
}

/** ApplicationFailure.type values thrown by the OCCTO activities (design.md §5). */
export const OcctoFailure = {
  /** 400-class business error (ERR_20040 …): non-retryable; details[0] = { code, message, meaning }. */
  Business: 'OcctoBusinessError',
  /** A 廃止取次 is already registered for the point, and it is not ours. Non-retryable. */
  DuplicateRelay: 'OcctoDuplicateRelay',
  /** 403 / authentication / certificate rejected: non-retryable, alerts the operator. */
  Auth: 'OcctoAuthError',
  /** 503: the service is in maintenance. Non-retryable for the activity: the workflow waits durably. */
  Maintenance: 'OcctoMaintenance',
  /** Automatic load-limit rejection: retried with backoff; a defect in our pacing. */
  RateLimited: 'OcctoRateLimited',
  /** 500 / 504 / network error / timeout: retried with backoff. */
  Transient: 'OcctoTransient',
  /** Bad XML or a response that does not match the schema: non-retryable, raw excerpt logged (PII redacted). */
  MalformedResponse: 'OcctoMalformedResponse',
} as const;
export type OcctoFailureType = (typeof OcctoFailure)[keyof typeof OcctoFailure];

export interface BusinessErrorDetails {
  code: string;
  message: string;
  meaning: string;
}

/** Notifications to people (reminders, escalations, operator alerts). No personal data. */
export interface NotifyInput {
  kind: 'REMINDER' | 'ESCALATION' | 'OPERATOR_ALERT' | 'INFO';
  workflowId: string;
  stage: string;
  message: string;
  dueAt?: string; // ISO
}
export interface NotificationActivities {
  notifyPerson(input: NotifyInput): Promise<void>;
}
