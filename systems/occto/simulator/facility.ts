// PROVISIONAL synthetic T&D data: 設備情報照会 (IF_x10110) and 使用量情報照会 (IF_x10310) answers,
// derived deterministically from the point ID (same point → same data), the category and the
// simulated today. No real data, no personal data.
// - area = the first two digits (docs/external-systems/occto-switching.md Appendix A); the meter-reading day is meter-reading.ts's, so
//   jijikaiKenshinBi equals nextButOneMeterReadingDate() and the 供給開始日 rule agrees with it.
// - LV in ampere-breaker areas has 従量電灯B with 契約電流 (A); 関西/中国/四国/沖縄 have 従量電灯A
//   (no ampere contract) or 従量電灯C with 契約容量 (kVA). FIT points have a kVA capacity.
// - Usage: the 13 full months before the current JST month, oldest first; HV adds 最大需要電力 (kW,
//   below 500 kW).
import { AMPERE_VALUES, toWireDate, type WireCategory } from '../activities/provisional-wire-format.js';
import { isAmpereChangeAvailable, isAreaCode } from '../../../domain/areas.js';
import { nextButOneMeterReadingDate, nextMeterReadingDate, provisionalMeterReadingDay } from './meter-reading.js';

/** FNV-1a (32 bit): a stable pseudo-random number per string. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A stable number in [0, 1) for (point, salt). */
const unit = (pointId: string, salt: string): number => hash(`${pointId}:${salt}`) / 0x1_0000_0000;

export interface FacilityRecord {
  kyokyuChitenTokuteiNo: string;
  eriaCode: string;
  kyokyuDenatsu: string;
  keiyakuShubetsu: string;
  keiyakuDenryuA?: string;
  keiyakuYoryoKva?: string;
  kenshinBi: string;
  jikaiKenshinBi: string;
  jijikaiKenshinBi: string;
  smartMeterFlag: '0' | '1';
  genKouriJigyoshaCode?: string;
}

export function facilityOf(pointId: string, category: WireCategory, today: string, currentRetailer?: string): FacilityRecord {
  const area = pointId.slice(0, 2);
  const ampereArea = isAreaCode(area) && isAmpereChangeAvailable(area);
  const base = {
    kyokyuChitenTokuteiNo: pointId,
    eriaCode: area,
    kenshinBi: String(provisionalMeterReadingDay(pointId)).padStart(2, '0'),
    jikaiKenshinBi: toWireDate(nextMeterReadingDate(pointId, today)),
    jijikaiKenshinBi: toWireDate(nextButOneMeterReadingDate(pointId, today)),
    smartMeterFlag: unit(pointId, 'smart') < 0.9 ? ('1' as const) : ('0' as const),
    genKouriJigyoshaCode: currentRetailer,
  };
  if (category === 'FIT') {
    return { ...base, kyokyuDenatsu: '200V', keiyakuShubetsu: '低圧FIT電源(余剰)', keiyakuYoryoKva: (3 + Math.floor(unit(pointId, 'kva') * 70) / 10).toFixed(1) };
  }
  if (ampereArea) {
    const amps = AMPERE_VALUES[Math.floor(unit(pointId, 'amp') * AMPERE_VALUES.length)] ?? '30';
    return { ...base, kyokyuDenatsu: '100/200V', keiyakuShubetsu: '従量電灯B', keiyakuDenryuA: amps };
  }
  if (unit(pointId, 'kind') < 0.2) {
    return { ...base, kyokyuDenatsu: '100/200V', keiyakuShubetsu: '従量電灯C', keiyakuYoryoKva: String(6 + Math.floor(unit(pointId, 'kva') * 10)) };
  }
  return { ...base, kyokyuDenatsu: '100/200V', keiyakuShubetsu: '従量電灯A' };
}

export interface UsageMonth {
  taishoNengetsu: string;
  shiyoDenryokuryo: string;
  saidaiJuyoDenryoku?: string;
}

/** Seasonal factor by calendar month (1–12): more in winter and summer. */
const SEASON = [1.3, 1.25, 1.1, 0.9, 0.85, 0.9, 1.1, 1.25, 1.0, 0.85, 0.95, 1.2] as const;

/** 13 months of usage before the month of `today` ('YYYY-MM-DD'), oldest first. */
export function usageOf(pointId: string, category: WireCategory, today: string): UsageMonth[] {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  const months: UsageMonth[] = [];
  for (let back = 13; back >= 1; back--) {
    const idx = y * 12 + (m - 1) - back;
    const year = Math.floor(idx / 12);
    const month = (idx % 12) + 1;
    const ym = `${String(year).padStart(4, '0')}${String(month).padStart(2, '0')}`;
    const season = SEASON[month - 1] ?? 1;
    const wobble = 0.85 + unit(pointId, ym) * 0.3;
    if (category === 'HV') {
      const kw = (60 + unit(pointId, 'kw') * 390) * (0.9 + unit(pointId, `kw${ym}`) * 0.1) * Math.min(season, 1.1);
      const loadFactor = 0.25 + unit(pointId, 'lf') * 0.3;
      months.push({ taishoNengetsu: ym, shiyoDenryokuryo: String(Math.round(kw * 730 * loadFactor * wobble)), saidaiJuyoDenryoku: kw.toFixed(1) });
    } else {
      const kwh = (150 + unit(pointId, 'kwh') * 350) * season * wobble;
      months.push({ taishoNengetsu: ym, shiyoDenryokuryo: String(Math.round(kwh)) });
    }
  }
  return months;
}
