// The OCCTO operations of issue #4 against the REAL simulator over mutual TLS: the current
// retailer's inbox (paging), judgement (final, idempotent) and スイッチング廃止申請; facility and
// usage queries with the password; 再点, 廃止・撤去, 需要者情報変更, アンペア変更; status and 取消 of
// any kind; batched relay results. Each activity runs in a real activity Context
// (MockActivityEnvironment) so that the attempt number drives the retry look-ups.
//
// Speed: the client spaces requests per company (≥ 1 s after the previous response), so tests
// rotate over companies and move the simulator's clock instead of waiting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createOcctoActivities } from '../../activities/activities.js';
import { parseOcctoClientConfig } from '../../activities/config.js';
import { OcctoFailure, type Category, type Customer } from '../../activities/contract.js';
import { addDays, jstDate } from '../../../../domain/jst.js';
import { createDevPki, type DevPki, type PemPair } from '../../../../simulators/shared/dev-pki.js';
import {
  nextButOneMeterReadingDate,
  SIMULATED_NEW_RETAILER,
  startOcctoSimulator,
  syntheticPointId,
  type OcctoSimulator,
} from '../../simulator/server.js';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/** 事業者コード: 4-digit company part + area digit 3 (東京). Rotated (per-company spacing). */
const COMPANIES = Array.from({ length: 14 }, (_, i) => `${String(2000 + i * 11).padStart(4, '0')}3`);
const login = (code: string) => ({ loginId: `api${code}`, password: `pw-${code}-Op3rations!` });

/** Wednesday 2030-06-12 10:00 JST: a business day, far from the Sunday maintenance window. */
const T0 = Date.parse('2030-06-12T10:00:00+09:00');
const JUDGEMENT_MS = 60_000;
const PROCESSING_MS = 120_000;
const TIMEOUT_MS = 1_500;
const DESIRED = '2030-07-01';

const CUSTOMER: Customer = { name: '現小 次郎', kana: 'ゲンコ ジロウ', address: '東京都中央区日本橋二丁目3番4号', phone: '03-5555-0101' };
const PII = [CUSTOMER.name, CUSTOMER.kana, CUSTOMER.address, CUSTOMER.phone as string, '模擬 需要者', 'モギ ジュヨウシャ', '模擬町'];

let pki: DevPki;
let sim: OcctoSimulator;
let acts: ReturnType<typeof createOcctoActivities>;
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (s: string) => void logLines.push(s) });
const logs = (): Record<string, unknown>[] => logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
/** Every query password the tests saw: none may reach a log line. */
const passwords: string[] = [];

let companyTurn = 0;
const nextCompany = (): string => COMPANIES[companyTurn++ % COMPANIES.length] as string;

let serial = 0;
/** A fresh 22-digit point whose last three digits select the simulator's pattern. */
const point = (suffix = '100', area = '03') => syntheticPointId(area, 5_300_000 + ++serial, suffix);
let refSeq = 0;
const ref = (what: string) => `${what}-${++refSeq}`;

const quietSdkLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
/** Runs one activity in a real activity Context with the given attempt number. */
function run<A, R>(fn: (a: A) => Promise<R>, input: A, attempt = 1): Promise<R> {
  return new MockActivityEnvironment({ attempt }, { logger: quietSdkLogger }).run(fn, input);
}
async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'the activity should have failed').toBeInstanceOf(ApplicationFailure);
  return e as ApplicationFailure;
}
const code = (f: ApplicationFailure) => (f.details?.[0] as { code?: string } | undefined)?.code;

const callsOf = (company: string, sinceSeq = 0) => sim.calls().filter((c) => c.company === company && c.seq > sinceSeq);
const lastSeq = () => sim.calls().reduce((m, c) => Math.max(m, c.seq), 0);
const today = () => jstDate(sim.clock.now());
const ourApps = (supplyPointId: string) => sim.state().applications.filter((a) => a.supplyPointId === supplyPointId && !a.simulated);

/** A 廃止取次 from a simulated new retailer addressed to `company`. */
function incoming(company: string, supplyPointId: string, category: Category = 'LV') {
  return sim.injectIncomingRelay({ toCompany: company, category, supplyPointId, newRetailerCode: SIMULATED_NEW_RETAILER, customer: CUSTOMER });
}

beforeAll(async () => {
  pki = await createDevPki({ companies: COMPANIES });
  sim = await startOcctoSimulator({
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
    companies: COMPANIES.map((c) => ({ code: c, ...login(c) })),
    timing: { judgementDelayMs: JUDGEMENT_MS, processingDelayMs: PROCESSING_MS, hangMs: 5_000, slowMs: 3_000 },
  });
  sim.clock.set(T0);
  acts = createOcctoActivities({
    config: parseOcctoClientConfig({
      endpoint: sim.endpoint,
      sourceIp: '127.0.0.1',
      timeoutMs: TIMEOUT_MS,
      companies: Object.fromEntries(COMPANIES.map((c) => [c, { ...(pki.clients[c] as PemPair), ca: pki.ca.cert, ...login(c) }])),
    }),
    logger,
  });
});

afterAll(async () => {
  await acts?.close();
  await sim?.close();
});

// ---------------------------------------------------------------------------------------------

describe('current retailer: incoming 廃止取次 (IS_x20310)', () => {
  it('pages through more than 200 relays injected via the admin API; pending only by default; registeredSince', async () => {
    const company = nextCompany();
    const res = await fetch(`${sim.adminUrl}/admin/incoming-relays/bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ toCompany: company, category: 'LV', count: 250 }),
    });
    expect(res.status).toBe(200);
    const created = (await res.json()) as { created: number; haishiToritsugiNoList: string[] };
    expect(created.created).toBe(250);

    let seq = lastSeq();
    const all = await run(acts.fetchIncomingRelays, { company, category: 'LV' });
    expect(all.map((r) => r.relayNo).sort()).toEqual([...created.haishiToritsugiNoList].sort());
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IS_20310', 'IS_20310']);
    const first = all[0];
    expect(first).toMatchObject({ category: 'LV', newRetailerCode: SIMULATED_NEW_RETAILER, statusCode: '01' });
    expect(first?.supplyPointId).toMatch(/^03\d{20}$/);
    expect(first?.supplyStartDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(first?.registeredAt).toMatch(/\+09:00$/);
    expect(first?.customer.name).toMatch(/^模擬 需要者/);

    // one judged → no longer pending; pendingOnly: false still lists it
    const judged = all[0]!;
    await run(acts.judgeRelay, { company, category: 'LV', relayNo: judged.relayNo, supplyPointId: judged.supplyPointId, judgement: 'NG', ngReasons: [9] });
    seq = lastSeq();
    const pending = await run(acts.fetchIncomingRelays, { company, category: 'LV' });
    expect(pending).toHaveLength(249);
    expect(pending.some((r) => r.relayNo === judged.relayNo)).toBe(false);
    const every = await run(acts.fetchIncomingRelays, { company, category: 'LV', pendingOnly: false });
    expect(every).toHaveLength(250);
    expect(every.find((r) => r.relayNo === judged.relayNo)?.statusCode).toBe('03');
    expect(callsOf(company, seq)).toHaveLength(4);

    // only the ones registered since an instant
    sim.clock.advance(60_000);
    const since = new Date(sim.clock.now()).toISOString();
    const late = incoming(company, point());
    expect(await run(acts.fetchIncomingRelays, { company, category: 'LV', registeredSince: since })).toEqual([
      expect.objectContaining({ relayNo: late.haishiToritsugiNo, supplyPointId: late.supplyPointId, customer: CUSTOMER }),
    ]);
    // another category of the same company is another inbox
    expect(await run(acts.fetchIncomingRelays, { company, category: 'HV' })).toEqual([]);
  });
});

describe('current retailer: 判断 (IS_x20410) is final and idempotent', () => {
  it('OK → statusCode 02; the same judgement again is success (alreadyJudged); a different one → AlreadyJudged', async () => {
    const company = nextCompany();
    const p = point();
    const relay = incoming(company, p);
    const judge = { company, category: 'LV' as const, relayNo: relay.haishiToritsugiNo, supplyPointId: p, judgement: 'OK' as const, ngReasons: [] };

    expect(await run(acts.judgeRelay, judge)).toEqual({ alreadyJudged: false, statusCode: '02' });
    let seq = lastSeq();
    // attempt 1 again (e.g. a person pressed twice): sent, ERR_20070, read back: the same → success
    expect(await run(acts.judgeRelay, judge)).toEqual({ alreadyJudged: true, statusCode: '02' });
    expect(callsOf(company, seq).map((c) => [c.serviceId, c.resultCode])).toEqual([
      ['IS_20410', 'ERR_20070'],
      ['IS_20310', 'I00000'],
    ]);
    // a retry reads back first and does not send again
    seq = lastSeq();
    expect(await run(acts.judgeRelay, judge, 2)).toEqual({ alreadyJudged: true, statusCode: '02' });
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IS_20310']);

    // NG now: a judgement cannot be changed
    const f = await failureOf(run(acts.judgeRelay, { ...judge, judgement: 'NG', ngReasons: [2] }));
    expect(f.type).toBe(OcctoFailure.AlreadyJudged);
    expect(f.nonRetryable).toBe(true);
    expect(f.details?.[0]).toMatchObject({ relayNo: relay.haishiToritsugiNo, statusCode: '02', judgement: 'OK', requested: 'NG' });
    expect(sim.state().incomingRelays.find((r) => r.haishiToritsugiNo === relay.haishiToritsugiNo)).toMatchObject({ jokyoCode: '02', ngReasons: [] });
  });

  it('NG with reasons; a relay the new retailer cancelled cannot be judged (Business ERR_20070)', async () => {
    const company = nextCompany();
    const p = point();
    const relay = incoming(company, p);
    expect(await run(acts.judgeRelay, { company, category: 'LV', relayNo: relay.haishiToritsugiNo, supplyPointId: p, judgement: 'NG', ngReasons: [1, 4] })).toEqual({
      alreadyJudged: false,
      statusCode: '03',
    });
    expect(sim.state().incomingRelays.find((r) => r.haishiToritsugiNo === relay.haishiToritsugiNo)?.ngReasons).toEqual([1, 4]);

    const p2 = point();
    const cancelled = incoming(company, p2);
    sim.cancelIncomingRelay(cancelled.haishiToritsugiNo);
    const f = await failureOf(run(acts.judgeRelay, { company, category: 'LV', relayNo: cancelled.haishiToritsugiNo, supplyPointId: p2, judgement: 'OK', ngReasons: [] }));
    expect(f.type).toBe(OcctoFailure.Business);
    expect(code(f)).toBe('ERR_20070');
  });

  it('lost responses (timeout-once): the judgement and the スイッチング廃止申請 are each recorded once; the retries find them', async () => {
    const company = nextCompany();
    const p = point('850');
    const relay = incoming(company, p);
    const judge = { company, category: 'LV' as const, relayNo: relay.haishiToritsugiNo, supplyPointId: p, judgement: 'OK' as const, ngReasons: [] };

    const lost = await failureOf(run(acts.judgeRelay, judge, 1));
    expect(lost.type).toBe(OcctoFailure.Transient);
    expect(lost.nonRetryable).toBe(false);
    let seq = lastSeq();
    expect(await run(acts.judgeRelay, judge, 2)).toEqual({ alreadyJudged: true, statusCode: '02' });
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IS_20310']);

    const stop = { company, category: 'LV' as const, supplyPointId: p, relayNo: relay.haishiToritsugiNo, stopDate: addDays(relay.kyokyuKaishiBi, -1), requestRef: ref('stop') };
    const lostStop = await failureOf(run(acts.applySwitchingStop, stop, 1));
    expect(lostStop.type).toBe(OcctoFailure.Transient);
    seq = lastSeq();
    const found = await run(acts.applySwitchingStop, stop, 2);
    expect(found.alreadyApplied).toBe(true);
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IF_11110']);
    expect(ourApps(p).map((a) => [a.kind, a.moshikomiNo])).toEqual([['stop', found.applicationNo]]);
  });
});

describe('current retailer: スイッチング廃止申請 (IF_x10710)', () => {
  it('after an OK: applied once (retry and duplicate answer find it), tracked to COMPLETED with its kind', async () => {
    const company = nextCompany();
    const p = point();
    const relay = incoming(company, p, 'HV');
    await run(acts.judgeRelay, { company, category: 'HV', relayNo: relay.haishiToritsugiNo, supplyPointId: p, judgement: 'OK', ngReasons: [] });
    const stopDate = addDays(relay.kyokyuKaishiBi, -1);
    const stop = { company, category: 'HV' as const, supplyPointId: p, relayNo: relay.haishiToritsugiNo, stopDate, requestRef: ref('stop') };

    const app = await run(acts.applySwitchingStop, stop);
    expect(app.alreadyApplied).toBe(false);
    expect(callsOf(company).at(-1)?.serviceId).toBe('IF_K10710');
    expect(await run(acts.applySwitchingStop, stop, 2)).toEqual({ applicationNo: app.applicationNo, alreadyApplied: true });
    expect(await run(acts.applySwitchingStop, stop, 1)).toEqual({ applicationNo: app.applicationNo, alreadyApplied: true }); // ERR_20070 → ours
    expect(ourApps(p)).toHaveLength(1);

    const appRef = { company, category: 'HV' as const, kind: 'SWITCHING_STOP' as const, applicationNo: app.applicationNo, supplyPointId: p };
    expect(await run(acts.checkApplicationStatus, appRef)).toEqual({ applicationNo: app.applicationNo, kind: 'SWITCHING_STOP', stageCode: '05', state: 'IN_PROGRESS', plannedDate: stopDate });
    sim.clock.advance(PROCESSING_MS + 1_000);
    expect(await run(acts.checkApplicationStatus, appRef)).toMatchObject({ kind: 'SWITCHING_STOP', stageCode: '06', state: 'COMPLETED', actualDate: stopDate });
  });

  it('for a relay judged NG → the Business error (nothing of ours to find)', async () => {
    const company = nextCompany();
    const p = point();
    const relay = incoming(company, p);
    await run(acts.judgeRelay, { company, category: 'LV', relayNo: relay.haishiToritsugiNo, supplyPointId: p, judgement: 'NG', ngReasons: [5] });
    const f = await failureOf(run(acts.applySwitchingStop, { company, category: 'LV', supplyPointId: p, relayNo: relay.haishiToritsugiNo, stopDate: addDays(relay.kyokyuKaishiBi, -1), requestRef: ref('stop') }));
    expect(code(f)).toBe('ERR_20070');
    expect(ourApps(p)).toEqual([]);
  });
});

describe('new retailer: batched results and FIT start applications', () => {
  it('queryRelayResultsBatch: our relays in one call; more than 200 numbers in calls of ≤ 200', async () => {
    const company = nextCompany();
    const relays: string[] = [];
    for (const suffix of ['100', '801']) {
      const p = point(suffix);
      const r = await run(acts.registerRelay, { company, category: 'LV', supplyPointId: p, supplyStartDate: nextButOneMeterReadingDate(p, today()), customer: CUSTOMER, requestRef: ref('relay') });
      relays.push(r.relayNo);
    }
    sim.clock.advance(JUDGEMENT_MS + 1_000);
    let seq = lastSeq();
    const out = await run(acts.queryRelayResultsBatch, { company, category: 'LV', relayNos: relays });
    expect(out.map((r) => [r.relayNo, r.judgement, r.ngReasons])).toEqual([
      [relays[0], 'OK', []],
      [relays[1], 'NG', [1, 4]],
    ]);
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IS_20210']);

    seq = lastSeq();
    const many = [...Array.from({ length: 205 }, (_, i) => `H9${i}`), ...relays];
    expect((await run(acts.queryRelayResultsBatch, { company, category: 'LV', relayNos: many })).map((r) => r.relayNo).sort()).toEqual([...relays].sort());
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IS_20210', 'IS_20210']);
  });

  it('FIT スイッチング開始申請 (申込種別 16): retry look-up finds it; batch status maps its kind', async () => {
    const company = nextCompany();
    const p = point();
    const relay = await run(acts.registerRelay, { company, category: 'FIT', supplyPointId: p, supplyStartDate: nextButOneMeterReadingDate(p, today()), customer: CUSTOMER, requestRef: ref('relay') });
    const apply = { company, category: 'FIT' as const, supplyPointId: p, relayNo: relay.relayNo, supplyStartDate: nextButOneMeterReadingDate(p, today()), customer: CUSTOMER, requestRef: ref('start') };
    const app = await run(acts.applySwitchingStart, apply);
    const seq = lastSeq();
    expect(await run(acts.applySwitchingStart, apply, 2)).toEqual({ applicationNo: app.applicationNo, alreadyApplied: true });
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IF_F11110']);
    expect(await run(acts.checkProcessingStatusBatch, { company, category: 'FIT', applicationNos: [app.applicationNo] })).toEqual([
      expect.objectContaining({ applicationNo: app.applicationNo, kind: 'SWITCHING_START', state: 'IN_PROGRESS' }),
    ]);
  });
});

describe('other operations', () => {
  it('設備情報照会: LV and FIT answered and mapped; HV refused before sending', async () => {
    const company = nextCompany();
    const p = point();
    const info = await run(acts.queryFacility, { company, category: 'LV', supplyPointId: p });
    expect(info).toMatchObject({ supplyPointId: p, area: '03', contractType: '従量電灯B', nextButOneMeterReadingDate: nextButOneMeterReadingDate(p, today()) });
    expect(info.contractAmperes).toBeGreaterThanOrEqual(10);
    expect(typeof info.smartMeter).toBe('boolean');
    expect(await run(acts.queryFacility, { company, category: 'FIT', supplyPointId: p })).toMatchObject({ supplyPointId: p, contractKva: expect.any(Number) });

    const seq = lastSeq();
    const f = await failureOf(run(acts.queryFacility, { company, category: 'HV', supplyPointId: p }));
    expect(f.type).toBe(OcctoFailure.NotOffered);
    expect(f.nonRetryable).toBe(true);
    expect(callsOf(company, seq)).toEqual([]);
  });

  it('再点 (FIT), 廃止・撤去 (LV, 撤去あり), 需要者情報変更 (HV), アンペア変更 (LV 東京): applied, status with kind, batch', async () => {
    const company = nextCompany();
    const [pr, pd, pc, pa] = [point(), point(), point(), point()];
    const base = { company, desiredDate: DESIRED };
    const rec = await run(acts.applyReconnection, { ...base, category: 'FIT', supplyPointId: pr, customer: CUSTOMER, requestRef: ref('re') });
    const dis = await run(acts.applyDiscontinuation, { ...base, category: 'LV', supplyPointId: pd, withRemoval: true, requestRef: ref('dis') });
    const chg = await run(acts.applyCustomerInfoChange, { ...base, category: 'HV', supplyPointId: pc, changes: { address: '東京都港区新橋一丁目1番1号' }, requestRef: ref('chg') });
    const amp = await run(acts.applyAmpereChange, { ...base, category: 'LV', supplyPointId: pa, amperes: 50, requestRef: ref('amp') });
    for (const a of [rec, dis, chg, amp]) expect(a.alreadyApplied).toBe(false);
    expect(ourApps(pd).map((a) => a.applicationKind)).toEqual(['discontinuationWithRemoval']);

    expect(await run(acts.checkApplicationStatus, { company, category: 'FIT', kind: 'RECONNECTION', applicationNo: rec.applicationNo, supplyPointId: pr })).toEqual({
      applicationNo: rec.applicationNo,
      kind: 'RECONNECTION',
      stageCode: '05',
      state: 'IN_PROGRESS',
      plannedDate: DESIRED,
    });
    expect(await run(acts.checkApplicationStatus, { company, category: 'HV', kind: 'CUSTOMER_INFO_CHANGE', applicationNo: chg.applicationNo, supplyPointId: pc })).toMatchObject({ kind: 'CUSTOMER_INFO_CHANGE' });
    sim.clock.advance(PROCESSING_MS + 1_000);
    const batch = await run(acts.checkProcessingStatusBatch, { company, category: 'LV', applicationNos: [dis.applicationNo, amp.applicationNo] });
    expect(batch.map((s) => [s.applicationNo, s.kind, s.state, s.actualDate])).toEqual([
      [dis.applicationNo, 'DISCONTINUATION', 'COMPLETED', DESIRED],
      [amp.applicationNo, 'AMPERE_CHANGE', 'COMPLETED', DESIRED],
    ]);
  });

  it('アンペア変更 in 関西 and 再点 for HV are refused before sending', async () => {
    const company = nextCompany();
    const seq = lastSeq();
    const kansai = await failureOf(run(acts.applyAmpereChange, { company, category: 'LV', supplyPointId: point('100', '06'), desiredDate: DESIRED, amperes: 30, requestRef: ref('amp') }));
    expect(kansai.type).toBe(OcctoFailure.NotOffered);
    expect(kansai.message).toContain('06 関西');
    const hv = await failureOf(run(acts.applyReconnection, { company, category: 'HV', supplyPointId: point(), desiredDate: DESIRED, customer: CUSTOMER, requestRef: ref('re') }));
    expect(hv.type).toBe(OcctoFailure.NotOffered);
    expect(callsOf(company, seq)).toEqual([]);
  });

  it('no duplicate application: a lost response (timeout-once) and a duplicate answer both find ours', async () => {
    const company = nextCompany();
    const p = point('850');
    const input = { company, category: 'LV' as const, supplyPointId: p, desiredDate: DESIRED, customer: CUSTOMER, requestRef: ref('re') };
    const lost = await failureOf(run(acts.applyReconnection, input, 1));
    expect(lost.type).toBe(OcctoFailure.Transient);
    expect(ourApps(p)).toHaveLength(1); // recorded although the answer was lost
    const seq = lastSeq();
    const retry = await run(acts.applyReconnection, input, 2);
    expect(retry).toEqual({ applicationNo: ourApps(p)[0]?.moshikomiNo, alreadyApplied: true });
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IF_11110']);

    const pa = point();
    const amp = { company, category: 'LV' as const, supplyPointId: pa, desiredDate: DESIRED, amperes: 20, requestRef: ref('amp') };
    const first = await run(acts.applyAmpereChange, amp);
    expect(await run(acts.applyAmpereChange, amp)).toEqual({ applicationNo: first.applicationNo, alreadyApplied: true });
    expect(ourApps(pa)).toHaveLength(1);
    // another requestRef for the same point is not ours: the Business error stands
    const other = await failureOf(run(acts.applyAmpereChange, { ...amp, requestRef: ref('amp') }));
    expect(code(other)).toBe('ERR_20070');
  });

  it('cancelApplication: 取消 of an application in progress; again succeeds; a completed one cannot be cancelled', async () => {
    const company = nextCompany();
    const p = point();
    const app = await run(acts.applyDiscontinuation, { company, category: 'HV', supplyPointId: p, desiredDate: DESIRED, withRemoval: false, requestRef: ref('dis') });
    const appRef = { company, category: 'HV' as const, kind: 'DISCONTINUATION' as const, applicationNo: app.applicationNo, supplyPointId: p };
    await run(acts.cancelApplication, appRef);
    expect(await run(acts.checkApplicationStatus, appRef)).toMatchObject({ kind: 'DISCONTINUATION', stageCode: '09', state: 'REJECTED' });
    await run(acts.cancelApplication, appRef, 2);

    const p2 = point();
    const done = await run(acts.applyCustomerInfoChange, { company, category: 'LV', supplyPointId: p2, desiredDate: DESIRED, changes: { phone: '03-5555-0202' }, requestRef: ref('chg') });
    sim.clock.advance(PROCESSING_MS + 1_000);
    const f = await failureOf(run(acts.cancelApplication, { company, category: 'LV', kind: 'CUSTOMER_INFO_CHANGE', applicationNo: done.applicationNo, supplyPointId: p2 }));
    expect(f.type).toBe(OcctoFailure.Business);
    expect(code(f)).toBe('ERR_20070');
  });
});

describe('使用量情報照会: application → password → usage; expiry (runs last: it moves the clock a month)', () => {
  it('LV: password once completed; 13 months; a wrong password → Business; after a month → PasswordExpired', async () => {
    const company = nextCompany();
    const p = point();
    const apply = { company, category: 'LV' as const, supplyPointId: p, requestRef: ref('usage') };
    const app = await run(acts.applyUsageQuery, apply);
    expect(await run(acts.applyUsageQuery, apply, 2)).toEqual({ applicationNo: app.applicationNo, alreadyApplied: true });
    const appRef = { company, category: 'LV' as const, applicationNo: app.applicationNo, supplyPointId: p };

    const before = await run(acts.checkUsageQueryStatus, appRef);
    expect(before).toEqual({ applicationNo: app.applicationNo, kind: 'USAGE_QUERY', stageCode: '05', state: 'IN_PROGRESS' });
    sim.clock.advance(PROCESSING_MS + 1_000);
    const status = await run(acts.checkUsageQueryStatus, appRef);
    expect(status).toMatchObject({ kind: 'USAGE_QUERY', state: 'COMPLETED' });
    const password = status.password as string;
    expect(password.length).toBeGreaterThanOrEqual(8);
    passwords.push(password);
    expect(status.passwordValidUntil! > today()).toBe(true);

    const usage = await run(acts.queryUsage, { company, category: 'LV', supplyPointId: p, password });
    expect(usage.supplyPointId).toBe(p);
    expect(usage.months).toHaveLength(13);
    expect(usage.months.map((m) => m.month)).toEqual([...usage.months.map((m) => m.month)].sort());

    const wrong = await failureOf(run(acts.queryUsage, { company, category: 'LV', supplyPointId: p, password: 'Wr0ngPassw0rd' }));
    expect(wrong.type).toBe(OcctoFailure.Business);
    expect(code(wrong)).toBe('ERR_PASSWORD_INVALID');

    sim.clock.advance(40 * 86_400_000);
    const expired = await failureOf(run(acts.queryUsage, { company, category: 'LV', supplyPointId: p, password }));
    expect(expired.type).toBe(OcctoFailure.PasswordExpired);
    expect(expired.nonRetryable).toBe(true);
    expect(JSON.stringify([expired.message, expired.details])).not.toContain(password);
  });

  it('HV usage has 最大需要電力; FIT has no usage query (refused before sending)', async () => {
    const company = nextCompany();
    const p = point();
    const app = await run(acts.applyUsageQuery, { company, category: 'HV', supplyPointId: p, requestRef: ref('usage') });
    sim.clock.advance(PROCESSING_MS + 1_000);
    const status = await run(acts.checkUsageQueryStatus, { company, category: 'HV', applicationNo: app.applicationNo, supplyPointId: p });
    passwords.push(status.password as string);
    const usage = await run(acts.queryUsage, { company, category: 'HV', supplyPointId: p, password: status.password as string });
    expect(usage.months.every((m) => typeof m.maxDemandKw === 'number')).toBe(true);

    const seq = lastSeq();
    expect((await failureOf(run(acts.applyUsageQuery, { company, category: 'FIT', supplyPointId: p, requestRef: ref('usage') }))).type).toBe(OcctoFailure.NotOffered);
    expect(callsOf(company, seq)).toEqual([]);
  });
});

describe('pacing and logging', () => {
  it('no pacing violations; one log line per request; no customer data or password in any log line', () => {
    expect(sim.violations()).toEqual([]);
    const calls = logs().filter((l) => l['event'] === 'occto.call');
    const logged = new Set(calls.map((l) => l['requestID']));
    expect(calls.length).toBe(logged.size);
    for (const c of sim.calls().filter((c) => c.requestId)) expect(logged.has(c.requestId)).toBe(true);
    for (const l of calls) expect(l).toMatchObject({ serviceID: expect.stringMatching(/^I[SF]_[KF]?\d{5}$/), outcome: expect.any(String) });

    const all = logLines.join('\n');
    for (const pii of PII) expect(all).not.toContain(pii);
    expect(passwords.length).toBeGreaterThanOrEqual(2);
    for (const pw of passwords) expect(all).not.toContain(pw);
    for (const c of COMPANIES) expect(all).not.toContain(login(c).password);
  });
});
