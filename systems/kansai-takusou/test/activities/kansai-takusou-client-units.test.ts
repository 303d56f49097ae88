// Unit tests of the たくそう君 client pieces that need no server: configuration, the mapping of our
// application to the wire items, document types, response and error classification, redaction,
// record mapping, the file check, and the retry/idempotency logic over a stub transport.
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createTakusouActivities, LOOKUP_MARGIN_MS } from '../../activities/activities.js';
import { applyItems, personalValues, sourceOfItem } from '../../activities/application-items.js';
import { authHeaders, parseTakusouClientConfig } from '../../activities/config.js';
import { TakusouFailure, type ApplicationData } from '../../activities/contract.js';
import { WIRE_DOCUMENT_TYPE } from '../../activities/document-types.js';
import { classifyTransportError, interpretResponse, redactedExcerpt, scrub, serviceErrorCode } from '../../activities/errors.js';
import { acceptanceOf, calculationOf, groupResultOf, noticeOf, processOf, resultOf } from '../../activities/records.js';
import { buildJsonBody, jstDateTime, parseJstDateTime, type ServiceName } from '../../activities/provisional-wire-format.js';
import { BadFileError, openCheckedFile, TransportTimeoutError, UnknownCompanyError, type Transport, type TransportResponse } from '../../activities/transport.js';
import { DOCUMENT_TYPES, type ConstructionKind } from '../../domain/construction.js';

const COMPANY = '12346';
const SITE = { customerName: '山田 太郎', address: '京都府京都市下京区烏丸通七条下ル東塩小路町721-1', phone: '075-123-4567' };
const PII = [SITE.customerName, SITE.address, SITE.phone];
const quietSdkLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function application(kind: ConstructionKind, over: Partial<ApplicationData> = {}): ApplicationData {
  const base: ApplicationData = { kind, reference: 'wf-1', site: SITE, desiredDate: '2030-07-01', equipment: [] };
  if (kind === 'JOJI') return { ...base, supplyTypes: ['DENTO'], contractAmperes: 40, equipment: [{ name: '照明', capacityKw: 1, quantity: 2 }], ...over };
  if (kind === 'RINJI') return { ...base, supplyTypes: ['DENRYOKU'], contractAmperes: 30, temporaryUntil: '2030-12-20', equipment: [{ name: '動力', capacityKw: 5, quantity: 1 }], ...over };
  if (kind === 'GAIROTO') return { ...base, lamps: [{ lampType: 'LED', wattage: 40, poleNo: 'P-1' }], ...over };
  return { ...base, units: [{ unitNo: '101', supplyType: 'DENTO', contractAmperes: 30, equipment: [] }], ...over };
}

// ---------------------------------------------------------------------------------------------

describe('configuration', () => {
  const base = { baseUrl: 'https://www2.kepcoco.jp/api/low-takusou/', companies: { [COMPANY]: {} } };

  it('defaults: 30 s timeout, no auth headers; a missing final / is added', () => {
    const c = parseTakusouClientConfig({ ...base, baseUrl: 'https://www2.kepcoco.jp/api/low-takusou' });
    expect(c.baseUrl).toBe('https://www2.kepcoco.jp/api/low-takusou/');
    expect(c.timeoutMs).toBe(30_000);
    expect(authHeaders(c.companies[COMPANY])).toEqual({});
  });

  it('the auth hook: apiKey in its header (X-API-Key by default) plus fixed headers', () => {
    const c = parseTakusouClientConfig({ ...base, companies: { [COMPANY]: { apiKey: 'k', headers: { 'Ocp-Apim-Subscription-Key': 's' } } } });
    expect(authHeaders(c.companies[COMPANY])).toEqual({ 'X-API-Key': 'k', 'Ocp-Apim-Subscription-Key': 's' });
  });

  it.each([
    [{ ...base, baseUrl: 'http://www2.kepcoco.jp/api/low-takusou/' }, /baseUrl: baseUrl must be an https:\/\/ URL/],
    [{ ...base, baseUrl: 'https://www2.kepcoco.jp/api/' }, /baseUrl must end in the base path \/api\/low-takusou\//],
    [{ ...base, timeoutMs: -1 }, /timeoutMs: timeoutMs must be positive/],
    [{ ...base, ca: 'not a pem' }, /ca: ca must be a PEM CA certificate/],
    [{ ...base, companies: {} }, /companies must configure at least one/],
    [{ ...base, companies: { '1234': {} } }, /companies key '1234' must be exactly 5 digits/],
    [{ ...base, companies: { [COMPANY]: { apiKey: 'S3cret-Value', apiKeyHeader: 'Content-Type' } } }, /apiKeyHeader must not be Content-Type/],
    [{ ...base, companies: { [COMPANY]: { headers: { accept: 'S3cret-Value' } } } }, /headers must not set accept/],
    [{ ...base, companies: { [COMPANY]: { password: 'S3cret-Value' } } }, /Unrecognized key|unrecognized/i],
  ])('refuses %j naming the field, never echoing a secret', (input, message) => {
    let error: Error | undefined;
    try {
      parseTakusouClientConfig(input);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('S3cret-Value');
  });
});

describe('application items (domain → wire)', () => {
  const on = { company: COMPANY, requestRef: 'REF-1' };

  it('常時: one supply type, contract in A, equipment with the water heater given explicitly', () => {
    const a = application('JOJI', {
      equipment: [{ name: 'エコキュート', capacityKw: 1.5, quantity: 1, waterHeater: { maker: 'ダイキン', heaterClass: 'エコキュート', capacityLitres: 370, model: 'EQ37' } }],
    });
    const r = applyItems({ ...on, kind: 'JOJI', application: a });
    expect(r).toEqual({
      ok: true,
      service: 'JoJmshkm',
      body: {
        kouriJigyoshaCode: COMPANY,
        jigyoshaKanriNo: 'REF-1',
        juyoshaMei: SITE.customerName,
        juyoshaDenwa: SITE.phone,
        juyoBashoJusho: SITE.address,
        kibouKyokyuKaishiBi: '2030-07-01',
        kyokyuShubetsu: 'DENTO',
        keiyakuShubetsu: '従量電灯',
        keiyakuDenryoku: 40,
        keiyakuDenryokuTani: 'A',
        setsubi: [{ setsubiShubetsu: 'ONSUIKI', setsubiMei: 'エコキュート', daisu: 1, yoryoKw: 1.5, onsuikiMaker: 'ダイキン', onsuikiBunrui: 'エコキュート', onsuikiYoryoL: 370, katashiki: 'EQ37' }],
      },
    });
  });

  it('訂正: teiseiFlag 1 with the number; 臨時 carries its period', () => {
    const r = applyItems({ ...on, kind: 'RINJI', application: application('RINJI'), correctionOf: 'T0000000001' });
    expect(r.ok && r.body).toMatchObject({ teiseiFlag: '1', moshikomiNo: 'T0000000001', keiyakuShubetsu: '臨時電力', shiyoKaishiBi: '2030-07-01', shiyoShuryoBi: '2030-12-20' });
    expect(r.service).toBe('Rnjmshkm');
  });

  it('街路灯: one lamp object at the site address; 集団: units with their contracts', () => {
    const g = applyItems({ ...on, kind: 'GAIROTO', application: application('GAIROTO') });
    expect(g.ok && g.body).toMatchObject({ kyokyuShubetsu: 'DENTO', keiyakuShubetsu: '公衆街路灯A', gairoto: { toshu: 'LED', shohiDenryokuW: 40, secchiBasho: SITE.address, chuBango: 'P-1' } });
    const s = applyItems({ ...on, kind: 'SHUDAN', application: application('SHUDAN') });
    expect(s.service).toBe('Shdnmshkm');
    expect(s.ok && s.body).toMatchObject({ kyokyuShubetsu: 'DENTO', tatemonoMei: SITE.address, juko: [{ heyaBango: '101', keiyakuShubetsu: '従量電灯', keiyakuDenryoku: 30, keiyakuDenryokuTani: 'A' }] });
  });

  it.each([
    ['JOJI', { desiredDate: undefined }, 'kibouKyokyuKaishiBi', /desiredDate/],
    ['JOJI', { equipment: [] }, 'setsubi', /input: equipment/],
    ['JOJI', { supplyTypes: ['DENTO', 'DENRYOKU'] }, 'kyokyuShubetsu', /supplyTypes/],
    ['JOJI', { temporaryUntil: '2030-09-01' }, 'shiyoShuryoBi', /only for 臨時/],
    ['GAIROTO', { equipment: [{ name: 'x', capacityKw: 1, quantity: 1 }] }, 'setsubi', /no equipment list/],
    ['GAIROTO', { contractAmperes: 10 }, 'keiyakuDenryoku', /contractAmperes/],
    ['SHUDAN', { supplyTypes: undefined, units: [{ unitNo: '1', supplyType: 'DENTO', contractAmperes: 30, equipment: [] }, { unitNo: '2', supplyType: 'DENRYOKU', contractAmperes: 30, equipment: [] }] }, 'kyokyuShubetsu', /share one supply type/],
    ['JOJI', { site: { ...SITE, phone: '06-1' } }, 'juyoshaDenwa', /input: site\.phone/],
    ['JOJI', { equipment: [{ name: '温水器', capacityKw: 1, quantity: 1, waterHeater: { maker: 'm', heaterClass: 'c', capacityLitres: 370.5 } }] }, 'setsubi.0.onsuikiYoryoL', /input: equipment\.0\.waterHeater\.capacityLitres/],
  ] as [ConstructionKind, Partial<ApplicationData>, string, RegExp][])('%s %j → refused, item %s', (kind, over, item, message) => {
    const r = applyItems({ ...on, kind, application: application(kind, over) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const found = r.items.find((i) => i.item === item);
    expect(found?.message).toMatch(message);
    for (const pii of PII) expect(JSON.stringify(r.items)).not.toContain(pii);
  });

  it('a kind that differs from the application’s kind is refused', () => {
    const r = applyItems({ ...on, kind: 'RINJI', application: application('JOJI') });
    expect(r.ok || r.items.map((i) => i.item)).toContain('kind');
  });

  it('wire items name our input fields; personal values are the site’s', () => {
    expect(sourceOfItem('juko.3.heyaBango')).toBe('units.3.unitNo');
    expect(sourceOfItem('setsubi.1.daisu')).toBe('equipment.1.quantity');
    expect(sourceOfItem('gairoto.chuBango')).toBe('lamps.0.poleNo');
    expect(sourceOfItem('unknownThing')).toBeUndefined();
    expect(personalValues({ site: SITE })).toEqual(PII);
  });

  it('every document type maps to a 書類種別', () => {
    expect(Object.keys(WIRE_DOCUMENT_TYPE).sort()).toEqual([...DOCUMENT_TYPES].sort());
    expect(WIRE_DOCUMENT_TYPE).toMatchObject({ DRAWING: 'ZUMEN', SITE_MAP: 'ICHIZU', COMPLETION_REPORT: 'SHUNKO_SHORUI', OTHER: 'SONOTA' });
  });
});

describe('interpretResponse', () => {
  const applyOk = buildJsonBody({ moshikomiNo: 'T0000000001', jigyoshaKanriNo: 'R', uketsukeNichiji: '2030-06-12T10:00:00+09:00' });
  const err = (errorCode: string, items?: { item: string; message: string }[]) => buildJsonBody({ errorCode, errorMessage: 'x', ...(items ? { items } : {}) });

  it('200 with a valid body → the parsed body', () => {
    const r = interpretResponse('JoJmshkm', 200, applyOk);
    expect(r.ok && r.body.moshikomiNo).toBe('T0000000001');
  });

  it.each([
    [400, err('UNKNOWN_ITEM', [{ item: 'foo', message: 'item not in the interface definition (IFにない項目)' }]), TakusouFailure.Invalid, true],
    [400, '<html>bad</html>', TakusouFailure.Invalid, true],
    [404, err('UNKNOWN_SERVICE'), TakusouFailure.NotFound, true],
    [503, err('MAINTENANCE'), TakusouFailure.Maintenance, true],
    [503, '<html>maintenance</html>', TakusouFailure.Maintenance, true],
    [500, err('INTERNAL'), TakusouFailure.Transient, false],
    [502, '<html><h1>502 Bad Gateway</h1></html>', TakusouFailure.Transient, false],
    [504, '', TakusouFailure.Transient, false],
    [429, err('CONCURRENCY_LIMIT'), TakusouFailure.Transient, false],
    [409, err('SPACING_LIMIT'), TakusouFailure.Transient, false],
    [403, err('AUTH'), TakusouFailure.Invalid, true],
    [302, '', TakusouFailure.MalformedResponse, true],
    [200, '{"moshikomiNo":"T00000', TakusouFailure.MalformedResponse, true],
    [200, buildJsonBody({ moshikomiNo: 'X1' }), TakusouFailure.MalformedResponse, true],
  ])('HTTP %i %s → %s', (status, body, type, nonRetryable) => {
    const r = interpretResponse('JoJmshkm', status, body);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.type).toBe(type);
    expect(r.failure.nonRetryable).toBe(nonRetryable);
    expect(r.failure.message).not.toContain('<');
  });

  it('400: details are the items, echoed personal values scrubbed; the error code is kept', () => {
    const body = err('INVALID_ITEM', [{ item: 'juyoshaMei', message: `'${SITE.customerName}' is too long; call ${SITE.phone}` }]);
    const r = interpretResponse('JoJmshkm', 400, body, PII);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.details).toEqual([{ item: 'juyoshaMei', message: "'[REDACTED]' is too long; call [REDACTED]" }]);
    expect(r.failure.message).toBe('たくそう君 JoJmshkm: request refused (HTTP 400, INVALID_ITEM): juyoshaMei');
    expect(serviceErrorCode(r.failure)).toBe('INVALID_ITEM');
    expect(JSON.stringify([r.failure.message, r.failure.details, r.log])).not.toMatch(/山田|075-123/);
  });

  it('pacing refusals are logged as our defect', () => {
    const r = interpretResponse('JoJmshkm', 429, buildJsonBody({ errorCode: 'SPACING_LIMIT', errorMessage: 'x', simulatorDefined: true }));
    expect(!r.ok && r.log).toMatchObject({ pacingDefect: true, simulatorDefined: true });
  });

  it('a malformed body is excerpted for the log, redacted', () => {
    const raw = `{"moshikomiNo":"T1","juyoshaMei":"${SITE.customerName}","memo":"連絡先 ${SITE.phone}","juyoBashoJusho":"${SITE.address}"`;
    const r = interpretResponse('JoJmshkm', 200, raw, PII);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const excerpt = String(r.log['excerpt']);
    expect(excerpt).toContain('"juyoshaMei":"[REDACTED]"');
    for (const pii of [...PII, '連絡先']) expect(excerpt).not.toContain(pii);
  });
});

describe('redaction helpers', () => {
  it('scrub masks known values and phone numbers and truncates; redactedExcerpt also masks unknown non-ASCII text', () => {
    expect(scrub(`${SITE.customerName} 0312345678 ok`, PII)).toBe('[REDACTED] [PHONE] ok');
    expect(scrub('x'.repeat(500), []).length).toBeLessThanOrEqual(201);
    expect(redactedExcerpt('{"tatemonoMei":"グランドメゾン","note":"京都"}')).toBe('{"tatemonoMei":"[REDACTED]","note":"[text:2]"}');
    expect(redactedExcerpt('y'.repeat(1000)).length).toBeLessThanOrEqual(301);
  });
});

describe('classifyTransportError', () => {
  const e = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });
  it.each([
    [e('ECONNRESET'), TakusouFailure.Transient, false],
    [e('UND_ERR_SOCKET'), TakusouFailure.Transient, false],
    [e('UND_ERR_HEADERS_TIMEOUT'), TakusouFailure.Transient, false],
    [new TransportTimeoutError('t'), TakusouFailure.Transient, false],
    [e('UND_ERR_SOCKET', e('SELF_SIGNED_CERT_IN_CHAIN')), TakusouFailure.Transient, false],
    [e('UND_ERR_RES_EXCEEDED_MAX_SIZE'), TakusouFailure.MalformedResponse, true],
    [new BadFileError('TYPE', 'nope'), TakusouFailure.BadFile, true],
    [new UnknownCompanyError('x'), TakusouFailure.Invalid, true],
    [new Error('what'), TakusouFailure.Transient, false],
  ])('%s → %s', (error, type, nonRetryable) => {
    const c = classifyTransportError('JoJmshkm', error);
    expect(c.failure.type).toBe(type);
    expect(c.failure.nonRetryable).toBe(nonRetryable);
  });

  it('a timeout says so; a TLS problem is flagged for the operator', () => {
    expect(classifyTransportError('JoJmshkm', new TransportTimeoutError('t')).failure.message).toContain('no response in time');
    expect(classifyTransportError('JoJmshkm', e('UNABLE_TO_VERIFY_LEAF_SIGNATURE')).log).toMatchObject({ tlsProblem: true });
  });
});

describe('records → contract types', () => {
  const key = { moshikomiNo: 'T0000000001', jigyoshaKanriNo: 'R', moshikomiShubetsu: 'JOJI' as const, koshinNichiji: '2030-06-12T10:00:00+09:00' };

  it('受付結果 codes', () => {
    expect(acceptanceOf({ ...key, uketsukeKekka: '00' })).toEqual({ applicationNo: key.moshikomiNo, status: 'PENDING' });
    expect(acceptanceOf({ ...key, uketsukeKekka: '10', uketsukeNichiji: key.koshinNichiji })).toEqual({ applicationNo: key.moshikomiNo, status: 'ACCEPTED' });
    expect(acceptanceOf({ ...key, uketsukeKekka: '20', teiseiKomoku: [{ item: 'setsubi', message: 'm' }] })).toEqual({
      applicationNo: key.moshikomiNo,
      status: 'NEEDS_CORRECTION',
      items: [{ item: 'setsubi', message: 'm' }],
    });
    expect(acceptanceOf({ ...key, uketsukeKekka: '30', kyakkaRiyu: 'r' })).toEqual({ applicationNo: key.moshikomiNo, status: 'REJECTED', reason: 'r' });
    expect(acceptanceOf({ ...key, uketsukeKekka: '90' })).toEqual({ applicationNo: key.moshikomiNo, status: 'REJECTED', reason: '取消済 (cancelled)' });
  });

  it('工程: dates are 実績日; workDone once 工事完了 has one', () => {
    const kotei = [
      { koteiCode: '10' as const, koteiMei: '調査', yoteiBi: '2030-06-13', jissekiBi: '2030-06-13' },
      { koteiCode: '40' as const, koteiMei: '工事完了', yoteiBi: '2030-06-16' },
    ];
    expect(processOf({ ...key, kotei })).toEqual({
      applicationNo: key.moshikomiNo,
      steps: [
        { code: '10', name: '調査', date: '2030-06-13' },
        { code: '40', name: '工事完了' },
      ],
      workDone: false,
    });
    expect(processOf({ ...key, kotei: [{ ...kotei[1]!, jissekiBi: '2030-06-16' }] }).workDone).toBe(true);
  });

  it('契約算定 and 結果通知: available or not', () => {
    expect(calculationOf('T1', undefined)).toEqual({ applicationNo: 'T1', available: false });
    expect(calculationOf('T1', { ...key, kyokyuShubetsu: 'DENTO', keiyakuShubetsu: 'x', keiyakuDenryoku: 6, keiyakuDenryokuTani: 'kVA', kojiHiFutankin: 0, santeiBi: '2030-06-14' })).toEqual({
      applicationNo: 'T1',
      available: true,
      contractCapacity: '6 kVA',
      amountYen: 0,
    });
    expect(resultOf('T1', undefined)).toEqual({ applicationNo: 'T1', available: false });
    const point = '0612345678901234567890';
    expect(
      resultOf('T1', { ...key, kyokyuShubetsu: 'DENTO', kyokyuKaishiBi: '2030-07-01', kyokyuChitenTokuteiNo: point, juyoBashoNo: 'x', keiyakuShubetsu: 'x', tsuchiBi: '2030-06-20' }),
    ).toEqual({ applicationNo: 'T1', available: true, supplyStartDate: '2030-07-01', supplyPointId: point });
    const unit = (heyaBango: string, kyokyuKaishiBi: string) => ({ heyaBango, kyokyuKaishiBi, kyokyuChitenTokuteiNo: point, juyoBashoNo: 'x', keiyakuShubetsu: 'x' });
    const group = { ...key, moshikomiShubetsu: 'SHUDAN' as const, kyokyuShubetsu: 'DENTO' as const, tatemonoMei: 'b', tsuchiBi: '2030-06-20' };
    expect(groupResultOf('T1', { ...group, juko: [unit('102', '2030-07-03'), unit('101', '2030-07-02')] })).toEqual({ applicationNo: 'T1', available: true, supplyStartDate: '2030-07-02' });
    expect(groupResultOf('T1', { ...group, juko: [unit('101', '2030-07-02')] })).toMatchObject({ supplyPointId: point });
  });

  it('notices: kinds, window in epoch ms, read flag', () => {
    const n = noticeOf({
      oshiraseId: 'N00000001',
      oshiraseShubetsu: 'MAINTENANCE',
      kenmei: '停止',
      honbun: 'b',
      teishiKaishiNichiji: '2030-06-16T01:00:00+09:00',
      teishiShuryoNichiji: '2030-06-16T03:00:00+09:00',
      keisaiNichiji: '2030-06-12T10:00:00+09:00',
      kidokuFlag: '1',
    });
    expect(n).toEqual({ id: 'N00000001', title: '停止', kind: 'MAINTENANCE', start: Date.parse('2030-06-15T16:00:00Z'), end: Date.parse('2030-06-15T18:00:00Z'), postedAt: '2030-06-12T10:00:00+09:00', read: true });
    expect(noticeOf({ oshiraseId: 'N00000002', oshiraseShubetsu: 'JIGYOSHA', kenmei: 't', honbun: 'b', keisaiNichiji: '2030-06-12T10:00:00+09:00', kidokuFlag: '0' }).kind).toBe('INFO');
  });
});

describe('openCheckedFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'takusou-unit-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const make = async (name: string, size: number) => {
    const path = join(dir, name);
    await writeFile(path, '');
    await truncate(path, size);
    return path;
  };

  it('a good file: a Blob backed by the file, with its type and base name', async () => {
    const ref = await make('図面 A.PDF', 1234);
    const f = await openCheckedFile({ ref, documentType: 'DRAWING', sizeBytes: 1234 });
    expect(f).toMatchObject({ name: '図面 A.PDF', type: 'application/pdf', size: 1234 });
    expect(f.blob.size).toBe(1234);
  });

  it('opening reads nothing into memory (the Blob is backed by the file)', async () => {
    const ref = await make('max.pdf', 10 * 1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    const f = await openCheckedFile({ ref, documentType: 'DRAWING', sizeBytes: 10 * 1024 * 1024 });
    expect(f.size).toBe(10 * 1024 * 1024);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 * 1024 * 1024);
  });

  it.each([
    ['x.gif', 10, 10, 'TYPE'],
    ['noext', 10, 10, 'TYPE'],
    ['big.tiff', 10 * 1024 * 1024 + 1, 10 * 1024 * 1024 + 1, 'TOO_LARGE'],
    ['mismatch.jpeg', 100, 101, 'SIZE_MISMATCH'],
    ['empty.png', 0, 1, 'EMPTY'],
    [`${'n'.repeat(120)}.pdf`, 10, 10, 'NAME'],
  ])('%s (%i bytes, %i declared) → %s', async (name, size, declared, reason) => {
    const ref = await make(name, size);
    await expect(openCheckedFile({ ref, documentType: 'OTHER', sizeBytes: declared })).rejects.toMatchObject({ reason, code: 'TAKUSOU_BAD_FILE' });
  });

  it('a missing file and a directory are refused; messages never contain the path', async () => {
    const missing = openCheckedFile({ ref: join(dir, '山田様.pdf'), documentType: 'OTHER', sizeBytes: 1 });
    await expect(missing).rejects.toMatchObject({ reason: 'NOT_FOUND' });
    await expect(missing).rejects.not.toThrow(/山田|takusou-unit/);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, 'folder.pdf'));
    await expect(openCheckedFile({ ref: join(dir, 'folder.pdf'), documentType: 'OTHER', sizeBytes: 1 })).rejects.toMatchObject({ reason: 'NOT_A_FILE' });
  });
});

// ---------------------------------------------------------------------------------------------
// The activities over a stub transport: retry look-ups and idempotent operations
// ---------------------------------------------------------------------------------------------

interface SentCall {
  service: ServiceName;
  body: Record<string, unknown>;
}

function stubTransport(answer: (service: ServiceName, body: Record<string, unknown>) => { status: number; body: unknown }) {
  const sent: SentCall[] = [];
  let closed = false;
  const respond = (service: ServiceName, body: unknown): TransportResponse => {
    sent.push({ service, body: body as Record<string, unknown> });
    const a = answer(service, body as Record<string, unknown>);
    return { status: a.status, body: typeof a.body === 'string' ? a.body : JSON.stringify(a.body), contentType: 'application/json; charset=UTF-8' };
  };
  const transport: Transport = {
    postJson: async (service, body) => respond(service, body),
    postMultipart: async (service, fields) => respond(service, fields),
    close: async () => {
      closed = true;
    },
  };
  return { transport, sent, isClosed: () => closed };
}

const config = parseTakusouClientConfig({ baseUrl: 'https://takusou.invalid/api/low-takusou/', companies: { [COMPANY]: {} } });
const silent = pino({ level: 'silent' });
const at = '2030-06-12T10:00:00+09:00';
const record = (no: string, over: Record<string, unknown> = {}) => ({ moshikomiNo: no, jigyoshaKanriNo: 'REF-9', moshikomiShubetsu: 'JOJI', koshinNichiji: at, uketsukeKekka: '00', ...over });
const invalidState = { status: 400, body: { errorCode: 'INVALID_STATE', errorMessage: 'x', items: [{ item: 'moshikomiNo', message: 'x' }] } };

function run<A, R>(fn: (a: A) => Promise<R>, input: A, attempt = 1, scheduledTimestampMs = 1): Promise<R> {
  return new MockActivityEnvironment({ attempt, scheduledTimestampMs }, { logger: quietSdkLogger }).run(fn, input);
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ApplicationFailure);
  return e as ApplicationFailure;
}

describe('activities over a stub transport', () => {
  it('apply on attempt > 1 looks up by 更新日時 since the first schedule minus the margin, filters by our reference', async () => {
    const scheduled = Date.parse('2030-06-12T10:00:00+09:00');
    const { transport, sent } = stubTransport((service) =>
      service === 'UktskKkaJohShtk'
        ? { status: 200, body: { kekka: [record('T0000000007', { jigyoshaKanriNo: 'OTHER' }), record('T0000000008', { uketsukeKekka: '90' }), record('T0000000009')] } }
        : { status: 500, body: '' },
    );
    const acts = createTakusouActivities({ config, logger: silent, transport });
    const r = await run(acts.apply, { company: COMPANY, kind: 'JOJI', requestRef: 'REF-9', application: application('JOJI') }, 3, scheduled);
    expect(r).toEqual({ applicationNo: 'T0000000009', alreadyApplied: true });
    expect(sent).toEqual([{ service: 'UktskKkaJohShtk', body: { kouriJigyoshaCode: COMPANY, koshinNichijiFrom: jstDateTime(scheduled - LOOKUP_MARGIN_MS) } }]);
    expect(parseJstDateTime(jstDateTime(scheduled - LOOKUP_MARGIN_MS))).toBe(scheduled - LOOKUP_MARGIN_MS);
  });

  it('apply on attempt 1 sends without a look-up; a 訂正 on a retry is re-sent (no look-up)', async () => {
    const { transport, sent } = stubTransport(() => ({ status: 200, body: { moshikomiNo: 'T0000000001', jigyoshaKanriNo: 'REF-9', uketsukeNichiji: at } }));
    const acts = createTakusouActivities({ config, logger: silent, transport });
    await run(acts.apply, { company: COMPANY, kind: 'JOJI', requestRef: 'REF-9', application: application('JOJI') });
    await run(acts.apply, { company: COMPANY, kind: 'JOJI', requestRef: 'REF-9', application: application('JOJI'), correctionOf: 'T0000000001' }, 2);
    expect(sent.map((c) => c.service)).toEqual(['JoJmshkm', 'JoJmshkm']);
    expect(sent[1]?.body).toMatchObject({ teiseiFlag: '1', moshikomiNo: 'T0000000001' });
  });

  it('cancel refused as invalid state is success when the application reads back 取消済', async () => {
    const { transport, sent } = stubTransport((service) => (service === 'MshkmTrkesh' ? invalidState : { status: 200, body: { kekka: [record('T0000000001', { uketsukeKekka: '90' })] } }));
    const acts = createTakusouActivities({ config, logger: silent, transport });
    await run(acts.cancelApplication, { company: COMPANY, kind: 'JOJI', applicationNo: 'T0000000001', reason: 'r' });
    expect(sent.map((c) => c.service)).toEqual(['MshkmTrkesh', 'UktskKkaJohShtk']);
  });

  it('cancel refused as invalid state of an application that is not cancelled → Invalid', async () => {
    const { transport } = stubTransport((service) => (service === 'MshkmTrkesh' ? invalidState : { status: 200, body: { kekka: [record('T0000000001', { uketsukeKekka: '30' })] } }));
    const acts = createTakusouActivities({ config, logger: silent, transport });
    const f = await failureOf(run(acts.cancelApplication, { company: COMPANY, kind: 'JOJI', applicationNo: 'T0000000001', reason: 'r' }));
    expect(f.type).toBe(TakusouFailure.Invalid);
  });

  it('集団申込完了 refused as invalid state is success when the group reads back complete (kanryoFlag 1)', async () => {
    const group = { ...record('T0000000002', { moshikomiShubetsu: 'SHUDAN' }), tatemonoMei: 'b', kosu: 2, kanryoFlag: '1' };
    const { transport, sent } = stubTransport((service) => (service === 'ShdnmshkmKnry' ? invalidState : { status: 200, body: { kekka: [group] } }));
    const acts = createTakusouActivities({ config, logger: silent, transport });
    await run(acts.completeGroupApplication, { company: COMPANY, kind: 'SHUDAN', applicationNo: 'T0000000002' });
    expect(sent.map((c) => c.service)).toEqual(['ShdnmshkmKnry', 'ShdnUktskKkaJohShtk']);
  });

  it('竣工届: a retry refused as invalid state of an accepted application is taken as filed; on attempt 1 it fails', async () => {
    const { transport } = stubTransport((service) => (service === 'GirtShnkoTdk' ? invalidState : { status: 200, body: { kekka: [record('T0000000003', { moshikomiShubetsu: 'GAIROTO', uketsukeKekka: '10' })] } }));
    const acts = createTakusouActivities({ config, logger: silent, transport });
    const input = { company: COMPANY, kind: 'GAIROTO' as const, applicationNo: 'T0000000003', completedOn: '2030-06-20', fileIds: ['F000000000001'] };
    expect((await failureOf(run(acts.fileCompletionNotice, input, 1))).type).toBe(TakusouFailure.Invalid);
    await run(acts.fileCompletionNotice, input, 2);
  });

  it('retrievals: ≤ 100 numbers per call, duplicates removed, records of other numbers dropped; none → no call', async () => {
    const { transport, sent } = stubTransport((_s, body) => ({ status: 200, body: { kekka: [...(body['moshikomiNo'] as string[]).map((no) => record(no)), record('T9999999999')] } }));
    const acts = createTakusouActivities({ config, logger: silent, transport });
    const nos = Array.from({ length: 150 }, (_, i) => `T${String(i + 1).padStart(10, '0')}`);
    const results = await run(acts.getAcceptanceResults, { company: COMPANY, group: false, applicationNos: [...nos, nos[0] as string] });
    expect(results).toHaveLength(150);
    expect(sent.map((c) => (c.body['moshikomiNo'] as string[]).length)).toEqual([100, 50]);
    sent.length = 0;
    expect(await run(acts.getContractCalculations, { company: COMPANY, group: true, applicationNos: [] })).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('registerNotice on a retry finds our notice by title and body; markNoticesRead sends each ID once', async () => {
    const notice = { oshiraseId: 'N00000005', oshiraseShubetsu: 'JIGYOSHA', kenmei: 't', honbun: 'b', keisaiNichiji: at, kidokuFlag: '0' };
    const { transport, sent } = stubTransport((service) => (service === 'OshrsJohShtk' ? { status: 200, body: { oshirase: [notice] } } : { status: 200, body: { oshiraseId: ['N00000005'] } }));
    const acts = createTakusouActivities({ config, logger: silent, transport });
    expect(await run(acts.registerNotice, { company: COMPANY, title: 't', body: 'b' }, 2)).toEqual({ id: 'N00000005' });
    await run(acts.markNoticesRead, { company: COMPANY, ids: ['N00000005', 'N00000005'] });
    expect(sent.map((c) => c.service)).toEqual(['OshrsJohShtk', 'OshrsJohKdkTschi']);
    expect(sent[1]?.body['oshiraseId']).toEqual(['N00000005']);
  });

  it('a response for another application number is not taken', async () => {
    const { transport } = stubTransport(() => ({ status: 200, body: { moshikomiNo: 'T0000000002', jigyoshaKanriNo: 'REF-9', uketsukeNichiji: at } }));
    const acts = createTakusouActivities({ config, logger: silent, transport });
    const f = await failureOf(run(acts.apply, { company: COMPANY, kind: 'JOJI', requestRef: 'REF-9', application: application('JOJI'), correctionOf: 'T0000000001' }));
    expect(f.type).toBe(TakusouFailure.Invalid);
  });

  it('close() is not an activity, and leaves an injected transport open', async () => {
    const { transport, isClosed } = stubTransport(() => ({ status: 500, body: '' }));
    const acts = createTakusouActivities({ config, logger: silent, transport });
    expect(Object.keys(acts).sort()).toEqual([
      'apply',
      'attachFile',
      'cancelApplication',
      'completeGroupApplication',
      'fileCompletionNotice',
      'getAcceptanceResults',
      'getContractCalculations',
      'getNotices',
      'getProcessInfo',
      'getResultNotifications',
      'markNoticesRead',
      'registerNotice',
    ]);
    await acts.close();
    expect(isClosed()).toBe(false);
  });
});
