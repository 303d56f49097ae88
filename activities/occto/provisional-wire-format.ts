/**
 * PROVISIONAL wire format of the OCCTO スイッチング支援システム SOAP API.
 *
 * The public sources (spec/occto-switching.md §9, §13) give no WSDL, namespaces, operation or field
 * names. This one module is the only place that invents them; the simulator and the client both
 * import it, so the real 外部インターフェース仕様書 / WSDL replaces this file and nothing else.
 *
 * Where public facts exist they are used as-is (spec Appendix A): the IS_/IF_ interface IDs, the
 * 廃止取次結果照会 status codes 02/03/06/07, 更新フラグ 1/2/3, 受付工程 05/06/08/09, the nine
 * 判断NG理由 flags, the ERR_ codes and their message strings, and the SOAP header items
 * (requestID, serviceID, ipAddress, timeStamp, loginID, password).
 * Everything else (element names in romaji, date format YYYYMMDD, the namespace, the codes for the
 * duplicate-relay and rate-limit rejections) is an assumption, marked as such.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** Assumption: our own namespace until the WSDL is known. */
export const SW_NS = 'urn:denki-flow:provisional:occto-switching:v1';
/** Assumption: one SOAP endpoint; the operation is named by SOAPAction and the header's serviceID. */
export const SOAP_ENDPOINT_PATH = '/sw/soap';

export type WireCategory = 'LV' | 'HV' | 'FIT';

// ---------------------------------------------------------------------------------------------
// Interface IDs (public: spec §3 and Appendix A). Prefix: none = 低圧託送, K = 高圧, F = 低圧FIT電源.
// ---------------------------------------------------------------------------------------------
const PREFIX: Record<WireCategory, string> = { LV: '', HV: 'K', FIT: 'F' };

export type Operation =
  | 'relayRegister' // IS_20110 スイッチング廃止取次登録 (更新フラグ 1 登録 / 2 訂正 / 3 取消)
  | 'relayResult' // IS_20210 スイッチング廃止取次結果照会
  | 'relayInbox' // IS_20310 スイッチング廃止取次照会 (current retailer)
  | 'relayJudge' // IS_20410 スイッチング廃止取次判断 (current retailer)
  | 'switchingStart' // IF_10610 スイッチング開始申請
  | 'switchingStartStatus' // IF_10620 業務処理状況確認 (スイッチング開始申請)
  | 'statusList'; // IF_11110 業務処理状況確認(複数件)

const BASE_ID: Record<Operation, { kind: 'IS' | 'IF'; digits: string }> = {
  relayRegister: { kind: 'IS', digits: '20110' },
  relayResult: { kind: 'IS', digits: '20210' },
  relayInbox: { kind: 'IS', digits: '20310' },
  relayJudge: { kind: 'IS', digits: '20410' },
  switchingStart: { kind: 'IF', digits: '10610' },
  switchingStartStatus: { kind: 'IF', digits: '10620' },
  statusList: { kind: 'IF', digits: '11110' },
};

/** e.g. serviceId('switchingStart', 'HV') === 'IF_K10610'. */
export function serviceId(op: Operation, category: WireCategory): string {
  const { kind, digits } = BASE_ID[op];
  return `${kind}_${PREFIX[category]}${digits}`;
}

/** Inverse of serviceId; undefined for an ID we do not serve. */
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
// Codes (public: spec §6.3, §6.4, Appendix A)
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
  /** Assumption: the code is not public; the message string is (spec §6.4). */
  ERR_SW_DUPLICATE: {
    message: 'スイッチング廃止取次情報の登録に失敗しました。指定された供給地点に対して既にスイッチング廃止取次が登録されています。',
    meaning: 'a 廃止取次 is already registered for this supply point',
  },
  /** Assumption: input-check failure (入力チェック仕様書 is not public). */
  ERR_INPUT: { message: '入力内容に誤りがあります。', meaning: 'input check failed' },
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** Assumption: the automatic load-limit rejection is HTTP 429 with this fault code. */
export const RATE_LIMIT_FAULT_CODE = 'soapenv:Server.Overload';
/** Assumption: HTTP 503 during a maintenance window (the real code is not public, spec §13 Q5). */
export const MAINTENANCE_FAULT_CODE = 'soapenv:Server.Maintenance';
/** 500-class server failure. */
export const SERVER_FAULT_CODE = 'soapenv:Server';
export const AUTH_FAULT_CODE = 'soapenv:Client.Authentication';
export const REQUEST_FAULT_CODE = 'soapenv:Client';

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
    kyokyuChitenTokuteiNo: digits(22, 'kyokyuChitenTokuteiNo').optional(),
    jigyoshaKanriNo: z.string().optional(),
  })
  .refine((r) => r.haishiToritsugiNo || r.kyokyuChitenTokuteiNo || r.jigyoshaKanriNo, {
    message: 'one of haishiToritsugiNo, kyokyuChitenTokuteiNo, jigyoshaKanriNo is required',
  });
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
export const switchingStartStatusRequestSchema = z.object({ moshikomiNo: z.string().min(1) });
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

/** 申込種別 (public, Appendix A). */
export const APPLICATION_KIND = { switchingStop: '03', switchingStart: '05' } as const;

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
  switchingStart: switchingStartRequestSchema,
  switchingStartStatus: switchingStartStatusRequestSchema,
  statusList: statusListRequestSchema,
} as const;
export const RESPONSE_SCHEMAS = {
  relayRegister: relayRegisterResponseSchema,
  relayResult: relayResultResponseSchema,
  switchingStart: switchingStartResponseSchema,
  switchingStartStatus: switchingStartStatusResponseSchema,
  statusList: statusListResponseSchema,
} as const;

/** XML gives one element for a one-item list and an object for zero items: normalise to arrays. */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
}

// ---------------------------------------------------------------------------------------------
// Envelopes
// ---------------------------------------------------------------------------------------------
const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: true });
const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false, // keep "01", "0012…" as strings
  trimValues: true,
  processEntities: true,
});

type Fields = Record<string, unknown>;

function prefixed(fields: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) out[`sw:${k}`] = v.map((e) => (typeof e === 'object' && e !== null ? prefixed(e as Fields) : e));
    else if (typeof v === 'object' && v !== null) out[`sw:${k}`] = prefixed(v as Fields);
    else out[`sw:${k}`] = String(v);
  }
  return out;
}

function envelope(header: Fields | undefined, bodyName: string, body: Fields): string {
  const env: Fields = { '@_xmlns:soapenv': SOAP_ENV_NS, '@_xmlns:sw': SW_NS };
  if (header) env['soapenv:Header'] = { 'sw:RequestHeader': prefixed(header) };
  env['soapenv:Body'] = { [`sw:${bodyName}`]: prefixed(body) };
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({ 'soapenv:Envelope': env })}`;
}

export const soapAction = (serviceID: string): string => `"${SW_NS}#${serviceID}"`;

export function buildRequest(header: RequestHeader, body: Fields): string {
  return envelope(header, `${header.serviceID}Request`, body);
}

export function buildResponse(serviceID: string, result: ResultPart, body: Fields = {}): string {
  return envelope(undefined, `${serviceID}Response`, { ...result, ...body });
}

export function buildFault(faultcode: string, faultstring: string): string {
  const xml = builder.build({
    'soapenv:Envelope': {
      '@_xmlns:soapenv': SOAP_ENV_NS,
      'soapenv:Body': { 'soapenv:Fault': { faultcode, faultstring } },
    },
  });
  return `<?xml version="1.0" encoding="UTF-8"?>${xml}`;
}

export class WireFormatError extends Error {
  override name = 'WireFormatError';
}

/** Parses any envelope we exchange. Throws WireFormatError on non-XML or a missing Envelope/Body. */
export function parseEnvelope(xml: string): {
  header?: Fields;
  bodyName: string;
  body: Fields;
  fault?: { faultcode: string; faultstring: string };
} {
  let doc: Fields;
  try {
    doc = parser.parse(xml, true) as Fields;
  } catch (e) {
    throw new WireFormatError(`not well-formed XML: ${(e as Error).message.slice(0, 200)}`);
  }
  const env = doc['Envelope'] as Fields | undefined;
  const body = env?.['Body'] as Fields | undefined;
  if (!env || !body || typeof body !== 'object') throw new WireFormatError('no SOAP Envelope/Body');
  const header = (env['Header'] as Fields | undefined)?.['RequestHeader'] as Fields | undefined;
  const [bodyName, content] = Object.entries(body)[0] ?? [];
  if (!bodyName) throw new WireFormatError('empty SOAP Body');
  if (bodyName === 'Fault') {
    const f = content as Fields;
    return { bodyName, body: {}, fault: { faultcode: String(f['faultcode'] ?? ''), faultstring: String(f['faultstring'] ?? '') } };
  }
  return { header, bodyName, body: typeof content === 'object' && content !== null ? (content as Fields) : {} };
}
