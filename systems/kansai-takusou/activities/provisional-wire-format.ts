/**
 * PROVISIONAL wire format of the Kansai T&D たくそう君 WebAPI (低圧託送工事申込).
 *
 * The public source (docs/external-systems/kansai-takusou.md) is an overview: it names the 21 services, the base
 * path, the content types (JSON, multipart for FileTnpu), the status codes 200/400/404/500/503 and
 * the limits L1 (1 s per 申込番号 after the response) and L2 (≤ 8 in flight across APIs 1–18).
 * It gives NO field names, types, code values, error body, application-number format, multipart
 * part names or file limits. This one module is the only place that invents them; the simulator
 * and the client both import it, so KTD's detailed IF spec replaces this file and nothing else.
 *
 * Public (used as-is): TAKUSOU_BASE_PATH, the service names and numbers, which services are
 * 集団, the L1/L2 coverage, MAX_IN_FLIGHT, MIN_SPACING_AFTER_RESPONSE_MS, the content types.
 * Invented (PROVISIONAL, romaji of the Japanese item names, like the OCCTO module): every JSON
 * item name, every code value (申込種別, 供給種別, 受付結果, 工程, 書類種別, お知らせ種別), the
 * 申込番号 format 'T' + 10 digits, the file-ID format, dates as ISO 'YYYY-MM-DD' and date-times as
 * ISO 8601 in JST ('2025-04-01T09:30:00+09:00'), the error body, the FileTnpu part names, file
 * types and size limit, and the rule "an application needs a drawing before it can be accepted".
 *
 * Every request schema is `.strict()`: an item that is not in the interface definition is the
 * service's 400 (IFにない項目, docs/external-systems/kansai-takusou.md §5).
 */
import { z } from 'zod';
import { companyCodeField } from '../../../domain/company.js';
import { isoDateSchema } from '../../../domain/jst.js';
import { supplyPointIdSchema } from '../../../domain/supply-point.js';

// ---------------------------------------------------------------------------------------------
// Endpoints (public)
// ---------------------------------------------------------------------------------------------
export const TAKUSOU_BASE_PATH = '/api/low-takusou/';
/** Production reference (public). Test/staging endpoints are not public. */
export const TAKUSOU_PRODUCTION_BASE_URL = 'https://www2.kepcoco.jp/api/low-takusou/';

/** L2 (public): at most 8 requests in flight in total across APIs 1–18. */
export const MAX_IN_FLIGHT = 8;
/** L1 (public): wait 1 s after the response before the next call on the same 申込番号 (APIs 1–7, 10). */
export const MIN_SPACING_AFTER_RESPONSE_MS = 1000;

export const CONTENT_TYPE_JSON = 'application/json; charset=UTF-8';
export const CONTENT_TYPE_MULTIPART = 'multipart/form-data';

export type RequestContentType = 'json' | 'multipart';

export interface ServiceSpec {
  /** Catalogue number 1–21 (public). */
  readonly no: number;
  /** Japanese name (public). */
  readonly ja: string;
  /** Service path under TAKUSOU_BASE_PATH (public, exact spelling). */
  readonly name: string;
  /** L1 spacing per 申込番号 applies (public: 1–7 and 10). */
  readonly spaced: boolean;
  /** Counted against the L2 cap of 8 in flight (public: 1–18). */
  readonly counted: boolean;
  /** 集団 (group housing) variant (public). */
  readonly group: boolean;
  readonly contentType: RequestContentType;
}

const svc = <N extends string>(no: number, ja: string, name: N, group = false, contentType: RequestContentType = 'json') =>
  ({
    no,
    ja,
    name,
    spaced: [1, 2, 3, 4, 5, 6, 7, 10].includes(no),
    counted: no >= 1 && no <= 18,
    group,
    contentType,
  }) as const;

/** The 21 services of the public catalogue, in catalogue order. */
export const SERVICES = [
  svc(1, '常時申込API', 'JoJmshkm'),
  svc(2, '臨時申込API', 'Rnjmshkm'),
  svc(3, '街路灯申込API', 'Girtmshkm'),
  svc(4, '集団申込API', 'Shdnmshkm', true),
  svc(5, '集団申込完了API', 'ShdnmshkmKnry', true),
  svc(6, '竣工届API', 'ShnkoTdk'),
  svc(7, '街路灯竣工届API', 'GirtShnkoTdk'),
  svc(8, '集団竣工届API', 'ShdnShnkoTdk', true),
  svc(9, 'ファイル添付API', 'FileTnpu', false, 'multipart'),
  svc(10, '申込取消API', 'MshkmTrkesh'),
  svc(11, '受付結果情報取得API', 'UktskKkaJohShtk'),
  svc(12, '集団受付結果情報取得API', 'ShdnUktskKkaJohShtk', true),
  svc(13, '工程情報取得API', 'KoteiJohShtk'),
  svc(14, '集団工程情報取得API', 'ShdnKoteiJohShtk', true),
  svc(15, '契約算定情報取得API', 'KeiykSntiJohShtk'),
  svc(16, '集団契約算定情報取得API', 'ShdnKeiykSntiJohShtk', true),
  svc(17, '結果通知情報取得API', 'KkaTschiJohShtk'),
  svc(18, '集団結果通知情報取得API', 'ShdnKkaTschiJohShtk', true),
  svc(19, 'お知らせ情報取得API', 'OshrsJohShtk'),
  svc(20, 'お知らせ情報登録API', 'OshrsJohTrk'),
  svc(21, 'お知らせ情報既読通知API', 'OshrsJohKdkTschi'),
] as const satisfies readonly ServiceSpec[];

export type ServiceName = (typeof SERVICES)[number]['name'];
export const SERVICE_NAMES: readonly ServiceName[] = SERVICES.map((s) => s.name);

/** Readable aliases for code: `SERVICE.jojiApply === 'JoJmshkm'`. */
export const SERVICE = {
  jojiApply: 'JoJmshkm',
  rinjiApply: 'Rnjmshkm',
  gairotoApply: 'Girtmshkm',
  shudanApply: 'Shdnmshkm',
  shudanApplyComplete: 'ShdnmshkmKnry',
  completionNotice: 'ShnkoTdk',
  gairotoCompletionNotice: 'GirtShnkoTdk',
  shudanCompletionNotice: 'ShdnShnkoTdk',
  fileAttach: 'FileTnpu',
  cancel: 'MshkmTrkesh',
  acceptanceResult: 'UktskKkaJohShtk',
  shudanAcceptanceResult: 'ShdnUktskKkaJohShtk',
  process: 'KoteiJohShtk',
  shudanProcess: 'ShdnKoteiJohShtk',
  contractCalculation: 'KeiykSntiJohShtk',
  shudanContractCalculation: 'ShdnKeiykSntiJohShtk',
  resultNotification: 'KkaTschiJohShtk',
  shudanResultNotification: 'ShdnKkaTschiJohShtk',
  noticeList: 'OshrsJohShtk',
  noticeRegister: 'OshrsJohTrk',
  noticeRead: 'OshrsJohKdkTschi',
} as const satisfies Record<string, ServiceName>;

const SERVICE_BY_NAME = new Map<string, ServiceSpec>(SERVICES.map((s) => [s.name, s]));

/** The service for an exact (case-sensitive) path segment; undefined → 404. */
export function serviceByName(name: string): ServiceSpec | undefined {
  return SERVICE_BY_NAME.get(name);
}

export function isServiceName(name: string): name is ServiceName {
  return SERVICE_BY_NAME.has(name);
}

/** base may be the production URL or a simulator's `url`; it must end with TAKUSOU_BASE_PATH. */
export function serviceUrl(baseUrl: string, service: ServiceName): string {
  return `${baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`}${service}`;
}

// ---------------------------------------------------------------------------------------------
// Codes (PROVISIONAL: none is public)
// ---------------------------------------------------------------------------------------------
/** 申込種別. */
export const APPLICATION_KIND = {
  JOJI: 'JOJI', // 常時 (contract term ≥ 1 year)
  RINJI: 'RINJI', // 臨時 (< 1 year)
  GAIROTO: 'GAIROTO', // 街路灯
  SHUDAN: 'SHUDAN', // 集団 (group housing)
} as const;
export type ApplicationKind = keyof typeof APPLICATION_KIND;
export const APPLICATION_KIND_JA: Record<ApplicationKind, string> = { JOJI: '常時', RINJI: '臨時', GAIROTO: '街路灯', SHUDAN: '集団' };

/** 供給種別: ONE per application (public rule: no bundled multi-type applications). */
export const SUPPLY_TYPE = {
  DENTO: 'DENTO', // 電灯
  DENRYOKU: 'DENRYOKU', // 電力
  DENTO_SHINYA: 'DENTO_SHINYA', // 電灯(深夜)
} as const;
export type SupplyType = keyof typeof SUPPLY_TYPE;
export const SUPPLY_TYPE_JA: Record<SupplyType, string> = { DENTO: '電灯', DENRYOKU: '電力', DENTO_SHINYA: '電灯(深夜)' };

/** 訂正フラグ: '1' = the request is a correction of `moshikomiNo` (re-sent through the same apply API). */
export const CORRECTION_FLAG = { new: '0', correction: '1' } as const;

/** 受付結果. */
export const ACCEPTANCE_RESULT = {
  SHINSA_CHU: '00', // 審査中 (not yet judged)
  UKETSUKE_ZUMI: '10', // 受付済
  YO_TEISEI: '20', // 要訂正 (with teiseiKomoku)
  KYAKKA: '30', // 却下 (with kyakkaRiyu)
  TORIKESHI_ZUMI: '90', // 取消済
} as const;
export type AcceptanceResultCode = (typeof ACCEPTANCE_RESULT)[keyof typeof ACCEPTANCE_RESULT];

/** 工程 stage codes, in order. */
export const PROCESS_STAGE = {
  CHOSA: '10', // 調査
  SEKKEI: '20', // 設計
  KOJI: '30', // 工事
  KOJI_KANRYO: '40', // 工事完了
} as const;
export type ProcessStageCode = (typeof PROCESS_STAGE)[keyof typeof PROCESS_STAGE];
export const PROCESS_STAGE_ORDER: readonly ProcessStageCode[] = ['10', '20', '30', '40'];
export const PROCESS_STAGE_JA: Record<ProcessStageCode, string> = { '10': '調査', '20': '設計', '30': '工事', '40': '工事完了' };

/** 書類種別 of an attached file. */
export const DOCUMENT_TYPE = {
  ZUMEN: 'ZUMEN', // 図面 (wiring drawing)
  ICHIZU: 'ICHIZU', // 位置図 (location map)
  SHUNKO_SHORUI: 'SHUNKO_SHORUI', // 竣工書類 (completion documents)
  SONOTA: 'SONOTA', // その他
} as const;
export type DocumentType = keyof typeof DOCUMENT_TYPE;
export const DOCUMENT_TYPE_JA: Record<DocumentType, string> = { ZUMEN: '図面', ICHIZU: '位置図', SHUNKO_SHORUI: '竣工書類', SONOTA: 'その他' };

/**
 * Documents that must be attached (FileTnpu) before an application can be accepted (受付済).
 * Assumption of the simulator: until then the 受付結果 stays 要訂正 naming the missing document.
 */
export const REQUIRED_DOCUMENTS: Record<ApplicationKind, readonly DocumentType[]> = {
  JOJI: ['ZUMEN'],
  RINJI: ['ZUMEN'],
  GAIROTO: ['ICHIZU'],
  SHUDAN: ['ZUMEN'],
};

/** 設備種別 of the equipment list. */
export const EQUIPMENT_KIND = {
  SHOMEI: 'SHOMEI', // 照明
  KOGATA_KIKI: 'KOGATA_KIKI', // 小型機器・コンセント
  DORYOKU: 'DORYOKU', // 動力 (motors)
  ONSUIKI: 'ONSUIKI', // 温水器 (water heater: maker/class/capacity required)
  EV: 'EV', // EV充電設備
  SONOTA: 'SONOTA', // その他
} as const;
export type EquipmentKind = keyof typeof EQUIPMENT_KIND;

/** お知らせ種別. */
export const NOTICE_KIND = {
  MAINTENANCE: 'MAINTENANCE', // サービス停止 (with teishiKaishiNichiji / teishiShuryoNichiji)
  INFO: 'INFO', // KTD からのお知らせ
  JIGYOSHA: 'JIGYOSHA', // registered through API 20 (お知らせ情報登録)
} as const;
export type NoticeKind = keyof typeof NOTICE_KIND;

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------
/** 申込番号: 'T' + 10 digits (assumption). */
export const MOSHIKOMI_NO_PATTERN = /^T\d{10}$/;
/** File ID returned by FileTnpu: 'F' + 12 digits (assumption). */
export const FILE_ID_PATTERN = /^F\d{12}$/;
/** Notice ID: 'N' + 8 digits (assumption). */
export const NOTICE_ID_PATTERN = /^N\d{8}$/;
/** ISO 8601 in JST to the second. */
export const JST_DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/;

export const formatMoshikomiNo = (seq: number): string => `T${String(seq).padStart(10, '0')}`;
export const formatFileId = (seq: number): string => `F${String(seq).padStart(12, '0')}`;
export const formatNoticeId = (seq: number): string => `N${String(seq).padStart(8, '0')}`;

/** Epoch ms → '2025-04-01T09:30:00+09:00'. */
export const jstDateTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000 + 9 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');
/** '2025-04-01T09:30:00+09:00' (or any ISO 8601 with offset) → epoch ms; NaN when unparseable. */
export const parseJstDateTime = (s: string): number => Date.parse(s);

const moshikomiNo = z.string().regex(MOSHIKOMI_NO_PATTERN, "must be an application number 'T' + 10 digits");
const fileId = z.string().regex(FILE_ID_PATTERN, "must be a file ID 'F' + 12 digits");
const noticeId = z.string().regex(NOTICE_ID_PATTERN, "must be a notice ID 'N' + 8 digits");
const jstDateTimeSchema = z.string().regex(JST_DATE_TIME_PATTERN, "must be ISO 8601 in JST, e.g. '2025-04-01T09:30:00+09:00'");
const text = (max: number) => z.string().min(1).max(max);
const phone = z.string().regex(/^[0-9-]{10,13}$/, 'must be 10–13 digits or hyphens');
const flag01 = z.enum(['0', '1']);
const supplyTypeSchema = z.enum(['DENTO', 'DENRYOKU', 'DENTO_SHINYA']);
const capacityUnit = z.enum(['A', 'kVA', 'kW']);
const documentTypeSchema = z.enum(['ZUMEN', 'ICHIZU', 'SHUNKO_SHORUI', 'SONOTA']);

// ---------------------------------------------------------------------------------------------
// Requests 1–4: applications
// ---------------------------------------------------------------------------------------------
/** 設備 (equipment). 温水器 needs maker / 分類 / 容量 explicitly: the API does no 型式 lookup (public). */
export const equipmentSchema = z
  .object({
    setsubiShubetsu: z.enum(['SHOMEI', 'KOGATA_KIKI', 'DORYOKU', 'ONSUIKI', 'EV', 'SONOTA']), // 設備種別
    setsubiMei: text(60).optional(), // 設備名
    daisu: z.number().int().min(1).max(999), // 台数
    yoryoKw: z.number().positive().max(1000).optional(), // 容量 (kW) per unit
    onsuikiMaker: text(40).optional(), // 温水器メーカー
    onsuikiBunrui: text(40).optional(), // 温水器分類 (e.g. 電気温水器, エコキュート)
    onsuikiYoryoL: z.number().int().positive().max(2000).optional(), // 温水器容量 (L)
    katashiki: text(40).optional(), // 型式 (informative only: never used to fill the three above)
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.setsubiShubetsu !== 'ONSUIKI') return;
    for (const item of ['onsuikiMaker', 'onsuikiBunrui', 'onsuikiYoryoL'] as const) {
      if (e[item] === undefined) {
        ctx.addIssue({ code: 'custom', path: [item], message: `${item} is required for a water heater (温水器): the API does not look it up from the model number` });
      }
    }
  });
export type Equipment = z.infer<typeof equipmentSchema>;

/** Items of every application (1–4). */
const applicationBase = {
  kouriJigyoshaCode: companyCodeField('kouriJigyoshaCode'), // 小売電気事業者コード
  jigyoshaKanriNo: text(40), // 事業者管理番号: our reference
  teiseiFlag: flag01.optional(), // 訂正フラグ ('1' = correction of moshikomiNo)
  moshikomiNo: moshikomiNo.optional(), // 申込番号: required when teiseiFlag = '1'
  juyoshaMei: text(80), // 需要者名
  juyoshaMeiKana: text(80).optional(), // 需要者名カナ
  juyoshaDenwa: phone.optional(), // 需要者電話番号
  juyoBashoJusho: text(200), // 需要場所住所
  kojitenMei: text(80).optional(), // 電気工事店名
  kojitenDenwa: phone.optional(), // 電気工事店電話番号
  kibouKyokyuKaishiBi: isoDateSchema, // 希望供給開始日
  biko: z.string().max(500).optional(), // 備考
};

function correctionNeedsNumber(r: { teiseiFlag?: string | undefined; moshikomiNo?: string | undefined }, ctx: z.RefinementCtx): void {
  if (r.teiseiFlag === '1' && r.moshikomiNo === undefined) {
    ctx.addIssue({ code: 'custom', path: ['moshikomiNo'], message: "moshikomiNo is required when teiseiFlag is '1' (訂正)" });
  }
  if (r.teiseiFlag !== '1' && r.moshikomiNo !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['teiseiFlag'], message: "teiseiFlag must be '1' when moshikomiNo is sent (only a 訂正 names an existing application)" });
  }
}

/** Contract items of one supply type. */
const contractItems = {
  keiyakuShubetsu: text(20), // 契約種別 (e.g. 従量電灯A, 低圧電力)
  keiyakuDenryoku: z.number().positive().max(10000).optional(), // 契約電力・容量
  keiyakuDenryokuTani: capacityUnit.optional(), // 単位
  setsubi: z.array(equipmentSchema).min(1).max(99), // 設備 list
};

/** 1 常時申込 (JoJmshkm). */
export const jojiApplyRequestSchema = z
  .object({
    ...applicationBase,
    kyokyuShubetsu: supplyTypeSchema, // ONE 供給種別 per application
    ...contractItems,
  })
  .strict()
  .superRefine(correctionNeedsNumber);
export type JojiApplyRequest = z.infer<typeof jojiApplyRequestSchema>;

/** 2 臨時申込 (Rnjmshkm): 電灯 or 電力, 使用期間 under one year. */
export const rinjiApplyRequestSchema = z
  .object({
    ...applicationBase,
    kyokyuShubetsu: z.enum(['DENTO', 'DENRYOKU']),
    ...contractItems,
    shiyoKaishiBi: isoDateSchema, // 使用開始日
    shiyoShuryoBi: isoDateSchema, // 使用終了日
  })
  .strict()
  .superRefine((r, ctx) => {
    correctionNeedsNumber(r, ctx);
    const start = Date.parse(r.shiyoKaishiBi);
    const end = Date.parse(r.shiyoShuryoBi);
    if (!(end > start)) ctx.addIssue({ code: 'custom', path: ['shiyoShuryoBi'], message: 'shiyoShuryoBi must be after shiyoKaishiBi' });
    const oneYearLater = new Date(start);
    oneYearLater.setUTCFullYear(oneYearLater.getUTCFullYear() + 1);
    if (end >= oneYearLater.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['shiyoShuryoBi'], message: '臨時 is for a period under one year: use 常時申込 (JoJmshkm) otherwise' });
    }
  });
export type RinjiApplyRequest = z.infer<typeof rinjiApplyRequestSchema>;

/** One street light (public rule: one lamp per application, so an object, never a list). */
export const streetLightSchema = z
  .object({
    toshu: text(20), // 灯種 (e.g. LED, 水銀灯)
    shohiDenryokuW: z.number().int().positive().max(10000), // 消費電力 (W)
    secchiBasho: text(200), // 設置場所
    chuBango: text(20).optional(), // 電柱番号
    kanriBango: text(40).optional(), // 管理番号 of the owner
  })
  .strict();

/** 3 街路灯申込 (Girtmshkm). */
export const gairotoApplyRequestSchema = z
  .object({
    ...applicationBase,
    kyokyuShubetsu: z.literal('DENTO'),
    keiyakuShubetsu: text(20), // e.g. 公衆街路灯A
    gairoto: streetLightSchema,
  })
  .strict()
  .superRefine(correctionNeedsNumber);
export type GairotoApplyRequest = z.infer<typeof gairotoApplyRequestSchema>;

/** One dwelling unit of a group-housing application. */
export const dwellingUnitSchema = z
  .object({
    heyaBango: text(20), // 部屋番号
    keiyakuShubetsu: text(20),
    keiyakuDenryoku: z.number().positive().max(10000).optional(),
    keiyakuDenryokuTani: capacityUnit.optional(),
    setsubi: z.array(equipmentSchema).max(99).optional(),
  })
  .strict();
export type DwellingUnit = z.infer<typeof dwellingUnitSchema>;

/**
 * 4 集団申込 (Shdnmshkm). A new request opens the group application; while it is not yet
 * complete (集団申込完了), a request with moshikomiNo and tsuikaFlag '1' adds units (追加), and one
 * with teiseiFlag '1' replaces the application (訂正).
 */
export const shudanApplyRequestSchema = z
  .object({
    ...applicationBase,
    tsuikaFlag: flag01.optional(), // 追加フラグ: '1' = add juko to moshikomiNo
    kyokyuShubetsu: supplyTypeSchema,
    tatemonoMei: text(80), // 建物名
    juko: z.array(dwellingUnitSchema).min(1).max(500), // 住戸
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.tsuikaFlag === '1') {
      if (r.moshikomiNo === undefined) ctx.addIssue({ code: 'custom', path: ['moshikomiNo'], message: "moshikomiNo is required when tsuikaFlag is '1' (追加)" });
      if (r.teiseiFlag === '1') ctx.addIssue({ code: 'custom', path: ['tsuikaFlag'], message: 'tsuikaFlag and teiseiFlag are exclusive' });
      return;
    }
    correctionNeedsNumber(r, ctx);
  });
export type ShudanApplyRequest = z.infer<typeof shudanApplyRequestSchema>;

/** Response of 1–4. */
export const applyResponseSchema = z.object({
  moshikomiNo,
  jigyoshaKanriNo: z.string(),
  uketsukeNichiji: jstDateTimeSchema, // 受付日時 of this request
});
export type ApplyResponse = z.infer<typeof applyResponseSchema>;

// ---------------------------------------------------------------------------------------------
// 5–8, 10: operations on one application number
// ---------------------------------------------------------------------------------------------
/** 5 集団申込完了 (ShdnmshkmKnry). */
export const shudanApplyCompleteRequestSchema = z
  .object({ kouriJigyoshaCode: companyCodeField('kouriJigyoshaCode'), moshikomiNo })
  .strict();
export const shudanApplyCompleteResponseSchema = z.object({ moshikomiNo, kanryoNichiji: jstDateTimeSchema });

/** 6/7/8 竣工届: completion documents are referenced by file IDs returned from FileTnpu. */
const completionNoticeShape = {
  kouriJigyoshaCode: companyCodeField('kouriJigyoshaCode'),
  moshikomiNo,
  shunkoBi: isoDateSchema, // 竣工日
  shunkoShoruiFileId: z.array(fileId).min(1).max(20), // 竣工書類 file IDs
  kojitenMei: text(80).optional(),
  biko: z.string().max(500).optional(),
};
export const completionNoticeRequestSchema = z.object(completionNoticeShape).strict();
export const gairotoCompletionNoticeRequestSchema = z.object(completionNoticeShape).strict();
export const shudanCompletionNoticeRequestSchema = z
  .object({ ...completionNoticeShape, heyaBango: z.array(text(20)).min(1).max(500).optional() }) // completed units; all when absent
  .strict();
export type CompletionNoticeRequest = z.infer<typeof completionNoticeRequestSchema>;
export const completionNoticeResponseSchema = z.object({ moshikomiNo, uketsukeNichiji: jstDateTimeSchema });

/** 10 申込取消 (MshkmTrkesh). */
export const cancelRequestSchema = z
  .object({ kouriJigyoshaCode: companyCodeField('kouriJigyoshaCode'), moshikomiNo, torikeshiRiyu: text(200) })
  .strict();
export type CancelRequest = z.infer<typeof cancelRequestSchema>;
export const cancelResponseSchema = z.object({ moshikomiNo, torikeshiNichiji: jstDateTimeSchema });

// ---------------------------------------------------------------------------------------------
// 9 FileTnpu (multipart/form-data)
// ---------------------------------------------------------------------------------------------
/** Part names (assumption). */
export const FILE_PART = {
  kouriJigyoshaCode: 'kouriJigyoshaCode',
  moshikomiNo: 'moshikomiNo',
  shoruiShubetsu: 'shoruiShubetsu', // 書類種別
  file: 'file',
} as const;
/** Allowed file types by MIME type, with their extensions (assumption). */
export const ALLOWED_FILE_TYPES: Readonly<Record<string, readonly string[]>> = {
  'application/pdf': ['.pdf'],
  'image/jpeg': ['.jpg', '.jpeg'],
  'image/png': ['.png'],
  'image/tiff': ['.tif', '.tiff'],
};
/** Maximum size of one file (assumption): 10 MiB. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FILE_NAME_LENGTH = 100;

/** Text parts of FileTnpu (the `file` part is checked with fileProblem). */
export const fileAttachFieldsSchema = z
  .object({
    kouriJigyoshaCode: companyCodeField('kouriJigyoshaCode'),
    moshikomiNo,
    shoruiShubetsu: documentTypeSchema,
  })
  .strict();
export type FileAttachFields = z.infer<typeof fileAttachFieldsSchema>;
export const fileAttachResponseSchema = z.object({
  fileId,
  moshikomiNo,
  shoruiShubetsu: documentTypeSchema,
  fileMei: z.string(),
  size: z.number().int().nonnegative(),
});
export type FileAttachResponse = z.infer<typeof fileAttachResponseSchema>;

/** Why a file cannot be attached (type by MIME or extension, size, name); undefined when it can. */
export function fileProblem(f: { name: string; type: string; size: number }): { errorCode: 'FILE_TYPE' | 'FILE_TOO_LARGE' | 'INVALID_ITEM'; message: string } | undefined {
  if (!f.name || f.name.length > MAX_FILE_NAME_LENGTH) return { errorCode: 'INVALID_ITEM', message: `file name must be 1–${MAX_FILE_NAME_LENGTH} characters` };
  const mime = f.type.split(';')[0]?.trim().toLowerCase() ?? '';
  const ext = /\.[^.]+$/.exec(f.name.toLowerCase())?.[0] ?? '';
  const allowed = Object.keys(ALLOWED_FILE_TYPES).join(', ');
  const exts = ALLOWED_FILE_TYPES[mime];
  if (!exts) return { errorCode: 'FILE_TYPE', message: `file type '${mime || '(none)'}' is not accepted (allowed: ${allowed})` };
  if (!exts.includes(ext)) return { errorCode: 'FILE_TYPE', message: `file extension '${ext || '(none)'}' does not match type ${mime} (expected ${exts.join(' or ')})` };
  if (f.size === 0) return { errorCode: 'INVALID_ITEM', message: 'file is empty' };
  if (f.size > MAX_FILE_BYTES) return { errorCode: 'FILE_TOO_LARGE', message: `file is ${f.size} bytes; the maximum is ${MAX_FILE_BYTES} bytes` };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// 11–18 retrieval
// ---------------------------------------------------------------------------------------------
/** At most this many application numbers per retrieval request (assumption). */
export const RETRIEVAL_MAX = 100;

/** Request of 11–18: by application numbers and/or records updated since a time. */
export const retrievalRequestSchema = z
  .object({
    kouriJigyoshaCode: companyCodeField('kouriJigyoshaCode'),
    moshikomiNo: z.array(moshikomiNo).min(1).max(RETRIEVAL_MAX).optional(),
    koshinNichijiFrom: jstDateTimeSchema.optional(), // 更新日時 (from, inclusive)
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.moshikomiNo === undefined && r.koshinNichijiFrom === undefined) {
      ctx.addIssue({ code: 'custom', path: ['moshikomiNo'], message: 'one of moshikomiNo, koshinNichijiFrom is required' });
    }
  });
export type RetrievalRequest = z.infer<typeof retrievalRequestSchema>;

const recordKey = {
  moshikomiNo,
  jigyoshaKanriNo: z.string(),
  moshikomiShubetsu: z.enum(['JOJI', 'RINJI', 'GAIROTO', 'SHUDAN']),
  koshinNichiji: jstDateTimeSchema, // 更新日時 of this information
};
const itemMessage = z.object({ item: z.string(), message: z.string() });

/** 11/12 受付結果. */
export const acceptanceRecordSchema = z.object({
  ...recordKey,
  uketsukeKekka: z.enum(['00', '10', '20', '30', '90']),
  teiseiKomoku: z.array(itemMessage).optional(), // 訂正項目 when 要訂正
  kyakkaRiyu: z.string().optional(), // 却下理由
  uketsukeNichiji: jstDateTimeSchema.optional(), // set when 受付済
  torikeshiRiyu: z.string().optional(),
});
export type AcceptanceRecord = z.infer<typeof acceptanceRecordSchema>;
export const acceptanceResponseSchema = z.object({ kekka: z.array(acceptanceRecordSchema) });
export const shudanAcceptanceResponseSchema = z.object({
  kekka: z.array(acceptanceRecordSchema.extend({ tatemonoMei: z.string(), kosu: z.number().int(), kanryoFlag: flag01 })),
});

/** 13/14 工程. */
export const processStageSchema = z.object({
  koteiCode: z.enum(['10', '20', '30', '40']),
  koteiMei: z.string(),
  yoteiBi: isoDateSchema.optional(), // 予定日
  jissekiBi: isoDateSchema.optional(), // 実績日 (set when the stage is done)
});
export const processRecordSchema = z.object({
  ...recordKey,
  kotei: z.array(processStageSchema),
  shunkoTodokeNichiji: jstDateTimeSchema.optional(), // 竣工届 received (lets a caller check before re-sending)
});
export type ProcessRecord = z.infer<typeof processRecordSchema>;
export const processResponseSchema = z.object({ kekka: z.array(processRecordSchema) });
export const shudanProcessResponseSchema = z.object({ kekka: z.array(processRecordSchema.extend({ tatemonoMei: z.string() })) });

/** 15/16 契約算定. */
const calculationItems = {
  keiyakuShubetsu: z.string(),
  keiyakuDenryoku: z.number().optional(),
  keiyakuDenryokuTani: capacityUnit.optional(),
};
export const calculationRecordSchema = z.object({
  ...recordKey,
  kyokyuShubetsu: supplyTypeSchema,
  ...calculationItems,
  kojiHiFutankin: z.number().int().nonnegative(), // 工事費負担金 (yen, tax incl.)
  santeiBi: isoDateSchema, // 算定日
});
export type CalculationRecord = z.infer<typeof calculationRecordSchema>;
export const calculationResponseSchema = z.object({ kekka: z.array(calculationRecordSchema) });
export const shudanCalculationResponseSchema = z.object({
  kekka: z.array(
    calculationRecordSchema.extend({
      tatemonoMei: z.string(),
      juko: z.array(z.object({ heyaBango: z.string(), ...calculationItems })),
    }),
  ),
});

/** 17/18 結果通知. */
export const resultRecordSchema = z.object({
  ...recordKey,
  kyokyuShubetsu: supplyTypeSchema,
  kyokyuKaishiBi: isoDateSchema, // 供給開始日
  kyokyuChitenTokuteiNo: supplyPointIdSchema, // 供給地点特定番号 (22 digits)
  juyoBashoNo: z.string(), // 需要場所番号
  keiyakuShubetsu: z.string(),
  keiyakuDenryoku: z.number().optional(),
  keiyakuDenryokuTani: capacityUnit.optional(),
  keikiBango: z.string().optional(), // 計器番号
  tsuchiBi: isoDateSchema, // 通知日
});
export type ResultRecord = z.infer<typeof resultRecordSchema>;
export const resultResponseSchema = z.object({ kekka: z.array(resultRecordSchema) });
export const shudanResultResponseSchema = z.object({
  kekka: z.array(
    z.object({
      ...recordKey,
      kyokyuShubetsu: supplyTypeSchema,
      tatemonoMei: z.string(),
      tsuchiBi: isoDateSchema,
      juko: z.array(
        z.object({
          heyaBango: z.string(),
          kyokyuKaishiBi: isoDateSchema,
          kyokyuChitenTokuteiNo: supplyPointIdSchema,
          juyoBashoNo: z.string(),
          keiyakuShubetsu: z.string(),
          keiyakuDenryoku: z.number().optional(),
          keiyakuDenryokuTani: capacityUnit.optional(),
        }),
      ),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// 19–21 notices (お知らせ)
// ---------------------------------------------------------------------------------------------
/** 19 お知らせ情報取得. */
export const noticeListRequestSchema = z
  .object({
    kouriJigyoshaCode: companyCodeField('kouriJigyoshaCode'),
    midokuNomi: flag01.optional(), // '1' = unread only
    keisaiNichijiFrom: jstDateTimeSchema.optional(), // 掲載日時 (from, inclusive)
  })
  .strict();
export const noticeSchema = z.object({
  oshiraseId: noticeId,
  oshiraseShubetsu: z.enum(['MAINTENANCE', 'INFO', 'JIGYOSHA']),
  kenmei: z.string(), // 件名 (title)
  honbun: z.string(), // 本文 (body)
  teishiKaishiNichiji: jstDateTimeSchema.optional(), // サービス停止 start (MAINTENANCE)
  teishiShuryoNichiji: jstDateTimeSchema.optional(), // サービス停止 end (MAINTENANCE)
  keisaiNichiji: jstDateTimeSchema, // 掲載日時 (posted at)
  kidokuFlag: flag01, // 既読
});
export type Notice = z.infer<typeof noticeSchema>;
export const noticeListResponseSchema = z.object({ oshirase: z.array(noticeSchema) });

/** 20 お知らせ情報登録 (no edit/delete exists: post a new notice to correct one). */
export const noticeRegisterRequestSchema = z
  .object({ kouriJigyoshaCode: companyCodeField('kouriJigyoshaCode'), kenmei: text(100), honbun: text(4000) })
  .strict();
export const noticeRegisterResponseSchema = z.object({ oshiraseId: noticeId, keisaiNichiji: jstDateTimeSchema });

/** 21 お知らせ情報既読通知. */
export const noticeReadRequestSchema = z
  .object({ kouriJigyoshaCode: companyCodeField('kouriJigyoshaCode'), oshiraseId: z.array(noticeId).min(1).max(100) })
  .strict();
export const noticeReadResponseSchema = z.object({ oshiraseId: z.array(noticeId) });

// ---------------------------------------------------------------------------------------------
// Error body (simulator-defined / PROVISIONAL: the source gives none, docs/external-systems/kansai-takusou.md §5)
// ---------------------------------------------------------------------------------------------
export const ERROR_CODES = {
  UNKNOWN_ITEM: 'item not in the interface definition (IFにない項目)', // 400
  INVALID_ITEM: 'invalid item value', // 400
  INVALID_JSON: 'body is not JSON', // 400
  UNSUPPORTED_MEDIA_TYPE: 'wrong Content-Type for this service', // 400
  NOT_FOUND: 'no such application (or not submitted through the API)', // 400
  INVALID_STATE: 'the application is not in a state that allows this request', // 400
  FILE_TYPE: 'file type not accepted', // 400
  FILE_TOO_LARGE: 'file too large', // 400
  UNKNOWN_SERVICE: 'wrong service name (URL誤り)', // 404
  METHOD_NOT_ALLOWED: 'only POST is served', // 405 (simulator-defined)
  INTERNAL: 'internal error (サービスの内部処理でエラー発生)', // 500
  MAINTENANCE: 'service under maintenance (サービス利用不可)', // 503
  CONCURRENCY_LIMIT: 'more than 8 requests in flight (L2)', // simulator-defined status
  SPACING_LIMIT: 'less than 1 s after the previous response on this application number (L1)', // simulator-defined status
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export const errorBodySchema = z.object({
  errorCode: z.string(),
  errorMessage: z.string(),
  items: z.array(itemMessage).optional(),
  /** true when status and body are the simulator's invention (L1/L2 breach, 405). */
  simulatorDefined: z.boolean().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

// ---------------------------------------------------------------------------------------------
// Per-service schema tables
// ---------------------------------------------------------------------------------------------
export const REQUEST_SCHEMAS = {
  JoJmshkm: jojiApplyRequestSchema,
  Rnjmshkm: rinjiApplyRequestSchema,
  Girtmshkm: gairotoApplyRequestSchema,
  Shdnmshkm: shudanApplyRequestSchema,
  ShdnmshkmKnry: shudanApplyCompleteRequestSchema,
  ShnkoTdk: completionNoticeRequestSchema,
  GirtShnkoTdk: gairotoCompletionNoticeRequestSchema,
  ShdnShnkoTdk: shudanCompletionNoticeRequestSchema,
  FileTnpu: fileAttachFieldsSchema,
  MshkmTrkesh: cancelRequestSchema,
  UktskKkaJohShtk: retrievalRequestSchema,
  ShdnUktskKkaJohShtk: retrievalRequestSchema,
  KoteiJohShtk: retrievalRequestSchema,
  ShdnKoteiJohShtk: retrievalRequestSchema,
  KeiykSntiJohShtk: retrievalRequestSchema,
  ShdnKeiykSntiJohShtk: retrievalRequestSchema,
  KkaTschiJohShtk: retrievalRequestSchema,
  ShdnKkaTschiJohShtk: retrievalRequestSchema,
  OshrsJohShtk: noticeListRequestSchema,
  OshrsJohTrk: noticeRegisterRequestSchema,
  OshrsJohKdkTschi: noticeReadRequestSchema,
} as const satisfies Record<ServiceName, z.ZodType>;

export const RESPONSE_SCHEMAS = {
  JoJmshkm: applyResponseSchema,
  Rnjmshkm: applyResponseSchema,
  Girtmshkm: applyResponseSchema,
  Shdnmshkm: applyResponseSchema,
  ShdnmshkmKnry: shudanApplyCompleteResponseSchema,
  ShnkoTdk: completionNoticeResponseSchema,
  GirtShnkoTdk: completionNoticeResponseSchema,
  ShdnShnkoTdk: completionNoticeResponseSchema,
  FileTnpu: fileAttachResponseSchema,
  MshkmTrkesh: cancelResponseSchema,
  UktskKkaJohShtk: acceptanceResponseSchema,
  ShdnUktskKkaJohShtk: shudanAcceptanceResponseSchema,
  KoteiJohShtk: processResponseSchema,
  ShdnKoteiJohShtk: shudanProcessResponseSchema,
  KeiykSntiJohShtk: calculationResponseSchema,
  ShdnKeiykSntiJohShtk: shudanCalculationResponseSchema,
  KkaTschiJohShtk: resultResponseSchema,
  ShdnKkaTschiJohShtk: shudanResultResponseSchema,
  OshrsJohShtk: noticeListResponseSchema,
  OshrsJohTrk: noticeRegisterResponseSchema,
  OshrsJohKdkTschi: noticeReadResponseSchema,
} as const satisfies Record<ServiceName, z.ZodType>;

export type RequestOf<S extends ServiceName> = z.input<(typeof REQUEST_SCHEMAS)[S]>;
export type ResponseOf<S extends ServiceName> = z.infer<(typeof RESPONSE_SCHEMAS)[S]>;

/** Service → application kind of the apply APIs 1–4. */
export const APPLY_SERVICE_KIND: Partial<Record<ServiceName, ApplicationKind>> = {
  JoJmshkm: 'JOJI',
  Rnjmshkm: 'RINJI',
  Girtmshkm: 'GAIROTO',
  Shdnmshkm: 'SHUDAN',
};

/** The 申込番号 an L1-covered request is about (undefined for a first application: it has none yet). */
export function applicationNumberOf(service: ServiceName, body: unknown): string | undefined {
  const spec = serviceByName(service);
  if (!spec?.spaced || typeof body !== 'object' || body === null) return undefined;
  const no = (body as Record<string, unknown>)['moshikomiNo'];
  return typeof no === 'string' ? no : undefined;
}

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------
export class WireFormatError extends Error {
  override name = 'WireFormatError';
  constructor(
    message: string,
    readonly items: { item: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** JSON text of a request or response body (UTF-8 on the wire). */
export function buildJsonBody(value: unknown): string {
  return JSON.stringify(value);
}

/** Parses JSON text; throws WireFormatError (with a short excerpt) when it is not JSON. */
export function parseJsonBody(textBody: string): unknown {
  try {
    return JSON.parse(textBody) as unknown;
  } catch (e) {
    throw new WireFormatError(`not JSON: ${(e as Error).message.slice(0, 120)} (body starts ${JSON.stringify(textBody.slice(0, 80))})`);
  }
}

/** zod issues → error-body items. Unknown keys give one item each, named by its full path. */
export function issuesToItems(error: z.ZodError): { item: string; message: string }[] {
  const out: { item: string; message: string }[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ item: base ? `${base}.${key}` : key, message: 'item not in the interface definition (IFにない項目)' });
    } else {
      out.push({ item: base || '(body)', message: issue.message });
    }
  }
  return out;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errorCode: 'UNKNOWN_ITEM' | 'INVALID_ITEM'; items: { item: string; message: string }[] };

/** Validates a request body for a service: UNKNOWN_ITEM when any item is not in the definition. */
export function validateRequest<S extends ServiceName>(service: S, body: unknown): Validated<z.infer<(typeof REQUEST_SCHEMAS)[S]>> {
  const schema = REQUEST_SCHEMAS[service] as z.ZodType;
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, value: r.data as z.infer<(typeof REQUEST_SCHEMAS)[S]> };
  const unknown = r.error.issues.some((i) => i.code === 'unrecognized_keys');
  return { ok: false, errorCode: unknown ? 'UNKNOWN_ITEM' : 'INVALID_ITEM', items: issuesToItems(r.error) };
}

/** Parses and validates a 200 response body; throws WireFormatError on non-JSON or a schema mismatch. */
export function parseResponse<S extends ServiceName>(service: S, textBody: string): ResponseOf<S> {
  const json = parseJsonBody(textBody);
  const r = (RESPONSE_SCHEMAS[service] as z.ZodType).safeParse(json);
  if (!r.success) throw new WireFormatError(`${service} response does not match the provisional schema`, issuesToItems(r.error));
  return r.data as ResponseOf<S>;
}

/** Parses an error body; undefined when the text is not one (e.g. an HTML error page). */
export function parseErrorBody(textBody: string): ErrorBody | undefined {
  try {
    const r = errorBodySchema.safeParse(JSON.parse(textBody));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
