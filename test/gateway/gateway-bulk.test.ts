// CSV bulk starts against a real Temporal dev server: every row judged on its own (started, existing,
// conflict, invalid with field-level violations), starts paced at the configured rate, a resent file
// is safe, and file-level problems (columns, quotes, charset, size, row count) refuse the file with
// 400/413/415. No worker is needed: the workflows only have to exist.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPANY, jstDay, supplyPoint } from '../../systems/occto/test/harness.js';
import { createDevServerEnv } from '../support/temporal-env.js';
import { call, isErrorShape, startGateway, type ErrorShape, type TestGateway } from './support.js';

let env: TestWorkflowEnvironment;
let gw: TestGateway;
let small: TestGateway;
const RATE = 5;

type Row = { row: number; line: number; outcome: string; workflowId?: string; violations?: { field: string; rule: string }[]; message?: string };
type Bulk = { summary: Record<string, number>; results: Row[] };

beforeAll(async () => {
  env = await createDevServerEnv();
  gw = await startGateway(env.client, { bulkRowsPerSecond: RATE });
  small = await startGateway(env.client, { bulkRowsPerSecond: 100, bulkMaxRows: 3, bulkMaxBytes: 2_000 });
}, 120_000);

afterAll(async () => {
  await gw?.close();
  await small?.close();
  await env?.teardown();
});

const csv = (base: string, path: string, body: string | Buffer, contentType = 'text/csv; charset=utf-8', role: 'app' | 'operator' | 'read-only' = 'app') =>
  call<Bulk>(base, 'POST', path, { role, headers: { 'content-type': contentType }, body });
const byRow = (b: Bulk) => Object.fromEntries(b.results.map((r) => [r.row, r]));
const fields = (r: Row | undefined) => (r?.violations ?? []).map((v) => v.field).sort();

describe('POST /v1/switching-in/bulk', () => {
  const a = supplyPoint('100');
  const b = supplyPoint('100');
  const c = supplyPoint('100');
  const start = jstDay(Date.now(), 10);
  const reading = jstDay(Date.now(), 40);
  const header = 'company,category,supplyPointId,supplyStartDate,nextButOneMeterReadingDate,customer.name,customer.kana,customer.address,customer.phone,reference,options.pollInterval';
  const row = (point: string, address: string, extra = '') => `${COMPANY},LV,${point},${start},${reading},一括 太郎,イッカツ タロウ,${address},06-6441-8821,bulk-1,${extra || '30 minutes'}`;
  const file = [
    `\uFEFF${header}`, // a BOM, as spreadsheets write it
    row(a, '大阪府大阪市北区1-1'), // 2: started
    row(b, '大阪府大阪市北区2-2'), // 3: started
    `${COMPANY},LV,030000000000000000001,${start},${reading},一括 太郎,ikkatsu,大阪府,,bulk-1,`, // 4: invalid point and kana
    row(a, '大阪府大阪市北区1-1'), // 5: the same as row 2 → existing
    row(a, '大阪府大阪市北区9-9'), // 6: same key as row 2, different input → conflict
    `${COMPANY},LV,${c}`, // 7: ragged
    `${COMPANY},LV,${c},${start},${reading},一括 太郎,イッカツ タロウ,"大阪府大阪市北区3-3, ""梅田""\n3階",,bulk-1,`, // 8-9: quotes, comma and newline in a cell → started
    `${COMPANY},LV,${supplyPoint('100')},${start},${reading},一括 太郎,イッカツ タロウ,大阪府,,bulk-1,0 seconds`, // 10: option below its floor
    '',
  ].join('\r\n');

  it('judges each row on its own, paced at the configured rate, with per-row results', async () => {
    const t0 = Date.now();
    const r = await csv(gw.url, '/v1/switching-in/bulk', file);
    const elapsed = Date.now() - t0;
    expect(r.status).toBe(200);
    const rows = byRow(r.body);
    expect(rows[2]).toMatchObject({ outcome: 'started', workflowId: `switching-in/${COMPANY}/${a}` });
    expect(rows[3]).toMatchObject({ outcome: 'started', workflowId: `switching-in/${COMPANY}/${b}` });
    expect(rows[4]!.outcome).toBe('invalid');
    expect(fields(rows[4])).toEqual(['customer.kana', 'supplyPointId']);
    expect(rows[5]).toMatchObject({ outcome: 'existing', workflowId: `switching-in/${COMPANY}/${a}` });
    expect(rows[6]).toMatchObject({ outcome: 'conflict', workflowId: `switching-in/${COMPANY}/${a}` });
    expect(rows[6]!.message).toContain(`switching-in/${COMPANY}/${a}`);
    expect(rows[7]).toMatchObject({ outcome: 'invalid', violations: [{ field: 'row', rule: 'column-count' }] });
    expect(rows[8]).toMatchObject({ outcome: 'started', workflowId: `switching-in/${COMPANY}/${c}`, line: 9 });
    expect(rows[9]).toMatchObject({ outcome: 'invalid' });
    expect(fields(rows[9])).toEqual(['options.pollInterval']);
    expect(r.body.summary).toMatchObject({ rows: 8, started: 3, existing: 1, conflict: 1, invalid: 3, failed: 0 });
    // Five valid rows reached Temporal, one every 1/RATE s at most.
    expect(elapsed).toBeGreaterThanOrEqual(((5 - 1) / RATE) * 1000 - 50);

    // The workflow carries the row's input (decoded from the encrypted history) and its search attributes.
    const d = await env.client.workflow.getHandle(`switching-in/${COMPANY}/${c}`).describe();
    expect(d.typedSearchAttributes.get({ name: 'DenkiKind', type: 'KEYWORD' } as never)).toBe('switching-in');
  });

  it('is safe to send again: started rows come back as existing, the rest as before', async () => {
    const r = await csv(gw.url, '/v1/switching-in/bulk', file);
    expect(r.status).toBe(200);
    expect(r.body.summary).toMatchObject({ rows: 8, started: 0, existing: 4, conflict: 1, invalid: 3 });
  });

  it('accepts Shift_JIS when the charset says so', async () => {
    const point = supplyPoint('100');
    const text = `${header}\r\n${row(point, '大阪府大阪市北区4-4')}\r\n`;
    // Encode as Shift_JIS without a library: TextDecoder can decode it; build the bytes by trying each char.
    const sjis = encodeShiftJis(text);
    const r = await csv(gw.url, '/v1/switching-in/bulk', sjis, 'text/csv; charset=Shift_JIS');
    expect(r.status).toBe(200);
    expect(r.body.results[0]).toMatchObject({ outcome: 'started', workflowId: `switching-in/${COMPANY}/${point}` });
    const input = await env.client.workflow.getHandle(`switching-in/${COMPANY}/${point}`).fetchHistory();
    expect(input.events?.length).toBeGreaterThan(0);
  });
});

describe('POST /v1/occto-operations/applications/bulk', () => {
  it('mixes kinds in one file; a kind OCCTO does not offer in the area and a bad boolean are invalid rows', async () => {
    const header = 'kind,company,category,supplyPointId,reference,desiredDate,withRemoval,amperes,customer.name,customer.kana,customer.address,changes.address';
    const d = '2027-02-01';
    const lines = [
      header,
      `DISCONTINUATION,${COMPANY},LV,${supplyPoint('100')},b-1,${d},true,,,,,`, // 2
      `AMPERE_CHANGE,${COMPANY},LV,${supplyPoint('100', '03')},b-2,${d},,40,,,,`, // 3
      `AMPERE_CHANGE,${COMPANY},LV,${supplyPoint('100', '06')},b-3,${d},,40,,,,`, // 4: not offered in Kansai
      `RECONNECTION,${COMPANY},LV,${supplyPoint('100')},b-4,${d},,,再点 花子,サイテン ハナコ,京都府京都市,`, // 5
      `CUSTOMER_INFO_CHANGE,${COMPANY},FIT,${supplyPoint('100')},b-5,${d},,,,,,東京都港区1-1`, // 6
      `DISCONTINUATION,${COMPANY},LV,${supplyPoint('100')},b-6,${d},yes,,,,,`, // 7: withRemoval is not a boolean
      `AMPERE_CHANGE,${COMPANY},LV,${supplyPoint('100', '03')},b-7,${d},,45,,,,`, // 8: not an ampere step
      `DISCONTINUATION,${COMPANY},LV,${supplyPoint('100')},b-8,${d},false,,名前,,,`, // 9: customer on a discontinuation
    ];
    const r = await csv(gw.url, '/v1/occto-operations/applications/bulk', lines.join('\n'), 'text/csv', 'operator');
    expect(r.status).toBe(200);
    const rows = byRow(r.body);
    for (const n of [2, 3, 5, 6]) expect(rows[n]!.outcome, `row ${n}`).toBe('started');
    expect(rows[2]!.workflowId).toMatch(/^occto-application\/12346\/discontinuation\/\d{22}\/b-1$/);
    expect(rows[4]).toMatchObject({ outcome: 'invalid', violations: [{ field: 'supplyPointId', rule: 'operation-area' }] });
    expect(fields(rows[7])).toEqual(['withRemoval']);
    expect(fields(rows[8])).toEqual(['amperes']);
    expect(fields(rows[9])).toEqual(['customer']);
    expect(r.body.summary).toMatchObject({ rows: 8, started: 4, invalid: 4 });
  });
});

describe('file-level refusals', () => {
  const err = (b: unknown) => (b as ErrorShape).error;
  const header = 'company,category,supplyPointId,supplyStartDate,customer.name,customer.kana,customer.address';

  it('names unknown, repeated and missing columns (400)', async () => {
    const r = await csv(gw.url, '/v1/switching-in/bulk', `${header},customer.birthday,company\n1,2,3,4,5,6,7,8,9\n`);
    expect(r.status).toBe(400);
    expect(err(r.body).violations.map((v) => [v.field, v.rule])).toEqual([
      ['header.8', 'unknown-column'],
      ['header.9', 'duplicate-column'],
    ]);
    const missing = await csv(gw.url, '/v1/switching-in/bulk', 'company,category\n12346,LV\n');
    expect(missing.status).toBe(400);
    expect(err(missing.body).violations.map((v) => v.field)).toEqual(['supplyPointId', 'supplyStartDate', 'customer.name', 'customer.kana', 'customer.address']);
  });

  it('refuses an unclosed quote, a header without rows, an empty body and bytes that are not UTF-8 (400)', async () => {
    for (const [body, rule] of [
      [`${header}\n12346,LV,"0300,x,y,z,a,b\n`, 'CSV_QUOTE_NOT_CLOSED'],
      [`${header}\n`, 'min-rows'],
      ['', undefined],
      [Buffer.from([0x63, 0x6f, 0xff, 0xfe, 0x0a]), 'encoding'],
    ] as const) {
      const r = await csv(gw.url, '/v1/switching-in/bulk', body);
      expect(r.status, String(body)).toBe(400);
      expect(isErrorShape(r.body)).toBe(true);
      expect(err(r.body).violations[0]!.field).toBe('body');
      if (rule) expect(err(r.body).violations[0]!.rule).toBe(rule);
    }
  });

  it('refuses JSON and unknown charsets (415), too many rows and too many bytes (413)', async () => {
    const json = await call(gw.url, 'POST', '/v1/switching-in/bulk', { role: 'app', body: { company: COMPANY } });
    expect(json.status).toBe(415);
    expect(err(json.body).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const latin = await csv(gw.url, '/v1/switching-in/bulk', `${header}\n`, 'text/csv; charset=latin1');
    expect(latin.status).toBe(415);
    expect(err(latin.body).violations[0]).toMatchObject({ field: 'headers.content-type', rule: 'charset' });

    const rows = Array.from({ length: 4 }, (_, i) => `${COMPANY},LV,${supplyPoint('100')},2027-01-0${i + 1},a,ア,b`);
    const many = await csv(small.url, '/v1/switching-in/bulk', [header, ...rows].join('\n'));
    expect(many.status).toBe(413);
    expect(err(many.body).violations[0]).toMatchObject({ field: 'body', rule: 'max-rows' });
    const big = await csv(small.url, '/v1/switching-in/bulk', `${header}\n${'x'.repeat(3_000)}\n`);
    expect(big.status).toBe(413);
    expect(err(big.body).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('needs the start permission', async () => {
    const r = await csv(gw.url, '/v1/switching-in/bulk', `${header}\n`, 'text/csv', 'read-only');
    expect(r.status).toBe(403);
  });
});

/** Shift_JIS bytes of `text` (JIS X 0208 + ASCII), found by decoding candidate byte pairs once. */
function encodeShiftJis(text: string): Buffer {
  const dec = new TextDecoder('shift_jis');
  const table = new Map<string, number[]>();
  for (let hi = 0x81; hi <= 0xef; hi++) {
    if (hi >= 0xa0 && hi <= 0xdf) continue;
    for (let lo = 0x40; lo <= 0xfc; lo++) {
      if (lo === 0x7f) continue;
      const ch = dec.decode(Uint8Array.of(hi, lo));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [hi, lo]);
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const bytes = table.get(ch);
      if (!bytes) throw new Error(`no Shift_JIS for ${ch}`);
      out.push(...bytes);
    }
  }
  return Buffer.from(out);
}
