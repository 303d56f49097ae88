// Behaviour patterns keyed by our reference (事業者管理番号 jigyoshaKanriNo): its last three
// characters select the pattern when they are digits; setPattern() / POST /patterns override it for
// one reference. Calls on an application number use the pattern of that application's reference.
import { z } from 'zod';

export const PATTERNS = [
  'accepted', // default: 受付済 after acceptanceDelayMs (once the required documents are attached)
  'rejected', // 却下 with a reason
  'needs-correction', // 要訂正 until one 訂正 is sent, then accepted
  'never-accepted', // stays 審査中
  'slow', // every response is delayed by timing.slowMs (real)
  'http-500', // every call on the reference is answered 500 (an apply creates nothing)
  'http-500-once', // the first call on the reference is answered 500 (nothing created), then normal
  'timeout-once', // the first apply is processed (the application exists), but no response: the socket is destroyed after hangMs
  'malformed', // every response body on the reference is truncated JSON
] as const;
export type Pattern = (typeof PATTERNS)[number];

export const patternSchema = z.enum(PATTERNS, {
  error: (issue) => `pattern must be one of ${PATTERNS.join(', ')} (got ${JSON.stringify(issue.input)})`,
});

/** Last three characters of jigyoshaKanriNo → pattern. Anything else is 'accepted'. */
export const PATTERN_BY_SUFFIX: Readonly<Record<string, Pattern>> = {
  '801': 'rejected',
  '802': 'needs-correction',
  '803': 'never-accepted',
  '830': 'slow',
  '840': 'http-500',
  '841': 'http-500-once',
  '850': 'timeout-once',
  '860': 'malformed',
};

export const REJECTION_REASON = '申込内容では供給設備の施工ができないため却下します (simulated pattern rejected)';
export const CORRECTION_ITEM = { item: 'setsubi', message: '設備内容に不備があります。訂正してください (simulated pattern needs-correction)' };

export class PatternTable {
  private overrides = new Map<string, Pattern>();

  of(jigyoshaKanriNo: string): Pattern {
    return this.overrides.get(jigyoshaKanriNo) ?? PATTERN_BY_SUFFIX[jigyoshaKanriNo.slice(-3)] ?? 'accepted';
  }

  set(jigyoshaKanriNo: string, pattern: Pattern): void {
    if (typeof jigyoshaKanriNo !== 'string' || jigyoshaKanriNo.length === 0) throw new RangeError('setPattern: jigyoshaKanriNo must be a non-empty string');
    this.overrides.set(jigyoshaKanriNo, patternSchema.parse(pattern));
  }

  overridesAsRecord(): Record<string, Pattern> {
    return Object.fromEntries(this.overrides);
  }

  reset(): void {
    this.overrides.clear();
  }
}
