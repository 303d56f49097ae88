// systems/occto/domain/occto-operation-inputs.ts: inputs of the other OCCTO operations, their workflow IDs (from
// business keys, no personal data) and the refusal of what the system does not offer (docs/external-systems/occto-switching.md §2.5, §5.3).
import { describe, expect, it } from 'vitest';
import { violationsFromZodError } from '../../../../domain/errors.js';
import {
  applicationInputSchema,
  applicationWorkflowId,
  facilityQueryInputSchema,
  facilityQueryWorkflowId,
  operationRefusal,
  usageQueryInputSchema,
  usageQueryWorkflowId,
} from '../../domain/occto-operation-inputs.js';
import { AVAILABILITY, OCCTO_OPERATIONS } from '../../domain/occto-operations.js';
import { CATEGORIES } from '../../../../domain/categories.js';
import { AREA_CODES } from '../../../../domain/areas.js';

const point = (area = '03') => `${area}12345678901234567890`;
const base = { company: '12346', category: 'LV', supplyPointId: point(), reference: 'req-0001' };
const messages = (r: { success: boolean; error?: unknown }) => {
  expect(r.success).toBe(false);
  return violationsFromZodError(r.error as never).map((v) => `${v.field}: ${v.message}`).join('\n');
};

describe('operation inputs', () => {
  it('facility and usage queries: defaults, and the reference is required', () => {
    expect(facilityQueryInputSchema.parse(base).options.decisionDeadline).toBe(3 * 86_400_000);
    expect(usageQueryInputSchema.parse(base).options).toMatchObject({ holdForRequery: 0, statusTracking: 'auto', pollInterval: 15 * 60_000 });
    expect(messages(facilityQueryInputSchema.safeParse({ ...base, reference: undefined }))).toMatch(/reference is required/);
    expect(messages(facilityQueryInputSchema.safeParse({ ...base, reference: '山田/太郎' }))).toMatch(/reference must be 1–64 letters/);
  });

  it('applications by kind, each with its own fields', () => {
    const d = { ...base, desiredDate: '2026-06-01' };
    expect(applicationInputSchema.safeParse({ ...d, kind: 'DISCONTINUATION', withRemoval: true }).success).toBe(true);
    expect(applicationInputSchema.safeParse({ ...d, kind: 'AMPERE_CHANGE', amperes: 40 }).success).toBe(true);
    expect(applicationInputSchema.safeParse({ ...d, kind: 'CUSTOMER_INFO_CHANGE', changes: { address: '東京都港区1-1' } }).success).toBe(true);
    expect(applicationInputSchema.safeParse({ ...d, kind: 'RECONNECTION', customer: { name: '電気 花子', kana: 'デンキ ハナコ', address: '東京都港区1-1' } }).success).toBe(true);
    expect(messages(applicationInputSchema.safeParse({ ...d, kind: 'AMPERE_CHANGE', amperes: 35 }))).toMatch(/amperes: amperes must be one of 10, 15, 20, 30, 40, 50, 60 A/);
    expect(messages(applicationInputSchema.safeParse({ ...d, kind: 'CUSTOMER_INFO_CHANGE', changes: {} }))).toMatch(/changes must name at least one changed field/);
    expect(messages(applicationInputSchema.safeParse({ ...d, kind: 'DISCONTINUATION' }))).toMatch(/withRemoval must be true/);
    expect(messages(applicationInputSchema.safeParse({ ...d, kind: 'NEW_CONNECTION' }))).toMatch(/kind must be one of RECONNECTION, DISCONTINUATION, AMPERE_CHANGE, CUSTOMER_INFO_CHANGE/);
    expect(messages(applicationInputSchema.safeParse({ ...d, kind: 'DISCONTINUATION', withRemoval: false, desiredDate: '2026-13-01' }))).toMatch(/desiredDate/);
  });

  it('workflow IDs from business keys', () => {
    expect(facilityQueryWorkflowId('12346', point(), 'r1')).toBe(`occto-facility/12346/${point()}/r1`);
    expect(usageQueryWorkflowId('12346', point(), 'r1')).toBe(`occto-usage/12346/${point()}/r1`);
    expect(applicationWorkflowId('12346', 'AMPERE_CHANGE', point(), 'r1')).toBe(`occto-application/12346/ampere-change/${point()}/r1`);
  });
});

describe('operationRefusal (before any call)', () => {
  it('follows the availability matrix for every operation and category', () => {
    for (const op of OCCTO_OPERATIONS) {
      for (const c of CATEGORIES) {
        const refusal = operationRefusal(op, c, point('03'));
        expect(refusal === undefined, `${op} ${c}`).toBe(AVAILABILITY[op][c]);
        if (refusal) {
          expect(refusal).toMatchObject({ field: 'category', rule: 'operation-category' });
          expect(refusal.message).toContain(op);
          expect(refusal.message).toContain(c);
          expect(refusal.message).toMatch(/docs\/external-systems\/occto-switching\.md §2\.5/);
        }
      }
    }
  });

  it('アンペア変更 is refused in 関西/中国/四国/沖縄, naming the area and the rule', () => {
    for (const area of AREA_CODES) {
      const refusal = operationRefusal('AMPERE_CHANGE', 'LV', point(area));
      expect(refusal !== undefined, area).toBe(['06', '07', '08', '10'].includes(area));
      if (refusal) {
        expect(refusal).toMatchObject({ field: 'supplyPointId', rule: 'operation-area' });
        expect(refusal.message).toContain(`area ${area}`);
        expect(refusal.message).toMatch(/§5.3/);
      }
    }
  });
});
