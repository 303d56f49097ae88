// The OCCTO simulator beyond the new-retailer switching (issue #4): every IF_ interface, every
// application kind, the current-retailer side (incoming 廃止取次, 判断, スイッチング廃止申請), usage
// passwords, facility data and the operator list — over real HTTPS with client certificates.
// Simulated progress uses clock.advance(); nothing here waits in real time.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  OPERATIONS,
  RESPONSE_SCHEMAS,
  SUCCESS_RESULT_CODE,
  isForwardedToTd,
  isOffered,
  offeredServiceIds,
  relayInboxResponseSchema,
  serviceId,
  statusListResponseSchema,
  usageApplyStatusResponseSchema,
  type IncomingRelayRecord,
  type Operation,
  type WireCategory,
} from '../../activities/provisional-wire-format.js';
import { createDevPki, type DevPki } from '../../../../simulators/shared/dev-pki.js';
import {
  nextButOneMeterReadingDate,
  nextMeterReadingDate,
  provisionalMeterReadingDay,
  startOcctoSimulator,
  syntheticPointId,
  type IncomingRelayInput,
  type OcctoSimulator,
} from '../../simulator/server.js';
import { createCaller, type CallOptions, type Caller, type CallResponse } from './occto-sim-client.js';

const A = '12346';
const B = '23456';
const COMPANIES = [A, B];
const creds = (code: string) => ({ loginID: `user-${code}`, password: `secret-${code}` });

const MONDAY_10_JST = Date.parse('2026-05-11T10:00:00+09:00');
const TODAY = '2026-05-11';
const START_DATE = '20260531';
const WISH_DATE = '20260601';
const JUDGEMENT_MS = 60_000;
const PROCESSING_MS = 120_000;
const customer = { juyoshaMei: 'テスト 花子', juyoshaMeiKana: 'テスト ハナコ', juyoshaJusho: '東京都千代田区試験町2-2' };
const incomingCustomer = { name: '模擬 次郎', kana: 'モギ ジロウ', address: '大阪府大阪市北区模擬町3-3', phone: '06-1234-5678' };

let pki: DevPki;
let sim: OcctoSimulator;
let a: Caller;
let b: Caller;
const logLines: string[] = [];

let serial = 0;
const point = (suffix = '000', area = '03') => syntheticPointId(area, 500 + ++serial, suffix);

beforeAll(async () => {
  pki = await createDevPki({ companies: COMPANIES });
  const logger = pino(
    { level: 'trace' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  );
  sim = await startOcctoSimulator({
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
    companies: COMPANIES.map((code) => ({ code, loginId: creds(code).loginID, password: creds(code).password, name: code === A ? '試験電力株式会社' : undefined })),
    rateLimit: { rejectAbovePerSecond: 1_000_000 },
    timing: { judgementDelayMs: JUDGEMENT_MS, processingDelayMs: PROCESSING_MS, slowMs: 50, hangMs: 200 },
    logger,
  });
  a = createCaller(sim.endpoint, pki.ca.cert, pki.clients[A], creds(A));
  b = createCaller(sim.endpoint, pki.ca.cert, pki.clients[B], creds(B));
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await sim?.close();
});

beforeEach(() => {
  sim.reset();
  sim.clock.set(MONDAY_10_JST);
});

function expectOk(res: CallResponse): Record<string, unknown> {
  expect(res.status, res.text.slice(0, 300)).toBe(200);
  expect(res.body?.['kekkaCode'], String(res.body?.['uketsukeMessage'])).toBe(SUCCESS_RESULT_CODE);
  return res.body as Record<string, unknown>;
}

function expectBusinessError(res: CallResponse, code: keyof typeof ERROR_CODES): Record<string, unknown> {
  expect(res.status).toBe(200);
  expect(res.body?.['renkeiSeihiStatus']).toBe('1');
  expect(res.body?.['kekkaCode'], String(res.body?.['uketsukeMessage'])).toBe(code);
  expect(res.body?.['kekkaMei']).toBe(ERROR_CODES[code].message);
  return res.body as Record<string, unknown>;
}

const admin = (path: string, body?: unknown) =>
  fetch(`${sim.adminUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));

function incoming(p: string, extra: Partial<IncomingRelayInput> = {}): string {
  return sim.injectIncomingRelay({ toCompany: A, category: 'LV', supplyPointId: p, newRetailerCode: '99991', customer: incomingCustomer, ...extra }).haishiToritsugiNo;
}

/** Our reference (事業者管理番号, ≤ 40 characters) of an application. */
const refOf = (op: Operation, p: string) => `${op.slice(0, 8)}-${p}`;

/** The body of a 登録 of each application kind (after its preconditions: relays, incoming relays). */
async function submitBody(op: Operation, category: WireCategory, p: string): Promise<Record<string, unknown>> {
  const base = { koshinFlag: '1', jigyoshaKanriNo: refOf(op, p), kyokyuChitenTokuteiNo: p };
  switch (op) {
    case 'usageApply':
      return { ...base, doiKakuninZumi: '1' };
    case 'reconnect':
      return { ...base, idoKibouBi: WISH_DATE, ...customer };
    case 'discontinue':
      return { ...base, idoKibouBi: WISH_DATE, tekkyoUmu: '0' };
    case 'customerChange':
      return { ...base, idoKibouBi: WISH_DATE, juyoshaJusho: '東京都千代田区試験町9-9' };
    case 'ampereChange':
      return { ...base, idoKibouBi: WISH_DATE, keiyakuDenryuA: '40' };
    case 'switchingStart':
      expectOk(await a.call('relayRegister', { koshinFlag: '1', jigyoshaKanriNo: `relay-${p}`, kyokyuChitenTokuteiNo: p, kyokyuKaishiBi: START_DATE, ...customer }, { category }));
      return base;
    case 'switchingStop':
      return { ...base, haishiToritsugiNo: incoming(p, { category }), idoYoteiBi: '20260530' };
    default:
      throw new Error(`${op} is not an application`);
  }
}

const SUBMIT_OF: Partial<Record<Operation, Operation>> = {
  usageApplyStatus: 'usageApply',
  reconnectStatus: 'reconnect',
  discontinueStatus: 'discontinue',
  switchingStartStatus: 'switchingStart',
  switchingStopStatus: 'switchingStop',
  customerChangeStatus: 'customerChange',
  ampereChangeStatus: 'ampereChange',
};

async function submit(c: Caller, op: Operation, category: WireCategory, p: string, extra: Record<string, unknown> = {}): Promise<string> {
  return String(expectOk(await c.call(op, { ...(await submitBody(op, category, p)), ...extra }, { category }))['moshikomiNo']);
}

/** A normal request of any IF_ operation on a fresh point (preconditions done). */
async function normalRequest(op: Operation, category: WireCategory, p: string): Promise<Record<string, unknown>> {
  const submitOp = SUBMIT_OF[op];
  if (submitOp) return { moshikomiNo: await submit(a, submitOp, category, p) };
  if (op === 'facilityQuery' || op === 'statusList') return { kyokyuChitenTokuteiNo: p };
  if (op === 'usageQuery') {
    const no = await submit(a, 'usageApply', category, p);
    sim.clock.advance(PROCESSING_MS);
    const status = usageApplyStatusResponseSchema.parse(expectOk(await a.call('usageApplyStatus', { moshikomiNo: no }, { category })));
    return { kyokyuChitenTokuteiNo: p, shokaiPassword: status.shokaiPassword };
  }
  return submitBody(op, category, p);
}

const IF_PAIRS = OPERATIONS.filter(isForwardedToTd).flatMap((op) => (['LV', 'HV', 'FIT'] as const).map((category) => ({ op, category, id: serviceId(op, category) })));

describe('every IF_ interface', () => {
  it('covers the 41 offered IDs and the 10 that do not exist', () => {
    expect(IF_PAIRS.filter((x) => isOffered(x.op, x.category)).map((x) => x.id).sort()).toEqual(offeredServiceIds('IF').sort());
    expect(offeredServiceIds('IF')).toHaveLength(41);
    expect(IF_PAIRS.filter((x) => !isOffered(x.op, x.category))).toHaveLength(10);
  });

  it.each(IF_PAIRS.filter((x) => isOffered(x.op, x.category)))('$id ($op, $category) succeeds on a normal point and answers its schema', async ({ op, category, id }) => {
    const p = point();
    const body = await normalRequest(op, category, p);
    const res = await a.call(op, body, { category });
    const ok = expectOk(res);
    expect(RESPONSE_SCHEMAS[op].safeParse(ok).success, JSON.stringify(RESPONSE_SCHEMAS[op].safeParse(ok).error?.issues)).toBe(true);
    expect(sim.calls().at(-1)).toMatchObject({ serviceId: id, operation: op, category, company: A, httpStatus: 200, resultCode: SUCCESS_RESULT_CODE, supplyPointId: p });
  });

  it.each(IF_PAIRS.filter((x) => !isOffered(x.op, x.category)))('$id ($op, $category) does not exist: ERR_20040', async ({ op, category, id }) => {
    const p = point();
    const res = await a.call(op, { koshinFlag: '1', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: p, idoKibouBi: WISH_DATE }, { category });
    expect(String(expectBusinessError(res, 'ERR_20040')['uketsukeMessage'])).toContain(id);
    expect(sim.calls().at(-1)).toMatchObject({ serviceId: id, operation: op, category });
  });

  it.each([
    ['810', 'ERR_20040'],
    ['811', 'ERR_20070'],
    ['812', 'ERR_20140'],
  ] as const)('error pattern …%s answers the new operations with %s', async (suffix, code) => {
    const p = point(suffix);
    expectBusinessError(await a.call('facilityQuery', { kyokyuChitenTokuteiNo: p }), code);
    expectBusinessError(await a.call('usageApply', await submitBody('usageApply', 'LV', p)), code);
    expectBusinessError(await a.call('reconnect', await submitBody('reconnect', 'LV', p)), code);
    const relayNo = incoming(p);
    expectBusinessError(await a.call('relayJudge', { haishiToritsugiNo: relayNo, kyokyuChitenTokuteiNo: p, hanteiKekka: '01' }), code);
    expectBusinessError(await a.call('switchingStop', { koshinFlag: '1', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: p, haishiToritsugiNo: relayNo, idoYoteiBi: '20260530' }), code);
  });

  it('checks inputs and names the fields', async () => {
    const res = await a.call('reconnect', { koshinFlag: '1', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: point() });
    expect(String(expectBusinessError(res, 'ERR_INPUT')['uketsukeMessage'])).toContain('juyoshaMei');
    const amp = await a.call('ampereChange', { koshinFlag: '1', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: point(), idoKibouBi: WISH_DATE, keiyakuDenryuA: '35' });
    expect(String(expectBusinessError(amp, 'ERR_INPUT')['uketsukeMessage'])).toContain('keiyakuDenryuA');
    const date = await a.call('discontinue', { koshinFlag: '1', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: point(), idoKibouBi: '20260231', tekkyoUmu: '1' });
    expect(String(expectBusinessError(date, 'ERR_INPUT')['uketsukeMessage'])).toContain('idoKibouBi');
  });

  it('refuses アンペア変更 in 関西, 中国, 四国 and 沖縄 with ERR_AMPERE_AREA', async () => {
    for (const area of ['06', '07', '08', '10']) {
      const res = await a.call('ampereChange', await submitBody('ampereChange', 'LV', point('000', area)));
      expectBusinessError(res, 'ERR_AMPERE_AREA');
    }
    expectOk(await a.call('ampereChange', await submitBody('ampereChange', 'LV', point('000', '04'))));
  });

  it('a per-area T&D window stops only forwarded operations of that area', async () => {
    const now = sim.clock.now();
    sim.addMaintenance({ start: now - 1_000, end: now + 600_000, area: '06', reason: 'Kansai T&D' });
    const kansai = point('000', '06');
    const relayNo = incoming(kansai);
    expect((await a.call('facilityQuery', { kyokyuChitenTokuteiNo: kansai })).status).toBe(503);
    expect((await a.call('statusList', { kyokyuChitenTokuteiNo: kansai })).status).toBe(503);
    expectOk(await a.call('facilityQuery', { kyokyuChitenTokuteiNo: point('000', '03') }));
    expectOk(await a.call('relayInbox', {}));
    expectOk(await a.call('relayJudge', { haishiToritsugiNo: relayNo, kyokyuChitenTokuteiNo: kansai, hanteiKekka: '01' }));
    expect(sim.calls().filter((c) => c.inMaintenance).map((c) => c.serviceId)).toEqual(['IF_10110', 'IF_11110']);
  });

  it('still logs every call and counts violations (requests < 1 s apart)', async () => {
    await a.call('facilityQuery', { kyokyuChitenTokuteiNo: point() });
    await a.call('operatorList', {});
    await a.call('relayInbox', {});
    expect(sim.calls().map((c) => c.serviceId)).toEqual(['IF_10110', 'IS_30110', 'IS_20310']);
    expect(sim.violations()).toHaveLength(2);
    expect(sim.summary().byCompany[A]).toMatchObject({ calls: 3, violations: 2 });
  });
});

describe('applications of every kind', () => {
  const KINDS = [
    { op: 'usageApply', status: 'usageApplyStatus', category: 'LV', shubetsu: '08' },
    { op: 'reconnect', status: 'reconnectStatus', category: 'LV', shubetsu: '04' },
    { op: 'reconnect', status: 'reconnectStatus', category: 'FIT', shubetsu: '15' },
    { op: 'discontinue', status: 'discontinueStatus', category: 'HV', shubetsu: '01' },
    { op: 'customerChange', status: 'customerChangeStatus', category: 'FIT', shubetsu: '17' },
    { op: 'ampereChange', status: 'ampereChangeStatus', category: 'LV', shubetsu: '06' },
  ] as const;

  it.each(KINDS)('$op ($category): 05 → 06 after processingDelayMs; cancel only while 05; one in progress per point', async ({ op, status, category, shubetsu }) => {
    const p = point();
    const no = await submit(a, op, category, p);
    const read = async () => expectOk(await a.call(status, { moshikomiNo: no }, { category }));
    expect(await read()).toMatchObject({ moshikomiNo: no, moshikomiShubetsu: shubetsu, uketsukeKoteiCode: '05', kyokyuChitenTokuteiNo: p });
    expectBusinessError(await a.call(op, await submitBody(op, category, p), { category }), 'ERR_20070'); // second one in progress
    sim.clock.advance(PROCESSING_MS);
    const done = await read();
    expect(done['uketsukeKoteiCode']).toBe('06');
    if (op !== 'usageApply') expect(done).toMatchObject({ idoYoteiBi: WISH_DATE, idoBi: WISH_DATE });
    const cancelDone = await a.call(op, { koshinFlag: '3', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: p, moshikomiNo: no }, { category });
    expectBusinessError(cancelDone, 'ERR_20070');
    // after completion a new one may be filed; it can be cancelled (twice) while 05
    const next = await submit(a, op, category, p);
    const cancel = () => a.call(op, { koshinFlag: '3', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: p, moshikomiNo: next }, { category });
    expectOk(await cancel());
    expectOk(await cancel());
    expect(expectOk(await a.call(status, { moshikomiNo: next }, { category }))['uketsukeKoteiCode']).toBe('09');
  });

  it('a status IF answers only for applications of its own kind, company and category', async () => {
    const p = point();
    const reconnectNo = await submit(a, 'reconnect', 'LV', p);
    expectBusinessError(await a.call('ampereChangeStatus', { moshikomiNo: reconnectNo }), 'ERR_20040');
    expectBusinessError(await a.call('reconnectStatus', { moshikomiNo: reconnectNo }, { category: 'FIT' }), 'ERR_20040');
    expectBusinessError(await b.call('reconnectStatus', { moshikomiNo: reconnectNo }), 'ERR_20040');
    expectBusinessError(await a.call('ampereChange', { koshinFlag: '3', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: p, moshikomiNo: reconnectNo }), 'ERR_20040');
  });

  it('discontinue with removal is 申込種別 02 (FIT 13)', async () => {
    const lv = await submit(a, 'discontinue', 'LV', point(), { tekkyoUmu: '1' });
    expect(expectOk(await a.call('discontinueStatus', { moshikomiNo: lv }))['moshikomiShubetsu']).toBe('02');
    const fit = await submit(a, 'discontinue', 'FIT', point(), { tekkyoUmu: '1' });
    expect(expectOk(await a.call('discontinueStatus', { moshikomiNo: fit }, { category: 'FIT' }))['moshikomiShubetsu']).toBe('13');
  });

  it('ends at 09 for the processing-rejected pattern (870)', async () => {
    const no = await submit(a, 'customerChange', 'LV', point('870'));
    sim.clock.advance(PROCESSING_MS);
    expect(expectOk(await a.call('customerChangeStatus', { moshikomiNo: no }))).toMatchObject({ uketsukeKoteiCode: '09' });
  });

  it('IF_x11110 lists the caller’s applications of every kind in the category, by number, point and reference', async () => {
    const p = point();
    const n1 = await submit(a, 'reconnect', 'LV', p);
    const n2 = await submit(a, 'usageApply', 'LV', p);
    const n3 = await submit(a, 'switchingStart', 'LV', p);
    const other = await submit(b, 'customerChange', 'LV', point());
    const hv = await submit(a, 'discontinue', 'HV', point());
    const list = async (by: Record<string, unknown>, opts?: CallOptions) => statusListResponseSchema.parse(expectOk(await a.call('statusList', by, opts))).kekka;
    expect((await list({ kyokyuChitenTokuteiNo: p })).map((r) => [r.moshikomiNo, r.moshikomiShubetsu])).toEqual([
      [n1, '04'],
      [n2, '08'],
      [n3, '05'],
    ]);
    expect((await list({ moshikomiNo: [n1, n3, other, hv] })).map((r) => r.moshikomiNo)).toEqual([n1, n3]);
    expect((await list({ moshikomiNo: [hv] }, { category: 'HV' })).map((r) => r.moshikomiShubetsu)).toEqual(['01']);
    expect((await list({ jigyoshaKanriNo: refOf('usageApply', p) })).map((r) => r.moshikomiNo)).toEqual([n2]);
    // the list never carries the usage password
    sim.clock.advance(PROCESSING_MS);
    const listed = await a.call('statusList', { moshikomiNo: [n2] });
    expect(listed.text).not.toContain('shokaiPassword');
  });

  it('timeout-once (850): the first application on the point is kept and its response lost; the reference finds it', async () => {
    const p = point('850');
    await expect(a.call('reconnect', await submitBody('reconnect', 'LV', p))).rejects.toThrow();
    const found = statusListResponseSchema.parse(expectOk(await a.call('statusList', { jigyoshaKanriNo: refOf('reconnect', p) }))).kekka;
    expect(found).toHaveLength(1);
    expectBusinessError(await a.call('reconnect', await submitBody('reconnect', 'LV', p)), 'ERR_20070');
  });
});

describe('current retailer: incoming 廃止取次, 判断, スイッチング廃止申請', () => {
  const inbox = async (c: Caller, by: Record<string, unknown> = {}, opts?: CallOptions) => relayInboxResponseSchema.parse(expectOk(await c.call('relayInbox', by, opts)));
  const judge = (c: Caller, relayNo: string, p: string, ok: boolean, flags = '100000000', opts?: CallOptions) =>
    c.call('relayJudge', { haishiToritsugiNo: relayNo, kyokyuChitenTokuteiNo: p, hanteiKekka: ok ? '01' : '02', hanteiNgRiyu: ok ? undefined : flags }, opts);
  const stop = (c: Caller, relayNo: string, p: string, opts?: CallOptions) =>
    c.call('switchingStop', { koshinFlag: '1', jigyoshaKanriNo: `stop-${p}`, kyokyuChitenTokuteiNo: p, haishiToritsugiNo: relayNo, idoYoteiBi: '20260530' }, opts);
  const stopStage = async (no: string) => expectOk(await a.call('switchingStopStatus', { moshikomiNo: no }));

  it('injects through the admin API (also under /admin), validating the body', async () => {
    const p = point();
    const res = await admin('/admin/incoming-relays', { toCompany: A, category: 'LV', supplyPointId: p, newRetailerCode: '99991', supplyStartDate: '2026-05-31', customer: incomingCustomer });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ toCompany: A, supplyPointId: p, jokyoCode: '01', kyokyuKaishiBi: '2026-05-31' });
    const relayNo = String(res.json['haishiToritsugiNo']);

    const [r] = (await inbox(a)).kekka;
    expect(r).toEqual<IncomingRelayRecord>({
      haishiToritsugiNo: relayNo,
      kyokyuChitenTokuteiNo: p,
      shinKouriJigyoshaCode: '99991',
      kyokyuKaishiBi: '20260531',
      tourokuNichiji: expect.stringMatching(/^2026-05-11T10:00:\d\d\+09:00$/) as unknown as string,
      jokyoCode: '01',
      juyoshaMei: incomingCustomer.name,
      juyoshaMeiKana: incomingCustomer.kana,
      juyoshaJusho: incomingCustomer.address,
      juyoshaDenwa: incomingCustomer.phone,
    });
    expect((await inbox(b)).kekka).toEqual([]); // addressed to A only
    expect((await inbox(a, {}, { category: 'HV' })).kekka).toEqual([]);

    const bad = await admin('/incoming-relays', { toCompany: '77777', category: 'XX', supplyPointId: '123', newRetailerCode: A, customer: { name: '' } });
    expect(bad.status).toBe(400);
    expect((bad.json['issues'] as { field: string }[]).map((i) => i.field)).toEqual(expect.arrayContaining(['category', 'supplyPointId', 'customer.name', 'customer.kana']));
    const ours = await admin('/incoming-relays', { toCompany: A, category: 'LV', supplyPointId: point(), newRetailerCode: B, customer: incomingCustomer });
    expect(ours).toMatchObject({ status: 400, json: { issues: [{ field: 'newRetailerCode' }] } });
    const unknown = await admin('/incoming-relays', { toCompany: '77777', category: 'LV', supplyPointId: point(), newRetailerCode: '99991', customer: incomingCustomer });
    expect(unknown).toMatchObject({ status: 400, json: { issues: [{ field: 'toCompany' }] } });
    const late = await admin('/incoming-relays', { toCompany: A, category: 'LV', supplyPointId: point(), newRetailerCode: '99991', supplyStartDate: '2027-01-01', customer: incomingCustomer });
    expect(late).toMatchObject({ status: 400, json: { issues: [{ field: 'supplyStartDate' }] } });
    const dup = await admin('/incoming-relays', { toCompany: A, category: 'LV', supplyPointId: p, newRetailerCode: '99992', customer: incomingCustomer });
    expect(dup.status).toBe(409);
  });

  it('judge OK → the stop application matches at once → 06 with 異動日 = 異動予定日 after processingDelayMs', async () => {
    const p = point();
    const relayNo = incoming(p);
    expect(expectOk(await judge(a, relayNo, p, true))).toMatchObject({ haishiToritsugiNo: relayNo, jokyoCode: '02' });
    expect((await inbox(a, { haishiToritsugiNo: relayNo })).kekka[0]?.jokyoCode).toBe('02');
    expect((await inbox(a, { jokyoCode: '01' })).kekka).toEqual([]);
    const no = String(expectOk(await stop(a, relayNo, p))['moshikomiNo']);
    expect(await stopStage(no)).toMatchObject({ moshikomiShubetsu: '03', uketsukeKoteiCode: '05', idoYoteiBi: '20260530' });
    expect(sim.state().incomingRelays).toMatchObject([{ haishiToritsugiNo: relayNo, jokyoCode: '02', matchingZumi: true }]);
    expectBusinessError(await stop(a, relayNo, p), 'ERR_20070'); // one stop per point
    sim.clock.advance(PROCESSING_MS);
    expect(await stopStage(no)).toMatchObject({ uketsukeKoteiCode: '06', idoBi: '20260530' });
    const counterpart = sim.state().applications.find((x) => x.simulated && x.haishiToritsugiNo === relayNo);
    expect(counterpart).toMatchObject({ kind: 'start', company: '99991', uketsukeKoteiCode: '06' });
  });

  it('a stop filed before the judgement completes processingDelayMs after the OK', async () => {
    const p = point();
    const relayNo = incoming(p);
    const no = String(expectOk(await stop(a, relayNo, p))['moshikomiNo']);
    sim.clock.advance(PROCESSING_MS);
    expect((await stopStage(no))['uketsukeKoteiCode']).toBe('05');
    expectOk(await judge(a, relayNo, p, true));
    sim.clock.advance(PROCESSING_MS - 5_000);
    expect((await stopStage(no))['uketsukeKoteiCode']).toBe('05');
    sim.clock.advance(10_000);
    expect((await stopStage(no))['uketsukeKoteiCode']).toBe('06');
  });

  it('a judgement is final: twice → ERR_20070; NG refuses the stop; not addressed to the caller → ERR_20040', async () => {
    const p = point();
    const relayNo = incoming(p);
    expectBusinessError(await judge(b, relayNo, p, true), 'ERR_20040');
    expectBusinessError(await judge(a, relayNo, point(), true), 'ERR_20040');
    expectBusinessError(await judge(a, relayNo, p, true, undefined, { category: 'HV' }), 'ERR_20040');
    expectBusinessError(await judge(a, relayNo, p, false, '000000000'), 'ERR_INPUT');
    expect(expectOk(await judge(a, relayNo, p, false, '100100001'))['jokyoCode']).toBe('03');
    expectBusinessError(await judge(a, relayNo, p, false), 'ERR_20070');
    expectBusinessError(await judge(a, relayNo, p, true), 'ERR_20070');
    expectBusinessError(await stop(a, relayNo, p), 'ERR_20070');
    expectBusinessError(await stop(b, relayNo, p), 'ERR_20070');
    expect(sim.state().incomingRelays[0]).toMatchObject({ jokyoCode: '03', ngReasons: [1, 4, 9] });
  });

  it('the new retailer cancels (admin) after our stop → the stop becomes 09 with a note; judging it → ERR_20070', async () => {
    const p = point();
    const relayNo = incoming(p);
    expectOk(await judge(a, relayNo, p, true));
    const no = String(expectOk(await stop(a, relayNo, p))['moshikomiNo']);
    const res = await admin(`/incoming-relays/${relayNo}/cancel`, {});
    expect(res).toMatchObject({ status: 200, json: { jokyoCode: '06' } });
    expect((await admin(`/admin/incoming-relays/${relayNo}/cancel`, {})).status).toBe(200); // idempotent
    expect((await admin('/incoming-relays/H0/cancel', {})).status).toBe(404);
    const stage = await stopStage(no);
    expect(stage['uketsukeKoteiCode']).toBe('09');
    expect(String(stage['renrakuJiko'])).toContain('取消');
    sim.clock.advance(PROCESSING_MS);
    expect((await stopStage(no))['uketsukeKoteiCode']).toBe('09');

    const pending = point();
    const pendingNo = incoming(pending);
    sim.cancelIncomingRelay(pendingNo);
    expectBusinessError(await judge(a, pendingNo, pending, true), 'ERR_20070');
    expectBusinessError(await stop(a, pendingNo, pending), 'ERR_20070');
  });

  it('pattern 890: the new retailer cancels judgementDelayMs after our OK', async () => {
    const p = point('890');
    const relayNo = incoming(p);
    expectOk(await judge(a, relayNo, p, true));
    const no = String(expectOk(await stop(a, relayNo, p))['moshikomiNo']);
    sim.clock.advance(JUDGEMENT_MS);
    expect((await inbox(a, { haishiToritsugiNo: relayNo })).kekka[0]?.jokyoCode).toBe('06');
    expect(await stopStage(no)).toMatchObject({ uketsukeKoteiCode: '09' });
  });

  it('pages the inbox by 200 (bulk generator), filters by status and registration time', async () => {
    const res = await admin('/incoming-relays/bulk', { toCompany: A, category: 'LV', count: 250, area: '04' });
    expect(res.status).toBe(200);
    expect(res.json['created']).toBe(250);
    const numbers = res.json['haishiToritsugiNoList'] as string[];
    expect(new Set(numbers).size).toBe(250);
    const first = await inbox(a);
    expect(first.kekka).toHaveLength(200);
    expect(first.tsuzukiAri).toBe('1');
    const second = await inbox(a, { kaishiIchi: '201' });
    expect(second.kekka).toHaveLength(50);
    expect(second.tsuzukiAri).toBe('0');
    expect([...first.kekka, ...second.kekka].map((r) => r.haishiToritsugiNo)).toEqual(numbers);
    expect(second.kekka.every((r) => r.kyokyuChitenTokuteiNo.startsWith('04') && r.shinKouriJigyoshaCode === '99991')).toBe(true);

    const [one] = first.kekka;
    if (!one) throw new Error('empty inbox');
    expectOk(await judge(a, one.haishiToritsugiNo, one.kyokyuChitenTokuteiNo, true));
    expect((await inbox(a, { jokyoCode: '01', kaishiIchi: '201' })).kekka).toHaveLength(49);
    sim.clock.advance(60_000);
    const later = point();
    incoming(later);
    const since = await inbox(a, { tourokuNichijiFrom: '2026-05-11T10:00:30+09:00' });
    expect(since.kekka.map((r) => r.kyokyuChitenTokuteiNo)).toEqual([later]);
    expectBusinessError(await a.call('relayInbox', { kaishiIchi: '0' }), 'ERR_INPUT');
  });

  it('seeds relays from the start option, again after reset', async () => {
    const p = syntheticPointId('09', 77, '000');
    const seeded = await startOcctoSimulator({
      tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
      companies: [{ code: A, loginId: creds(A).loginID, password: creds(A).password }],
      incomingRelays: [{ toCompany: A, category: 'HV', supplyPointId: p, newRetailerCode: '88881', customer: incomingCustomer }],
    });
    try {
      expect(seeded.state().incomingRelays).toMatchObject([{ supplyPointId: p, category: 'HV', newRetailerCode: '88881', jokyoCode: '01' }]);
      seeded.reset();
      expect(seeded.state().incomingRelays).toHaveLength(1);
    } finally {
      await seeded.close();
    }
    await expect(
      startOcctoSimulator({
        tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
        companies: [{ code: A, loginId: 'x', password: 'y' }],
        incomingRelays: [{ toCompany: B, category: 'LV', supplyPointId: p, newRetailerCode: '88881', customer: incomingCustomer }],
      }),
    ).rejects.toThrow(/incomingRelays\[0\].*toCompany/);
  });
});

describe('IS_x20210 by a list, IS_x30110 事業者一覧取得', () => {
  it('returns each of the caller’s relays of a haishiToritsugiNoList, never another company’s', async () => {
    const register = async (c: Caller, p: string) =>
      String(expectOk(await c.call('relayRegister', { koshinFlag: '1', jigyoshaKanriNo: `r-${p}`, kyokyuChitenTokuteiNo: p, kyokyuKaishiBi: START_DATE, ...customer }))['haishiToritsugiNo']);
    const mine = [await register(a, point()), await register(a, point()), await register(a, point())];
    const theirs = await register(b, point());
    const res = expectOk(await a.call('relayResult', { haishiToritsugiNoList: [...mine, theirs, 'H-unknown'] }));
    expect((res['kekka'] as { haishiToritsugiNo: string }[]).map((r) => r.haishiToritsugiNo)).toEqual(mine);
    const tooMany = await a.call('relayResult', { haishiToritsugiNoList: Array.from({ length: 201 }, (_, i) => `H${i}`) });
    expect(String(expectBusinessError(tooMany, 'ERR_INPUT')['uketsukeMessage'])).toContain('200');
  });

  it('lists the configured companies and the simulated retailers', async () => {
    incoming(point(), { newRetailerCode: '88881' });
    const res = expectOk(await a.call('operatorList', {}, { category: 'FIT' }));
    const list = RESPONSE_SCHEMAS.operatorList.parse(res).jigyosha;
    expect(list.map((o) => o.jigyoshaCode)).toEqual([A, B, '88881', '99991', '99992', '99999']);
    expect(list.find((o) => o.jigyoshaCode === A)?.jigyoshaMei).toBe('試験電力株式会社');
  });
});

describe('設備情報照会 and 使用量情報照会', () => {
  it('answers deterministic facility data consistent with the meter-reading schedule', async () => {
    const p = point('000', '03');
    const res = RESPONSE_SCHEMAS.facilityQuery.parse(expectOk(await a.call('facilityQuery', { kyokyuChitenTokuteiNo: p })));
    expect(res.setsubi).toMatchObject({
      kyokyuChitenTokuteiNo: p,
      eriaCode: '03',
      keiyakuShubetsu: '従量電灯B',
      kenshinBi: String(provisionalMeterReadingDay(p)).padStart(2, '0'),
      jikaiKenshinBi: nextMeterReadingDate(p, TODAY).replaceAll('-', ''),
      jijikaiKenshinBi: nextButOneMeterReadingDate(p, TODAY).replaceAll('-', ''),
    });
    expect(res.setsubi.keiyakuDenryuA).toMatch(/^\d+$/);
    const again = RESPONSE_SCHEMAS.facilityQuery.parse(expectOk(await a.call('facilityQuery', { kyokyuChitenTokuteiNo: p })));
    expect(again).toEqual(res);
    const kansai = RESPONSE_SCHEMAS.facilityQuery.parse(expectOk(await a.call('facilityQuery', { kyokyuChitenTokuteiNo: point('000', '06') })));
    expect(kansai.setsubi.keiyakuDenryuA).toBeUndefined();
    const fit = RESPONSE_SCHEMAS.facilityQuery.parse(expectOk(await a.call('facilityQuery', { kyokyuChitenTokuteiNo: p }, { category: 'FIT' })));
    expect(fit.setsubi.keiyakuYoryoKva).toBeDefined();
  });

  it('issues a password on completion, valid for one month; 13 months of usage; wrong or expired password refused; never logged', async () => {
    const p = point();
    const no = await submit(a, 'usageApply', 'LV', p);
    const status = async () => usageApplyStatusResponseSchema.parse(expectOk(await a.call('usageApplyStatus', { moshikomiNo: no })));
    expect((await status()).shokaiPassword).toBeUndefined();
    sim.clock.advance(PROCESSING_MS);
    const done = await status();
    expect(done.uketsukeKoteiCode).toBe('06');
    const password = done.shokaiPassword ?? '';
    expect(password).toMatch(/^[A-Za-z0-9]{8,32}$/);
    expect(done.passwordYukoKigen).toBe('20260611');

    const query = (c: Caller, pw: string, opts?: CallOptions) => c.call('usageQuery', { kyokyuChitenTokuteiNo: p, shokaiPassword: pw }, opts);
    const usage = RESPONSE_SCHEMAS.usageQuery.parse(expectOk(await query(a, password))).shiyoryo;
    expect(usage).toHaveLength(13);
    expect(usage[0]?.taishoNengetsu).toBe('202504');
    expect(usage[12]?.taishoNengetsu).toBe('202604');
    expect(usage.every((m) => m.saidaiJuyoDenryoku === undefined && Number(m.shiyoDenryokuryo) > 0)).toBe(true);
    expect(RESPONSE_SCHEMAS.usageQuery.parse(expectOk(await query(a, password))).shiyoryo).toEqual(usage);

    const wrong = expectBusinessError(await query(a, `${password}x`), 'ERR_PASSWORD_INVALID');
    expect(JSON.stringify(wrong)).not.toContain(password);
    expectBusinessError(await query(b, password), 'ERR_PASSWORD_INVALID'); // another retailer
    expectBusinessError(await a.call('usageQuery', { kyokyuChitenTokuteiNo: point(), shokaiPassword: password }), 'ERR_PASSWORD_INVALID'); // another point

    sim.clock.set(Date.parse('2026-06-11T23:59:00+09:00'));
    expectOk(await query(a, password));
    sim.clock.set(Date.parse('2026-06-12T00:00:01+09:00'));
    expectBusinessError(await query(a, password), 'ERR_PASSWORD_EXPIRED');

    const everything = [JSON.stringify(sim.calls()), JSON.stringify(sim.state()), (await fetch(`${sim.adminUrl}/state`).then((r) => r.text())), logLines.join('')];
    for (const text of everything) expect(text).not.toContain(password);
    expect(sim.state().applications.find((x) => x.moshikomiNo === no)).toMatchObject({ kind: 'usageQuery', passwordYukoKigen: '2026-06-11' });
  });

  it('HV usage carries the maximum demand (kW, below 500)', async () => {
    const p = point();
    const no = await submit(a, 'usageApply', 'HV', p);
    sim.clock.advance(PROCESSING_MS);
    const pw = usageApplyStatusResponseSchema.parse(expectOk(await a.call('usageApplyStatus', { moshikomiNo: no }, { category: 'HV' }))).shokaiPassword ?? '';
    const usage = RESPONSE_SCHEMAS.usageQuery.parse(expectOk(await a.call('usageQuery', { kyokyuChitenTokuteiNo: p, shokaiPassword: pw }, { category: 'HV' }))).shiyoryo;
    expect(usage).toHaveLength(13);
    for (const m of usage) expect(Number(m.saidaiJuyoDenryoku)).toBeGreaterThan(0);
    for (const m of usage) expect(Number(m.saidaiJuyoDenryoku)).toBeLessThan(500);
  });
});

describe('admin state', () => {
  it('shows incoming relays and applications of every kind, without customer data', async () => {
    const p = point();
    incoming(p);
    await submit(a, 'reconnect', 'LV', point());
    await submit(a, 'switchingStart', 'LV', point());
    const state = await fetch(`${sim.adminUrl}/admin/state`).then((r) => r.text());
    const parsed = JSON.parse(state) as { incomingRelays: unknown[]; applications: { kind: string; simulated: boolean }[] };
    expect(parsed.incomingRelays).toHaveLength(1);
    expect(parsed.applications.map((x) => [x.kind, x.simulated])).toEqual([
      ['reconnection', false],
      ['start', false],
      ['stop', true], // the simulated current retailer's, filed once our start exists
    ]);
    expect(state).not.toContain(incomingCustomer.name);
    expect(state).not.toContain(customer.juyoshaMei);
  });
});
