// The たくそう君 simulator over real HTTPS (undici with the dev CA). Simulated progress uses
// clock.advance(); only the L1/L2 tests wait in real time (about 3 s in total). The functional
// tests run on a record-only simulator and do not wait the L1 second between calls on one
// application number: their spacing violations are recorded and not asserted (the L1 tests are).
import { Agent, FormData, request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCEPTANCE_RESULT,
  MAX_FILE_BYTES,
  MOSHIKOMI_NO_PATTERN,
  SERVICES,
  acceptanceResponseSchema,
  calculationResponseSchema,
  errorBodySchema,
  noticeListResponseSchema,
  processResponseSchema,
  resultResponseSchema,
  shudanAcceptanceResponseSchema,
  shudanCalculationResponseSchema,
  shudanResultResponseSchema,
  type ErrorBody,
  type ServiceName,
} from '../../activities/provisional-wire-format.js';
import { pointIdProblem } from '../../../../domain/supply-point.js';
import { createDevPki, type DevPki } from '../../../../simulators/shared/dev-pki.js';
import { WEB_SUBMITTED_MOSHIKOMI_NO, startTakusouSimulator, type TakusouSimulator } from '../../simulator/server.js';

const COMPANY = '12346';
const OTHER = '23456';
const MONDAY_10_JST = Date.parse('2026-05-11T10:00:00+09:00');
const SUNDAY = '2026-05-17';
const ACCEPT_MS = 60_000;
const STEP_MS = 3_600_000;
const CALC_MS = 2 * STEP_MS;
const RESULT_MS = STEP_MS;
const LATENCY_MS = 300;

let pki: DevPki;
let sim: TakusouSimulator; // functional tests
let slowSim: TakusouSimulator; // latency, record-only limits
let strictSim: TakusouSimulator; // latency, violationStatus 429
let agent: Agent;

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown> | undefined;
}

async function toRes(r: Awaited<ReturnType<typeof request>>): Promise<Res> {
  const text = await r.body.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: r.statusCode, headers: r.headers, text, json };
}

function post(s: TakusouSimulator, service: string, body: unknown, opts: { raw?: string; contentType?: string; method?: 'GET' | 'POST'; query?: string } = {}): Promise<Res> {
  return request(`${s.url}${service}${opts.query ?? ''}`, {
    method: opts.method ?? 'POST',
    dispatcher: agent,
    headers: { 'content-type': opts.contentType ?? 'application/json; charset=UTF-8' },
    ...(opts.method === 'GET' ? {} : { body: opts.raw ?? JSON.stringify(body) }),
  }).then(toRes);
}

function expectError(res: Res, status: number, code: string): ErrorBody {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
  const body = errorBodySchema.parse(res.json);
  expect(body.errorCode).toBe(code);
  return body;
}

function ok(res: Res): Record<string, unknown> {
  expect(res.status, res.text).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
  return res.json as Record<string, unknown>;
}

let refSeq = 0;
const ref = (suffix = '000') => `REF-${++refSeq}-${suffix}`;

const equipment = [{ setsubiShubetsu: 'SHOMEI', daisu: 4, yoryoKw: 0.5 }];
function jojiBody(jigyoshaKanriNo = ref(), extra: Record<string, unknown> = {}) {
  return {
    kouriJigyoshaCode: COMPANY,
    jigyoshaKanriNo,
    juyoshaMei: 'テスト 太郎',
    juyoBashoJusho: '大阪府大阪市北区試験町1-1',
    kibouKyokyuKaishiBi: '2026-06-01',
    kyokyuShubetsu: 'DENTO',
    keiyakuShubetsu: '従量電灯B',
    keiyakuDenryoku: 30,
    keiyakuDenryokuTani: 'A',
    setsubi: equipment,
    ...extra,
  };
}

function shudanBody(jigyoshaKanriNo: string, units: string[], extra: Record<string, unknown> = {}) {
  const { keiyakuShubetsu: _k, keiyakuDenryoku: _d, keiyakuDenryokuTani: _t, setsubi: _s, ...base } = jojiBody(jigyoshaKanriNo);
  return { ...base, tatemonoMei: 'テストマンション', juko: units.map((heyaBango) => ({ heyaBango, keiyakuShubetsu: '従量電灯B', keiyakuDenryoku: 40, keiyakuDenryokuTani: 'A' })), ...extra };
}

async function applyJoji(s: TakusouSimulator, jigyoshaKanriNo = ref(), extra: Record<string, unknown> = {}): Promise<string> {
  const body = ok(await post(s, 'JoJmshkm', jojiBody(jigyoshaKanriNo, extra)));
  expect(body['moshikomiNo']).toMatch(MOSHIKOMI_NO_PATTERN);
  return String(body['moshikomiNo']);
}

function attach(s: TakusouSimulator, moshikomiNo: string, shoruiShubetsu = 'ZUMEN', file: { name?: string; type?: string; bytes?: Uint8Array } = {}, extra: Record<string, string> = {}): Promise<Res> {
  const fd = new FormData();
  fd.set('kouriJigyoshaCode', COMPANY);
  fd.set('moshikomiNo', moshikomiNo);
  fd.set('shoruiShubetsu', shoruiShubetsu);
  for (const [k, v] of Object.entries(extra)) fd.set(k, v);
  fd.set('file', new Blob([file.bytes ?? new TextEncoder().encode('%PDF-1.4 drawing')], { type: file.type ?? 'application/pdf' }), file.name ?? 'drawing.pdf');
  return request(`${s.url}FileTnpu`, { method: 'POST', dispatcher: agent, body: fd }).then(toRes);
}

async function attachOk(s: TakusouSimulator, no: string, type = 'ZUMEN'): Promise<string> {
  return String(ok(await attach(s, no, type))['fileId']);
}

const retrieval = (nos: string[], company = COMPANY) => ({ kouriJigyoshaCode: company, moshikomiNo: nos });

async function acceptance(s: TakusouSimulator, no: string) {
  return acceptanceResponseSchema.parse(ok(await post(s, 'UktskKkaJohShtk', retrieval([no])))).kekka[0];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  pki = await createDevPki({ companies: [COMPANY] });
  const tls = { cert: pki.server.cert, key: pki.server.key };
  const timing = { acceptanceDelayMs: ACCEPT_MS, processStepMs: STEP_MS, calculationDelayMs: CALC_MS, resultDelayMs: RESULT_MS, slowMs: 150, hangMs: 200 };
  sim = await startTakusouSimulator({ tls, timing });
  slowSim = await startTakusouSimulator({ tls, timing: { ...timing, latencyMs: LATENCY_MS } });
  strictSim = await startTakusouSimulator({ tls, timing: { ...timing, latencyMs: LATENCY_MS }, violationStatus: 429 });
  agent = new Agent({ connect: { ca: pki.ca.cert } });
});

afterAll(async () => {
  await agent?.close();
  await Promise.all([sim, slowSim, strictSim].map((s) => s?.close()));
});

beforeEach(() => {
  for (const s of [sim, slowSim, strictSim]) {
    s.reset();
    s.clock.set(MONDAY_10_JST);
  }
});

describe('endpoints and wire format', () => {
  it('serves exactly the 21 services under the base path: anything else is 404', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api\/low-takusou\/$/);
    for (const s of SERVICES) {
      const res = await post(sim, s.name, {});
      expect([400], `${s.name}: ${res.text}`).toContain(res.status);
    }
    expectError(await post(sim, 'Unknown', {}), 404, 'UNKNOWN_SERVICE');
    expectError(await post(sim, 'jojmshkm', jojiBody()), 404, 'UNKNOWN_SERVICE'); // names match exactly
    expectError(await post(sim, 'JoJmshkm/', jojiBody()), 404, 'UNKNOWN_SERVICE');
    const outside = await request(sim.url.replace('/api/low-takusou/', '/api/JoJmshkm'), { method: 'POST', dispatcher: agent, body: '{}' }).then(toRes);
    expectError(outside, 404, 'UNKNOWN_SERVICE');
    expect(sim.calls().filter((c) => c.httpStatus === 404).every((c) => c.service === '')).toBe(true);
  });

  it('answers a non-POST method with 405, marked simulator-defined', async () => {
    const res = await post(sim, 'OshrsJohShtk', undefined, { method: 'GET' });
    expect(expectError(res, 405, 'METHOD_NOT_ALLOWED').simulatorDefined).toBe(true);
    expect(res.headers['allow']).toBe('POST');
  });

  it('answers an item that is not in the interface definition with 400 naming it', async () => {
    const body = expectError(await post(sim, 'JoJmshkm', { ...jojiBody(), hogeKomoku: '1' }), 400, 'UNKNOWN_ITEM');
    expect(body.items).toEqual([{ item: 'hogeKomoku', message: expect.stringContaining('IFにない項目') }]);
    const nested = expectError(await post(sim, 'JoJmshkm', jojiBody(ref(), { setsubi: [{ ...equipment[0], iro: 'red' }] })), 400, 'UNKNOWN_ITEM');
    expect(nested.items?.map((i) => i.item)).toEqual(['setsubi.0.iro']);
    expect(sim.state().applications.filter((a) => a.channel === 'api')).toEqual([]);
  });

  it('refuses invalid items with 400 naming them: several supply types, water heater without maker/class/capacity, two street lights', async () => {
    const multi = expectError(await post(sim, 'JoJmshkm', jojiBody(ref(), { kyokyuShubetsu: ['DENTO', 'DENRYOKU'] })), 400, 'INVALID_ITEM');
    expect(multi.items?.map((i) => i.item)).toEqual(['kyokyuShubetsu']);
    const heater = expectError(await post(sim, 'JoJmshkm', jojiBody(ref(), { setsubi: [{ setsubiShubetsu: 'ONSUIKI', daisu: 1, katashiki: 'SRT-123' }] })), 400, 'INVALID_ITEM');
    expect(heater.items?.map((i) => i.item)).toEqual(['setsubi.0.onsuikiMaker', 'setsubi.0.onsuikiBunrui', 'setsubi.0.onsuikiYoryoL']);
    const heaterOk = jojiBody(ref(), { setsubi: [{ setsubiShubetsu: 'ONSUIKI', daisu: 1, onsuikiMaker: 'テスト電機', onsuikiBunrui: 'エコキュート', onsuikiYoryoL: 370 }] });
    ok(await post(sim, 'JoJmshkm', heaterOk));

    const { keiyakuDenryoku: _d, keiyakuDenryokuTani: _t, setsubi: _s, ...base } = jojiBody();
    const lamp = { toshu: 'LED', shohiDenryokuW: 40, secchiBasho: '市道1号線' };
    const gairoto = { ...base, keiyakuShubetsu: '公衆街路灯A', gairoto: lamp };
    ok(await post(sim, 'Girtmshkm', gairoto));
    expectError(await post(sim, 'Girtmshkm', { ...gairoto, jigyoshaKanriNo: ref(), gairoto: [lamp, lamp] }), 400, 'INVALID_ITEM');

    const rinji = { ...jojiBody(ref()), shiyoKaishiBi: '2026-06-01', shiyoShuryoBi: '2027-06-01' };
    const long = expectError(await post(sim, 'Rnjmshkm', rinji), 400, 'INVALID_ITEM');
    expect(long.items?.map((i) => i.item)).toEqual(['shiyoShuryoBi']);
    ok(await post(sim, 'Rnjmshkm', { ...rinji, shiyoShuryoBi: '2026-12-31' }));
    expectError(await post(sim, 'Rnjmshkm', { ...rinji, shiyoShuryoBi: '2026-12-31', kyokyuShubetsu: 'DENTO_SHINYA' }), 400, 'INVALID_ITEM');
  });

  it('refuses a wrong Content-Type, a body that is not JSON, and JSONP', async () => {
    expectError(await post(sim, 'JoJmshkm', undefined, { raw: 'a=1', contentType: 'application/x-www-form-urlencoded' }), 400, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await post(sim, 'JoJmshkm', undefined, { raw: '{"kouriJigyoshaCode":' }), 400, 'INVALID_JSON');
    expectError(await post(sim, 'JoJmshkm', undefined, { raw: '[1,2]' }), 400, 'INVALID_ITEM');
    const jsonp = expectError(await post(sim, 'OshrsJohShtk', { kouriJigyoshaCode: COMPANY }, { query: '?callback=cb' }), 400, 'UNKNOWN_ITEM');
    expect(jsonp.items).toEqual([{ item: 'callback', message: 'JSONP is not supported' }]);
  });
});

describe('FileTnpu (multipart/form-data)', () => {
  it('accepts a PDF for an application and returns a file ID', async () => {
    const no = await applyJoji(sim);
    const body = ok(await attach(sim, no));
    expect(body).toMatchObject({ moshikomiNo: no, shoruiShubetsu: 'ZUMEN', fileMei: 'drawing.pdf', size: 16 });
    expect(body['fileId']).toMatch(/^F\d{12}$/);
    ok(await attach(sim, no, 'ICHIZU', { name: 'map.PNG', type: 'image/png' }));
    expect(sim.state().applications.find((a) => a.moshikomiNo === no)?.documents).toEqual(['ZUMEN', 'ICHIZU']);
  });

  it('refuses a file type that is not allowed, a mismatched extension, and a file over the size limit', async () => {
    const no = await applyJoji(sim);
    const txt = expectError(await attach(sim, no, 'ZUMEN', { name: 'notes.txt', type: 'text/plain' }), 400, 'FILE_TYPE');
    expect(txt.items?.[0]?.item).toBe('file');
    expectError(await attach(sim, no, 'ZUMEN', { name: 'drawing.exe', type: 'application/pdf' }), 400, 'FILE_TYPE');
    const big = expectError(await attach(sim, no, 'ZUMEN', { bytes: new Uint8Array(MAX_FILE_BYTES + 1) }), 400, 'FILE_TOO_LARGE');
    expect(big.errorMessage).toContain(String(MAX_FILE_BYTES));
    ok(await attach(sim, no, 'ZUMEN', { bytes: new Uint8Array(MAX_FILE_BYTES) }));
  });

  it('refuses unknown parts, a missing file, JSON, and an application of another supplier or none', async () => {
    const no = await applyJoji(sim);
    const extra = expectError(await attach(sim, no, 'ZUMEN', {}, { comment: 'x' }), 400, 'UNKNOWN_ITEM');
    expect(extra.items?.map((i) => i.item)).toEqual(['comment']);
    const fd = new FormData();
    fd.set('kouriJigyoshaCode', COMPANY);
    fd.set('moshikomiNo', no);
    fd.set('shoruiShubetsu', 'ZUMEN');
    const noFile = await request(`${sim.url}FileTnpu`, { method: 'POST', dispatcher: agent, body: fd }).then(toRes);
    expect(expectError(noFile, 400, 'INVALID_ITEM').items?.[0]?.item).toBe('file');
    expectError(await post(sim, 'FileTnpu', { kouriJigyoshaCode: COMPANY, moshikomiNo: no, shoruiShubetsu: 'ZUMEN' }), 400, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await attach(sim, 'T0000000009'), 400, 'NOT_FOUND');
    expectError(await attach(sim, WEB_SUBMITTED_MOSHIKOMI_NO), 400, 'NOT_FOUND');
  });
});

describe('maintenance (simulated clock)', () => {
  const notices = (s: TakusouSimulator) => post(s, 'OshrsJohShtk', { kouriJigyoshaCode: COMPANY });

  it('answers 503 on Sunday 02:00 JST for every kind of API, with Retry-After', async () => {
    sim.clock.set(Date.parse(`${SUNDAY}T02:00:00+09:00`));
    const res = await post(sim, 'JoJmshkm', jojiBody());
    expect(expectError(res, 503, 'MAINTENANCE').errorMessage).toContain('2026-05-17T03:00:00+09:00');
    expect(Number(res.headers['retry-after'])).toBe(3600);
    expectError(await notices(sim), 503, 'MAINTENANCE');
    expectError(await attach(sim, 'T0000000009'), 503, 'MAINTENANCE');
    expect(sim.summary().callsInMaintenance).toBe(3);
  });

  it.each([
    ['00:59:59', 200],
    ['01:00:00', 503],
    ['02:59:59', 503],
    ['03:00:00', 200],
  ])('Sunday %s JST → %i', async (time, status) => {
    sim.clock.set(Date.parse(`${SUNDAY}T${time}+09:00`));
    expect((await notices(sim)).status).toBe(status);
  });

  it('publishes an ad-hoc window as a maintenance notice and answers 503 inside it', async () => {
    const start = MONDAY_10_JST + 2 * STEP_MS;
    const id = sim.addMaintenance({ start, end: start + STEP_MS, reason: 'システム更改' });
    const list = noticeListResponseSchema.parse(ok(await notices(sim))).oshirase;
    expect(list).toEqual([
      expect.objectContaining({
        oshiraseId: id,
        oshiraseShubetsu: 'MAINTENANCE',
        teishiKaishiNichiji: '2026-05-11T12:00:00+09:00',
        teishiShuryoNichiji: '2026-05-11T13:00:00+09:00',
        keisaiNichiji: '2026-05-11T10:00:00+09:00',
        kidokuFlag: '0',
      }),
    ]);
    expect(list[0]?.honbun).toContain('システム更改');
    sim.clock.set(start);
    expect(expectError(await post(sim, 'JoJmshkm', jojiBody()), 503, 'MAINTENANCE').errorMessage).toContain('システム更改');
    sim.clock.set(start + STEP_MS);
    await applyJoji(sim);

    expect(sim.addMaintenance({ start: start + 10 * STEP_MS, end: start + 11 * STEP_MS, announce: false })).toBeUndefined();
    expect(noticeListResponseSchema.parse(ok(await notices(sim))).oshirase).toHaveLength(1);
  });

  it('can be forced on and off', async () => {
    sim.forceMaintenance(true);
    expectError(await notices(sim), 503, 'MAINTENANCE');
    sim.forceMaintenance(false);
    ok(await notices(sim));
  });

  it('honours a configured schedule instead of the default', async () => {
    const custom = await startTakusouSimulator({ tls: pki.server, maintenance: { weekly: [{ dayOfWeek: 1, start: '09:00', end: '11:00' }] } });
    try {
      custom.clock.set(MONDAY_10_JST);
      expect((await notices(custom)).status).toBe(503);
      custom.clock.set(Date.parse(`${SUNDAY}T02:00:00+09:00`));
      expect((await notices(custom)).status).toBe(200);
    } finally {
      await custom.close();
    }
  });
});

describe('L2: at most 8 requests in flight across APIs 1–18 (real time)', () => {
  const burst = (s: TakusouSimulator, n: number, service: ServiceName = 'UktskKkaJohShtk') =>
    Promise.all(Array.from({ length: n }, () => post(s, service, service === 'OshrsJohShtk' ? { kouriJigyoshaCode: COMPANY } : retrieval(['T0000000001']))));

  it('refuses the 9th of 9 at once (simulator-defined 429) and records one concurrency violation', async () => {
    const res = await burst(slowSim, 9);
    expect(res.map((r) => r.status).sort()).toEqual([...Array(8).fill(200), 429]);
    expect(slowSim.maxInFlightObserved()).toBe(9);
    const v = slowSim.violations();
    expect(v).toEqual([expect.objectContaining({ kind: 'concurrency', inFlight: 9, service: 'UktskKkaJohShtk' })]);
    expect(slowSim.summary()).toMatchObject({ violations: { concurrency: 1, spacing: 0 }, maxInFlight: 9 });
  });

  it('records none for 8 at once, and does not count the notice APIs 19–21', async () => {
    await Promise.all([burst(slowSim, 8), burst(slowSim, 3, 'OshrsJohShtk')]);
    expect(slowSim.maxInFlightObserved()).toBe(8);
    expect(slowSim.violations()).toEqual([]);
  });

  it('counts different APIs together', async () => {
    await Promise.all([burst(slowSim, 5), burst(slowSim, 4, 'KoteiJohShtk')]);
    expect(slowSim.summary().violations.concurrency).toBe(1);
  });

  it('refuses the 9th with violationStatus, marked simulator-defined', async () => {
    const res = await burst(strictSim, 9);
    const refused = res.filter((r) => r.status === 429);
    expect(refused).toHaveLength(1);
    expect(expectError(refused[0] as Res, 429, 'CONCURRENCY_LIMIT').simulatorDefined).toBe(true);
    expect(res.filter((r) => r.status === 200)).toHaveLength(8);
  });
});

describe('L1: 1 s after the response per application number (real time)', () => {
  it('records a call 0.5 s after the previous response on the number, and none 1.1 s after', async () => {
    const no = await applyJoji(sim, ref());
    await sleep(500);
    const cancel = { kouriJigyoshaCode: COMPANY, moshikomiNo: no, torikeshiRiyu: 'テスト' };
    ok(await post(sim, 'MshkmTrkesh', cancel));
    const v = sim.violations();
    expect(v).toEqual([expect.objectContaining({ kind: 'spacing', moshikomiNo: no, service: 'MshkmTrkesh' })]);
    const gap = v[0]?.kind === 'spacing' ? v[0].gapMs : -1;
    expect(gap).toBeGreaterThanOrEqual(450);
    expect(gap).toBeLessThan(1000);

    await sleep(1_100);
    ok(await post(sim, 'MshkmTrkesh', cancel)); // a second cancel is a no-op
    expect(sim.violations()).toHaveLength(1);
  });

  it('does not apply to retrieval, FileTnpu, 集団竣工届 or notices, nor across different numbers', async () => {
    const a = await applyJoji(sim);
    const b = await applyJoji(sim); // different number: no spacing needed
    await attachOk(sim, a);
    for (let i = 0; i < 3; i++) ok(await post(sim, 'UktskKkaJohShtk', retrieval([a, b])));
    ok(await post(sim, 'KoteiJohShtk', retrieval([a])));
    expectError(await post(sim, 'ShdnShnkoTdk', { kouriJigyoshaCode: COMPANY, moshikomiNo: a, shunkoBi: '2026-05-20', shunkoShoruiFileId: ['F000000000001'] }), 400, 'INVALID_STATE');
    expect(sim.violations()).toEqual([]);
  });

  it('counts a call even when it is refused for its content, and refuses it with violationStatus', async () => {
    const no = await applyJoji(strictSim);
    const res = await post(strictSim, 'ShnkoTdk', { kouriJigyoshaCode: COMPANY, moshikomiNo: no, shunkoBi: '2026-05-20', shunkoShoruiFileId: ['F000000000001'] });
    const body = expectError(res, 429, 'SPACING_LIMIT');
    expect(body.simulatorDefined).toBe(true);
    expect(body.items?.[0]?.item).toBe('moshikomiNo');
    expect(strictSim.violations()).toEqual([expect.objectContaining({ kind: 'spacing', moshikomiNo: no })]);
  });
});

describe('lifecycle on the simulated clock', () => {
  it('常時: acceptance → process → contract calculation → 竣工届 → result notification', async () => {
    const r = ref();
    const no = await applyJoji(sim, r);
    expect(await acceptance(sim, no)).toMatchObject({ uketsukeKekka: ACCEPTANCE_RESULT.SHINSA_CHU, jigyoshaKanriNo: r, moshikomiShubetsu: 'JOJI' });
    await attachOk(sim, no);
    sim.clock.advance(ACCEPT_MS - 1_000);
    expect((await acceptance(sim, no))?.uketsukeKekka).toBe('00');
    expect(processResponseSchema.parse(ok(await post(sim, 'KoteiJohShtk', retrieval([no])))).kekka).toEqual([]);
    sim.clock.advance(1_000);
    expect(await acceptance(sim, no)).toMatchObject({ uketsukeKekka: '10', uketsukeNichiji: '2026-05-11T10:01:00+09:00' });

    sim.clock.advance(2 * STEP_MS);
    const [proc] = processResponseSchema.parse(ok(await post(sim, 'KoteiJohShtk', retrieval([no])))).kekka;
    expect(proc?.kotei.map((k) => [k.koteiCode, k.koteiMei, k.jissekiBi !== undefined])).toEqual([
      ['10', '調査', true],
      ['20', '設計', true],
      ['30', '工事', false],
      ['40', '工事完了', false],
    ]);
    const [calc] = calculationResponseSchema.parse(ok(await post(sim, 'KeiykSntiJohShtk', retrieval([no])))).kekka;
    expect(calc).toMatchObject({ moshikomiNo: no, kyokyuShubetsu: 'DENTO', keiyakuShubetsu: '従量電灯B', keiyakuDenryoku: 30, keiyakuDenryokuTani: 'A', kojiHiFutankin: 0 });

    expectError(await post(sim, 'ShnkoTdk', { kouriJigyoshaCode: COMPANY, moshikomiNo: no, shunkoBi: '2026-05-11', shunkoShoruiFileId: ['F999999999999'] }), 400, 'NOT_FOUND');
    const doc = await attachOk(sim, no, 'SHUNKO_SHORUI');
    ok(await post(sim, 'ShnkoTdk', { kouriJigyoshaCode: COMPANY, moshikomiNo: no, shunkoBi: '2026-05-11', shunkoShoruiFileId: [doc] }));
    expect(resultResponseSchema.parse(ok(await post(sim, 'KkaTschiJohShtk', retrieval([no])))).kekka).toEqual([]);
    sim.clock.advance(RESULT_MS);
    const [result] = resultResponseSchema.parse(ok(await post(sim, 'KkaTschiJohShtk', retrieval([no])))).kekka;
    expect(result).toMatchObject({ moshikomiNo: no, jigyoshaKanriNo: r, kyokyuKaishiBi: '2026-06-01', tsuchiBi: '2026-05-11' });
    expect(pointIdProblem(result?.kyokyuChitenTokuteiNo)).toBeUndefined();
    expect(result?.kyokyuChitenTokuteiNo.slice(0, 2)).toBe('06');
    expect(sim.state().applications.find((a) => a.moshikomiNo === no)).toMatchObject({ uketsukeKekka: '10', calculated: true, resultNotified: true });
  });

  it('keeps an application without a drawing at 要訂正 naming the document, until it is attached', async () => {
    const no = await applyJoji(sim);
    sim.clock.advance(ACCEPT_MS);
    const rec = await acceptance(sim, no);
    expect(rec).toMatchObject({ uketsukeKekka: '20', teiseiKomoku: [{ item: 'ZUMEN', message: expect.stringContaining('図面') }] });
    expectError(await post(sim, 'ShnkoTdk', { kouriJigyoshaCode: COMPANY, moshikomiNo: no, shunkoBi: '2026-05-11', shunkoShoruiFileId: ['F000000000001'] }), 400, 'INVALID_STATE');
    await attachOk(sim, no);
    expect((await acceptance(sim, no))?.uketsukeKekka).toBe('10');
  });

  it('finds records by 更新日時, and only for the supplier that filed them', async () => {
    const a = await applyJoji(sim);
    await attachOk(sim, a);
    sim.clock.advance(ACCEPT_MS + 5_000);
    const b = await applyJoji(sim);
    const since = (from: string, company = COMPANY) => post(sim, 'UktskKkaJohShtk', { kouriJigyoshaCode: company, koshinNichijiFrom: from });
    const all = acceptanceResponseSchema.parse(ok(await since('2026-05-11T10:00:00+09:00'))).kekka;
    expect(all.map((k) => k.moshikomiNo).sort()).toEqual([a, b].sort());
    const later = acceptanceResponseSchema.parse(ok(await since('2026-05-11T10:01:05+09:00'))).kekka;
    expect(later.map((k) => k.moshikomiNo)).toEqual([b]);
    expect(acceptanceResponseSchema.parse(ok(await since('2026-05-11T10:00:00+09:00', OTHER))).kekka).toEqual([]);
    expectError(await post(sim, 'UktskKkaJohShtk', { kouriJigyoshaCode: COMPANY }), 400, 'INVALID_ITEM');
  });

  it('never shows a web-submitted application through the API (L3)', async () => {
    expect(sim.state().applications).toEqual([expect.objectContaining({ moshikomiNo: WEB_SUBMITTED_MOSHIKOMI_NO, channel: 'web' })]);
    expect(acceptanceResponseSchema.parse(ok(await post(sim, 'UktskKkaJohShtk', retrieval([WEB_SUBMITTED_MOSHIKOMI_NO])))).kekka).toEqual([]);
    const since = { kouriJigyoshaCode: COMPANY, koshinNichijiFrom: '1970-01-01T09:00:00+09:00' };
    for (const service of ['UktskKkaJohShtk', 'KoteiJohShtk', 'KeiykSntiJohShtk', 'KkaTschiJohShtk'] as const) {
      expect(ok(await post(sim, service, since))['kekka']).toEqual([]);
    }
    expectError(await post(sim, 'MshkmTrkesh', { kouriJigyoshaCode: COMPANY, moshikomiNo: WEB_SUBMITTED_MOSHIKOMI_NO, torikeshiRiyu: 'x' }), 400, 'NOT_FOUND');
  });
});

describe('集団 (group housing)', () => {
  it('集団申込 → 追加 → 集団申込完了 → acceptance → calculation → 集団竣工届 → result per unit', async () => {
    const r = ref();
    const created = ok(await post(sim, 'Shdnmshkm', shudanBody(r, ['101', '102'])));
    const no = String(created['moshikomiNo']);
    await attachOk(sim, no);
    sim.clock.advance(ACCEPT_MS * 10); // no review before 集団申込完了
    const group = async () => shudanAcceptanceResponseSchema.parse(ok(await post(sim, 'ShdnUktskKkaJohShtk', retrieval([no])))).kekka[0];
    expect(await group()).toMatchObject({ uketsukeKekka: '00', kanryoFlag: '0', kosu: 2, tatemonoMei: 'テストマンション' });
    expect(acceptanceResponseSchema.parse(ok(await post(sim, 'UktskKkaJohShtk', retrieval([no])))).kekka).toEqual([]); // non-group API
    ok(await post(sim, 'Shdnmshkm', shudanBody(r, ['201'], { moshikomiNo: no, tsuikaFlag: '1' })));
    const dup = expectError(await post(sim, 'Shdnmshkm', shudanBody(r, ['101'], { moshikomiNo: no, tsuikaFlag: '1' })), 400, 'INVALID_ITEM');
    expect(dup.items?.[0]?.item).toBe('juko.0.heyaBango');
    const done = ok(await post(sim, 'ShdnmshkmKnry', { kouriJigyoshaCode: COMPANY, moshikomiNo: no }));
    expect(done['kanryoNichiji']).toMatch(/^2026-05-11T10:10:0\d\+09:00$/); // 10 simulated minutes later
    expect(await group()).toMatchObject({ uketsukeKekka: '00', kanryoFlag: '1', kosu: 3 });
    sim.clock.advance(ACCEPT_MS);
    expect((await group())?.uketsukeKekka).toBe('10');
    sim.clock.advance(CALC_MS);
    const [calc] = shudanCalculationResponseSchema.parse(ok(await post(sim, 'ShdnKeiykSntiJohShtk', retrieval([no])))).kekka;
    expect(calc?.juko.map((j) => j.heyaBango)).toEqual(['101', '102', '201']);
    expect(calc?.kojiHiFutankin).toBe(33_000);

    const doc = await attachOk(sim, no, 'SHUNKO_SHORUI');
    expectError(await post(sim, 'ShnkoTdk', { kouriJigyoshaCode: COMPANY, moshikomiNo: no, shunkoBi: '2026-05-12', shunkoShoruiFileId: [doc] }), 400, 'INVALID_STATE');
    ok(await post(sim, 'ShdnShnkoTdk', { kouriJigyoshaCode: COMPANY, moshikomiNo: no, shunkoBi: '2026-05-12', shunkoShoruiFileId: [doc] }));
    sim.clock.advance(RESULT_MS);
    const [result] = shudanResultResponseSchema.parse(ok(await post(sim, 'ShdnKkaTschiJohShtk', retrieval([no])))).kekka;
    expect(result?.juko.map((j) => j.heyaBango)).toEqual(['101', '102', '201']);
    expect(new Set(result?.juko.map((j) => j.kyokyuChitenTokuteiNo)).size).toBe(3);
    for (const j of result?.juko ?? []) expect(pointIdProblem(j.kyokyuChitenTokuteiNo)).toBeUndefined();
    expect(ok(await post(sim, 'KkaTschiJohShtk', retrieval([no])))['kekka']).toEqual([]);
  });

  it('refuses 集団申込完了 for a non-group application and 追加 after completion', async () => {
    const joji = await applyJoji(sim);
    expectError(await post(sim, 'ShdnmshkmKnry', { kouriJigyoshaCode: COMPANY, moshikomiNo: joji }), 400, 'INVALID_STATE');
    const r = ref();
    const no = String(ok(await post(sim, 'Shdnmshkm', shudanBody(r, ['101'])))['moshikomiNo']);
    ok(await post(sim, 'ShdnmshkmKnry', { kouriJigyoshaCode: COMPANY, moshikomiNo: no }));
    expectError(await post(sim, 'Shdnmshkm', shudanBody(r, ['102'], { moshikomiNo: no, tsuikaFlag: '1' })), 400, 'INVALID_STATE');
  });
});

describe('申込取消 (cancellation)', () => {
  const cancel = (s: TakusouSimulator, no: string) => post(s, 'MshkmTrkesh', { kouriJigyoshaCode: COMPANY, moshikomiNo: no, torikeshiRiyu: '需要家都合' });

  it('cancels before acceptance and after it; the records stop moving', async () => {
    const early = await applyJoji(sim);
    ok(await cancel(sim, early));
    sim.clock.advance(ACCEPT_MS);
    expect(await acceptance(sim, early)).toMatchObject({ uketsukeKekka: '90', torikeshiRiyu: '需要家都合', koshinNichiji: expect.stringMatching(/^2026-05-11T10:00:0[01]\+09:00$/) });
    expectError(await attach(sim, early), 400, 'INVALID_STATE');

    const late = await applyJoji(sim);
    await attachOk(sim, late);
    sim.clock.advance(ACCEPT_MS + STEP_MS);
    ok(await cancel(sim, late));
    sim.clock.advance(10 * STEP_MS);
    const [proc] = processResponseSchema.parse(ok(await post(sim, 'KoteiJohShtk', retrieval([late])))).kekka;
    expect(proc?.kotei.filter((k) => k.jissekiBi !== undefined).map((k) => k.koteiCode)).toEqual(['10']);
    expect(ok(await post(sim, 'KeiykSntiJohShtk', retrieval([late])))['kekka']).toEqual([]);
  });

  it('refuses a cancellation after the result notification or of a rejected application', async () => {
    const no = await applyJoji(sim);
    const doc = await attachOk(sim, no);
    sim.clock.advance(ACCEPT_MS);
    ok(await post(sim, 'ShnkoTdk', { kouriJigyoshaCode: COMPANY, moshikomiNo: no, shunkoBi: '2026-05-11', shunkoShoruiFileId: [doc] }));
    sim.clock.advance(CALC_MS + RESULT_MS);
    expect(expectError(await cancel(sim, no), 400, 'INVALID_STATE').errorMessage).toContain('結果通知');

    const rejected = await applyJoji(sim, ref('801'));
    sim.clock.advance(ACCEPT_MS);
    expect(await acceptance(sim, rejected)).toMatchObject({ uketsukeKekka: '30', kyakkaRiyu: expect.stringContaining('却下') });
    expectError(await cancel(sim, rejected), 400, 'INVALID_STATE');
  });
});

describe('お知らせ (notices)', () => {
  const list = async (company = COMPANY, extra: Record<string, unknown> = {}) =>
    noticeListResponseSchema.parse(ok(await post(sim, 'OshrsJohShtk', { kouriJigyoshaCode: company, ...extra }))).oshirase;

  it('registers a notice, lists it, and takes read receipts per supplier', async () => {
    const reg = ok(await post(sim, 'OshrsJohTrk', { kouriJigyoshaCode: COMPANY, kenmei: '訂正のお知らせ', honbun: '先日のお知らせを訂正します' }));
    expect(reg['oshiraseId']).toMatch(/^N\d{8}$/);
    const ktd = sim.addNotice({ kenmei: '年末年始の対応', honbun: '…' });
    expect((await list()).map((n) => [n.oshiraseId, n.oshiraseShubetsu, n.kidokuFlag]).sort()).toEqual([
      [reg['oshiraseId'], 'JIGYOSHA', '0'],
      [ktd, 'INFO', '0'],
    ].sort());
    expect((await list(OTHER)).map((n) => n.oshiraseId)).toEqual([ktd]);

    ok(await post(sim, 'OshrsJohKdkTschi', { kouriJigyoshaCode: COMPANY, oshiraseId: [ktd] }));
    expect((await list()).find((n) => n.oshiraseId === ktd)?.kidokuFlag).toBe('1');
    expect((await list(COMPANY, { midokuNomi: '1' })).map((n) => n.oshiraseId)).toEqual([reg['oshiraseId']]);
    expect((await list(OTHER)).find((n) => n.oshiraseId === ktd)?.kidokuFlag).toBe('0');

    const unknown = expectError(await post(sim, 'OshrsJohKdkTschi', { kouriJigyoshaCode: COMPANY, oshiraseId: [ktd, 'N99999999'] }), 400, 'NOT_FOUND');
    expect(unknown.items?.map((i) => i.item)).toEqual(['oshiraseId.1']);
  });

  it('offers no way to edit or delete a notice', async () => {
    const reg = ok(await post(sim, 'OshrsJohTrk', { kouriJigyoshaCode: COMPANY, kenmei: 'a', honbun: 'b' }));
    expectError(await post(sim, 'OshrsJohTrk', { kouriJigyoshaCode: COMPANY, oshiraseId: reg['oshiraseId'], kenmei: 'a2', honbun: 'b2' }), 400, 'UNKNOWN_ITEM');
    expectError(await post(sim, 'OshrsJohSkj', { kouriJigyoshaCode: COMPANY, oshiraseId: reg['oshiraseId'] }), 404, 'UNKNOWN_SERVICE');
  });
});

describe('behaviour patterns and faults', () => {
  it('needs-correction (802): 要訂正 until a 訂正 through the same apply API, then accepted', async () => {
    const r = ref('802');
    const no = await applyJoji(sim, r);
    await attachOk(sim, no);
    sim.clock.advance(ACCEPT_MS);
    expect(await acceptance(sim, no)).toMatchObject({ uketsukeKekka: '20', teiseiKomoku: [{ item: 'setsubi' }] });
    const corrected = ok(await post(sim, 'JoJmshkm', jojiBody(r, { teiseiFlag: '1', moshikomiNo: no, keiyakuDenryoku: 40 })));
    expect(corrected['moshikomiNo']).toBe(no);
    expect((await acceptance(sim, no))?.uketsukeKekka).toBe('00');
    sim.clock.advance(ACCEPT_MS);
    expect((await acceptance(sim, no))?.uketsukeKekka).toBe('10');
    expect(sim.state().applications.find((a) => a.moshikomiNo === no)?.corrections).toBe(1);
    expectError(await post(sim, 'Rnjmshkm', { ...jojiBody(r, { teiseiFlag: '1', moshikomiNo: no }), shiyoKaishiBi: '2026-06-01', shiyoShuryoBi: '2026-07-01' }), 400, 'INVALID_STATE');
    expectError(await post(sim, 'JoJmshkm', jojiBody(r, { teiseiFlag: '1' })), 400, 'INVALID_ITEM');
  });

  it('http-500 (840) creates nothing; http-500-once (841) fails once; setPattern overrides the suffix', async () => {
    expectError(await post(sim, 'JoJmshkm', jojiBody(ref('840'))), 500, 'INTERNAL');
    const once = ref('841');
    expectError(await post(sim, 'JoJmshkm', jojiBody(once)), 500, 'INTERNAL');
    await applyJoji(sim, once);
    expect(sim.state().applications.filter((a) => a.channel === 'api')).toHaveLength(1);

    const r = ref('000');
    sim.setPattern(r, 'rejected');
    const no = await applyJoji(sim, r);
    sim.clock.advance(ACCEPT_MS);
    expect((await acceptance(sim, no))?.uketsukeKekka).toBe('30');
    expect(sim.state().patternOverrides).toEqual({ [r]: 'rejected' });
  });

  it('slow (830) delays, malformed (860) truncates the body, never-accepted (803) stays 審査中', async () => {
    const t0 = Date.now();
    await applyJoji(sim, ref('830'));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    const bad = await post(sim, 'JoJmshkm', jojiBody(ref('860')));
    expect(bad.status).toBe(200);
    expect(bad.json).toBeUndefined();
    const stuck = await applyJoji(sim, ref('803'));
    await attachOk(sim, stuck);
    sim.clock.advance(30 * 86_400_000);
    expect((await acceptance(sim, stuck))?.uketsukeKekka).toBe('00');
  });

  it('timeout-once (850): the first apply is processed but never answered', async () => {
    const r = ref('850');
    await expect(post(sim, 'JoJmshkm', jojiBody(r))).rejects.toThrow();
    const created = sim.state().applications.filter((a) => a.jigyoshaKanriNo === r);
    expect(created).toHaveLength(1);
    const since = acceptanceResponseSchema.parse(ok(await post(sim, 'UktskKkaJohShtk', { kouriJigyoshaCode: COMPANY, koshinNichijiFrom: '2026-05-11T10:00:00+09:00' }))).kekka;
    expect(since.map((k) => k.jigyoshaKanriNo)).toEqual([r]); // how a client finds it before re-sending
  });

  it('injects status, reset, malformed and delay faults, per service', async () => {
    const listBody = { kouriJigyoshaCode: COMPANY };
    sim.injectFault({ kind: 'status', status: 500, count: 2, service: 'OshrsJohShtk' });
    expectError(await post(sim, 'OshrsJohShtk', listBody), 500, 'INTERNAL');
    ok(await post(sim, 'OshrsJohTrk', { kouriJigyoshaCode: COMPANY, kenmei: 'a', honbun: 'b' })); // other service unaffected
    expectError(await post(sim, 'OshrsJohShtk', listBody), 500, 'INTERNAL');
    ok(await post(sim, 'OshrsJohShtk', listBody));

    sim.injectFault({ kind: 'status', status: 503, count: 1 });
    expectError(await post(sim, 'OshrsJohShtk', listBody), 503, 'MAINTENANCE');
    sim.injectFault({ kind: 'reset', count: 1 });
    await expect(post(sim, 'OshrsJohShtk', listBody)).rejects.toThrow();
    sim.injectFault({ kind: 'malformed', count: 1 });
    const m = await post(sim, 'OshrsJohShtk', listBody);
    expect(m.status).toBe(200);
    expect(m.json).toBeUndefined();
    sim.injectFault({ kind: 'delay', ms: 150, count: 1 });
    const t0 = Date.now();
    ok(await post(sim, 'OshrsJohShtk', listBody));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(sim.state().pendingFaults).toEqual([]);
    expect(() => sim.injectFault({ kind: 'status', status: 418 as 500, count: 1 })).toThrow(/status must be one of/);
  });
});

describe('auth hook', () => {
  it('is off by default, and can refuse with the status it chooses', async () => {
    const guarded = await startTakusouSimulator({
      tls: pki.server,
      auth: ({ headers }) => (headers['x-api-key'] === 'k' ? undefined : { status: 401, errorCode: 'AUTH', errorMessage: 'no key (test hook)' }),
    });
    try {
      expectError(await post(guarded, 'OshrsJohShtk', { kouriJigyoshaCode: COMPANY }), 401, 'AUTH');
      const res = await request(`${guarded.url}OshrsJohShtk`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', 'x-api-key': 'k' }, body: JSON.stringify({ kouriJigyoshaCode: COMPANY }) }).then(toRes);
      ok(res);
    } finally {
      await guarded.close();
    }
  });
});

describe('admin API', () => {
  const admin = (path: string, body?: unknown) =>
    fetch(`${sim.adminUrl}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));

  it('reports calls, violations, state and summary', async () => {
    await applyJoji(sim);
    const summary = await admin('/summary');
    expect(summary.json).toMatchObject({ calls: 1, violations: { concurrency: 0, spacing: 0 }, maxInFlight: 1, callsInMaintenance: 0 });
    expect(((await admin('/calls')).json as unknown as unknown[]).length).toBe(1);
    expect((await admin('/violations')).json).toEqual([]);
    expect((await admin('/state')).json).toMatchObject({ nowJst: expect.stringMatching(/\+09:00$/), forcedMaintenance: false, inFlight: 0 });
  });

  it('drives the clock, patterns, faults, maintenance, notices and reset, validating bodies', async () => {
    expect((await admin('/clock', { now: `${SUNDAY}T02:00:00+09:00` })).json['nowJst']).toBe(`${SUNDAY}T02:00:00+09:00`);
    expect((await post(sim, 'OshrsJohShtk', { kouriJigyoshaCode: COMPANY })).status).toBe(503);
    await admin('/clock', { advanceMs: STEP_MS });
    expect((await post(sim, 'OshrsJohShtk', { kouriJigyoshaCode: COMPANY })).status).toBe(200);

    const bad = await admin('/patterns', { jigyoshaKanriNo: 'x', pattern: 'nope' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('pattern');
    expect((await admin('/patterns', { jigyoshaKanriNo: 'x', pattern: 'slow' })).status).toBe(200);
    expect((await admin('/faults', { kind: 'status', status: 500 })).json['pendingFaults']).toEqual([{ kind: 'status', status: 500, count: 1 }]);
    const mw = await admin('/maintenance', { start: '2026-05-20T10:00:00+09:00', end: '2026-05-20T11:00:00+09:00', reason: 'x' });
    expect(mw.json['oshiraseId']).toMatch(/^N\d{8}$/);
    expect((await admin('/maintenance', { start: 2, end: 1 })).status).toBe(400);
    expect((await admin('/force-maintenance', { on: true })).json).toEqual({ ok: true, forcedMaintenance: true });
    expect((await admin('/notices', { kenmei: 'k', honbun: 'h' })).json['oshiraseId']).toMatch(/^N\d{8}$/);
    expect((await admin('/nope')).status).toBe(404);

    expect((await admin('/reset', {})).json).toEqual({ ok: true });
    expect(sim.state()).toMatchObject({ forcedMaintenance: false, patternOverrides: {}, pendingFaults: [], adHocMaintenance: [], notices: [] });
    expect(sim.calls()).toEqual([]);
  });
});
