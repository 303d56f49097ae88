// Wire records (provisional-wire-format.ts) → contract types (contract.ts), and back for the few
// request items that need it. Pure functions: no I/O, no logging.
import type {
  ApplicationKind,
  Category,
  Customer,
  FacilityInfo,
  IncomingRelay,
  ProcessingState,
  ProcessingStatus,
  RelayJudgement,
  RelayResult,
  UsageData,
  UsageQueryStatus,
} from './contract.js';
import {
  applicationKindOf,
  fromWireDate,
  NG_REASON_COUNT,
  PROCESSING_STAGE,
  RELAY_STATUS,
  type ApplicationKindName,
  type IncomingRelayRecord,
  type ProcessingStatusRecord,
  type RelayRecord,
  type facilityQueryResponseSchema,
  type usageApplyStatusResponseSchema,
  type usageQueryResponseSchema,
} from './provisional-wire-format.js';
import type { z } from 'zod';

export const RELAY_JUDGEMENT: Readonly<Record<RelayRecord['jokyoCode'], RelayJudgement>> = {
  [RELAY_STATUS.pending]: 'PENDING',
  [RELAY_STATUS.ok]: 'OK',
  [RELAY_STATUS.ng]: 'NG',
  [RELAY_STATUS.cancelled]: 'CANCELLED',
  [RELAY_STATUS.failed]: 'FAILED',
};

/** The wire's application kinds → the contract's (廃止 with and without 撤去 are one kind). */
export const CONTRACT_KIND: Readonly<Record<ApplicationKindName, ApplicationKind>> = {
  discontinuation: 'DISCONTINUATION',
  discontinuationWithRemoval: 'DISCONTINUATION',
  switchingStop: 'SWITCHING_STOP',
  reconnection: 'RECONNECTION',
  switchingStart: 'SWITCHING_START',
  ampereChange: 'AMPERE_CHANGE',
  infoChange: 'CUSTOMER_INFO_CHANGE',
  usageQuery: 'USAGE_QUERY',
};

/** The contract's kinds → the wire kind whose operations (submit / status) serve them. */
export const WIRE_KIND: Readonly<Record<ApplicationKind, ApplicationKindName>> = {
  DISCONTINUATION: 'discontinuation',
  SWITCHING_STOP: 'switchingStop',
  RECONNECTION: 'reconnection',
  SWITCHING_START: 'switchingStart',
  AMPERE_CHANGE: 'ampereChange',
  CUSTOMER_INFO_CHANGE: 'infoChange',
  USAGE_QUERY: 'usageQuery',
};

/** The contract kind of a 申込種別 code in a category; undefined for a code we do not know. */
export function contractKindOf(code: string, category: Category): ApplicationKind | undefined {
  const name = applicationKindOf(code, category);
  return name ? CONTRACT_KIND[name] : undefined;
}

export function customerFields(c: Partial<Customer>): Record<string, string | undefined> {
  return { juyoshaMei: c.name, juyoshaMeiKana: c.kana, juyoshaJusho: c.address, juyoshaDenwa: c.phone };
}

/** 判断NG理由1–9 flags that are set, as numbers 1–9. */
export function ngReasonsOf(flags: string | undefined): number[] {
  const out: number[] = [];
  for (let i = 0; i < (flags?.length ?? 0); i++) if (flags?.[i] === '1') out.push(i + 1);
  return out;
}

/**
 * 判断NG理由 numbers 1–9 → nine '0'/'1' flags. A number outside 1–9 gives a string the wire schema
 * refuses (so the request is refused before sending, naming hanteiNgRiyu), never a silently dropped reason.
 */
export function ngFlagsOf(reasons: readonly number[]): string {
  if (reasons.some((r) => !Number.isInteger(r) || r < 1 || r > NG_REASON_COUNT)) return 'invalid';
  return Array.from({ length: NG_REASON_COUNT }, (_, i) => (reasons.includes(i + 1) ? '1' : '0')).join('');
}

export function processingStateOf(stageCode: string): ProcessingState | undefined {
  switch (stageCode) {
    case PROCESSING_STAGE.inProgress:
      return 'IN_PROGRESS';
    case PROCESSING_STAGE.completed:
    case PROCESSING_STAGE.completedAlt:
      return 'COMPLETED';
    case PROCESSING_STAGE.rejected:
      return 'REJECTED';
    default:
      return undefined;
  }
}

/**
 * A 業務処理状況確認 record → ProcessingStatus, its kind from 申込種別. An unknown 受付工程 is
 * treated as in progress (`unknownStage` tells the caller, to log it).
 */
export function processingStatusOf(r: ProcessingStatusRecord, category: Category, unknownStage?: (stageCode: string) => void): ProcessingStatus {
  let state = processingStateOf(r.uketsukeKoteiCode);
  if (!state) {
    unknownStage?.(r.uketsukeKoteiCode);
    state = 'IN_PROGRESS';
  }
  const kind = contractKindOf(r.moshikomiShubetsu, category);
  const out: ProcessingStatus = { applicationNo: r.moshikomiNo, ...(kind ? { kind } : {}), stageCode: r.uketsukeKoteiCode, state };
  if (r.idoYoteiBi) out.plannedDate = fromWireDate(r.idoYoteiBi);
  if (r.idoBi) out.actualDate = fromWireDate(r.idoBi);
  if (r.renrakuJiko) out.note = r.renrakuJiko;
  return out;
}

/** IF_x10220: the status, and once completed the query password with its last valid day. */
export function usageQueryStatusOf(
  r: z.output<typeof usageApplyStatusResponseSchema>,
  category: Category,
  unknownStage?: (stageCode: string) => void,
): UsageQueryStatus {
  const out: UsageQueryStatus = processingStatusOf(r, category, unknownStage);
  if (r.shokaiPassword) out.password = r.shokaiPassword;
  if (r.passwordYukoKigen) out.passwordValidUntil = fromWireDate(r.passwordYukoKigen);
  return out;
}

export function relayResultOf(r: RelayRecord): RelayResult {
  return {
    relayNo: r.haishiToritsugiNo,
    statusCode: r.jokyoCode,
    judgement: RELAY_JUDGEMENT[r.jokyoCode],
    matched: r.matchingZumi === '1',
    ngReasons: ngReasonsOf(r.hanteiNgRiyu),
  };
}

export function incomingRelayOf(r: IncomingRelayRecord, category: Category): IncomingRelay {
  const customer: Customer = { name: r.juyoshaMei, kana: r.juyoshaMeiKana, address: r.juyoshaJusho };
  if (r.juyoshaDenwa) customer.phone = r.juyoshaDenwa;
  return {
    relayNo: r.haishiToritsugiNo,
    category,
    supplyPointId: r.kyokyuChitenTokuteiNo,
    newRetailerCode: r.shinKouriJigyoshaCode,
    supplyStartDate: fromWireDate(r.kyokyuKaishiBi),
    registeredAt: r.tourokuNichiji,
    statusCode: r.jokyoCode,
    customer,
  };
}

export function facilityInfoOf(res: z.output<typeof facilityQueryResponseSchema>): FacilityInfo {
  const s = res.setsubi;
  const out: FacilityInfo = {
    supplyPointId: s.kyokyuChitenTokuteiNo,
    area: s.eriaCode,
    voltage: s.kyokyuDenatsu,
    contractType: s.keiyakuShubetsu,
    meterReadingDay: Number(s.kenshinBi),
    nextMeterReadingDate: fromWireDate(s.jikaiKenshinBi),
    nextButOneMeterReadingDate: fromWireDate(s.jijikaiKenshinBi),
    smartMeter: s.smartMeterFlag === '1',
  };
  if (s.keiyakuDenryuA !== undefined) out.contractAmperes = Number(s.keiyakuDenryuA);
  if (s.keiyakuYoryoKva !== undefined) out.contractKva = Number(s.keiyakuYoryoKva);
  if (s.genKouriJigyoshaCode !== undefined) out.currentRetailerCode = s.genKouriJigyoshaCode;
  return out;
}

/** IF_x10310 → months oldest first, YYYY-MM. */
export function usageDataOf(supplyPointId: string, res: z.output<typeof usageQueryResponseSchema>): UsageData {
  const months = res.shiyoryo
    .map((m) => {
      const out: UsageData['months'][number] = { month: `${m.taishoNengetsu.slice(0, 4)}-${m.taishoNengetsu.slice(4, 6)}`, kwh: Number(m.shiyoDenryokuryo) };
      if (m.saidaiJuyoDenryoku !== undefined) out.maxDemandKw = Number(m.saidaiJuyoDenryoku);
      return out;
    })
    .sort((a, b) => a.month.localeCompare(b.month));
  return { supplyPointId, months };
}
