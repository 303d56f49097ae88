/**
 * PROVISIONAL wire format of the OCCTO スイッチング支援システム SOAP API.
 *
 * The public sources (docs/external-systems/occto-switching.md §9, §13) give no WSDL, namespaces, operation or field
 * names. This one module is the only place that invents them; the simulator and the client both
 * import it, so the real 外部インターフェース仕様書 / WSDL replaces this file and nothing else.
 *
 * Where public facts exist they are used as-is (docs/external-systems/occto-switching.md Appendix A): the IS_/IF_ interface IDs, the
 * 廃止取次結果照会 status codes 02/03/06/07, 更新フラグ 1/2/3, 受付工程 05/06/08/09, the nine
 * 判断NG理由 flags, the ERR_ codes and their message strings. The SOAP header item names (requestID, serviceID,
 * ipAddress, timeStamp, loginID, password) are not OCCTO's: they are borrowed from Kansai T&D's
 * 各種申込WEB (docs/external-systems/kansai-kakushu-web.md §5).
 * Everything else (element names in romaji, date format YYYYMMDD, the namespace, the codes for the
 * duplicate-relay and rate-limit rejections) is an assumption, marked as such.
 *
 * Behaviour both sides rely on (assumptions where the sources are silent; docs/external-systems/occto-switching.md Appendix B):
 * - An interface that does not exist for the category (isOffered false, e.g. IF_K10110) is answered
 *   with ERR_20040, as the FAQ says for the HV facility query (docs/external-systems/occto-switching.md §6.3).
 * - Applications (IF_x1NN10) answer a 申込番号 at once; their 受付工程 is read through IF_x1NN20 or
 *   IF_x11110: 05 in progress, then 06 completed (08 completed with a changed date), or 09 rejected.
 * - Every write carries our 事業者管理番号 (jigyoshaKanriNo); IF_x11110 and IS_x20210 find records by
 *   it, so a client can look up a write whose response was lost instead of writing twice.
 * - 判断 (IS_x20410) is final: judging a relay that is no longer 01 answers ERR_20070.
 * - 使用量情報照会申請 completes with a 照会パスワード valid until passwordYukoKigen (one month);
 *   IF_x10310 answers ERR_PASSWORD_EXPIRED after it and ERR_PASSWORD_INVALID for a wrong one.
 */
import { z } from 'zod';
import { SOAP_ENV_NS, SOAP_FAULT, WireFormatError, listOf, soapDialect, type Fields, type ParsedEnvelope } from '../../../protocols/soap.js';

export { SOAP_ENV_NS, WireFormatError };
/** Assumption: our own namespace until the WSDL is known. */
export const SW_NS = 'urn:denki-flow:provisional:occto-switching:v1';
/** Assumption: one SOAP endpoint; the operation is named by SOAPAction and the header's serviceID. */
export const SOAP_ENDPOINT_PATH = '/sw/soap';

export type WireCategory = 'LV' | 'HV' | 'FIT';

// ---------------------------------------------------------------------------------------------
// Interface IDs (public: docs/external-systems/occto-switching.md §3 and Appendix A). Prefix: none = 低圧託送, K = 高圧, F = 低圧FIT電源.
// ---------------------------------------------------------------------------------------------
const PREFIX: Record<WireCategory, string> = { LV: '', HV: 'K', FIT: 'F' };

export type Operation =
  // OCCTO-internal (IS_, Appendix A), every category
  | 'relayRegister' // IS_20110 スイッチング廃止取次登録 (更新フラグ 1 登録 / 2 訂正 / 3 取消)
  | 'relayResult' // IS_20210 スイッチング廃止取次結果照会 (new retailer; one or a list of relays)
  | 'relayInbox' // IS_20310 スイッチング廃止取次照会 (current retailer)
  | 'relayJudge' // IS_20410 スイッチング廃止取次判断 (current retailer)
  | 'operatorList' // IS_30110 事業者一覧取得
  // Forwarded to the T&D side (the 41 IF_ APIs, docs/external-systems/occto-switching.md §3)
  | 'facilityQuery' // IF_10110 設備情報照会 (answers directly)
  | 'usageApply' // IF_10210 使用量情報照会申請
  | 'usageApplyStatus' // IF_10220 業務処理状況確認 (使用量情報照会)
  | 'usageQuery' // IF_10310 使用量情報照会 (answers directly)
  | 'reconnect' // IF_10410 再点
  | 'reconnectStatus' // IF_10420
  | 'discontinue' // IF_10510 廃止・撤去
  | 'discontinueStatus' // IF_10520
  | 'switchingStart' // IF_10610 スイッチング開始申請
  | 'switchingStartStatus' // IF_10620 業務処理状況確認 (スイッチング開始申請)
  | 'switchingStop' // IF_10710 スイッチング廃止申請
  | 'switchingStopStatus' // IF_10720
  | 'customerChange' // IF_10810 需要者情報変更 (FIT: 発電者情報変更)
  | 'customerChangeStatus' // IF_10820
  | 'ampereChange' // IF_10910 アンペア変更
  | 'ampereChangeStatus' // IF_10920
  | 'statusList'; // IF_11110 業務処理状況確認(複数件)

const ALL: readonly WireCategory[] = ['LV', 'HV', 'FIT'];
const BASE_ID: Record<Operation, { kind: 'IS' | 'IF'; digits: string; offered: readonly WireCategory[] }> = {
  relayRegister: { kind: 'IS', digits: '20110', offered: ALL },
  relayResult: { kind: 'IS', digits: '20210', offered: ALL },
  relayInbox: { kind: 'IS', digits: '20310', offered: ALL },
  relayJudge: { kind: 'IS', digits: '20410', offered: ALL },
  operatorList: { kind: 'IS', digits: '30110', offered: ALL },
  // The 41 (docs/external-systems/occto-switching.md §3): LV 17, HV 12, FIT 12.
  facilityQuery: { kind: 'IF', digits: '10110', offered: ['LV', 'FIT'] },
  usageApply: { kind: 'IF', digits: '10210', offered: ['LV', 'HV'] },
  usageApplyStatus: { kind: 'IF', digits: '10220', offered: ['LV', 'HV'] },
  usageQuery: { kind: 'IF', digits: '10310', offered: ['LV', 'HV'] },
  reconnect: { kind: 'IF', digits: '10410', offered: ['LV', 'FIT'] },
  reconnectStatus: { kind: 'IF', digits: '10420', offered: ['LV', 'FIT'] },
  discontinue: { kind: 'IF', digits: '10510', offered: ALL },
  discontinueStatus: { kind: 'IF', digits: '10520', offered: ALL },
  switchingStart: { kind: 'IF', digits: '10610', offered: ALL },
  switchingStartStatus: { kind: 'IF', digits: '10620', offered: ALL },
  switchingStop: { kind: 'IF', digits: '10710', offered: ALL },
  switchingStopStatus: { kind: 'IF', digits: '10720', offered: ALL },
  customerChange: { kind: 'IF', digits: '10810', offered: ALL },
  customerChangeStatus: { kind: 'IF', digits: '10820', offered: ALL },
  ampereChange: { kind: 'IF', digits: '10910', offered: ['LV'] },
  ampereChangeStatus: { kind: 'IF', digits: '10920', offered: ['LV'] },
  statusList: { kind: 'IF', digits: '11110', offered: ALL },
};

export const OPERATIONS = Object.keys(BASE_ID) as Operation[];

/** Whether the interface exists for the category (docs/external-systems/occto-switching.md §2.5, §3). A non-existent one is answered ERR_20040. */
export function isOffered(op: Operation, category: WireCategory): boolean {
  return BASE_ID[op].offered.includes(category);
}

/** Every interface ID that exists: the 41 IF_ IDs and the IS_ IDs of each category. */
export function offeredServiceIds(kind?: 'IS' | 'IF'): string[] {
  return OPERATIONS.filter((op) => kind === undefined || BASE_ID[op].kind === kind).flatMap((op) =>
    BASE_ID[op].offered.map((c) => serviceId(op, c)),
  );
}

/** e.g. serviceId('switchingStart', 'HV') === 'IF_K10610'. */
export function serviceId(op: Operation, category: WireCategory): string {
  const { kind, digits } = BASE_ID[op];
  return `${kind}_${PREFIX[category]}${digits}`;
}

/** Inverse of serviceId; undefined for an unknown ID. The pair may still not be offered (isOffered). */
export function parseServiceId(id: string): { op: Operation; category: WireCategory } | undefined {
  const m = /^(IS|IF)_([KF]?)(\d{5})$/.exec(id);
  if (!m) return undefined;
  const category: WireCategory = m[2] === 'K' ? 'HV' : m[2] === 'F' ? 'FIT' : 'LV';
  for (const [op, b] of Object.entries(BASE_ID) as [Operation, { kind: string; digits: string }][]) {
    if (b.kind === m[1] && b.digits === m[3]) return { op, category };
  }
  return undefined;
}

/** Forwarded to the T&D side (the 41 IF_ APIs) vs OCCTO-internal (IS_): matters for per-area maintenance. */
export function isForwardedToTd(op: Operation): boolean {
  return BASE_ID[op].kind === 'IF';
}

// ---------------------------------------------------------------------------------------------
// Codes (public: docs/external-systems/occto-switching.md §6.3, §6.4, Appendix A)
// ---------------------------------------------------------------------------------------------
export const UPDATE_FLAG = { register: '1', correct: '2', cancel: '3' } as const; // 更新フラグ

/** 廃止取次結果照会 status (public: 02 OK; 03/06/07 not OK). '01' = not yet judged (public for IS_20310). */
export const RELAY_STATUS = {
  pending: '01',
  ok: '02',
  ng: '03',
  cancelled: '06',
  failed: '07',
} as const;
export type RelayStatusCode = (typeof RELAY_STATUS)[keyof typeof RELAY_STATUS];

/** 受付工程 of 業務処理状況確認 (public): 05 in progress, 06/08 completed, 09 rejected. */
export const PROCESSING_STAGE = { inProgress: '05', completed: '06', completedAlt: '08', rejected: '09' } as const;

/** 連携成否ステータス. Assumption: '0' success, '1' failure. */
export const LINK_STATUS = { success: '0', failure: '1' } as const;
export const SUCCESS_RESULT_CODE = 'I00000'; // assumption

export const ERROR_CODES = {
  ERR_20040: { message: '該当データが存在しません。', meaning: 'no matching data (unknown, discontinued or being-discontinued point, or a function that does not exist)' },
  ERR_20070: { message: '異動要求が不整合となります。', meaning: 'the change request is inconsistent (e.g. a duplicate application)' },
  ERR_20140: { message: 'ご契約のない需要者さまの申込はできません。', meaning: 'no contract with this customer at the point' },
  ERR_20250: { message: '託送基本契約のない小売電気事業者さまは異動申込できません。', meaning: 'no basic wheeling contract in the routed area (check the area digit of the 事業者コード)' },
  /** Assumption: the code is not public; the message string is (docs/external-systems/occto-switching.md §6.4). */
  ERR_SW_DUPLICATE: {
    message: 'スイッチング廃止取次情報の登録に失敗しました。指定された供給地点に対して既にスイッチング廃止取次が登録されています。',
    meaning: 'a 廃止取次 is already registered for this supply point',
  },
  /** Assumption: the 使用量情報照会 password is wrong or belongs to another point/retailer. */
  ERR_PASSWORD_INVALID: { message: '照会パスワードが正しくありません。', meaning: 'the usage-query password is not valid for this supply point' },
  /** Assumption: the password is past its validity (at most one month, Appendix A): apply again. */
  ERR_PASSWORD_EXPIRED: { message: '照会パスワードの有効期限が切れています。', meaning: 'the usage-query password has expired (valid for at most one month): apply again' },
  /** Assumption (docs/external-systems/occto-switching.md §13 Q5): アンペア変更 in an area without ampere breakers (関西/中国/四国/沖縄). */
  ERR_AMPERE_AREA: { message: 'アンペア変更は当該エリアでは受け付けておりません。', meaning: 'アンペア変更 is not offered in this area (関西, 中国, 四国, 沖縄)' },
  /** Assumption: input-check failure (入力チェック仕様書 is not public). */
  ERR_INPUT: { message: '入力内容に誤りがあります。', meaning: 'input check failed' },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** Assumption: the automatic load-limit rejection is HTTP 429 with this fault code. */
export const RATE_LIMIT_FAULT_CODE = 'soapenv:Server.Overload';
/** Assumption: HTTP 503 during a maintenance window (the real code is not public, docs/external-systems/occto-switching.md §13 Q5). */
export const MAINTENANCE_FAULT_CODE = 'soapenv:Server.Maintenance';
/** 500-class server failure. */
export const SERVER_FAULT_CODE = SOAP_FAULT.server;
export const AUTH_FAULT_CODE = 'soapenv:Client.Authentication';
export const REQUEST_FAULT_CODE = SOAP_FAULT.client;

// ---------------------------------------------------------------------------------------------
// Dates: YYYYMMDD on the wire (assumption); ISO 'YYYY-MM-DD' in our code.
// ---------------------------------------------------------------------------------------------
export const toWireDate = (iso: string): string => iso.replaceAll('-', '');
/** Header timeStamp and date-time items (登録日時 …): ISO 8601 in JST to the second, e.g. 2025-04-01T09:30:00+09:00. */
export const jstTimestamp = (ms: number): string => new Date(ms + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');
export const fromWireDate = (d: string): string => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
const wireDate = z.string().regex(/^\d{8}$/, 'must be a date YYYYMMDD');
const digits = (n: number, what: string) => z.string().regex(new RegExp(`^\\d{${n}}$`), `${what} must be exactly ${n} digits`);
const flag = z.enum(['0', '1']);

// ---------------------------------------------------------------------------------------------
// Header (public item names; values are ours)
// ---------------------------------------------------------------------------------------------
export const requestHeaderSchema = z.object({
  requestID: z.string().min(1).max(64),
  serviceID: z.string().regex(/^I[SF]_[KF]?\d{5}$/, 'serviceID must look like IS_20110 or IF_K10610'),
  ipAddress: z.string().min(1),
  timeStamp: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+09:00$/, 'timeStamp must be ISO 8601 in JST (+09:00)'),
  loginID: z.string().min(1).max(32),
  password: z.string().min(1).max(64),
});
export type RequestHeader = z.infer<typeof requestHeaderSchema>;

// ---------------------------------------------------------------------------------------------
// Bodies. Element names are romaji of the Japanese item names (assumption).
// ---------------------------------------------------------------------------------------------
/** Customer items (需要者情報). Required for 登録; optional elsewhere. */
const customerFields = {
  juyoshaMei: z.string().min(1).max(80).optional(), // 需要者名
  juyoshaMeiKana: z.string().min(1).max(80).optional(), // 需要者名カナ
  juyoshaJusho: z.string().min(1).max(200).optional(), // 需要者住所
  juyoshaDenwa: z.string().regex(/^[0-9-]{10,13}$/, 'juyoshaDenwa must be 10–13 digits or hyphens').optional(), // 電話番号
};

/** IS_x20110 スイッチング廃止取次登録. */
export const relayRegisterRequestSchema = z.object({
  koshinFlag: z.enum(['1', '2', '3']), // 更新フラグ
  jigyoshaKanriNo: z.string().min(1).max(40), // 事業者管理番号: our reference (assumption)
  kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo'), // 供給(受電)地点特定番号
  haishiToritsugiNo: z.string().optional(), // 廃止取次番号: required for 訂正/取消
  kyokyuKaishiBi: wireDate.optional(), // 供給開始日 (required for 登録)
  genKouriJigyoshaCode: digits(5, 'genKouriJigyoshaCode').optional(), // 現小売の事業者コード if known
  ...customerFields,
});
export type RelayRegisterRequest = z.infer<typeof relayRegisterRequestSchema>;
export const relayRegisterResponseSchema = z.object({
  haishiToritsugiNo: z.string().min(1),
  jigyoshaKanriNo: z.string().optional(),
});

/** IS_x20210 スイッチング廃止取次結果照会: by relay number, by point, or by our reference. */
export const relayResultRequestSchema = z
  .object({
    haishiToritsugiNo: z.string().optional(),
    /** Many relays in one call (batched judgement tracking), at most STATUS_LIST_MAX. Assumption. */
    haishiToritsugiNoList: listOf(z.string().min(1)).optional(),
    kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo').optional(),
    jigyoshaKanriNo: z.string().optional(),
  })
  .refine((r) => r.haishiToritsugiNo || r.haishiToritsugiNoList?.length || r.kyokyuChitenTokuteiNo || r.jigyoshaKanriNo, {
    message: 'one of haishiToritsugiNo, haishiToritsugiNoList, kyokyuChitenTokuteiNo, jigyoshaKanriNo is required',
  })
  .refine((r) => (r.haishiToritsugiNoList?.length ?? 0) <= 200, { message: 'at most 200 haishiToritsugiNoList entries per request', path: ['haishiToritsugiNoList'] });
export type RelayResultRequest = z.infer<typeof relayResultRequestSchema>;

export const NG_REASON_COUNT = 9; // 判断NG理由1 … 判断NG理由9 (public)
export const relayRecordSchema = z.object({
  haishiToritsugiNo: z.string().min(1),
  kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo'),
  jigyoshaKanriNo: z.string().optional(),
  jokyoCode: z.enum(['01', '02', '03', '06', '07']), // 状況コード
  matchingZumi: flag.optional(), // マッチング済み(OK) (assumption: a flag next to 02)
  kyokyuKaishiBi: wireDate.optional(),
  tourokuNichiji: z.string().optional(), // 登録日時
  hanteiNichiji: z.string().optional(), // 判断日時
  /** 判断NG理由1–9 as one string of nine '0'/'1' flags (assumption: the real form is nine items). */
  hanteiNgRiyu: z.string().regex(/^[01]{9}$/, 'hanteiNgRiyu must be nine 0/1 flags').optional(),
});
export type RelayRecord = z.infer<typeof relayRecordSchema>;
export const relayResultResponseSchema = z.object({ kekka: listOf(relayRecordSchema) });

/** IF_x10610 スイッチング開始申請 (更新フラグ 1 登録 / 3 取消). */
export const switchingStartRequestSchema = z.object({
  koshinFlag: z.enum(['1', '3']),
  jigyoshaKanriNo: z.string().min(1).max(40),
  kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo'),
  haishiToritsugiNo: z.string().optional(),
  moshikomiNo: z.string().optional(), // 申込番号: required for 取消
  idoYoteiBi: wireDate.optional(), // 異動予定日 (= 供給開始日)
  ...customerFields,
});
export type SwitchingStartRequest = z.infer<typeof switchingStartRequestSchema>;
export const switchingStartResponseSchema = z.object({ moshikomiNo: z.string().min(1) });

/** 業務処理状況確認 record (single IF_x10620 and list IF_x11110). */
export const processingStatusRecordSchema = z.object({
  moshikomiNo: z.string().min(1),
  moshikomiShubetsu: z.string().regex(/^\d{2}$/), // 申込種別 (public codes: 05 SW開始, 03 SW廃止, …)
  kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo'),
  jigyoshaKanriNo: z.string().optional(),
  uketsukeKoteiCode: z.string().regex(/^\d{2}$/), // 受付工程
  idoYoteiBi: wireDate.optional(), // 異動予定日
  idoBi: wireDate.optional(), // 異動日
  renrakuJiko: z.string().optional(), // ご連絡事項
});
export type ProcessingStatusRecord = z.infer<typeof processingStatusRecordSchema>;
/**
 * 申込種別 (public codes, Appendix A): 01 廃止(撤去なし), 02 廃止(撤去あり), 03 SW廃止, 04 再点,
 * 05 SW開始, 06 アンペア変更, 07 情報変更, 08 使用量照会申請. FIT uses 12–17 (public), but which FIT
 * code is which is not: ASSUMPTION 12 廃止(撤去なし), 13 廃止(撤去あり), 14 SW廃止, 15 再点, 16 SW開始,
 * 17 情報変更 (the six FIT application kinds in the order of the LV codes).
 */
export const APPLICATION_KIND = {
  discontinuation: '01',
  discontinuationWithRemoval: '02',
  switchingStop: '03',
  reconnection: '04',
  switchingStart: '05',
  ampereChange: '06',
  infoChange: '07',
  usageQuery: '08',
} as const;
export type ApplicationKindName = keyof typeof APPLICATION_KIND;
const FIT_APPLICATION_KIND: Readonly<Partial<Record<ApplicationKindName, string>>> = {
  discontinuation: '12',
  discontinuationWithRemoval: '13',
  switchingStop: '14',
  reconnection: '15',
  switchingStart: '16',
  infoChange: '17',
};

/** 申込種別 code of an application kind in a category; undefined when the category has no such application. */
export function applicationKindCode(kind: ApplicationKindName, category: WireCategory): string | undefined {
  return category === 'FIT' ? FIT_APPLICATION_KIND[kind] : APPLICATION_KIND[kind];
}

/** Inverse of applicationKindCode. */
export function applicationKindOf(code: string, category: WireCategory): ApplicationKindName | undefined {
  const table: Partial<Record<ApplicationKindName, string>> = category === 'FIT' ? FIT_APPLICATION_KIND : APPLICATION_KIND;
  return (Object.keys(table) as ApplicationKindName[]).find((k) => table[k] === code);
}

/** The submit operation of each application kind and its single-record status operation. */
export const APPLICATION_OPERATIONS: Readonly<Record<ApplicationKindName, { submit: Operation; status: Operation }>> = {
  discontinuation: { submit: 'discontinue', status: 'discontinueStatus' },
  discontinuationWithRemoval: { submit: 'discontinue', status: 'discontinueStatus' },
  switchingStop: { submit: 'switchingStop', status: 'switchingStopStatus' },
  reconnection: { submit: 'reconnect', status: 'reconnectStatus' },
  switchingStart: { submit: 'switchingStart', status: 'switchingStartStatus' },
  ampereChange: { submit: 'ampereChange', status: 'ampereChangeStatus' },
  infoChange: { submit: 'customerChange', status: 'customerChangeStatus' },
  usageQuery: { submit: 'usageApply', status: 'usageApplyStatus' },
};

/** A single-record 業務処理状況確認 request (IF_x1NN20): by 申込番号. */
export const statusRequestSchema = z.object({ moshikomiNo: z.string().min(1) });
export const switchingStartStatusRequestSchema = statusRequestSchema;
export const switchingStartStatusResponseSchema = processingStatusRecordSchema;

export const STATUS_LIST_MAX = 200; // test-environment guideline: ~100–200 records per operation
export const statusListRequestSchema = z
  .object({
    moshikomiNo: listOf(z.string().min(1)).optional(),
    kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo').optional(),
    jigyoshaKanriNo: z.string().optional(),
  })
  .refine((r) => (r.moshikomiNo?.length ?? 0) <= STATUS_LIST_MAX, { message: `at most ${STATUS_LIST_MAX} moshikomiNo per request` });
export const statusListResponseSchema = z.object({ kekka: listOf(processingStatusRecordSchema) });

/** Any application's answer: its 申込番号. */
export const applicationResponseSchema = z.object({ moshikomiNo: z.string().min(1) });

// --- current retailer: IS_x20310 スイッチング廃止取次照会, IS_x20410 スイッチング廃止取次判断 ---

/** IS_x20310: relays addressed to the caller. Pages of STATUS_LIST_MAX by kaishiIchi (assumption). */
export const relayInboxRequestSchema = z.object({
  /** One relay (look-up, e.g. after a lost 判断 response). */
  haishiToritsugiNo: z.string().min(1).optional(),
  jokyoCode: z.enum(['01', '02', '03', '06', '07']).optional(), // e.g. '01' = not yet judged
  tourokuNichijiFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/, 'tourokuNichijiFrom must be ISO 8601 in JST (+09:00)').optional(),
  kaishiIchi: z.string().regex(/^[1-9]\d{0,5}$/, 'kaishiIchi must be a positive integer (1-based position)').optional(), // 開始位置
});
export type RelayInboxRequest = z.infer<typeof relayInboxRequestSchema>;
export const incomingRelayRecordSchema = z.object({
  haishiToritsugiNo: z.string().min(1),
  kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo'),
  shinKouriJigyoshaCode: digits(5, 'shinKouriJigyoshaCode'), // 新小売の事業者コード
  kyokyuKaishiBi: wireDate,
  tourokuNichiji: z.string().min(1),
  jokyoCode: z.enum(['01', '02', '03', '06', '07']),
  juyoshaMei: z.string().min(1).max(80),
  juyoshaMeiKana: z.string().min(1).max(80),
  juyoshaJusho: z.string().min(1).max(200),
  juyoshaDenwa: z.string().optional(),
});
export type IncomingRelayRecord = z.infer<typeof incomingRelayRecordSchema>;
export const relayInboxResponseSchema = z.object({
  kekka: listOf(incomingRelayRecordSchema),
  tsuzukiAri: flag.optional(), // 続きあり: '1' when more records follow (ask again with kaishiIchi)
});

/** 判断 value (public): 01 OK, 02 NG. */
export const JUDGEMENT = { ok: '01', ng: '02' } as const;
export const relayJudgeRequestSchema = z
  .object({
    haishiToritsugiNo: z.string().min(1),
    kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo'),
    hanteiKekka: z.enum(['01', '02']),
    hanteiNgRiyu: z.string().regex(/^[01]{9}$/, 'hanteiNgRiyu must be nine 0/1 flags').optional(),
  })
  .refine((r) => r.hanteiKekka !== JUDGEMENT.ng || (r.hanteiNgRiyu ?? '').includes('1'), {
    message: 'hanteiNgRiyu must set at least one 判断NG理由 flag when hanteiKekka is 02 (NG)',
    path: ['hanteiNgRiyu'],
  })
  .refine((r) => r.hanteiKekka !== JUDGEMENT.ok || !(r.hanteiNgRiyu ?? '').includes('1'), {
    message: 'hanteiNgRiyu must not set any flag when hanteiKekka is 01 (OK)',
    path: ['hanteiNgRiyu'],
  });
export type RelayJudgeRequest = z.infer<typeof relayJudgeRequestSchema>;
export const relayJudgeResponseSchema = z.object({ haishiToritsugiNo: z.string().min(1), jokyoCode: z.enum(['01', '02', '03', '06', '07']) });

/** IS_x30110 事業者一覧取得. */
export const operatorListRequestSchema = z.object({});
export const operatorListResponseSchema = z.object({
  jigyosha: listOf(z.object({ jigyoshaCode: digits(5, 'jigyoshaCode'), jigyoshaMei: z.string().min(1) })),
});

// --- T&D applications (IF_x10210 … IF_x10910); 更新フラグ 1 登録 / 3 取消 (取消 needs moshikomiNo) ---
const applicationBase = {
  koshinFlag: z.enum(['1', '3']),
  jigyoshaKanriNo: z.string().min(1).max(40),
  kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo'),
  moshikomiNo: z.string().optional(), // required for 取消
};
const cancelNeedsNo = <T extends { koshinFlag: string; moshikomiNo?: string }>(r: T) => r.koshinFlag !== '3' || !!r.moshikomiNo;
const cancelNeedsNoMessage = { message: 'moshikomiNo is required when koshinFlag is 3 (取消)', path: ['moshikomiNo'] };

/** IF_x10110 設備情報照会. */
export const facilityQueryRequestSchema = z.object({ kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo') });
export const facilityQueryResponseSchema = z.object({
  setsubi: z.object({
    kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo'),
    eriaCode: digits(2, 'eriaCode'),
    kyokyuDenatsu: z.string().min(1), // 供給電圧
    keiyakuShubetsu: z.string().min(1), // 契約種別
    keiyakuDenryuA: z.string().regex(/^\d{1,3}$/).optional(), // 契約電流 (A)
    keiyakuYoryoKva: z.string().regex(/^\d{1,4}(\.\d)?$/).optional(), // 契約容量 (kVA)
    kenshinBi: z.string().regex(/^(0[1-9]|[12]\d|3[01])$/, 'kenshinBi must be a day of month 01–31'), // 定例検針日
    jikaiKenshinBi: wireDate, // 次回検針日
    jijikaiKenshinBi: wireDate, // 次々回検針日
    smartMeterFlag: flag,
    genKouriJigyoshaCode: digits(5, 'genKouriJigyoshaCode').optional(),
  }),
});

/** IF_x10210 使用量情報照会申請. doiKakuninZumi: the customer's consent was obtained (docs/external-systems/occto-switching.md §8.5). */
export const usageApplyRequestSchema = z
  .object({ ...applicationBase, doiKakuninZumi: z.literal('1', { error: 'doiKakuninZumi must be 1: usage data needs the customer\'s consent (docs/external-systems/occto-switching.md §8.5)' }).optional() })
  .refine(cancelNeedsNo, cancelNeedsNoMessage)
  .refine((r) => r.koshinFlag !== '1' || r.doiKakuninZumi === '1', { message: 'doiKakuninZumi is required when koshinFlag is 1 (登録)', path: ['doiKakuninZumi'] });
/** IF_x10220: the status record plus, once completed, the query password and its validity (assumption). */
export const usageApplyStatusResponseSchema = processingStatusRecordSchema.extend({
  shokaiPassword: z.string().min(8).max(32).optional(), // 照会パスワード
  passwordYukoKigen: wireDate.optional(), // 有効期限 (at most one month, Appendix A)
});
/** IF_x10310 使用量情報照会. */
export const usageQueryRequestSchema = z.object({
  kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo'),
  shokaiPassword: z.string().min(8).max(32),
});
export const usageQueryResponseSchema = z.object({
  shiyoryo: listOf(
    z.object({
      taishoNengetsu: z.string().regex(/^\d{6}$/, 'taishoNengetsu must be YYYYMM'), // 対象年月
      shiyoDenryokuryo: z.string().regex(/^\d{1,9}(\.\d{1,3})?$/, 'shiyoDenryokuryo must be kWh'), // 使用電力量
      saidaiJuyoDenryoku: z.string().regex(/^\d{1,6}(\.\d{1,3})?$/).optional(), // 最大需要電力 kW (HV)
    }),
  ),
});

/** IF_x10410 再点: needs the customer's details on 登録. */
export const reconnectRequestSchema = z
  .object({ ...applicationBase, idoKibouBi: wireDate.optional(), ...customerFields })
  .refine(cancelNeedsNo, cancelNeedsNoMessage)
  .refine((r) => r.koshinFlag !== '1' || (r.idoKibouBi && r.juyoshaMei && r.juyoshaMeiKana && r.juyoshaJusho), {
    message: 'idoKibouBi, juyoshaMei, juyoshaMeiKana and juyoshaJusho are required when koshinFlag is 1 (登録)',
    path: ['juyoshaMei'],
  });

/** IF_x10510 廃止・撤去. tekkyoUmu: 撤去あり '1' (申込種別 02) / なし '0' (01). */
export const discontinueRequestSchema = z
  .object({ ...applicationBase, idoKibouBi: wireDate.optional(), tekkyoUmu: flag.optional() })
  .refine(cancelNeedsNo, cancelNeedsNoMessage)
  .refine((r) => r.koshinFlag !== '1' || (r.idoKibouBi && r.tekkyoUmu), { message: 'idoKibouBi and tekkyoUmu are required when koshinFlag is 1 (登録)', path: ['idoKibouBi'] });

/** IF_x10710 スイッチング廃止申請 (current retailer). */
export const switchingStopRequestSchema = z
  .object({ ...applicationBase, haishiToritsugiNo: z.string().optional(), idoYoteiBi: wireDate.optional() })
  .refine(cancelNeedsNo, cancelNeedsNoMessage)
  .refine((r) => r.koshinFlag !== '1' || (r.haishiToritsugiNo && r.idoYoteiBi), { message: 'haishiToritsugiNo and idoYoteiBi are required when koshinFlag is 1 (登録)', path: ['haishiToritsugiNo'] });

/** IF_x10810 需要者情報変更 (FIT: 発電者情報変更): at least one changed item on 登録. */
export const customerChangeRequestSchema = z
  .object({ ...applicationBase, idoKibouBi: wireDate.optional(), ...customerFields })
  .refine(cancelNeedsNo, cancelNeedsNoMessage)
  .refine((r) => r.koshinFlag !== '1' || (r.idoKibouBi && (r.juyoshaMei || r.juyoshaMeiKana || r.juyoshaJusho || r.juyoshaDenwa)), {
    message: 'idoKibouBi and at least one of juyoshaMei, juyoshaMeiKana, juyoshaJusho, juyoshaDenwa are required when koshinFlag is 1 (登録)',
    path: ['juyoshaMei'],
  });

/** IF_10910 アンペア変更: 契約電流 after the change. */
export const AMPERE_VALUES = ['10', '15', '20', '30', '40', '50', '60'] as const;
export const ampereChangeRequestSchema = z
  .object({ ...applicationBase, idoKibouBi: wireDate.optional(), keiyakuDenryuA: z.enum(AMPERE_VALUES, { error: `keiyakuDenryuA must be one of ${AMPERE_VALUES.join(', ')}` }).optional() })
  .refine(cancelNeedsNo, cancelNeedsNoMessage)
  .refine((r) => r.koshinFlag !== '1' || (r.idoKibouBi && r.keiyakuDenryuA), { message: 'idoKibouBi and keiyakuDenryuA are required when koshinFlag is 1 (登録)', path: ['keiyakuDenryuA'] });

/** Common result part of every response (連携成否ステータス, result code and name, 受付メッセージ). */
export const resultPartSchema = z.object({
  renkeiSeihiStatus: z.enum(['0', '1']),
  kekkaCode: z.string().min(1),
  kekkaMei: z.string().optional(),
  uketsukeMessage: z.string().optional(),
});
export type ResultPart = z.infer<typeof resultPartSchema>;

export const REQUEST_SCHEMAS = {
  relayRegister: relayRegisterRequestSchema,
  relayResult: relayResultRequestSchema,
  relayInbox: relayInboxRequestSchema,
  relayJudge: relayJudgeRequestSchema,
  operatorList: operatorListRequestSchema,
  facilityQuery: facilityQueryRequestSchema,
  usageApply: usageApplyRequestSchema,
  usageApplyStatus: statusRequestSchema,
  usageQuery: usageQueryRequestSchema,
  reconnect: reconnectRequestSchema,
  reconnectStatus: statusRequestSchema,
  discontinue: discontinueRequestSchema,
  discontinueStatus: statusRequestSchema,
  switchingStart: switchingStartRequestSchema,
  switchingStartStatus: statusRequestSchema,
  switchingStop: switchingStopRequestSchema,
  switchingStopStatus: statusRequestSchema,
  customerChange: customerChangeRequestSchema,
  customerChangeStatus: statusRequestSchema,
  ampereChange: ampereChangeRequestSchema,
  ampereChangeStatus: statusRequestSchema,
  statusList: statusListRequestSchema,
} as const satisfies Record<Operation, z.ZodType>;
export const RESPONSE_SCHEMAS = {
  relayRegister: relayRegisterResponseSchema,
  relayResult: relayResultResponseSchema,
  relayInbox: relayInboxResponseSchema,
  relayJudge: relayJudgeResponseSchema,
  operatorList: operatorListResponseSchema,
  facilityQuery: facilityQueryResponseSchema,
  usageApply: applicationResponseSchema,
  usageApplyStatus: usageApplyStatusResponseSchema,
  usageQuery: usageQueryResponseSchema,
  reconnect: applicationResponseSchema,
  reconnectStatus: processingStatusRecordSchema,
  discontinue: applicationResponseSchema,
  discontinueStatus: processingStatusRecordSchema,
  switchingStart: switchingStartResponseSchema,
  switchingStartStatus: switchingStartStatusResponseSchema,
  switchingStop: applicationResponseSchema,
  switchingStopStatus: processingStatusRecordSchema,
  customerChange: applicationResponseSchema,
  customerChangeStatus: processingStatusRecordSchema,
  ampereChange: applicationResponseSchema,
  ampereChangeStatus: processingStatusRecordSchema,
  statusList: statusListResponseSchema,
} as const satisfies Record<Operation, z.ZodType>;

// ---------------------------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------------------------
// The SOAP plumbing is protocols/soap.ts; what is OCCTO's (provisionally) is the namespace, the
// header element and the body element names <serviceID>Request / <serviceID>Response.
const soap = soapDialect({ namespace: SW_NS, prefix: 'sw', headerElement: 'RequestHeader' });

export const soapAction = (serviceID: string): string => soap.action(serviceID);

export function buildRequest(header: RequestHeader, body: Fields): string {
  return soap.envelope(header, `${header.serviceID}Request`, body);
}

export function buildResponse(serviceID: string, result: ResultPart, body: Fields = {}): string {
  return soap.envelope(undefined, `${serviceID}Response`, { ...result, ...body });
}

export function buildFault(faultcode: string, faultstring: string): string {
  return soap.fault(faultcode, faultstring);
}

/** Parses any envelope we exchange. Throws WireFormatError on non-XML or a missing Envelope/Body. */
export function parseEnvelope(xml: string): ParsedEnvelope {
  return soap.parse(xml);
}
