// activities/customer-records: the relay vs our records. Names, kana and addresses are compared
// after normalising full-width/half-width, spaces, hiragana/katakana and address notation; the
// result names fields, never values.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { compareWithRecord, createCustomerRecordActivities } from '../../activities/customer-records/activities.js';
import { normaliseAddress, normaliseKana, normaliseName } from '../../activities/customer-records/normalise.js';
import type { CustomerRecord } from '../../activities/customer-records/records-file.js';

const POINT = '0312345678901234567890';
const record = (over: Partial<CustomerRecord> = {}): CustomerRecord => ({
  company: '12346',
  category: 'LV',
  supplyPointId: POINT,
  status: 'ACTIVE',
  customer: { name: '電気 太郎', kana: 'デンキ タロウ', address: '東京都千代田区丸の内3丁目6番16号' },
  ...over,
});
const dir = mkdtempSync(join(tmpdir(), 'records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('normalisation', () => {
  it('full-width, half-width and spaces', () => {
    expect(normaliseName('電気　太郎')).toBe(normaliseName('電気太郎'));
    expect(normaliseName('ＡＢＣ 商事')).toBe(normaliseName('abc商事'));
    expect(normaliseKana('ﾃﾞﾝｷ ﾀﾛｳ')).toBe(normaliseKana('デンキ タロウ'));
    expect(normaliseKana('でんき・たろう')).toBe(normaliseKana('デンキタロウ'));
  });

  it('address notation: 丁目/番/号, full-width digits and dashes', () => {
    expect(normaliseAddress('東京都千代田区丸の内3丁目6番16号')).toBe(normaliseAddress('東京都千代田区丸の内３－６－１６'));
    expect(normaliseAddress('大阪市北区1ー2ー3')).toBe(normaliseAddress('大阪市北区1-2-3'));
    expect(normaliseAddress('大阪市北区1-2-3')).not.toBe(normaliseAddress('大阪市北区1-2-4'));
  });
});

describe('compareWithRecord', () => {
  const customer = { name: '電気　太郎', kana: 'ﾃﾞﾝｷ ﾀﾛｳ', address: '東京都千代田区丸の内３－６－１６' };

  it('MATCH despite notation differences', () => {
    expect(compareWithRecord(record(), 'LV', customer)).toEqual({ verdict: 'MATCH', mismatchedFields: [], suggestedNgReasons: [] });
  });

  it('MISMATCH names the fields (never values) and suggests reasons', () => {
    const r = compareWithRecord(record(), 'LV', { ...customer, name: '電気 次郎', address: '東京都港区1-1-1' });
    expect(r).toEqual({ verdict: 'MISMATCH', mismatchedFields: ['name', 'address'], suggestedNgReasons: [2, 3] });
    expect(compareWithRecord(record(), 'FIT', customer).mismatchedFields).toEqual(['category']);
  });

  it('NOT_FOUND and NOT_ACTIVE', () => {
    expect(compareWithRecord(undefined, 'LV', customer)).toEqual({ verdict: 'NOT_FOUND', mismatchedFields: [], suggestedNgReasons: [1] });
    expect(compareWithRecord(record({ status: 'ENDED' }), 'LV', customer).verdict).toBe('NOT_ACTIVE');
  });
});

describe('the file-backed activity', () => {
  it('reads the JSON file, re-reads it when it changes, and logs no personal data', async () => {
    const file = join(dir, 'records.json');
    writeFileSync(file, JSON.stringify({ records: [record()] }));
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
    const acts = createCustomerRecordActivities({ filePath: file, logger });
    const input = { company: '12346', category: 'LV' as const, supplyPointId: POINT, relayNo: 'R1', customer: { name: '電気 太郎', kana: 'デンキ タロウ', address: '東京都千代田区丸の内3-6-16' } };
    expect((await acts.checkRelayAgainstRecords(input)).verdict).toBe('MATCH');
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(file, JSON.stringify({ records: [record({ status: 'ENDED' })] }));
    expect((await acts.checkRelayAgainstRecords(input)).verdict).toBe('NOT_ACTIVE');
    expect((await acts.checkRelayAgainstRecords({ ...input, supplyPointId: '0399999999999999999999' })).verdict).toBe('NOT_FOUND');
    const log = lines.join('');
    expect(log).toContain('"verdict":"MATCH"');
    for (const pii of ['電気', 'デンキ', '千代田']) expect(log).not.toContain(pii);
    expect(await acts.autoJudgeRule({ company: '12346', category: 'LV' })).toMatchObject({ okWhenMatch: false });
  });

  it('a malformed file is a non-retryable failure naming paths, not values', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ records: [{ ...record(), status: 'MAYBE', customer: { name: '秘密 花子' } }] }));
    const acts = createCustomerRecordActivities({ filePath: file, logger: pino({ level: 'silent' }) });
    const err = (await acts
      .checkRelayAgainstRecords({ company: '12346', category: 'LV', supplyPointId: POINT, relayNo: 'R1', customer: { name: 'x', kana: 'x', address: 'x' } })
      .catch((e: unknown) => e)) as Error & { type?: string; nonRetryable?: boolean };
    expect(err.type).toBe('CustomerRecordsUnavailable');
    expect(err.nonRetryable).toBe(true);
    expect(err.message).toMatch(/records\.0\.status/);
    expect(err.message).not.toContain('秘密');
  });
});
