// The OCCTO activities against the REAL simulator over mutual TLS, each run in a real activity
// Context (MockActivityEnvironment) so that the attempt number drives the retry look-ups.
//
// Speed: the client spaces requests per company (≥ 1 s after the previous response), so tests rotate over several
// companies and move the simulator's clock instead of waiting for judgements and processing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createOcctoActivities } from '../../activities/activities.js';
import { parseOcctoClientConfig } from '../../activities/config.js';
import { OcctoFailure, type Customer, type RegisterRelayInput } from '../../activities/contract.js';
import { ERROR_CODES, type ErrorCode } from '../../activities/provisional-wire-format.js';
import { createDevPki, type DevPki, type PemPair } from '../../../../simulators/shared/dev-pki.js';
import { startOcctoSimulator, syntheticPointId, type OcctoSimulator } from '../../simulator/server.js';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

/** 事業者コード: 4-digit company part + area digit 3 (東京). Tests rotate over them (per-company spacing). */
const COMPANIES = Array.from({ length: 12 }, (_, i) => `${String(1000 + i * 7).padStart(4, '0')}3`);
const login = (code: string) => ({ loginId: `api${code}`, password: `pw-${code}-S3cret!` });

/** Wednesday 2030-06-12 10:00 JST: a business day, far from the Sunday maintenance window. */
const T0 = Date.parse('2030-06-12T10:00:00+09:00');
const START_DATE = '2030-06-22'; // ≤ 次々回検針日 for every point
const JUDGEMENT_MS = 60_000;
const PROCESSING_MS = 120_000;
const TIMEOUT_MS = 1_500;

const CUSTOMER: Customer = { name: '電気 太郎', kana: 'デンキ タロウ', address: '東京都千代田区丸の内一丁目1番1号', phone: '03-1234-5678' };
const PII = [CUSTOMER.name, CUSTOMER.kana, CUSTOMER.address, CUSTOMER.phone as string];

let pki: DevPki;
let sim: OcctoSimulator;
let acts: ReturnType<typeof createOcctoActivities>;
const extraClients: ReturnType<typeof createOcctoActivities>[] = [];
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (s: string) => void logLines.push(s) });
const logs = (): Record<string, unknown>[] => logLines.map((l) => JSON.parse(l) as Record<string, unknown>);

let companyTurn = 0;
/** The next company in rotation: its last request is then the longest ago. */
function nextCompany(): string {
  return COMPANIES[3 + (companyTurn++ % (COMPANIES.length - 3))] as string;
}
/** Reserved: [0] for the certificate tests (the dev PKI's expired/foreign certs are for companies[0]), [1] as "another retailer", [2] for the unpaced client. */
const CERT_COMPANY = COMPANIES[0] as string;
const OTHER_RETAILER = COMPANIES[1] as string;
const UNPACED_COMPANY = COMPANIES[2] as string;

let serial = 0;
/** A fresh 22-digit point in area 03 whose last three digits select the simulator's pattern. */
const point = (suffix = '100', area = '03') => syntheticPointId(area, 4_200_000 + ++serial, suffix);
let refSeq = 0;

function relayInput(company: string, supplyPointId: string, over: Partial<RegisterRelayInput> = {}): RegisterRelayInput {
  return { company, category: 'LV', supplyPointId, supplyStartDate: START_DATE, customer: CUSTOMER, requestRef: `ref-${++refSeq}`, ...over };
}

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

function clientWith(company: string, creds: PemPair & { loginId: string; password: string }, over: { timeoutMs?: number; minSpacingMs?: number; afterResponseMs?: number } = {}) {
  const c = createOcctoActivities({
    config: parseOcctoClientConfig({
      endpoint: sim.endpoint,
      sourceIp: '127.0.0.1',
      timeoutMs: over.timeoutMs ?? TIMEOUT_MS,
      minSpacingMs: over.minSpacingMs,
      afterResponseMs: over.afterResponseMs,
      companies: { [company]: { ...creds, ca: pki.ca.cert } },
    }),
    logger,
  });
  extraClients.push(c);
  return c;
}

const relaysAt = (supplyPointId: string) => sim.state().relays.filter((r) => r.supplyPointId === supplyPointId);
const callsOf = (company: string, sinceSeq = 0) => sim.calls().filter((c) => c.company === company && c.seq > sinceSeq);
const lastSeq = () => sim.calls().reduce((m, c) => Math.max(m, c.seq), 0);

beforeAll(async () => {
  pki = await createDevPki({ companies: COMPANIES });
  sim = await startOcctoSimulator({
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
    companies: COMPANIES.map((code) => ({ code, ...login(code) })),
    timing: { judgementDelayMs: JUDGEMENT_MS, processingDelayMs: PROCESSING_MS, hangMs: 5_000, slowMs: 3_000 },
  });
  sim.clock.set(T0);
  acts = createOcctoActivities({
    config: parseOcctoClientConfig({
      endpoint: sim.endpoint,
      sourceIp: '127.0.0.1',
      timeoutMs: TIMEOUT_MS,
      companies: Object.fromEntries(COMPANIES.map((code) => [code, { ...(pki.clients[code] as PemPair), ca: pki.ca.cert, ...login(code) }])),
    }),
    logger,
  });
});

afterAll(async () => {
  await Promise.all([acts?.close(), ...extraClients.map((c) => c.close())]);
  await sim?.close();
});

// ---------------------------------------------------------------------------------------------

describe('authentication and certificates', () => {
  it('a client certificate of a foreign CA is refused at the TLS layer → Auth, non-retryable, nothing reaches the service', async () => {
    const before = sim.calls().length;
    const client = clientWith(CERT_COMPANY, { ...pki.foreignClient, ...login(CERT_COMPANY) });
    const f = await failureOf(run(client.registerRelay, relayInput(CERT_COMPANY, point())));
    expect(f.type).toBe(OcctoFailure.Auth);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(/TLS|certificate/);
    expect(sim.calls().length).toBe(before);
  });

  it('an expired client certificate is refused too → Auth', async () => {
    const client = clientWith(CERT_COMPANY, { ...pki.expiredClient, ...login(CERT_COMPANY) });
    const f = await failureOf(run(client.queryRelayResult, { company: CERT_COMPANY, category: 'LV', relayNo: 'H1', supplyPointId: point() }));
    expect(f.type).toBe(OcctoFailure.Auth);
    expect(f.nonRetryable).toBe(true);
  });

  it('a wrong password is answered 403 → Auth, and the password appears in no failure or log', async () => {
    const company = nextCompany();
    const wrong = 'Wr0ng-Passw0rd-xyz';
    const client = clientWith(company, { ...(pki.clients[company] as PemPair), loginId: login(company).loginId, password: wrong });
    const f = await failureOf(run(client.registerRelay, relayInput(company, point())));
    expect(f.type).toBe(OcctoFailure.Auth);
    expect(f.nonRetryable).toBe(true);
    expect(callsOf(company).at(-1)?.httpStatus).toBe(403);
    expect(JSON.stringify({ m: f.message, d: f.details })).not.toContain(wrong);
    expect(logLines.join('\n')).not.toContain(wrong);
    const line = logs().findLast((l) => l['event'] === 'occto.call' && l['company'] === company);
    expect(line).toMatchObject({ outcome: OcctoFailure.Auth, httpStatus: 403, serviceID: 'IS_20110' });
  });
});

describe('business errors', () => {
  const cases: [suffix: string, code: ErrorCode][] = [
    ['810', 'ERR_20040'],
    ['811', 'ERR_20070'],
    ['812', 'ERR_20140'],
    ['813', 'ERR_20250'],
  ];
  it.each(cases)('pattern %s → Business %s with its code, message and meaning, non-retryable', async (suffix, code) => {
    const company = nextCompany();
    const f = await failureOf(run(acts.registerRelay, relayInput(company, point(suffix))));
    expect(f.type).toBe(OcctoFailure.Business);
    expect(f.nonRetryable).toBe(true);
    expect(f.details?.[0]).toEqual({ code, message: ERROR_CODES[code].message, meaning: ERROR_CODES[code].meaning });
    expect(f.message).toContain(code);
    expect(f.message).toContain(ERROR_CODES[code].meaning);
  });

  it('the service’s input check (供給開始日 beyond 次々回検針日) → Business ERR_INPUT', async () => {
    const company = nextCompany();
    const f = await failureOf(run(acts.registerRelay, relayInput(company, point(), { supplyStartDate: '2030-12-24' })));
    expect(f.type).toBe(OcctoFailure.Business);
    expect(f.details?.[0]).toEqual({ code: 'ERR_INPUT', message: ERROR_CODES.ERR_INPUT.message, meaning: ERROR_CODES.ERR_INPUT.meaning });
    expect(callsOf(company).at(-1)?.resultCode).toBe('ERR_INPUT');
  });

  it('input our own check refuses never leaves: ERR_INPUT naming the field, no request sent', async () => {
    const company = nextCompany();
    const before = sim.calls().length;
    const f = await failureOf(run(acts.registerRelay, relayInput(company, point(), { requestRef: 'x'.repeat(41), customer: { ...CUSTOMER, phone: 'call me' } })));
    expect(f.type).toBe(OcctoFailure.Business);
    expect(businessCode(f)).toBe('ERR_INPUT');
    expect(f.message).toContain('jigyoshaKanriNo');
    expect(f.message).toContain('juyoshaDenwa');
    expect(f.message).not.toContain('call me');
    expect(sim.calls().length).toBe(before);
  });

  it('a 廃止取次 of another retailer for the point (pattern 820) → DuplicateRelay with ERR_SW_DUPLICATE', async () => {
    const company = nextCompany();
    const f = await failureOf(run(acts.registerRelay, relayInput(company, point('820'))));
    expect(f.type).toBe(OcctoFailure.DuplicateRelay);
    expect(f.nonRetryable).toBe(true);
    expect(f.details?.[0]).toEqual({ code: 'ERR_SW_DUPLICATE', message: ERROR_CODES.ERR_SW_DUPLICATE.message, meaning: ERROR_CODES.ERR_SW_DUPLICATE.meaning });
    expect(f.message).toContain('ERR_SW_DUPLICATE');
  });
});

const businessCode = (f: ApplicationFailure) => (f.details?.[0] as { code?: string } | undefined)?.code;

describe('transport-level failures', () => {
  it('an ad-hoc maintenance window (503) → Maintenance, non-retryable (the workflow waits)', async () => {
    const company = nextCompany();
    const now = sim.clock.now();
    sim.addMaintenance({ start: now - 1_000, end: now + 10 * 60_000, reason: 'ad-hoc test window' });
    try {
      const f = await failureOf(run(acts.registerRelay, relayInput(company, point())));
      expect(f.type).toBe(OcctoFailure.Maintenance);
      expect(f.nonRetryable).toBe(true);
      expect(callsOf(company).at(-1)).toMatchObject({ httpStatus: 503, inMaintenance: true });
    } finally {
      sim.clock.advance(11 * 60_000); // past the window for the tests that follow
    }
  });

  it('a malformed response → MalformedResponse, non-retryable; the log has a redacted excerpt', async () => {
    const company = nextCompany();
    const f = await failureOf(run(acts.registerRelay, relayInput(company, point('860'))));
    expect(f.type).toBe(OcctoFailure.MalformedResponse);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).not.toContain('<');
    const line = logs().findLast((l) => l['event'] === 'occto.call' && l['company'] === company);
    expect(line).toMatchObject({ outcome: OcctoFailure.MalformedResponse, level: 50 });
    expect(typeof line?.['excerpt']).toBe('string');
    expect(String(line?.['excerpt'])).toContain('Envelope');
  });

  it('HTTP 500 → Transient, retryable; the next attempt finds nothing registered and registers', async () => {
    const company = nextCompany();
    const f = await failureOf(run(acts.registerRelay, relayInput(company, point('840'))));
    expect(f.type).toBe(OcctoFailure.Transient);
    expect(f.nonRetryable).toBe(false);

    const p = point('841'); // 500 once
    const input = relayInput(company, p);
    const first = await failureOf(run(acts.registerRelay, input, 1));
    expect(first.type).toBe(OcctoFailure.Transient);
    const second = await run(acts.registerRelay, input, 2);
    expect(second.alreadyRegistered).toBe(false);
    expect(relaysAt(p)).toHaveLength(1);
  });

  it('a connection reset before any response → Transient (not mistaken for a refused certificate)', async () => {
    const company = nextCompany();
    sim.injectFault({ kind: 'reset', count: 1, serviceId: 'IS_20210' });
    const f = await failureOf(run(acts.queryRelayResult, { company, category: 'LV', relayNo: 'H000', supplyPointId: point() }));
    expect(f.type).toBe(OcctoFailure.Transient);
    expect(f.nonRetryable).toBe(false);
  });

  it('the load limit (429) → RateLimited, retryable, logged as a pacing defect', async () => {
    const company = UNPACED_COMPANY;
    const unpaced = clientWith(company, { ...(pki.clients[company] as PemPair), ...login(company) }, { minSpacingMs: 0, afterResponseMs: 0 });
    const ref = { company, category: 'LV' as const, applicationNos: ['M0'] };
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => run(unpaced.checkProcessingStatusBatch, ref)));
    const limited = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ApplicationFailure] : []));
    expect(limited.length).toBeGreaterThan(0);
    for (const f of limited) {
      expect(f.type).toBe(OcctoFailure.RateLimited);
      expect(f.nonRetryable).toBe(false);
    }
    const line = logs().findLast((l) => l['company'] === company && l['outcome'] === OcctoFailure.RateLimited);
    expect(line).toMatchObject({ pacingDefect: true, httpStatus: 429 });
  });
});

describe('no duplicate writes after an ambiguous failure', () => {
  it('timeout-once: attempt 1 times out after sending; attempt 2 finds the registration; exactly one relay', async () => {
    const company = nextCompany();
    const p = point('850');
    const input = relayInput(company, p);
    const started = Date.now();
    const first = await failureOf(run(acts.registerRelay, input, 1));
    expect(first.type).toBe(OcctoFailure.Transient);
    expect(first.nonRetryable).toBe(false);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2_500);
    expect(relaysAt(p)).toHaveLength(1); // recorded although the answer was lost

    const seq = lastSeq();
    const second = await run(acts.registerRelay, input, 2);
    expect(second).toEqual({ relayNo: relaysAt(p)[0]?.haishiToritsugiNo, alreadyRegistered: true });
    expect(relaysAt(p)).toHaveLength(1);
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IS_20210']); // looked up, did not send the registration again
  });

  it('a duplicate answer for our own relay (same requestRef) → success, alreadyRegistered', async () => {
    const company = nextCompany();
    const p = point();
    const input = relayInput(company, p);
    const first = await run(acts.registerRelay, input);
    expect(first.alreadyRegistered).toBe(false);
    const again = await run(acts.registerRelay, input); // attempt 1: sends, gets ERR_SW_DUPLICATE, looks up
    expect(again).toEqual({ relayNo: first.relayNo, alreadyRegistered: true });
    expect(relaysAt(p)).toHaveLength(1);
  });

  it('a duplicate answer for a relay of another retailer → DuplicateRelay', async () => {
    const company = nextCompany();
    const p = point();
    await run(acts.registerRelay, relayInput(OTHER_RETAILER, p));
    const f = await failureOf(run(acts.registerRelay, relayInput(company, p)));
    expect(f.type).toBe(OcctoFailure.DuplicateRelay);
    expect(businessCode(f)).toBe('ERR_SW_DUPLICATE');
    expect(relaysAt(p).map((r) => r.company)).toEqual([OTHER_RETAILER]);
  });

  it('applySwitchingStart on a retry returns the earlier application (IF_11110 look-up), and a duplicate answer for ours is success', async () => {
    const company = nextCompany();
    const p = point();
    const relay = await run(acts.registerRelay, relayInput(company, p));
    const apply = { company, category: 'LV' as const, supplyPointId: p, relayNo: relay.relayNo, supplyStartDate: START_DATE, customer: CUSTOMER, requestRef: `app-${++refSeq}` };
    const first = await run(acts.applySwitchingStart, apply);
    expect(first.alreadyApplied).toBe(false);

    const seq = lastSeq();
    const retry = await run(acts.applySwitchingStart, apply, 3);
    expect(retry).toEqual({ applicationNo: first.applicationNo, alreadyApplied: true });
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IF_11110']);

    const dup = await run(acts.applySwitchingStart, apply, 1); // sends, ERR_20070, looks up ours
    expect(dup).toEqual({ applicationNo: first.applicationNo, alreadyApplied: true });
    expect(sim.state().applications.filter((a) => a.supplyPointId === p && a.kind === 'start')).toHaveLength(1);
  });
});

describe('switching lifecycle (new retailer)', () => {
  it('register → judged OK → apply start → IN_PROGRESS → COMPLETED with dates', async () => {
    const company = nextCompany();
    const p = point();
    const relay = await run(acts.registerRelay, relayInput(company, p));
    expect(relay.relayNo).toMatch(/^H\d+$/);
    const ref = { company, category: 'LV' as const, relayNo: relay.relayNo, supplyPointId: p };

    expect(await run(acts.queryRelayResult, ref)).toEqual({ relayNo: relay.relayNo, statusCode: '01', judgement: 'PENDING', matched: false, ngReasons: [] });
    sim.clock.advance(JUDGEMENT_MS + 1_000);
    expect(await run(acts.queryRelayResult, ref)).toMatchObject({ statusCode: '02', judgement: 'OK', ngReasons: [] });

    const app = await run(acts.applySwitchingStart, { ...ref, supplyStartDate: START_DATE, customer: CUSTOMER, requestRef: `app-${++refSeq}` });
    expect(app.alreadyApplied).toBe(false);
    const appRef = { company, category: 'LV' as const, applicationNo: app.applicationNo, supplyPointId: p };
    expect(await run(acts.checkSwitchingStartStatus, appRef)).toEqual({ applicationNo: app.applicationNo, kind: 'SWITCHING_START', stageCode: '05', state: 'IN_PROGRESS', plannedDate: START_DATE });
    expect(await run(acts.queryRelayResult, ref)).toMatchObject({ judgement: 'OK', matched: true });

    sim.clock.advance(PROCESSING_MS + 1_000);
    expect(await run(acts.checkSwitchingStartStatus, appRef)).toEqual({
      applicationNo: app.applicationNo,
      kind: 'SWITCHING_START',
      stageCode: '06',
      state: 'COMPLETED',
      plannedDate: START_DATE,
      actualDate: START_DATE,
    });
  });

  it('an NG judgement carries its 判断NG理由 flags', async () => {
    const company = nextCompany();
    const p = point('801');
    const relay = await run(acts.registerRelay, relayInput(company, p));
    sim.clock.advance(JUDGEMENT_MS + 1_000);
    expect(await run(acts.queryRelayResult, { company, category: 'LV', relayNo: relay.relayNo, supplyPointId: p })).toEqual({
      relayNo: relay.relayNo,
      statusCode: '03',
      judgement: 'NG',
      matched: false,
      ngReasons: [1, 4],
    });
  });

  it('a rejected application (pattern 870) → REJECTED with the note', async () => {
    const company = nextCompany();
    const p = point('870');
    const relay = await run(acts.registerRelay, relayInput(company, p));
    const app = await run(acts.applySwitchingStart, { company, category: 'LV', supplyPointId: p, relayNo: relay.relayNo, supplyStartDate: START_DATE, customer: CUSTOMER, requestRef: `app-${++refSeq}` });
    sim.clock.advance(PROCESSING_MS + 1_000);
    const status = await run(acts.checkSwitchingStartStatus, { company, category: 'LV', applicationNo: app.applicationNo, supplyPointId: p });
    expect(status).toMatchObject({ stageCode: '09', state: 'REJECTED' });
    expect(status.note).toBeTruthy();
  });

  it('batch status (IF_11110): the requested applications in one call, with their kind; [] without a call; > 200 split into calls of ≤ 200', async () => {
    const company = nextCompany();
    const apps: string[] = [];
    for (const suffix of ['100', '101']) {
      const p = point(suffix);
      const relay = await run(acts.registerRelay, relayInput(company, p));
      const app = await run(acts.applySwitchingStart, { company, category: 'LV', supplyPointId: p, relayNo: relay.relayNo, supplyStartDate: START_DATE, customer: CUSTOMER, requestRef: `app-${++refSeq}` });
      apps.push(app.applicationNo);
    }
    const seq = lastSeq();
    const batch = await run(acts.checkProcessingStatusBatch, { company, category: 'LV', applicationNos: [...apps, 'M999999999'] });
    expect(batch.map((s) => s.applicationNo).sort()).toEqual([...apps].sort());
    for (const s of batch) expect(s).toMatchObject({ kind: 'SWITCHING_START', stageCode: '05', state: 'IN_PROGRESS', plannedDate: START_DATE });
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IF_11110']);

    expect(await run(acts.checkProcessingStatusBatch, { company, category: 'LV', applicationNos: [] })).toEqual([]);
    const many = [...Array.from({ length: 201 }, (_, i) => `M9${i}`), apps[0] as string];
    const found = await run(acts.checkProcessingStatusBatch, { company, category: 'LV', applicationNos: many });
    expect(found.map((s) => s.applicationNo)).toEqual([apps[0]]);
    expect(callsOf(company, seq).map((c) => c.serviceId)).toEqual(['IF_11110', 'IF_11110', 'IF_11110']);
    expect(callsOf(company, seq).every((c) => c.httpStatus === 200 && c.resultCode !== 'ERR_INPUT')).toBe(true);
  });

  it('cancel the start application and the relay; cancelling again succeeds', async () => {
    const company = nextCompany();
    const p = point();
    const relay = await run(acts.registerRelay, relayInput(company, p));
    const app = await run(acts.applySwitchingStart, { company, category: 'LV', supplyPointId: p, relayNo: relay.relayNo, supplyStartDate: START_DATE, customer: CUSTOMER, requestRef: `app-${++refSeq}` });
    const appRef = { company, category: 'LV' as const, applicationNo: app.applicationNo, supplyPointId: p };
    const relayRef = { company, category: 'LV' as const, relayNo: relay.relayNo, supplyPointId: p };

    await run(acts.cancelSwitchingStart, appRef);
    expect(await run(acts.checkSwitchingStartStatus, appRef)).toMatchObject({ stageCode: '09', state: 'REJECTED' });
    await run(acts.cancelSwitchingStart, appRef, 2);

    await run(acts.cancelRelay, relayRef);
    expect(await run(acts.queryRelayResult, relayRef)).toMatchObject({ statusCode: '06', judgement: 'CANCELLED' });
    await run(acts.cancelRelay, relayRef, 2);
    expect(sim.state().relays.find((r) => r.haishiToritsugiNo === relay.relayNo)?.jokyoCode).toBe('06');
  });
});

describe('pacing and logging', () => {
  it('five sequential calls of one company leave ≥ 1000 ms apart: zero violations in the simulator', async () => {
    const company = nextCompany();
    const seq = lastSeq();
    const ref = { company, category: 'LV' as const, applicationNos: ['M1'] };
    for (let i = 0; i < 5; i++) await run(acts.checkProcessingStatusBatch, ref);
    const calls = callsOf(company, seq);
    expect(calls).toHaveLength(5);
    const gaps = calls.slice(1).map((c, i) => c.receivedAtMs - (calls[i] as { receivedAtMs: number }).receivedAtMs);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(1_000);
    expect(sim.violations().filter((v) => v.company === company && v.secondSeq > seq)).toEqual([]);
  });

  it('a burst of three concurrent calls is spaced too', async () => {
    const company = nextCompany();
    const seq = lastSeq();
    const ref = { company, category: 'LV' as const, applicationNos: ['M1'] };
    await Promise.all([1, 2, 3].map(() => run(acts.checkProcessingStatusBatch, ref)));
    const calls = callsOf(company, seq);
    expect(calls).toHaveLength(3);
    expect(calls.every((c) => c.httpStatus === 200)).toBe(true);
    expect(sim.violations().filter((v) => v.company === company && v.secondSeq > seq)).toEqual([]);
  });

  it('a call waiting in the spacer is cancelled at once with the activity, and never sent', async () => {
    const company = nextCompany();
    const ref = { company, category: 'LV' as const, applicationNos: ['M1'] };
    await run(acts.checkProcessingStatusBatch, ref); // the next call of this company must wait ~1 s
    const seq = lastSeq();
    const env = new MockActivityEnvironment({ attempt: 1 }, { logger: quietSdkLogger });
    const started = Date.now();
    const pending = env.run(acts.checkProcessingStatusBatch, ref);
    setTimeout(() => env.cancel(), 100);
    const e = await pending.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(600);
    await new Promise((r) => setTimeout(r, 1_100)); // past the slot it would have used
    expect(callsOf(company, seq)).toEqual([]);
  });

  it('one structured line per call; no customer data or passwords in any log line', () => {
    const calls = logs().filter((l) => l['event'] === 'occto.call');
    expect(calls.length).toBeGreaterThan(20);
    for (const l of calls) {
      expect(l).toMatchObject({ serviceID: expect.stringMatching(/^I[SF]_\d{5}$/), company: expect.stringMatching(/^\d{5}$/), category: 'LV' });
      expect(typeof l['requestID']).toBe('string');
      expect(typeof l['outcome']).toBe('string');
      expect(typeof l['durationMs']).toBe('number');
    }
    // every request the simulator saw from the main client has exactly one log line with its requestID
    const logged = new Set(calls.map((l) => l['requestID']));
    const seen = sim.calls().filter((c) => c.requestId);
    for (const c of seen) expect(logged.has(c.requestId)).toBe(true);
    expect(calls.length).toBe(logged.size);

    const all = logLines.join('\n');
    for (const pii of PII) expect(all).not.toContain(pii);
    for (const code of COMPANIES) expect(all).not.toContain(login(code).password);
  });
});
