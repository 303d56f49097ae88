import { describe, it, expect } from 'vitest';
import {
  AMPERE_CHANGE_UNAVAILABLE_AREAS,
  AREAS,
  AREA_CODES,
  CATEGORY_LABELS,
  PROVISIONAL_AREA_DIGIT,
  WORKFLOWS_TASK_QUEUE,
  areaCodeSchema,
  areaOfCompany,
  areaOfSupplyPoint,
  categorySchema,
  checkAmpereChangeArea,
  companyCodeSchema,
  formatViolations,
  isAmpereChangeAvailable,
  occtoTaskQueue,
  receivingPointIdSchema,
  supplyPointIdSchema,
  violationsFromZodError,
} from '../../domain/index.js';

const firstMessage = (r: { error?: { issues: { message: string }[] } }) => r.error?.issues[0]?.message;

describe('areas', () => {
  it('has the 10 T&D areas in code order', () => {
    expect(AREA_CODES).toHaveLength(10);
    expect(AREAS['01']).toEqual({ ja: '北海道', en: 'Hokkaido' });
    expect(AREAS['06']).toEqual({ ja: '関西', en: 'Kansai' });
    expect(AREAS['10']).toEqual({ ja: '沖縄', en: 'Okinawa' });
    expect(Object.keys(AREAS).sort()).toEqual([...AREA_CODES]);
  });

  it('areaCodeSchema', () => {
    expect(areaCodeSchema.parse('09')).toBe('09');
    expect(firstMessage(areaCodeSchema.safeParse('11'))).toBe('area must be a two-digit area code 01–10 (got "11")');
    expect(areaCodeSchema.safeParse('1').success).toBe(false);
  });

  it('アンペア変更 is unavailable in 関西, 中国, 四国, 沖縄 only', () => {
    expect([...AMPERE_CHANGE_UNAVAILABLE_AREAS].sort()).toEqual(['06', '07', '08', '10']);
    expect(AREA_CODES.filter(isAmpereChangeAvailable)).toEqual(['01', '02', '03', '04', '05', '09']);
    expect(checkAmpereChangeArea('03')).toBeUndefined();
    const v = checkAmpereChangeArea('07');
    expect(v?.field).toBe('area');
    expect(v?.rule).toBe('ampere-change-area');
    expect(v?.message).toMatch(/^アンペア変更 is not available in area 07 中国 \(Chugoku\)/);
  });
});

describe('supply point ID (供給地点特定番号)', () => {
  const valid = '0612345678901234567890';

  it('accepts 22 digits starting with an area code', () => {
    expect(valid).toHaveLength(22);
    expect(supplyPointIdSchema.parse(valid)).toBe(valid);
    expect(areaOfSupplyPoint(valid)).toBe('06');
    expect(areaOfSupplyPoint('1000000000000000000001')).toBe('10');
  });

  it('names the length it got', () => {
    expect(firstMessage(supplyPointIdSchema.safeParse(valid.slice(0, 21)))).toBe('supplyPointId must be exactly 22 digits (got 21)');
    expect(firstMessage(supplyPointIdSchema.safeParse(valid + '1'))).toBe('supplyPointId must be exactly 22 digits (got 23)');
    expect(firstMessage(supplyPointIdSchema.safeParse(''))).toBe('supplyPointId must be exactly 22 digits (got 0)');
  });

  it('names the area prefix it got', () => {
    expect(firstMessage(supplyPointIdSchema.safeParse('11' + valid.slice(2)))).toBe(
      "supplyPointId: first two digits must be an area code 01–10 (got '11')",
    );
    expect(firstMessage(supplyPointIdSchema.safeParse('00' + valid.slice(2)))).toBe(
      "supplyPointId: first two digits must be an area code 01–10 (got '00')",
    );
  });

  it('refuses non-digits, including full-width digits', () => {
    expect(firstMessage(supplyPointIdSchema.safeParse('06123456789012345678９0'))).toBe(
      "supplyPointId must contain only ASCII digits 0–9 (got '９' at position 21; full-width digits are not accepted)",
    );
    expect(firstMessage(supplyPointIdSchema.safeParse('06-2345678901234567890'))).toMatch(/got '-' at position 3/);
    expect(supplyPointIdSchema.safeParse(12345).success).toBe(false);
  });

  it('receivingPointIdSchema names its own field', () => {
    expect(firstMessage(receivingPointIdSchema.safeParse('123'))).toBe('receivingPointId must be exactly 22 digits (got 3)');
  });

  it('areaOfSupplyPoint throws on a malformed ID', () => {
    expect(() => areaOfSupplyPoint('1100000000000000000000')).toThrow("first two digits must be an area code 01–10 (got '11')");
  });
});

describe('company code (事業者コード)', () => {
  it('accepts 5 digits; the last digit is the (provisional) area digit', () => {
    expect(companyCodeSchema.parse('12343')).toBe('12343');
    expect(areaOfCompany('12343')).toBe('03');
    expect(areaOfCompany('98766')).toBe('06');
    expect(areaOfCompany('12340')).toBe('10');
    expect(Object.values(PROVISIONAL_AREA_DIGIT).sort()).toEqual([...AREA_CODES]);
  });

  it('refuses other shapes with clear messages', () => {
    expect(firstMessage(companyCodeSchema.safeParse('1234'))).toBe('companyCode must be exactly 5 digits (got 4)');
    expect(firstMessage(companyCodeSchema.safeParse('123456'))).toBe('companyCode must be exactly 5 digits (got 6)');
    expect(firstMessage(companyCodeSchema.safeParse('A2343'))).toMatch(/^companyCode must contain only ASCII digits 0–9 \(got 'A' at position 1/);
    expect(() => areaOfCompany('1234')).toThrow('companyCode must be exactly 5 digits (got 4)');
  });
});

describe('categories', () => {
  it('labels and schema', () => {
    expect(CATEGORY_LABELS).toEqual({ LV: '低圧託送', HV: '高圧500kW未満', FIT: '低圧FIT電源' });
    expect(categorySchema.parse('FIT')).toBe('FIT');
    expect(firstMessage(categorySchema.safeParse('lv'))).toMatch(/^category must be one of LV .*\(got "lv"\)$/);
  });
});

describe('task queues', () => {
  it('one OCCTO queue per company code', () => {
    expect(occtoTaskQueue('12343')).toBe('occto.12343');
    expect(WORKFLOWS_TASK_QUEUE).toBe('denki-flow.workflows');
    expect(() => occtoTaskQueue('')).toThrow(/exactly 5 digits \(got 0\)/);
    expect(() => occtoTaskQueue(undefined as unknown as string)).toThrow(/must be a string/);
  });
});

describe('violations', () => {
  it('formatViolations lists field, rule and message', () => {
    expect(formatViolations([])).toBe('no violations');
    expect(
      formatViolations([
        { field: 'a', rule: 'r1', message: 'm1' },
        { field: 'b', rule: 'r2', message: 'm2' },
      ]),
    ).toBe('a [r1]: m1; b [r2]: m2');
  });

  it('violationsFromZodError keeps the schema message and path', () => {
    const r = supplyPointIdSchema.safeParse('123');
    expect(r.success).toBe(false);
    expect(violationsFromZodError(r.error!, 'supplyPointId')).toEqual([
      { field: 'supplyPointId', rule: 'custom', message: 'supplyPointId must be exactly 22 digits (got 3)' },
    ]);
  });
});
