// The OCCTO simulator over real HTTPS with client certificates (docs/external-systems/occto-switching.md §12). Simulated progress uses
// clock.advance(); only the rate tests wait in real time (~2 s in total).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AUTH_FAULT_CODE,
  ERROR_CODES,
  RATE_LIMIT_FAULT_CODE,
  REQUEST_FAULT_CODE,
  SUCCESS_RESULT_CODE,
  buildRequest,
  relayResultResponseSchema,
  soapAction,
  statusListResponseSchema,
  switchingStartStatusResponseSchema,
  type RelayRecord,
} from '../../activities/provisional-wire-format.js';
import { addDays } from '../../../../domain/jst.js';
import { createDevPki, type DevPki, type PemPair } from '../../../../simulators/shared/dev-pki.js';
import { MAINTENANCE_FAULT_CODE } from '../../activities/provisional-wire-format.js';
import {
  nextButOneMeterReadingDate,
  startOcctoSimulator,
  syntheticPointId,
  type OcctoSimulator,
} from '../../simulator/server.js';
import { createCaller, type CallOptions, type Caller, type CallResponse } from './occto-sim-client.js';

const A = '12346'; // main company
const B = '23456'; // a second retailer
const KANSAI_ONLY = '56786'; // 託送基本契約 only in area 06
const RATE_1 = '34566';
const RATE_2 = '45676';
const RATE_3 = '67896';
const COMPANIES = [A, B, KANSAI_ONLY, RATE_1, RATE_2, RATE_3];
const creds = (code: string) => ({ loginID: `user-${code}`, password: `secret-${code}` });

const MONDAY_10_JST = Date.parse('2026-05-11T10:00:00+09:00');
const SUNDAY_03_JST = Date.parse('2026-05-17T03:00:00+09:00');
const START_DATE = '20260531'; // today + 20 days: always ≤ the next-but-one meter reading day
const JUDGEMENT_MS = 60_000;
const PROCESSING_MS = 120_000;
const customer = { juyoshaMei: 'テスト 太郎', juyoshaMeiKana: 'テスト タロウ', juyoshaJusho: '東京都千代田区試験町1-1' };

let pki: DevPki;
let sim: OcctoSimulator; // functional tests: load limit out of the way
let rateSim: OcctoSimulator; // default load limit (3/s)
const callers: Caller[] = [];
let a: Caller;
let b: Caller;

/** `client` null = connect without a client certificate. */
function caller(s: OcctoSimulator, code: string, client: PemPair | null = pki.clients[code] ?? null): Caller {
  const c = createCaller(s.endpoint, pki.ca.cert, client ?? undefined, creds(code));
  callers.push(c);
  return c;
}

let serial = 0;
const point = (suffix = '000', area = '03') => syntheticPointId(area, ++serial, suffix);

function register(c: Caller, p: string, extra: Record<string, unknown> = {}, opts?: CallOptions): Promise<CallResponse> {
  return c.call('relayRegister', { koshinFlag: '1', jigyoshaKanriNo: `ref-${p}`, kyokyuChitenTokuteiNo: p, kyokyuKaishiBi: START_DATE, ...customer, ...extra }, opts);
}

async function relays(c: Caller, by: Record<string, string>, opts?: CallOptions): Promise<RelayRecord[]> {
  const res = await c.call('relayResult', by, opts);
  expect(res.body?.['kekkaCode']).toBe(SUCCESS_RESULT_CODE);
  return relayResultResponseSchema.parse(res.body).kekka;
}

async function relayByNo(c: Caller, no: string): Promise<RelayRecord> {
  const [r] = await relays(c, { haishiToritsugiNo: no });
  if (!r) throw new Error(`relay ${no} not found`);
  return r;
}

function expectOk(res: CallResponse): Record<string, unknown> {
  expect(res.status).toBe(200);
  expect(res.body?.['renkeiSeihiStatus'], String(res.body?.['uketsukeMessage'])).toBe('0');
  expect(res.body?.['kekkaCode']).toBe(SUCCESS_RESULT_CODE);
  return res.body as Record<string, unknown>;
}

function expectBusinessError(res: CallResponse, code: keyof typeof ERROR_CODES): Record<string, unknown> {
  expect(res.status).toBe(200);
  expect(res.body?.['renkeiSeihiStatus']).toBe('1');
  expect(res.body?.['kekkaCode']).toBe(code);
  expect(res.body?.['kekkaMei']).toBe(ERROR_CODES[code].message);
  return res.body as Record<string, unknown>;
}

async function registeredOk(c: Caller, p: string): Promise<string> {
  return String(expectOk(await register(c, p))['haishiToritsugiNo']);
}

function startApp(c: Caller, p: string, extra: Record<string, unknown> = {}): Promise<CallResponse> {
  return c.call('switchingStart', { koshinFlag: '1', jigyoshaKanriNo: `app-${p}`, kyokyuChitenTokuteiNo: p, ...extra });
}

async function stageOf(c: Caller, moshikomiNo: string) {
  const res = await c.call('switchingStartStatus', { moshikomiNo });
  expectOk(res);
  return switchingStartStatusResponseSchema.parse(res.body);
}

beforeAll(async () => {
  pki = await createDevPki({ companies: COMPANIES });
  const tls = { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert };
  const companies = COMPANIES.map((code) => ({
    code,
    loginId: creds(code).loginID,
    password: creds(code).password,
    contractAreas: code === KANSAI_ONLY ? ['06' as const] : undefined,
  }));
  sim = await startOcctoSimulator({ tls, companies, rateLimit: { rejectAbovePerSecond: 1_000_000 }, timing: { slowMs: 150, hangMs: 200 } });
  rateSim = await startOcctoSimulator({ tls, companies });
  a = caller(sim, A);
  b = caller(sim, B);
});

afterAll(async () => {
  await Promise.all(callers.map((c) => c.close()));
  await sim?.close();
  await rateSim?.close();
});

beforeEach(() => {
  sim.reset();
  sim.clock.set(MONDAY_10_JST);
});

describe('mutual TLS and authentication', () => {
  it('accepts a client certificate of the CA and attributes the call to its CN', async () => {
    expectOk(await register(a, point()));
    expect(sim.calls()).toMatchObject([{ company: A, serviceId: 'IS_20110', operation: 'relayRegister', category: 'LV', httpStatus: 200 }]);
  });

  it.each([
    ['without a certificate', () => null],
    ['with a certificate of a foreign CA', () => pki.foreignClient],
    ['with an expired certificate', () => pki.expiredClient],
  ])('refuses the handshake %s', async (_name, client) => {
    const c = caller(sim, A, client());
    await expect(register(c, point())).rejects.toThrow();
    expect(sim.calls()).toEqual([]);
  });

  it('answers a wrong password with 403 and an authentication Fault, without echoing it', async () => {
    const res = await register(a, point(), {}, { password: 'not-the-password' });
    expect(res.status).toBe(403);
    expect(res.fault?.faultcode).toBe(AUTH_FAULT_CODE);
    expect(res.text).not.toContain('not-the-password');
    expect(res.text).not.toContain(creds(A).password);
  });

  it("refuses another company's loginID over this company's certificate", async () => {
    const res = await register(a, point(), {}, { loginID: creds(B).loginID, password: creds(B).password });
    expect(res.status).toBe(403);
  });
});

describe('SOAP layer', () => {
  it('answers malformed XML with 400 Client Fault', async () => {
    const res = await a.call('relayRegister', {}, { raw: '<soapenv:Envelope><oops' });
    expect(res.status).toBe(400);
    expect(res.fault?.faultcode).toBe(REQUEST_FAULT_CODE);
  });

  it('answers a wrong SOAPAction with 400 naming it', async () => {
    const res = await register(a, point(), {}, { soapAction: '"urn:wrong#IS_20110"' });
    expect(res.status).toBe(400);
    expect(res.fault?.faultstring).toContain('SOAPAction');
  });

  it('answers an unknown serviceID and a header schema failure with 400 naming the field', async () => {
    const raw = buildRequest({ requestID: 'r1', serviceID: 'IF_19910', ipAddress: '127.0.0.1', timeStamp: '2026-05-11T10:00:00+09:00', ...creds(A) }, {});
    const unknown = await a.call('relayRegister', {}, { raw, soapAction: soapAction('IF_19910') });
    expect(unknown.status).toBe(400);
    expect(unknown.fault?.faultstring).toContain('serviceID');

    const badStamp = raw.replace('2026-05-11T10:00:00+09:00', '2026-05-11 10:00');
    const res = await a.call('relayRegister', {}, { raw: badStamp, soapAction: soapAction('IF_19910') });
    expect(res.status).toBe(400);
    expect(res.fault?.faultstring).toContain('header.timeStamp');
  });

  it('answers a body schema failure with HTTP 200, ERR_INPUT and the field', async () => {
    const res = await register(a, '0300000000000000000001'.slice(1)); // 21 digits
    const body = expectBusinessError(res, 'ERR_INPUT');
    expect(body['uketsukeMessage']).toContain('kyokyuChitenTokuteiNo');
  });
});

describe('rate accounting (real time)', () => {
  it('records one violation for two quick requests of one company', async () => {
    const c = caller(rateSim, RATE_1);
    await register(c, point());
    await register(c, point());
    const v = rateSim.violations().filter((x) => x.company === RATE_1);
    expect(v).toHaveLength(1);
    expect(v[0]?.gapMs).toBeLessThan(1000);
    expect(v[0]?.secondSeq).toBeGreaterThan(v[0]?.firstSeq ?? Infinity);
  });

  it('records none for requests at least 1 s apart', async () => {
    const c = caller(rateSim, RATE_2);
    await register(c, point());
    await new Promise((r) => setTimeout(r, 1_010));
    await register(c, point());
    expect(rateSim.violations().filter((x) => x.company === RATE_2)).toEqual([]);
    expect(rateSim.calls().filter((x) => x.company === RATE_2)).toHaveLength(2);
  });

  it('rejects more than 3 requests/s of one company with 429, and recovers by itself', async () => {
    const c = caller(rateSim, RATE_3);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await register(c, point())).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const rejected = rateSim.calls().filter((x) => x.company === RATE_3 && x.httpStatus === 429);
    expect(rejected).toHaveLength(2);
    expect(rejected[0]?.resultCode).toBe(RATE_LIMIT_FAULT_CODE);
    expect(rateSim.summary().byCompany[RATE_3]).toMatchObject({ calls: 5, rateLimited: 2, violations: 4 });

    await new Promise((r) => setTimeout(r, 1_010));
    expect((await register(c, point())).status).toBe(200);
  });
});

describe('maintenance on the simulated clock', () => {
  it('answers 503 on Sunday 03:00 JST and marks the call inMaintenance', async () => {
    sim.clock.set(SUNDAY_03_JST);
    const res = await register(a, point());
    expect(res.status).toBe(503);
    expect(res.fault?.faultcode).toBe(MAINTENANCE_FAULT_CODE);
    expect(Number(res.headers['retry-after'])).toBe(3 * 3600);
    expect(sim.calls()).toMatchObject([{ httpStatus: 503, inMaintenance: true }]);

    sim.clock.set(Date.parse('2026-05-17T06:00:00+09:00'));
    expectOk(await register(a, point()));
    expect(sim.calls()[1]?.inMaintenance).toBe(false);
    expect(sim.summary().callsInMaintenance).toBe(1);
  });

  it('stops only forwarded (IF_) operations of the area in an area window', async () => {
    const kansai = point('000', '06');
    const tokyo = point('000', '03');
    await registeredOk(a, kansai);
    await registeredOk(a, tokyo);
    const now = sim.clock.now();
    sim.addMaintenance({ start: now, end: now + 3_600_000, area: '06', reason: 'Kansai T&D work' });

    expect((await relays(a, { kyokyuChitenTokuteiNo: kansai })).length).toBe(1); // IS_: OCCTO-internal, works
    const start = await startApp(a, kansai);
    expect(start.status).toBe(503);
    expect(start.fault?.faultstring).toContain('Kansai T&D work');
    expectOk(await startApp(a, tokyo));
  });
});

describe('廃止取次 (relays)', () => {
  it('is pending, then judged OK after judgementDelayMs of simulated time', async () => {
    const p = point();
    const no = await registeredOk(a, p);
    expect(no).toMatch(/^H\d{11}$/);
    expect(await relayByNo(a, no)).toMatchObject({ jokyoCode: '01', kyokyuChitenTokuteiNo: p, jigyoshaKanriNo: `ref-${p}` });
    sim.clock.advance(JUDGEMENT_MS - 1_000);
    expect((await relayByNo(a, no)).jokyoCode).toBe('01');
    sim.clock.advance(1_000);
    const judged = await relayByNo(a, no);
    expect(judged).toMatchObject({ jokyoCode: '02', matchingZumi: '0', hanteiNichiji: '2026-05-11T10:01:00+09:00' });
    expect(judged.hanteiNgRiyu).toBeUndefined();
  });

  it('finds relays by point and by our reference, only our own', async () => {
    const p = point();
    const no = await registeredOk(a, p);
    expect((await relays(a, { kyokyuChitenTokuteiNo: p })).map((r) => r.haishiToritsugiNo)).toEqual([no]);
    expect((await relays(a, { jigyoshaKanriNo: `ref-${p}` })).map((r) => r.haishiToritsugiNo)).toEqual([no]);
    expect(await relays(b, { haishiToritsugiNo: no })).toEqual([]);
    expect(await relays(a, { haishiToritsugiNo: no }, { category: 'HV' })).toEqual([]);
  });

  it('judges the ng pattern (801) NG with reasons 1 and 4', async () => {
    const no = await registeredOk(a, point('801'));
    sim.clock.advance(JUDGEMENT_MS);
    expect(await relayByNo(a, no)).toMatchObject({ jokyoCode: '03', hanteiNgRiyu: '100100000' });
  });

  it('judges the first relay of an ng-once point (802) NG with reason 2, and the next one OK', async () => {
    const p = point('802');
    const first = await registeredOk(a, p);
    sim.clock.advance(JUDGEMENT_MS);
    expect(await relayByNo(a, first)).toMatchObject({ jokyoCode: '03', hanteiNgRiyu: '010000000' });
    const second = await registeredOk(a, p); // NG does not block a new registration
    sim.clock.advance(JUDGEMENT_MS);
    expect((await relayByNo(a, second)).jokyoCode).toBe('02');
  });

  it('never judges the never-judged pattern (880)', async () => {
    const no = await registeredOk(a, point('880'));
    sim.clock.advance(30 * 24 * 3_600_000);
    expect((await relayByNo(a, no)).jokyoCode).toBe('01');
  });

  it('refuses a second registration for a point with an open relay of any company', async () => {
    const p = point();
    await registeredOk(a, p);
    const dup = expectBusinessError(await register(a, p), 'ERR_SW_DUPLICATE');
    expect(dup['kekkaMei']).toBe(ERROR_CODES.ERR_SW_DUPLICATE.message);
    sim.clock.advance(JUDGEMENT_MS); // a lingering 判断済み(OK) still blocks
    expectBusinessError(await register(b, p), 'ERR_SW_DUPLICATE');
  });

  it('answers the duplicate pattern (820) with ERR_SW_DUPLICATE', async () => {
    expectBusinessError(await register(a, point('820')), 'ERR_SW_DUPLICATE');
    expect(sim.state().relays).toEqual([]);
  });

  it('requires the supply start date and the customer on registration', async () => {
    const res = await a.call('relayRegister', { koshinFlag: '1', jigyoshaKanriNo: 'r', kyokyuChitenTokuteiNo: point(), ...customer });
    expect(expectBusinessError(res, 'ERR_INPUT')['uketsukeMessage']).toContain('kyokyuKaishiBi');
    const noName = await register(a, point(), { juyoshaMei: undefined });
    expect(expectBusinessError(noName, 'ERR_INPUT')['uketsukeMessage']).toContain('juyoshaMei');
  });

  it('limits the LV start date to the next-but-one meter reading day', async () => {
    const p = point();
    const limit = nextButOneMeterReadingDate(p, '2026-05-11');
    const late = await register(a, p, { kyokyuKaishiBi: addDays(limit, 1).replaceAll('-', '') });
    const msg = String(expectBusinessError(late, 'ERR_INPUT')['uketsukeMessage']);
    expect(msg).toContain('kyokyuKaishiBi');
    expect(msg).toContain('lv-next-but-one-meter-reading');
    expectOk(await register(a, p, { kyokyuKaishiBi: limit.replaceAll('-', '') }));
    expectBusinessError(await register(a, point(), { kyokyuKaishiBi: '20260510' }), 'ERR_INPUT'); // yesterday
  });

  it('limits the HV start date to today + 365 days, 366 across a Feb 29', async () => {
    const hv = { category: 'HV' as const };
    expectBusinessError(await register(a, point(), { kyokyuKaishiBi: '20270512' }, hv), 'ERR_INPUT');
    expectOk(await register(a, point(), { kyokyuKaishiBi: '20270511' }, hv));
    sim.clock.set(Date.parse('2027-05-11T10:00:00+09:00'));
    expectOk(await register(a, point(), { kyokyuKaishiBi: '20280511' }, hv));
    expectBusinessError(await register(a, point(), { kyokyuKaishiBi: '20280512' }, hv), 'ERR_INPUT');
  });

  it('cancels an own relay idempotently, and refuses to cancel an NG one', async () => {
    const p = point();
    const no = await registeredOk(a, p);
    const cancel = () => a.call('relayRegister', { koshinFlag: '3', jigyoshaKanriNo: `ref-${p}`, kyokyuChitenTokuteiNo: p, haishiToritsugiNo: no });
    expectOk(await cancel());
    expect((await relayByNo(a, no)).jokyoCode).toBe('06');
    expectOk(await cancel());
    await registeredOk(a, p); // the point is free again

    const ngPoint = point('801');
    const ng = await registeredOk(a, ngPoint);
    sim.clock.advance(JUDGEMENT_MS);
    expectBusinessError(await a.call('relayRegister', { koshinFlag: '3', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: ngPoint, haishiToritsugiNo: ng }), 'ERR_20070');
    // someone else's relay is not found
    expectBusinessError(await b.call('relayRegister', { koshinFlag: '3', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: p, haishiToritsugiNo: no }), 'ERR_20040');
  });

  it('corrects a pending relay (更新フラグ 2), not a judged one', async () => {
    const p = point();
    const no = await registeredOk(a, p);
    const correct = (date: string) =>
      a.call('relayRegister', { koshinFlag: '2', jigyoshaKanriNo: `ref-${p}`, kyokyuChitenTokuteiNo: p, haishiToritsugiNo: no, kyokyuKaishiBi: date });
    expectOk(await correct('20260601'));
    expect((await relayByNo(a, no)).kyokyuKaishiBi).toBe('20260601');
    sim.clock.advance(JUDGEMENT_MS);
    expectBusinessError(await correct('20260602'), 'ERR_20070');
  });

  it('cancels a judged-OK relay', async () => {
    const p = point();
    const no = await registeredOk(a, p);
    sim.clock.advance(JUDGEMENT_MS);
    expectOk(await a.call('relayRegister', { koshinFlag: '3', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: p, haishiToritsugiNo: no }));
    expect((await relayByNo(a, no)).jokyoCode).toBe('06');
  });
});

describe('error patterns', () => {
  it.each([
    ['810', 'ERR_20040'],
    ['811', 'ERR_20070'],
    ['812', 'ERR_20140'],
    ['813', 'ERR_20250'],
  ] as const)('point …%s answers every operation with %s', async (suffix, code) => {
    const p = point(suffix);
    expectBusinessError(await register(a, p), code);
    expectBusinessError(await startApp(a, p), code);
    expectBusinessError(await a.call('relayResult', { kyokyuChitenTokuteiNo: p }), code);
    expectBusinessError(await a.call('statusList', { kyokyuChitenTokuteiNo: p }), code);
  });

  it('answers ERR_20250 for a forwarded operation outside the company’s 託送基本契約 areas', async () => {
    const k = caller(sim, KANSAI_ONLY);
    const tokyo = point('000', '03');
    await registeredOk(k, tokyo); // 廃止取次 is OCCTO-internal
    expectBusinessError(await startApp(k, tokyo), 'ERR_20250');
    const kansai = point('000', '06');
    await registeredOk(k, kansai);
    expectOk(await startApp(k, kansai));
  });

  it('sets and overrides a pattern per point', async () => {
    const p = point();
    sim.setPattern(p, 'err-20140');
    expectBusinessError(await register(a, p), 'ERR_20140');
    expect(sim.state().patternOverrides).toEqual({ [p]: 'err-20140' });
  });
});

describe('スイッチング開始申請 and status', () => {
  it('goes 05 → 06 with 異動日 = 異動予定日 after processingDelayMs, and matches the relay', async () => {
    const p = point();
    const relayNo = await registeredOk(a, p);
    sim.clock.advance(JUDGEMENT_MS);
    const moshikomiNo = String(expectOk(await startApp(a, p, { haishiToritsugiNo: relayNo, idoYoteiBi: START_DATE }))['moshikomiNo']);
    expect(await stageOf(a, moshikomiNo)).toMatchObject({ uketsukeKoteiCode: '05', moshikomiShubetsu: '05', idoYoteiBi: START_DATE });
    expect((await relayByNo(a, relayNo)).matchingZumi).toBe('1');

    sim.clock.advance(PROCESSING_MS);
    const done = await stageOf(a, moshikomiNo);
    expect(done).toMatchObject({ uketsukeKoteiCode: '06', idoBi: START_DATE, kyokyuChitenTokuteiNo: p });
    const stop = sim.state().applications.find((x) => x.kind === 'stop');
    expect(stop).toMatchObject({ moshikomiShubetsu: '03', supplyPointId: p });
  });

  it('never shows matchingZumi when the application came before the OK (docs/external-systems/occto-switching.md §4.4), yet completes', async () => {
    const p = point();
    const relayNo = await registeredOk(a, p);
    const moshikomiNo = String(expectOk(await startApp(a, p))['moshikomiNo']);
    sim.clock.advance(JUDGEMENT_MS + PROCESSING_MS);
    expect(await relayByNo(a, relayNo)).toMatchObject({ jokyoCode: '02', matchingZumi: '0' });
    expect((await stageOf(a, moshikomiNo)).uketsukeKoteiCode).toBe('06');
  });

  it('needs an own open relay, and allows one open application per point', async () => {
    expectBusinessError(await startApp(a, point()), 'ERR_20070');
    const p = point();
    await registeredOk(a, p);
    expectBusinessError(await startApp(b, p), 'ERR_20070'); // not b's relay
    expectOk(await startApp(a, p));
    expectBusinessError(await startApp(a, p), 'ERR_20070');
  });

  it('refuses a start application on an NG relay', async () => {
    const p = point('801');
    await registeredOk(a, p);
    sim.clock.advance(JUDGEMENT_MS);
    expectBusinessError(await startApp(a, p), 'ERR_20070');
  });

  it('ends at 09 for the processing-rejected pattern (870)', async () => {
    const p = point('870');
    await registeredOk(a, p);
    sim.clock.advance(JUDGEMENT_MS);
    const no = String(expectOk(await startApp(a, p))['moshikomiNo']);
    sim.clock.advance(PROCESSING_MS);
    expect((await stageOf(a, no)).uketsukeKoteiCode).toBe('09');
  });

  it('cancels an application idempotently, which frees the point', async () => {
    const p = point();
    await registeredOk(a, p);
    const no = String(expectOk(await startApp(a, p))['moshikomiNo']);
    const cancel = () => a.call('switchingStart', { koshinFlag: '3', jigyoshaKanriNo: 'x', kyokyuChitenTokuteiNo: p, moshikomiNo: no });
    expectOk(await cancel());
    expectOk(await cancel());
    expect((await stageOf(a, no)).uketsukeKoteiCode).toBe('09');
    expectOk(await startApp(a, p));
  });

  it('lists statuses by application numbers, by point and by our reference — only our own', async () => {
    const p1 = point();
    const p2 = point();
    const p3 = point();
    for (const p of [p1, p2]) await registeredOk(a, p);
    await registeredOk(b, p3);
    sim.clock.advance(JUDGEMENT_MS);
    const n1 = String(expectOk(await startApp(a, p1))['moshikomiNo']);
    const n2 = String(expectOk(await startApp(a, p2))['moshikomiNo']);
    const n3 = String(expectOk(await startApp(b, p3))['moshikomiNo']);

    const list = async (by: Record<string, unknown>) => statusListResponseSchema.parse(expectOk(await a.call('statusList', by))).kekka;
    expect((await list({ moshikomiNo: [n1, n2, n3] })).map((r) => r.moshikomiNo).sort()).toEqual([n1, n2].sort());
    expect((await list({ moshikomiNo: [n1] })).map((r) => r.moshikomiNo)).toEqual([n1]);
    expect((await list({ kyokyuChitenTokuteiNo: p2 })).map((r) => r.moshikomiNo)).toEqual([n2]);
    expect((await list({ jigyoshaKanriNo: `app-${p1}` })).map((r) => r.uketsukeKoteiCode)).toEqual(['05']);
    expect(await list({ kyokyuChitenTokuteiNo: p3 })).toEqual([]);
    expectBusinessError(await a.call('switchingStartStatus', { moshikomiNo: n3 }), 'ERR_20040');

    const tooMany = await a.call('statusList', { moshikomiNo: Array.from({ length: 201 }, (_, i) => `M${i}`) });
    expect(expectBusinessError(tooMany, 'ERR_INPUT')['uketsukeMessage']).toContain('200');
  });
});

describe('transport patterns', () => {
  it('timeout-once (850): the first registration is recorded, its response lost; exactly one relay exists', async () => {
    const p = point('850');
    await expect(register(a, p)).rejects.toThrow();
    expect(sim.state().relays).toHaveLength(1);
    expect(sim.calls()[0]).toMatchObject({ httpStatus: 0, resultCode: SUCCESS_RESULT_CODE });
    // the client's recovery: a retry is a duplicate, a look-up by our reference finds the relay
    expectBusinessError(await register(a, p), 'ERR_SW_DUPLICATE');
    expect(await relays(a, { jigyoshaKanriNo: `ref-${p}` })).toHaveLength(1);
    expect(sim.state().relays).toHaveLength(1);
  });

  it('http-500 (840) always, http-500-once (841) the first time only', async () => {
    expect((await register(a, point('840'))).status).toBe(500);
    const p = point('841');
    expect((await register(a, p)).status).toBe(500);
    expectOk(await register(a, p));
  });

  it('malformed (860) answers XML that does not parse', async () => {
    const res = await register(a, point('860'));
    expect(res.status).toBe(200);
    expect(res.body).toBeUndefined();
    expect(res.text.length).toBeGreaterThan(0);
  });

  it('slow (830) delays the response by slowMs', async () => {
    const t0 = Date.now();
    expectOk(await register(a, point('830')));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });
});

describe('injected faults', () => {
  it('answers the next requests with the injected status, for a serviceId if given', async () => {
    sim.injectFault({ kind: 'status', status: 502, count: 1, serviceId: 'IS_20210' });
    sim.injectFault({ kind: 'status', status: 503, count: 2 });
    expect((await register(a, point())).status).toBe(503);
    expect((await a.call('relayResult', { jigyoshaKanriNo: 'x' })).status).toBe(502);
    expect((await register(a, point())).status).toBe(503);
    expectOk(await register(a, point()));
    expect(sim.state().pendingFaults).toEqual([]);
  });

  it('resets the connection, corrupts the body, delays', async () => {
    sim.injectFault({ kind: 'reset', count: 1 });
    await expect(register(a, point())).rejects.toThrow();
    sim.injectFault({ kind: 'malformed', count: 1 });
    expect((await register(a, point())).body).toBeUndefined();
    sim.injectFault({ kind: 'delay', ms: 100, count: 1 });
    const t0 = Date.now();
    expectOk(await register(a, point()));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });
});

describe('clock', () => {
  it('keeps flowing after set, and advances', async () => {
    sim.clock.set(MONDAY_10_JST);
    const t = sim.clock.now();
    expect(t).toBeGreaterThanOrEqual(MONDAY_10_JST);
    expect(t - MONDAY_10_JST).toBeLessThan(1_000);
    sim.clock.advance(3_600_000);
    expect(sim.clock.now() - MONDAY_10_JST).toBeGreaterThanOrEqual(3_600_000);
  });
});

describe('admin API', () => {
  const admin = (path: string, init?: { method?: string; body?: unknown }) =>
    fetch(`${sim.adminUrl}${path}`, {
      method: init?.method ?? 'GET',
      headers: { 'content-type': 'application/json' },
      body: init?.body === undefined ? undefined : JSON.stringify(init.body),
    }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));

  it('sets the clock from an ISO string and advances it', async () => {
    const set = await admin('/clock', { method: 'POST', body: { now: '2026-05-17T03:00:00+09:00' } });
    expect(set.status).toBe(200);
    expect(String(set.json['nowJst'])).toMatch(/^2026-05-17T03:00:0\d\+09:00$/);
    const adv = await admin('/clock', { method: 'POST', body: { advanceMs: 3 * 3_600_000 } });
    expect(String(adv.json['nowJst'])).toMatch(/^2026-05-17T06:00:0\d\+09:00$/);
  });

  it('validates bodies and names the fields', async () => {
    const bad = await admin('/patterns', { method: 'POST', body: { supplyPointId: '123', pattern: 'nope' } });
    expect(bad.status).toBe(400);
    const fields = (bad.json['issues'] as { field: string }[]).map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['supplyPointId', 'pattern']));
    expect((await admin('/faults', { method: 'POST', body: { kind: 'status', status: 418 } })).status).toBe(400);
    expect((await admin('/clock', { method: 'POST', body: { now: '2026-05-17 03:00' } })).status).toBe(400);
    expect((await admin('/maintenance', { method: 'POST', body: { start: 2, end: 1 } })).status).toBe(400);
    expect((await admin('/nope')).status).toBe(404);
  });

  it('drives patterns, faults and maintenance, reports calls and summary without secrets, and resets', async () => {
    const p = point();
    expect((await admin('/patterns', { method: 'POST', body: { supplyPointId: p, pattern: 'http-500' } })).status).toBe(200);
    expect((await register(a, p)).status).toBe(500);
    expect((await admin('/faults', { method: 'POST', body: { kind: 'status', status: 504 } })).status).toBe(200);
    expect((await register(a, point())).status).toBe(504);
    const now = sim.clock.now();
    expect((await admin('/maintenance', { method: 'POST', body: { start: now, end: now + 60_000, reason: 'ad hoc' } })).status).toBe(200);
    expect((await register(a, point())).status).toBe(503);

    const calls = await fetch(`${sim.adminUrl}/calls`).then((r) => r.text());
    expect(JSON.parse(calls)).toHaveLength(3);
    expect(calls).not.toContain(creds(A).password);
    const state = await fetch(`${sim.adminUrl}/state`).then((r) => r.text());
    expect(state).not.toContain(customer.juyoshaMei);
    const summary = await admin('/summary');
    expect(summary.json).toMatchObject({ calls: 3, callsInMaintenance: 1, byCompany: { [A]: { calls: 3 } } });
    const meter = await admin(`/meter-reading?supplyPointId=${p}`);
    expect(meter.json['nextButOneMeterReadingDate']).toBe(nextButOneMeterReadingDate(p, '2026-05-11'));

    expect((await admin('/reset', { method: 'POST' })).status).toBe(200);
    expect(sim.calls()).toEqual([]);
    expect(sim.state()).toMatchObject({ relays: [], applications: [], patternOverrides: {}, adHocMaintenance: [] });
  });
});
