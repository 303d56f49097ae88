// The 10 general transmission & distribution (一般送配電事業者) areas. The two-digit code is the
// first two digits of a supply point ID (docs/external-systems/occto-switching.md Appendix A) and the key of per-area rules.
import { z } from 'zod';
import type { DomainRuleViolation } from './errors.js';

export const AREA_CODES = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'] as const;
export type AreaCode = (typeof AREA_CODES)[number];

export const AREAS: Readonly<Record<AreaCode, { ja: string; en: string }>> = {
  '01': { ja: '北海道', en: 'Hokkaido' },
  '02': { ja: '東北', en: 'Tohoku' },
  '03': { ja: '東京', en: 'Tokyo' },
  '04': { ja: '中部', en: 'Chubu' },
  '05': { ja: '北陸', en: 'Hokuriku' },
  '06': { ja: '関西', en: 'Kansai' },
  '07': { ja: '中国', en: 'Chugoku' },
  '08': { ja: '四国', en: 'Shikoku' },
  '09': { ja: '九州', en: 'Kyushu' },
  '10': { ja: '沖縄', en: 'Okinawa' },
};

export function isAreaCode(s: unknown): s is AreaCode {
  return typeof s === 'string' && (AREA_CODES as readonly string[]).includes(s);
}

export const areaCodeSchema = z.enum(AREA_CODES, {
  error: (issue) => `area must be a two-digit area code 01–10 (got ${JSON.stringify(issue.input)})`,
});

/** "06 関西 (Kansai)" — for messages and the Web UI. */
export function areaLabel(area: AreaCode): string {
  return `${area} ${AREAS[area].ja} (${AREAS[area].en})`;
}

// アンペア変更 exists only where T&D uses ampere breakers (docs/external-systems/occto-switching.md §5.3).
export const AMPERE_CHANGE_UNAVAILABLE_AREAS: readonly AreaCode[] = ['06', '07', '08', '10'];

export function isAmpereChangeAvailable(area: AreaCode): boolean {
  return !AMPERE_CHANGE_UNAVAILABLE_AREAS.includes(area);
}

/** Refuse アンペア変更 before any call in 関西/中国/四国/沖縄 (the system has no such function there). */
export function checkAmpereChangeArea(area: AreaCode): DomainRuleViolation | undefined {
  if (isAmpereChangeAvailable(area)) return undefined;
  return {
    field: 'area',
    rule: 'ampere-change-area',
    message: `アンペア変更 is not available in area ${areaLabel(area)}: areas 06 関西, 07 中国, 08 四国 and 10 沖縄 have no ampere-breaker contracts (docs/external-systems/occto-switching.md §5.3)`,
  };
}
