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
  /** Which application this is (from 申込種別); absent from records written before #4. */
  kind?: ApplicationKind;
  stageCode: string; // raw 受付工程: 05, 06, 08, 09
  state: ProcessingState;
  plannedDate?: string; // 異動予定日 YYYY-MM-DD
  actualDate?: string; // 異動日 YYYY-MM-DD
  note?: string; // ご連絡事項
}

export interface ProcessingStatusBatchInput extends OnCompany {
  applicationNos: string[];
}

// ---------------------------------------------------------------------------------------------
// Current retailer (現小売) side: incoming 廃止取次, 判断, スイッチング廃止申請 (issue #4)
// ---------------------------------------------------------------------------------------------

/** A 廃止取次 addressed to us (IS_x20310 スイッチング廃止取次照会). Holds personal data: encrypted payloads only. */
export interface IncomingRelay {
  relayNo: string; // 廃止取次番号
  category: Category;
  supplyPointId: string; // 供給(受電)地点特定番号
  newRetailerCode: string; // 新小売の事業者コード
  supplyStartDate: string; // 供給開始日 YYYY-MM-DD (the date our supply ends the day before)
  registeredAt: string; // 登録日時, ISO 8601 +09:00
  statusCode: string; // raw 状況コード ('01' = not yet judged)
  customer: Customer;
}

export interface FetchIncomingRelaysInput extends OnCompany {
  /** Only relays still awaiting our judgement (状況コード 01). Default true. */
  pendingOnly?: boolean;
  /** Only relays registered at or after this instant (ISO). */
  registeredSince?: string;
}

export interface JudgeRelayInput extends OnCompany {
  relayNo: string;
  supplyPointId: string;
  judgement: 'OK' | 'NG';
  /** 判断NG理由 flags 1–9 (at least one for NG, none for OK). */
  ngReasons: number[];
}
export interface JudgeRelayResult {
  /** True when a retry found the relay already judged (by our lost earlier attempt) with the same judgement. */
  alreadyJudged: boolean;
  statusCode: string;
}

/** The T&D applications (申込) filed through OCCTO, each with its own IF_x1NN10 / IF_x1NN20 pair. */
export type ApplicationKind =
  | 'USAGE_QUERY' // 使用量情報照会申請 IF_x10210 / 10220 (申込種別 08)
  | 'RECONNECTION' // 再点 IF_x10410 / 10420 (04)
  | 'DISCONTINUATION' // 廃止・撤去 IF_x10510 / 10520 (01 without removal, 02 with removal)
  | 'SWITCHING_START' // スイッチング開始申請 IF_x10610 / 10620 (05)
  | 'SWITCHING_STOP' // スイッチング廃止申請 IF_x10710 / 10720 (03)
  | 'CUSTOMER_INFO_CHANGE' // 需要者情報変更 / FIT 発電者情報変更 IF_x10810 / 10820 (07)
  | 'AMPERE_CHANGE'; // アンペア変更 IF_10910 / 10920 (06), LV only, not 関西/中国/四国/沖縄

export interface ApplySwitchingStopInput extends OnCompany {
  supplyPointId: string;
  relayNo: string;
  /** 廃止日 / 異動予定日: the last day of our supply is the day before the new retailer's start. YYYY-MM-DD */
  stopDate: string;
  requestRef: string;
}

/** Common to every other application: the point, our reference (retry look-up), the date wanted. */
interface ApplicationBase extends OnCompany {
  supplyPointId: string;
  requestRef: string;
  /** 異動希望日 YYYY-MM-DD. */
  desiredDate: string;
}
export interface ApplyReconnectionInput extends ApplicationBase {
  customer: Customer; // 再点 needs the (new) customer's details
}
export interface ApplyDiscontinuationInput extends ApplicationBase {
  /** 撤去あり (申込種別 02) or not (01). */
  withRemoval: boolean;
}
export interface ApplyCustomerInfoChangeInput extends ApplicationBase {
  /** Only the changed items; for FIT these are the 発電者's details. */
  changes: Partial<Customer>;
}
export interface ApplyAmpereChangeInput extends ApplicationBase {
  /** Contracted amperage after the change: 10, 15, 20, 30, 40, 50 or 60 A. */
  amperes: number;
}
export interface ApplyUsageQueryInput extends OnCompany {
  supplyPointId: string;
  requestRef: string;
}

export interface ApplicationResult {
  applicationNo: string;
  /** True when a retry found our earlier application instead of applying again. */
  alreadyApplied: boolean;
}

export interface KindedApplicationRef extends ApplicationRef {
  kind: ApplicationKind;
}

/** 業務処理状況確認 of a 使用量情報照会申請: once completed it carries the query password. */
export interface UsageQueryStatus extends ProcessingStatus {
  /** Password for IF_x10310 (secret: never logged). Present once completed. */
  password?: string;
  /** Last day the password may be used, YYYY-MM-DD (at most one month after issue). */
  passwordValidUntil?: string;
}

/** IF_x10110 設備情報照会 (LV, FIT). No personal data. */
export interface FacilityInfo {
  supplyPointId: string;
  area: string; // '01'–'10'
  voltage: string; // 供給電圧, e.g. '100/200V'
  contractType: string; // 契約種別 as the T&D names it
  contractAmperes?: number; // 契約電流 (A), LV ampere-breaker areas
  contractKva?: number; // 契約容量 (kVA)
  meterReadingDay: number; // 検針日 (定例検針日, day of month 1–31)
  nextMeterReadingDate: string; // 次回検針日 YYYY-MM-DD
  nextButOneMeterReadingDate: string; // 次々回検針日 YYYY-MM-DD
  smartMeter: boolean;
  currentRetailerCode?: string; // 現小売の事業者コード, when the T&D shows it
}

export interface QueryUsageInput extends OnCompany {
  supplyPointId: string;
  password: string;
}
export interface MonthlyUsage {
  month: string; // YYYY-MM
  kwh: number;
  maxDemandKw?: number; // HV: 最大需要電力
}
export interface UsageData {
  supplyPointId: string;
  months: MonthlyUsage[]; // up to 13 months, oldest first
}

/** A record of IS_x20210 for a batch of relays (new-retailer side judgement tracking). */
export interface RelayResultsBatchInput extends OnCompany {
  relayNos: string[]; // at most 200
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
  /** IF_x11110 業務処理状況確認(複数件), at most 200 per call; every application kind. */
  checkProcessingStatusBatch(input: ProcessingStatusBatchInput): Promise<ProcessingStatus[]>;

  /** IS_x20210 for many relays in one call (at most 200): the judgement results of our relays. */
  queryRelayResultsBatch(input: RelayResultsBatchInput): Promise<RelayResult[]>;

  // -- current retailer side --
  /** IS_x20310 スイッチング廃止取次照会: relays addressed to us. */
  fetchIncomingRelays(input: FetchIncomingRelaysInput): Promise<IncomingRelay[]>;
  /** IS_x20410 スイッチング廃止取次判断. A judgement cannot be changed afterwards (docs/external-systems/occto-switching.md §4.3). */
  judgeRelay(input: JudgeRelayInput): Promise<JudgeRelayResult>;
  /** IF_x10710 スイッチング廃止申請. Looks up an earlier application first on a retry. */
  applySwitchingStop(input: ApplySwitchingStopInput): Promise<ApplicationResult>;

  // -- other operations (availability per category: systems/occto/domain/occto-operations.ts) --
  /** IF_x10110 設備情報照会 (LV, FIT): answers directly. */
  queryFacility(input: OnCompany & { supplyPointId: string }): Promise<FacilityInfo>;
  /** IF_x10210 使用量情報照会申請 (LV, HV). */
  applyUsageQuery(input: ApplyUsageQueryInput): Promise<ApplicationResult>;
  /** IF_x10220: status of a 使用量情報照会申請, with the password once completed. */
  checkUsageQueryStatus(input: ApplicationRef): Promise<UsageQueryStatus>;
  /** IF_x10310 使用量情報照会 (LV, HV): 13 months of usage with a valid password. */
  queryUsage(input: QueryUsageInput): Promise<UsageData>;
  /** IF_x10410 再点 (LV, FIT). */
  applyReconnection(input: ApplyReconnectionInput): Promise<ApplicationResult>;
  /** IF_x10510 廃止・撤去 (all). */
  applyDiscontinuation(input: ApplyDiscontinuationInput): Promise<ApplicationResult>;
  /** IF_x10810 需要者情報変更 / 発電者情報変更 (all). */
  applyCustomerInfoChange(input: ApplyCustomerInfoChangeInput): Promise<ApplicationResult>;
  /** IF_10910 アンペア変更 (LV only; refused before sending in 関西/中国/四国/沖縄). */
  applyAmpereChange(input: ApplyAmpereChangeInput): Promise<ApplicationResult>;
  /** IF_x1NN20 業務処理状況確認 of one application of any kind. */
  checkApplicationStatus(input: KindedApplicationRef): Promise<ProcessingStatus>;
  /** 更新フラグ 3 取消 of an application still in progress (any kind). Succeeds if already cancelled. */
  cancelApplication(input: KindedApplicationRef): Promise<void>;
}

/** ApplicationFailure.type values thrown by the OCCTO activities (docs/architecture.md §5). */
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
  /** The operation does not exist for the category/area (docs/external-systems/occto-switching.md §2.5, §5.3): refused before any call. Non-retryable. */
  NotOffered: 'OcctoNotOffered',
  /** The relay was already judged differently (a judgement cannot be changed, docs/external-systems/occto-switching.md §4.3). Non-retryable. */
  AlreadyJudged: 'OcctoAlreadyJudged',
  /** The usage-query password has expired (one-month validity). Non-retryable: apply again. */
  PasswordExpired: 'OcctoPasswordExpired',
} as const;
export type OcctoFailureType = (typeof OcctoFailure)[keyof typeof OcctoFailure];

export interface BusinessErrorDetails {
  code: string;
  message: string;
  meaning: string;
}

