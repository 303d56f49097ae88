// Records of the retrieval APIs 11–18 and the notices (19) → the contract's types. Pure.
import type { AcceptanceResult, AcceptanceStatus, ContractCalculation, Notice, ProcessInfo, ResultNotification } from './contract.js';
import {
  ACCEPTANCE_RESULT,
  PROCESS_STAGE,
  parseJstDateTime,
  type AcceptanceRecord,
  type AcceptanceResultCode,
  type CalculationRecord,
  type Notice as WireNotice,
  type ProcessRecord,
  type ResponseOf,
} from './provisional-wire-format.js';

/** 受付結果 → the contract's status. 取消済 (90) has no status of its own: REJECTED with the reason. */
export const ACCEPTANCE_STATUS: Readonly<Record<AcceptanceResultCode, AcceptanceStatus>> = {
  [ACCEPTANCE_RESULT.SHINSA_CHU]: 'PENDING',
  [ACCEPTANCE_RESULT.UKETSUKE_ZUMI]: 'ACCEPTED',
  [ACCEPTANCE_RESULT.YO_TEISEI]: 'NEEDS_CORRECTION',
  [ACCEPTANCE_RESULT.KYAKKA]: 'REJECTED',
  [ACCEPTANCE_RESULT.TORIKESHI_ZUMI]: 'REJECTED',
};

export const CANCELLED_REASON = '取消済 (cancelled)';

export function acceptanceOf(r: AcceptanceRecord): AcceptanceResult {
  const out: AcceptanceResult = { applicationNo: r.moshikomiNo, status: ACCEPTANCE_STATUS[r.uketsukeKekka] };
  if (r.uketsukeKekka === ACCEPTANCE_RESULT.KYAKKA && r.kyakkaRiyu) out.reason = r.kyakkaRiyu;
  if (r.uketsukeKekka === ACCEPTANCE_RESULT.TORIKESHI_ZUMI) out.reason = r.torikeshiRiyu ? `${CANCELLED_REASON}: ${r.torikeshiRiyu}` : CANCELLED_REASON;
  if (r.uketsukeKekka === ACCEPTANCE_RESULT.YO_TEISEI && r.teiseiKomoku?.length) out.items = r.teiseiKomoku.map((i) => ({ item: i.item, message: i.message }));
  return out;
}

/**
 * 工程 → steps. Every stage the service reports is a step; `date` is the 実績日 (the day it was
 * done) — a stage that is only planned has no date. workDone: 工事完了 (40) has its 実績日.
 */
export function processOf(r: ProcessRecord): ProcessInfo {
  const steps = r.kotei.map((k) => ({ code: k.koteiCode, name: k.koteiMei, ...(k.jissekiBi !== undefined ? { date: k.jissekiBi } : {}) }));
  const workDone = r.kotei.some((k) => k.koteiCode === PROCESS_STAGE.KOJI_KANRYO && k.jissekiBi !== undefined);
  return { applicationNo: r.moshikomiNo, steps, workDone };
}

/** '40 A', '6 kVA' … of a contract capacity, when there is one. */
function capacity(c: { keiyakuDenryoku?: number | undefined; keiyakuDenryokuTani?: string | undefined }): string | undefined {
  if (c.keiyakuDenryoku === undefined) return undefined;
  return c.keiyakuDenryokuTani ? `${c.keiyakuDenryoku} ${c.keiyakuDenryokuTani}` : String(c.keiyakuDenryoku);
}

/** 契約算定 of one application; `available: false` while the service has none for it. */
export function calculationOf(applicationNo: string, r: CalculationRecord | undefined): ContractCalculation {
  if (!r) return { applicationNo, available: false };
  const cap = capacity(r);
  return { applicationNo, available: true, ...(cap !== undefined ? { contractCapacity: cap } : {}), amountYen: r.kojiHiFutankin };
}

type ResultRecord = ResponseOf<'KkaTschiJohShtk'>['kekka'][number];
type GroupResultRecord = ResponseOf<'ShdnKkaTschiJohShtk'>['kekka'][number];

/** 結果通知 of one application; `available: false` while there is none. */
export function resultOf(applicationNo: string, r: ResultRecord | undefined): ResultNotification {
  if (!r) return { applicationNo, available: false };
  return { applicationNo, available: true, supplyStartDate: r.kyokyuKaishiBi, supplyPointId: r.kyokyuChitenTokuteiNo };
}

/**
 * 集団 結果通知: one supply point per dwelling unit, but the contract has one. The earliest
 * 供給開始日 of the units is given; the supply point only when the notice covers exactly one unit.
 */
export function groupResultOf(applicationNo: string, r: GroupResultRecord | undefined): ResultNotification {
  if (!r) return { applicationNo, available: false };
  const starts = r.juko.map((u) => u.kyokyuKaishiBi).sort();
  const only = r.juko.length === 1 ? r.juko[0] : undefined;
  return {
    applicationNo,
    available: true,
    ...(starts[0] !== undefined ? { supplyStartDate: starts[0] } : {}),
    ...(only ? { supplyPointId: only.kyokyuChitenTokuteiNo } : {}),
  };
}

export function noticeOf(n: WireNotice): Notice {
  const out: Notice = {
    id: n.oshiraseId,
    title: n.kenmei,
    kind: n.oshiraseShubetsu === 'MAINTENANCE' ? 'MAINTENANCE' : 'INFO',
    postedAt: n.keisaiNichiji,
    read: n.kidokuFlag === '1',
  };
  if (n.teishiKaishiNichiji !== undefined) {
    const start = parseJstDateTime(n.teishiKaishiNichiji);
    if (Number.isFinite(start)) out.start = start;
  }
  if (n.teishiShuryoNichiji !== undefined) {
    const end = parseJstDateTime(n.teishiShuryoNichiji);
    if (Number.isFinite(end)) out.end = end;
  }
  return out;
}
