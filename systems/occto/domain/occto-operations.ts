// Which OCCTO operations exist for which category (docs/external-systems/occto-switching.md §2.5) and area (§5.3). One table used by the
// workflows (refuse before any call), the client activities (refuse before sending) and the
// simulator (answer ERR_20040 like the real system does for a function that does not exist).
import type { AreaCode } from '../../../domain/areas.js';
import { areaLabel, isAmpereChangeAvailable } from '../../../domain/areas.js';
import { CATEGORY_LABELS, type Category } from '../../../domain/categories.js';

export const OCCTO_OPERATIONS = [
  'FACILITY_QUERY', // 設備情報照会 IF_x10110
  'USAGE_QUERY', // 使用量情報照会申請 IF_x10210/10220 → 使用量情報照会 IF_x10310
  'RECONNECTION', // 再点 IF_x10410/10420
  'DISCONTINUATION', // 廃止・撤去 IF_x10510/10520
  'SWITCHING_IN', // 新小売: 廃止取次 IS_x20110/20210 → 開始申請 IF_x10610/10620
  'SWITCHING_OUT', // 現小売: 廃止取次照会/判断 IS_x20310/20410 → 廃止申請 IF_x10710/10720
  'CUSTOMER_INFO_CHANGE', // 需要者情報変更 (FIT: 発電者情報変更) IF_x10810/10820
  'AMPERE_CHANGE', // アンペア変更 IF_10910/10920
  'STATUS', // 業務処理状況確認 / (複数件) IF_x1NN20, IF_x11110
] as const;
export type OcctoOperation = (typeof OCCTO_OPERATIONS)[number];

export const OPERATION_LABELS: Readonly<Record<OcctoOperation, string>> = {
  FACILITY_QUERY: '設備情報照会',
  USAGE_QUERY: '使用量情報照会',
  RECONNECTION: '再点',
  DISCONTINUATION: '廃止・撤去',
  SWITCHING_IN: 'スイッチング(新小売)',
  SWITCHING_OUT: 'スイッチング(現小売)',
  CUSTOMER_INFO_CHANGE: '需要者情報変更',
  AMPERE_CHANGE: 'アンペア変更',
  STATUS: '業務処理状況確認',
};

/** The availability matrix (docs/external-systems/occto-switching.md §2.5). */
export const AVAILABILITY: Readonly<Record<OcctoOperation, Readonly<Record<Category, boolean>>>> = {
  FACILITY_QUERY: { LV: true, HV: false, FIT: true },
  USAGE_QUERY: { LV: true, HV: true, FIT: false },
  RECONNECTION: { LV: true, HV: false, FIT: true },
  DISCONTINUATION: { LV: true, HV: true, FIT: true },
  SWITCHING_IN: { LV: true, HV: true, FIT: true },
  SWITCHING_OUT: { LV: true, HV: true, FIT: true },
  CUSTOMER_INFO_CHANGE: { LV: true, HV: true, FIT: true },
  AMPERE_CHANGE: { LV: true, HV: false, FIT: false },
  STATUS: { LV: true, HV: true, FIT: true },
};

/** The label a person sees: FIT's 需要者情報変更 is 発電者情報変更. */
export function operationLabel(op: OcctoOperation, category: Category): string {
  return op === 'CUSTOMER_INFO_CHANGE' && category === 'FIT' ? '発電者情報変更' : OPERATION_LABELS[op];
}

export type OperationAvailability = { ok: true } | { ok: false; rule: 'category' | 'area'; message: string };

/**
 * Whether `op` exists for `category` (and, for アンペア変更, the supply point's `area`).
 * The message names the operation, the category or area, and the rule.
 */
export function operationAvailability(op: OcctoOperation, category: Category, area?: AreaCode): OperationAvailability {
  if (!AVAILABILITY[op][category]) {
    return {
      ok: false,
      rule: 'category',
      message: `${operationLabel(op, category)} (${op}) is not offered for ${category} (${CATEGORY_LABELS[category]}) by the switching support system (docs/external-systems/occto-switching.md §2.5)`,
    };
  }
  if (op === 'AMPERE_CHANGE' && area !== undefined && !isAmpereChangeAvailable(area)) {
    return {
      ok: false,
      rule: 'area',
      message: `アンペア変更 (AMPERE_CHANGE) is not offered in area ${areaLabel(area)}: only areas with an ampere-breaker tariff have it, not 関西/中国/四国/沖縄 (docs/external-systems/occto-switching.md §5.3)`,
    };
  }
  return { ok: true };
}

/** Ampere values a low-voltage ampere-breaker contract may have. */
export const AMPERE_STEPS = [10, 15, 20, 30, 40, 50, 60] as const;

/**
 * 判断NG理由1–9 (docs/external-systems/occto-switching.md Appendix A: nine flags; their texts are in the non-public manual).
 * PROVISIONAL labels of our own, used only to explain a flag to a person; the wire carries numbers.
 */
export const NG_REASON_LABELS_PROVISIONAL: Readonly<Record<number, string>> = {
  1: '供給地点特定番号の不一致 (supply point not ours / not found)',
  2: '需要者名の不一致 (customer name does not match)',
  3: '需要者住所の不一致 (address does not match)',
  4: '供給開始日の不備 (supply start date not acceptable)',
  5: '契約継続の意思確認中 (customer confirmed they keep the contract)',
  6: '他の廃止取次・申込と重複 (duplicates another relay or application)',
  7: '契約上の理由 (contractual reason)',
  8: '需要者情報の不備 (customer data incomplete)',
  9: 'その他 (other)',
};
