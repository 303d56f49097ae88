// Behaviour patterns keyed by the supply point ID, like OCCTO's 送配電スタブ (docs/external-systems/occto-switching.md §7.4): the last
// three digits select the pattern; setPattern() / POST /patterns override it for one point.
import { z } from 'zod';
import type { ErrorCode } from '../activities/provisional-wire-format.js';

export const PATTERNS = [
  'ok',
  'ng',
  'ng-once',
  'err-20040',
  'err-20070',
  'err-20140',
  'err-20250',
  'duplicate',
  'slow',
  'http-500',
  'http-500-once',
  'timeout-once',
  'malformed',
  'processing-rejected',
  'never-judged',
  'new-retailer-cancels',
] as const;
export type Pattern = (typeof PATTERNS)[number];

export const patternSchema = z.enum(PATTERNS, {
  error: (issue) => `pattern must be one of ${PATTERNS.join(', ')} (got ${JSON.stringify(issue.input)})`,
});

/** Last three digits of the point ID → pattern. Anything else is 'ok'. */
export const PATTERN_BY_SUFFIX: Readonly<Record<string, Pattern>> = {
  '801': 'ng',
  '802': 'ng-once',
  '810': 'err-20040',
  '811': 'err-20070',
  '812': 'err-20140',
  '813': 'err-20250',
  '820': 'duplicate',
  '830': 'slow',
  '840': 'http-500',
  '841': 'http-500-once',
  '850': 'timeout-once',
  '860': 'malformed',
  '870': 'processing-rejected',
  '880': 'never-judged',
  /** Relays addressed to our companies: the simulated new retailer cancels `judgementDelayMs` after our OK. */
  '890': 'new-retailer-cancels',
};

/** Patterns that answer every operation on the point with a business error. */
export const ERROR_PATTERN_CODES: Readonly<Partial<Record<Pattern, ErrorCode>>> = {
  'err-20040': 'ERR_20040',
  'err-20070': 'ERR_20070',
  'err-20140': 'ERR_20140',
  'err-20250': 'ERR_20250',
};

/** 判断NG理由 flags (1–9) set by the NG patterns. */
export const NG_REASONS: Readonly<Record<'ng' | 'ng-once', number[]>> = { ng: [1, 4], 'ng-once': [2] };

export class PatternTable {
  private overrides = new Map<string, Pattern>();

  of(supplyPointId: string): Pattern {
    return this.overrides.get(supplyPointId) ?? PATTERN_BY_SUFFIX[supplyPointId.slice(-3)] ?? 'ok';
  }

  set(supplyPointId: string, pattern: Pattern): void {
    this.overrides.set(supplyPointId, patternSchema.parse(pattern));
  }

  overridesAsRecord(): Record<string, Pattern> {
    return Object.fromEntries(this.overrides);
  }

  reset(): void {
    this.overrides.clear();
  }
}

/**
 * A synthetic 22-digit point ID: area (2) + serial (17, zero-padded) + pattern suffix (3).
 * e.g. syntheticPointId('03', 7, '801') = '0300000000000000007801' (pattern 'ng').
 */
export function syntheticPointId(area: string, serial: number, suffix = '000'): string {
  if (!/^\d{2}$/.test(area) || !/^\d{3}$/.test(suffix) || !Number.isSafeInteger(serial) || serial < 0) {
    throw new RangeError('syntheticPointId(area: 2 digits, serial: non-negative integer, suffix: 3 digits)');
  }
  return `${area}${String(serial).padStart(17, '0').slice(-17)}${suffix}`;
}
