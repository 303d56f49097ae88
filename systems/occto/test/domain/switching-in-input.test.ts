// systems/occto/domain/switching-in.ts: the input of the new-retailer switching workflow, the corrections a person
// may make after NG, and the workflow ID. Refusals are checked field by field, as the client, the
// CLI and the workflow all report them.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { violationsFromZodError, type DomainRuleViolation } from '../../../../domain/errors.js';
import {
  switchingInCorrectionSchema,
  switchingInInputSchema,
  switchingInWorkflowId,
  type SwitchingInInput,
} from '../../domain/switching-in.js';

const MIN = 60_000;
const DAY = 86_400_000;

const valid = (): SwitchingInInput => ({
  company: '12346',
  category: 'LV',
  supplyPointId: '0612345678901234567890',
  supplyStartDate: '2026-04-01',
  nextButOneMeterReadingDate: '2026-04-15',
  customer: { name: '山田 太郎', kana: 'ヤマダ タロウ', address: '大阪府大阪市北区1-1-1', phone: '06-1234-5678' },
  reference: 'contract-2026/04:A_1.x',
});

/** The violations of a refused parse, or a failed expectation when it was accepted. */
function refusals(r: { success: boolean; error?: z.ZodError }): DomainRuleViolation[] {
  expect(r.success, 'expected the input to be refused').toBe(false);
  return r.error ? violationsFromZodError(r.error) : [];
}
const violationsOf = (input: unknown) => refusals(switchingInInputSchema.safeParse(input));
const correctionViolationsOf = (input: unknown) => refusals(switchingInCorrectionSchema.safeParse(input));

/** The first violation of each field. */
const byField = (violations: DomainRuleViolation[]) => {
  const map = new Map<string, DomainRuleViolation>();
  for (const v of violations) if (!map.has(v.field)) map.set(v.field, v);
  return map;
};

describe('switchingInInputSchema: accepted inputs', () => {
  it('accepts a complete LV input and keeps every field', () => {
    const parsed = switchingInInputSchema.parse(valid());
    expect(parsed).toMatchObject({
      company: '12346',
      category: 'LV',
      supplyPointId: '0612345678901234567890',
      supplyStartDate: '2026-04-01',
      nextButOneMeterReadingDate: '2026-04-15',
      customer: { name: '山田 太郎', kana: 'ヤマダ タロウ', address: '大阪府大阪市北区1-1-1', phone: '06-1234-5678' },
      reference: 'contract-2026/04:A_1.x',
    });
  });

  it('fills the option defaults when options are absent', () => {
    const parsed = switchingInInputSchema.parse(valid());
    expect(parsed.options).toEqual({
      pollInterval: 15 * MIN,
      decisionDeadline: 3 * DAY,
      reminderInterval: DAY,
      unannouncedOutageRetry: 15 * MIN,
    });
    expect(parsed.options.maintenance).toBeUndefined();
  });

  it('fills the defaults of the options that are left out and converts the given ones to milliseconds', () => {
    const parsed = switchingInInputSchema.parse({ ...valid(), options: { pollInterval: '5 minutes', decisionDeadline: '2d', reminderInterval: 3_600_000 } });
    expect(parsed.options).toEqual({
      pollInterval: 5 * MIN,
      decisionDeadline: 2 * DAY,
      reminderInterval: 3_600_000,
      unannouncedOutageRetry: 15 * MIN,
    });
  });

  it('accepts a maintenance configuration in the options', () => {
    const maintenance = {
      weekly: [{ dayOfWeek: 0, start: '00:00', end: '06:00' }],
      perArea: { '06': [{ dayOfWeek: 0, start: '01:00', end: '03:00', label: 'Kansai' }] },
      adHoc: [{ start: Date.UTC(2026, 3, 1), end: Date.UTC(2026, 3, 1, 2), area: '06', reason: 'announced' }],
    };
    const parsed = switchingInInputSchema.parse({ ...valid(), options: { maintenance } });
    expect(parsed.options.maintenance).toEqual(maintenance);
    expect(parsed.options.pollInterval).toBe(15 * MIN);
  });

  it('trims the customer name, kana and address', () => {
    const parsed = switchingInInputSchema.parse({ ...valid(), customer: { name: '  山田 太郎 ', kana: '\u3000ヤマダ タロウ\u3000', address: ' 大阪府 ' } });
    expect(parsed.customer).toEqual({ name: '山田 太郎', kana: 'ヤマダ タロウ', address: '大阪府' });
  });

  it('accepts full-width and half-width katakana, the middle dot and the long-vowel mark in kana', () => {
    for (const kana of ['ヤマダ・タロウ', 'スズキ ユーコ', 'ﾔﾏﾀﾞ ﾀﾛｳ', 'カブシキガイシャ\u3000デンキ']) {
      expect(switchingInInputSchema.safeParse({ ...valid(), customer: { ...valid().customer, kana } }).success, kana).toBe(true);
    }
  });

  it('accepts HV and FIT, and leaves the optional fields out', () => {
    for (const category of ['HV', 'FIT'] as const) {
      const { nextButOneMeterReadingDate: _n, reference: _r, ...rest } = valid();
      const parsed = switchingInInputSchema.parse({ ...rest, category, customer: { name: 'A', kana: 'ア', address: 'B' } });
      expect(parsed.category).toBe(category);
      expect(parsed.nextButOneMeterReadingDate).toBeUndefined();
      expect(parsed.reference).toBeUndefined();
      expect(parsed.customer.phone).toBeUndefined();
    }
  });

  it('accepts supply point IDs of areas 01 and 10, and a current retailer code', () => {
    expect(switchingInInputSchema.safeParse({ ...valid(), supplyPointId: '0100000000000000000000' }).success).toBe(true);
    expect(switchingInInputSchema.safeParse({ ...valid(), supplyPointId: '1099999999999999999999' }).success).toBe(true);
    expect(switchingInInputSchema.parse({ ...valid(), currentRetailerCode: '98760' }).currentRetailerCode).toBe('98760');
  });

  it('accepts phone numbers of 10 to 13 digits or hyphens', () => {
    for (const phone of ['0612345678', '090-1234-5678', '0120-123-456']) {
      expect(switchingInInputSchema.safeParse({ ...valid(), customer: { ...valid().customer, phone } }).success, phone).toBe(true);
    }
  });
});

describe('switchingInInputSchema: refusals name the field and the rule', () => {
  it('reports every bad field of one input at once', () => {
    const v = byField(
      violationsOf({
        company: '1234',
        category: 'LOW',
        supplyPointId: '1100000000000000000001',
        supplyStartDate: '2026-02-30',
        nextButOneMeterReadingDate: '2026/04/15',
        currentRetailerCode: '１２３４６',
        customer: { name: '', kana: 'やまだ', address: '大阪', phone: '+81-6-1234-5678' },
        reference: 'has space',
        options: { pollInterval: 'soon', decisionDeadline: -1 },
      }),
    );
    expect([...v.keys()].sort()).toEqual(
      [
        'company',
        'category',
        'supplyPointId',
        'supplyStartDate',
        'nextButOneMeterReadingDate',
        'currentRetailerCode',
        'customer.name',
        'customer.kana',
        'customer.phone',
        'reference',
        'options.pollInterval',
        'options.decisionDeadline',
      ].sort(),
    );
    expect(v.get('company')).toEqual({ field: 'company', rule: 'custom', message: 'company must be exactly 5 digits (got 4)' });
    expect(v.get('category')?.rule).toBe('invalid_value');
    expect(v.get('category')?.message).toBe('category must be one of LV (低圧託送), HV (高圧500kW未満), FIT (低圧FIT電源) (got "LOW")');
    expect(v.get('supplyPointId')?.message).toBe("supplyPointId: first two digits must be an area code 01–10 (got '11')");
    expect(v.get('supplyStartDate')?.message).toBe("'2026-02-30' is not a calendar date: 2026-02 has 28 days");
    expect(v.get('nextButOneMeterReadingDate')?.message).toBe("must be a date in the form 'YYYY-MM-DD' (got '2026/04/15')");
    expect(v.get('currentRetailerCode')?.message).toContain('full-width digits are not accepted');
    expect(v.get('customer.name')).toEqual({ field: 'customer.name', rule: 'too_small', message: 'customer.name is required' });
    expect(v.get('customer.kana')).toEqual({ field: 'customer.kana', rule: 'invalid_format', message: 'customer.kana must be katakana' });
    expect(v.get('customer.phone')).toEqual({
      field: 'customer.phone',
      rule: 'invalid_format',
      message: 'customer.phone must start with 0 and hold digits, with hyphens only between digits',
    });
    expect(v.get('reference')).toEqual({ field: 'reference', rule: 'invalid_format', message: 'reference may hold letters, digits and . : / - _ only' });
    expect(v.get('options.pollInterval')?.message).toBe('must be a duration like "15 minutes", "2h" or a number of milliseconds (got "soon")');
    expect(v.get('options.decisionDeadline')?.message).toContain('(got -1)');
  });

  it('names each missing required field', () => {
    const v = byField(violationsOf({}));
    expect([...v.keys()].sort()).toEqual(['category', 'company', 'customer', 'supplyPointId', 'supplyStartDate']);
    expect(v.get('company')?.rule).toBe('invalid_type');
    expect(v.get('company')?.message).toBe('company must be a string of 5 digits');
    expect(v.get('supplyPointId')?.message).toBe('supplyPointId must be a string of 22 digits');
    expect(v.get('supplyStartDate')?.message).toBe("must be a date string 'YYYY-MM-DD'");
  });

  it('names the missing customer fields', () => {
    const v = byField(violationsOf({ ...valid(), customer: {} }));
    expect([...v.keys()].sort()).toEqual(['customer.address', 'customer.kana', 'customer.name']);
  });

  it('refuses unknown top-level fields (strict), naming the key', () => {
    const v = violationsOf({ ...valid(), customerName: '山田', email: 'a@example.com' });
    expect(v).toHaveLength(1);
    expect(v[0]?.rule).toBe('unrecognized_keys');
    expect(v[0]?.field).toBe('input');
    expect(v[0]?.message).toContain('customerName');
    expect(v[0]?.message).toContain('email');
  });

  it('refuses supply point IDs of the wrong length, with non-digits or with area 00', () => {
    const message = (supplyPointId: string) => byField(violationsOf({ ...valid(), supplyPointId })).get('supplyPointId')?.message;
    expect(message('061234567890123456789')).toBe('supplyPointId must be exactly 22 digits (got 21)');
    expect(message('06123456789012345678901')).toBe('supplyPointId must be exactly 22 digits (got 23)');
    expect(message('06123456789012345678９0')).toBe("supplyPointId must contain only ASCII digits 0–9 (got '９' at position 21; full-width digits are not accepted)");
    expect(message('0012345678901234567890')).toBe("supplyPointId: first two digits must be an area code 01–10 (got '00')");
  });

  it('refuses company codes with letters and a category in lower case', () => {
    const v = byField(violationsOf({ ...valid(), company: '1234A', category: 'lv' }));
    expect(v.get('company')?.message).toBe("company must contain only ASCII digits 0–9 (got 'A' at position 5; full-width digits are not accepted)");
    expect(v.get('category')?.rule).toBe('invalid_value');
  });

  it('refuses hiragana, kanji and Latin letters as kana', () => {
    for (const kana of ['やまだ', '山田', 'YAMADA', 'ヤマダ太郎']) {
      const v = byField(violationsOf({ ...valid(), customer: { ...valid().customer, kana } }));
      expect(v.get('customer.kana')?.message, kana).toBe('customer.kana must be katakana');
    }
  });

  it('refuses white space only as name or kana (after trimming)', () => {
    const v = violationsOf({ ...valid(), customer: { ...valid().customer, name: '   ', kana: '\u3000' } });
    const messages = (field: string) => v.filter((x) => x.field === field).map((x) => x.message);
    expect(messages('customer.name')).toEqual(['customer.name is required']);
    expect(messages('customer.kana')).toContain('customer.kana is required'); // the ideographic space is trimmed too
  });

  it('enforces the length limits of name, kana, address and reference', () => {
    const v = byField(
      violationsOf({
        ...valid(),
        customer: { name: 'あ'.repeat(81), kana: 'ア'.repeat(81), address: 'x'.repeat(201) },
        reference: 'r'.repeat(65),
      }),
    );
    expect(v.get('customer.name')?.message).toBe('customer.name must be at most 80 characters');
    expect(v.get('customer.kana')?.message).toBe('customer.kana must be at most 80 characters');
    expect(v.get('customer.address')?.message).toBe('customer.address must be at most 200 characters');
    expect(v.get('reference')?.message).toBe('reference must be at most 64 characters');
    // Exactly at the limits is fine.
    expect(
      switchingInInputSchema.safeParse({ ...valid(), customer: { name: 'あ'.repeat(80), kana: 'ア'.repeat(80), address: 'x'.repeat(200) }, reference: 'r'.repeat(64) })
        .success,
    ).toBe(true);
  });

  it('refuses phone numbers that are too short, too long or hold other characters', () => {
    for (const phone of ['06-123-45', '090-1234-56789']) {
      const v = byField(violationsOf({ ...valid(), customer: { ...valid().customer, phone } }));
      expect(v.get('customer.phone')?.message, phone).toBe('customer.phone must have 10 or 11 digits');
    }
    for (const phone of ['06(1234)5678', '０６１２３４５６７８', '----------', '6-6441-8821', '06--6441-8821', '06-6441-8821-']) {
      const v = byField(violationsOf({ ...valid(), customer: { ...valid().customer, phone } }));
      expect(v.get('customer.phone')?.message, phone).toBe('customer.phone must start with 0 and hold digits, with hyphens only between digits');
    }
    for (const phone of ['06-6441-8821', '0664418821', '090-1234-5678']) {
      expect(switchingInInputSchema.safeParse({ ...valid(), customer: { ...valid().customer, phone } }).success, phone).toBe(true);
    }
  });

  it('refuses a reference with personal-looking or non-ASCII content', () => {
    for (const reference of ['山田', 'a@b', 'a b', 'a,b']) {
      expect(byField(violationsOf({ ...valid(), reference })).get('reference')?.rule, reference).toBe('invalid_format');
    }
  });

  it('reports problems inside the maintenance options with their full path', () => {
    const v = byField(
      violationsOf({
        ...valid(),
        options: {
          maintenance: {
            weekly: [{ dayOfWeek: 7, start: '00:00', end: '06:00' }, { dayOfWeek: 0, start: '06:00', end: '05:00' }],
            adHoc: [{ start: 2_000, end: 1_000 }],
          },
        },
      }),
    );
    expect(v.get('options.maintenance.weekly.0.dayOfWeek')?.message).toBe('dayOfWeek must be an integer 0–6 (0 = Sunday, JST) (got 7)');
    expect(v.get('options.maintenance.weekly.1.end')?.message).toContain('must be after start 06:00');
    expect(v.get('options.maintenance.adHoc.0.end')?.message).toContain('must be after start');
    // The per-area key check is a refinement of the whole configuration: it runs once the windows are valid.
    const perArea = violationsOf({ ...valid(), options: { maintenance: { weekly: [], perArea: { '11': [] } } } });
    expect(perArea).toEqual([
      { field: 'options.maintenance.perArea.11', rule: 'custom', message: "perArea key must be an area code 01–10 (got '11')" },
    ]);
  });

  it('refuses a non-object input', () => {
    for (const input of [undefined, null, 'input', 42, []]) {
      const v = violationsOf(input);
      expect(v).toHaveLength(1);
      expect(v[0]?.field).toBe('input');
      expect(v[0]?.rule).toBe('invalid_type');
    }
  });
});

describe('switchingInCorrectionSchema', () => {
  it('accepts an empty correction and each correctable field', () => {
    expect(switchingInCorrectionSchema.parse({})).toEqual({});
    const parsed = switchingInCorrectionSchema.parse({
      supplyStartDate: '2026-05-01',
      nextButOneMeterReadingDate: '2026-05-20',
      currentRetailerCode: '98760',
      customer: { kana: ' ヤマダ ハナコ ' },
    });
    expect(parsed).toEqual({
      supplyStartDate: '2026-05-01',
      nextButOneMeterReadingDate: '2026-05-20',
      currentRetailerCode: '98760',
      customer: { kana: 'ヤマダ ハナコ' },
    });
  });

  it('refuses fields that may not be corrected (the business key, the category, the options)', () => {
    const v = correctionViolationsOf({ supplyPointId: '0612345678901234567890', company: '12346', category: 'HV', options: {} });
    expect(v).toHaveLength(1);
    expect(v[0]?.field).toBe('input');
    expect(v[0]?.rule).toBe('unrecognized_keys');
    for (const key of ['supplyPointId', 'company', 'category', 'options']) expect(v[0]?.message).toContain(key);
  });

  it('refuses unknown customer fields, naming the customer path', () => {
    const v = correctionViolationsOf({ customer: { email: 'a@example.com' } });
    expect(v).toEqual([{ field: 'customer', rule: 'unrecognized_keys', message: expect.stringContaining('email') as unknown as string }]);
  });

  it('applies the same field rules as the input', () => {
    const v = byField(
      correctionViolationsOf(
        { supplyStartDate: '2026-13-01', currentRetailerCode: '123', customer: { kana: 'やまだ', phone: 'abc', name: '' } },
      ),
    );
    expect(v.get('supplyStartDate')?.message).toBe("'2026-13-01' is not a calendar date: month 13 is not 01–12");
    expect(v.get('currentRetailerCode')?.message).toBe('currentRetailerCode must be exactly 5 digits (got 3)');
    expect(v.get('customer.kana')?.message).toBe('customer.kana must be katakana');
    expect(v.get('customer.phone')?.message).toBe('customer.phone must start with 0 and hold digits, with hyphens only between digits');
    expect(v.get('customer.name')?.message).toBe('customer.name is required');
  });
});

describe('switchingInWorkflowId', () => {
  it('is built from the company and the supply point only', () => {
    expect(switchingInWorkflowId('12346', '0612345678901234567890')).toBe('switching-in/12346/0612345678901234567890');
  });

  it('differs per company and per supply point', () => {
    const a = switchingInWorkflowId('12346', '0612345678901234567890');
    expect(switchingInWorkflowId('12347', '0612345678901234567890')).not.toBe(a);
    expect(switchingInWorkflowId('12346', '0612345678901234567891')).not.toBe(a);
  });

  it('holds no personal data of a parsed input', () => {
    const input = switchingInInputSchema.parse(valid());
    const id = switchingInWorkflowId(input.company, input.supplyPointId);
    for (const personal of [input.customer.name, input.customer.kana, input.customer.address, input.customer.phone ?? '']) {
      expect(id).not.toContain(personal);
    }
  });
});

describe('switchingInInputSchema: nested objects are strict and durations have floors', () => {
  const base = {
    company: '12346',
    category: 'LV',
    supplyPointId: '0300000000000000000100',
    supplyStartDate: '2026-12-01',
    nextButOneMeterReadingDate: '2027-01-10',
    customer: { name: '電気 太郎', kana: 'デンキ タロウ', address: '大阪府' },
  };
  it('refuses a misspelt option and an unknown customer field instead of dropping them', () => {
    const r = switchingInInputSchema.safeParse({ ...base, options: { pollIntervall: '5m' }, customer: { ...base.customer, foo: 1 } });
    expect(r.success).toBe(false);
    const fields = violationsFromZodError(r.error!).map((v) => `${v.field}:${v.rule}`);
    expect(fields).toEqual(expect.arrayContaining(['options:unrecognized_keys', 'customer:unrecognized_keys']));
  });
  it('refuses a zero reminder interval and a zero poll interval', () => {
    const r = switchingInInputSchema.safeParse({ ...base, options: { reminderInterval: 0, pollInterval: '0s' } });
    expect(violationsFromZodError(r.error!).map((v) => `${v.field}: ${v.message}`)).toEqual(
      expect.arrayContaining(['options.reminderInterval: must be at least 1 minute', 'options.pollInterval: must be at least 1 second']),
    );
  });
});
