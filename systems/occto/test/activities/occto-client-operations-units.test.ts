// Unit tests of the OCCTO operations with a transport that records every request and answers from
// a table (no server): refusal before sending, chunking, paging, mapping, retry look-ups, failure
// types. Each activity runs in a real activity Context (MockActivityEnvironment) for its attempt.
import { describe, expect, it } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createOcctoActivities } from '../../activities/activities.js';
import { parseOcctoClientConfig } from '../../activities/config.js';
import { OcctoFailure, type ApplicationKind, type Category, type Customer } from '../../activities/contract.js';
import { interpretResponse } from '../../activities/errors.js';
import { facilityInfoOf, ngFlagsOf, usageDataOf, usageQueryStatusOf, contractKindOf } from '../../activities/mapping.js';
import { buildResponse, ERROR_CODES, type ErrorCode } from '../../activities/provisional-wire-format.js';
import type { Transport } from '../../activities/transport.js';

// ---------------------------------------------------------------------------------------------
// A recording transport
// ---------------------------------------------------------------------------------------------

interface Sent {
  company: string;
  serviceID: string;
  body: Record<string, unknown>;
}
type Answer = { body: Record<string, unknown> } | { error: ErrorCode | string } | { status: number; xml: string };
type Handler = (serviceID: string, body: Record<string, unknown>, n: number) => Answer;

function recorder(handler: Handler = () => ({ body: {} })) {
  const sent: Sent[] = [];
  const transport: Transport = {
    async send(company, serviceID, body, options = {}) {
      sent.push({ company, serviceID, body });
      options.onDepart?.(0);
      const a = handler(serviceID, body, sent.length);
      const requestID = options.requestID ?? 'r';
      if ('status' in a) return { status: a.status, xml: a.xml, requestID };
      if ('error' in a) return { status: 200, xml: buildResponse(serviceID, { renkeiSeihiStatus: '1', kekkaCode: a.error, kekkaMei: 'x' }), requestID };
      return { status: 200, xml: buildResponse(serviceID, { renkeiSeihiStatus: '0', kekkaCode: 'I00000' }, a.body), requestID };
    },
    async close() {},
  };
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
  const acts = createOcctoActivities({ config: CONFIG, logger, transport });
  return { acts, sent, lines, logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const pem = (label: string) => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`;
const COMPANY = '12343';
const CONFIG = parseOcctoClientConfig({
  endpoint: 'https://occto.example.jp/sw/soap',
  sourceIp: '192.0.2.10',
  companies: { [COMPANY]: { cert: pem('CERTIFICATE'), key: pem('PRIVATE KEY'), loginId: 'api1', password: 'p@ss-very-secret' } },
});

const quietSdkLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
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

/** A 22-digit point in `area`. */
const pointIn = (area: string, n = 1) => `${area}${String(n).padStart(17, '0')}100`;
const P = pointIn('03');
const on = (category: Category = 'LV') => ({ company: COMPANY, category });
const CUSTOMER: Customer = { name: '電気 花子', kana: 'デンキ ハナコ', address: '東京都港区芝公園4-2-8', phone: '03-9876-5432' };
const PII = [CUSTOMER.name, CUSTOMER.kana, CUSTOMER.address, CUSTOMER.phone as string];

const statusRecord = (moshikomiNo: string, moshikomiShubetsu: string, over: Record<string, unknown> = {}) => ({
  moshikomiNo,
  moshikomiShubetsu,
  kyokyuChitenTokuteiNo: P,
  uketsukeKoteiCode: '05',
  ...over,
});

// ---------------------------------------------------------------------------------------------

describe('refused before sending: what the system does not offer (no request leaves)', () => {
  const base = { ...on(), supplyPointId: P, requestRef: 'r1', desiredDate: '2030-07-01' };
  const appRef = (category: Category, kind: ApplicationKind, supplyPointId = P) => ({ ...on(category), kind, applicationNo: 'M1', supplyPointId });
  const cases: [string, (a: ReturnType<typeof recorder>['acts']) => Promise<unknown>, RegExp[]][] = [
    ['設備情報照会 HV', (a) => run(a.queryFacility, { ...on('HV'), supplyPointId: P }), [/FACILITY_QUERY/, /HV/, /§2\.5/]],
    ['使用量情報照会申請 FIT', (a) => run(a.applyUsageQuery, { ...on('FIT'), supplyPointId: P, requestRef: 'r' }), [/USAGE_QUERY/, /FIT/]],
    ['its status FIT', (a) => run(a.checkUsageQueryStatus, { ...on('FIT'), applicationNo: 'M1', supplyPointId: P }), [/USAGE_QUERY/, /FIT/]],
    ['使用量情報照会 FIT', (a) => run(a.queryUsage, { ...on('FIT'), supplyPointId: P, password: 'secret-password-1' }), [/USAGE_QUERY/, /FIT/]],
    ['再点 HV', (a) => run(a.applyReconnection, { ...base, category: 'HV', customer: CUSTOMER }), [/RECONNECTION/, /HV/]],
    ['アンペア変更 HV', (a) => run(a.applyAmpereChange, { ...base, category: 'HV', amperes: 40 }), [/AMPERE_CHANGE/, /HV/]],
    ['アンペア変更 FIT', (a) => run(a.applyAmpereChange, { ...base, category: 'FIT', amperes: 40 }), [/AMPERE_CHANGE/, /FIT/]],
    ['status of an アンペア変更 HV', (a) => run(a.checkApplicationStatus, appRef('HV', 'AMPERE_CHANGE')), [/AMPERE_CHANGE/, /HV/]],
    ['取消 of a 再点 HV', (a) => run(a.cancelApplication, appRef('HV', 'RECONNECTION')), [/RECONNECTION/, /HV/]],
    ['取消 of a 使用量照会申請 FIT', (a) => run(a.cancelApplication, appRef('FIT', 'USAGE_QUERY')), [/USAGE_QUERY/, /FIT/]],
  ];
  it.each(cases)('%s → NotOffered, non-retryable, naming operation, category and rule', async (_, act, patterns) => {
    const r = recorder();
    const f = await failureOf(act(r.acts));
    expect(f.type).toBe(OcctoFailure.NotOffered);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain('refused before sending');
    for (const p of patterns) expect(f.message).toMatch(p);
    expect(f.details?.[0]).toMatchObject({ rule: 'category' });
    expect(r.sent).toEqual([]);
    const lines = r.logs().filter((l) => l['event'] === 'occto.call');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ outcome: OcctoFailure.NotOffered, sent: false, rule: 'category', level: 40 });
    expect(r.lines.join('\n')).not.toContain('secret-password-1');
  });

  it.each(['06', '07', '08', '10'])('アンペア変更 in area %s (関西/中国/四国/沖縄) → NotOffered naming the area and the rule', async (area) => {
    const r = recorder();
    const f = await failureOf(run(r.acts.applyAmpereChange, { ...base, supplyPointId: pointIn(area), amperes: 40 }));
    expect(f.type).toBe(OcctoFailure.NotOffered);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain(`area ${area}`);
    expect(f.message).toContain('§5.3');
    expect(f.details?.[0]).toEqual({ operation: 'AMPERE_CHANGE', category: 'LV', area, rule: 'area' });
    expect(r.sent).toEqual([]);
    // its status and 取消 are refused there too (such an application cannot exist)
    await failureOf(run(r.acts.checkApplicationStatus, appRef('LV', 'AMPERE_CHANGE', pointIn(area))));
    await failureOf(run(r.acts.cancelApplication, appRef('LV', 'AMPERE_CHANGE', pointIn(area))));
    expect(r.sent).toEqual([]);
  });

  it('アンペア変更 in an ampere-breaker area (03 東京) is sent', async () => {
    const r = recorder((sid) => (sid === 'IF_10910' ? { body: { moshikomiNo: 'M77' } } : { body: { kekka: [] } }));
    expect(await run(r.acts.applyAmpereChange, { ...base, amperes: 40 })).toEqual({ applicationNo: 'M77', alreadyApplied: false });
    expect(r.sent.map((s) => s.serviceID)).toEqual(['IF_10910']);
    expect(r.sent[0]?.body).toMatchObject({ koshinFlag: '1', jigyoshaKanriNo: 'r1', kyokyuChitenTokuteiNo: P, idoKibouBi: '20300701', keiyakuDenryuA: '40' });
  });

  it('input the wire schema refuses never leaves either: 35 A, no changed item, an NG judgement without reasons, a reason 10', async () => {
    const r = recorder();
    for (const p of [
      run(r.acts.applyAmpereChange, { ...base, amperes: 35 }),
      run(r.acts.applyCustomerInfoChange, { ...base, changes: {} }),
      run(r.acts.judgeRelay, { ...on(), relayNo: 'H1', supplyPointId: P, judgement: 'NG', ngReasons: [] }),
      run(r.acts.judgeRelay, { ...on(), relayNo: 'H1', supplyPointId: P, judgement: 'NG', ngReasons: [10] }),
      run(r.acts.judgeRelay, { ...on(), relayNo: 'H1', supplyPointId: P, judgement: 'OK', ngReasons: [2] }),
      run(r.acts.fetchIncomingRelays, { ...on(), registeredSince: 'yesterday' }),
    ]) {
      const f = await failureOf(p);
      expect(f.type).toBe(OcctoFailure.Business);
      expect(code(f)).toBe('ERR_INPUT');
    }
    expect(r.sent).toEqual([]);
  });
});

describe('failure types of the new result codes', () => {
  const answer = (sid: string, kekkaCode: string) => buildResponse(sid, { renkeiSeihiStatus: '1', kekkaCode, kekkaMei: 'x' });
  it('ERR_PASSWORD_EXPIRED → PasswordExpired, non-retryable; ERR_PASSWORD_INVALID → Business', () => {
    const expired = interpretResponse('IF_10310', 200, answer('IF_10310', 'ERR_PASSWORD_EXPIRED'));
    expect(!expired.ok && expired.failure.type).toBe(OcctoFailure.PasswordExpired);
    expect(!expired.ok && expired.failure.nonRetryable).toBe(true);
    expect(!expired.ok && expired.failure.details?.[0]).toEqual({ code: 'ERR_PASSWORD_EXPIRED', ...ERROR_CODES.ERR_PASSWORD_EXPIRED });
    const invalid = interpretResponse('IF_10310', 200, answer('IF_10310', 'ERR_PASSWORD_INVALID'));
    expect(!invalid.ok && invalid.failure.type).toBe(OcctoFailure.Business);
    expect(!invalid.ok && invalid.failure.nonRetryable).toBe(true);
  });

  it('ERR_AMPERE_AREA answered by the service → NotOffered with the area in the message', () => {
    const r = interpretResponse('IF_10910', 200, answer('IF_10910', 'ERR_AMPERE_AREA'), { area: '06' });
    expect(!r.ok && r.failure.type).toBe(OcctoFailure.NotOffered);
    expect(!r.ok && r.failure.nonRetryable).toBe(true);
    expect(!r.ok && r.failure.message).toContain('area 06 関西 (Kansai)');
    expect(!r.ok && r.failure.details?.[0]).toMatchObject({ code: 'ERR_AMPERE_AREA' });
  });

  it('queryUsage: an expired password → PasswordExpired; the password is in no log line or failure', async () => {
    const password = 'Pw-Expired-0042';
    const r = recorder(() => ({ error: 'ERR_PASSWORD_EXPIRED' }));
    const f = await failureOf(run(r.acts.queryUsage, { ...on(), supplyPointId: P, password }));
    expect(f.type).toBe(OcctoFailure.PasswordExpired);
    expect(r.sent[0]?.body).toEqual({ kyokyuChitenTokuteiNo: P, shokaiPassword: password });
    expect(JSON.stringify([f.message, f.details, r.lines])).not.toContain(password);
  });

  it('the area of a server-side ERR_AMPERE_AREA is taken from the supply point', async () => {
    const r = recorder(() => ({ error: 'ERR_AMPERE_AREA' }));
    const f = await failureOf(run(r.acts.applyAmpereChange, { ...on(), supplyPointId: pointIn('09'), requestRef: 'r', desiredDate: '2030-07-01', amperes: 30 }));
    expect(f.type).toBe(OcctoFailure.NotOffered);
    expect(f.message).toContain('area 09 九州 (Kyushu)');
  });
});

describe('batched calls are split into chunks of ≤ 200', () => {
  it('checkProcessingStatusBatch: 450 numbers (one repeated) → 200 + 200 + 49; every kind mapped', async () => {
    const kinds = ['01', '02', '03', '04', '05', '06', '07', '08', '99'];
    const r = recorder((_, body) => ({
      body: { kekka: (body['moshikomiNo'] as string[]).filter((n) => Number(n.slice(1)) % 50 === 0).map((n) => statusRecord(n, kinds[(Number(n.slice(1)) / 50) % kinds.length] as string)) },
    }));
    const nos = [...Array.from({ length: 449 }, (_, i) => `M${i}`), 'M0'];
    const out = await run(r.acts.checkProcessingStatusBatch, { ...on(), applicationNos: nos });
    expect(r.sent.map((s) => (s.body['moshikomiNo'] as string[]).length)).toEqual([200, 200, 49]);
    expect(out.map((s) => [s.applicationNo, s.kind])).toEqual([
      ['M0', 'DISCONTINUATION'],
      ['M50', 'DISCONTINUATION'],
      ['M100', 'SWITCHING_STOP'],
      ['M150', 'RECONNECTION'],
      ['M200', 'SWITCHING_START'],
      ['M250', 'AMPERE_CHANGE'],
      ['M300', 'CUSTOMER_INFO_CHANGE'],
      ['M350', 'USAGE_QUERY'],
      ['M400', undefined], // unknown 申込種別: no kind
    ]);
    expect(r.logs().filter((l) => l['event'] === 'occto.call')).toHaveLength(3);
  });

  it('FIT 申込種別 12–17 map to the contract kinds', () => {
    expect(['12', '13', '14', '15', '16', '17', '05', '08'].map((c) => contractKindOf(c, 'FIT'))).toEqual([
      'DISCONTINUATION',
      'DISCONTINUATION',
      'SWITCHING_STOP',
      'RECONNECTION',
      'SWITCHING_START',
      'CUSTOMER_INFO_CHANGE',
      undefined,
      undefined,
    ]);
  });

  it('queryRelayResultsBatch: 201 relays → 200 + 1 with haishiToritsugiNoList; mapped like queryRelayResult; [] without a call', async () => {
    const r = recorder((_, body) => ({
      body: {
        kekka: (body['haishiToritsugiNoList'] as string[])
          .filter((n) => n === 'H7' || n === 'H200')
          .map((n) => ({ haishiToritsugiNo: n, kyokyuChitenTokuteiNo: P, jokyoCode: n === 'H7' ? '03' : '02', matchingZumi: n === 'H7' ? '0' : '1', hanteiNgRiyu: n === 'H7' ? '010000001' : undefined })),
      },
    }));
    expect(await run(r.acts.queryRelayResultsBatch, { ...on(), relayNos: [] })).toEqual([]);
    expect(r.sent).toEqual([]);
    const out = await run(r.acts.queryRelayResultsBatch, { ...on(), relayNos: Array.from({ length: 201 }, (_, i) => `H${i}`) });
    expect(r.sent.map((s) => [s.serviceID, (s.body['haishiToritsugiNoList'] as string[]).length])).toEqual([
      ['IS_20210', 200],
      ['IS_20210', 1],
    ]);
    expect(out).toEqual([
      { relayNo: 'H7', statusCode: '03', judgement: 'NG', matched: false, ngReasons: [2, 9] },
      { relayNo: 'H200', statusCode: '02', judgement: 'OK', matched: true, ngReasons: [] },
    ]);
  });
});

describe('fetchIncomingRelays pages through IS_x20310', () => {
  const incoming = (i: number) => ({
    haishiToritsugiNo: `H${i}`,
    kyokyuChitenTokuteiNo: pointIn('03', i),
    shinKouriJigyoshaCode: '55553',
    kyokyuKaishiBi: '20300701',
    tourokuNichiji: '2030-06-12T10:00:00+09:00',
    jokyoCode: '01',
    juyoshaMei: CUSTOMER.name,
    juyoshaMeiKana: CUSTOMER.kana,
    juyoshaJusho: CUSTOMER.address,
    ...(i % 2 ? { juyoshaDenwa: CUSTOMER.phone } : {}),
  });
  const inbox = (total: number) =>
    recorder((_, body) => {
      const from = Number(body['kaishiIchi'] ?? '1');
      const page = Array.from({ length: Math.max(0, Math.min(200, total - from + 1)) }, (_, k) => incoming(from + k));
      return { body: { kekka: page, tsuzukiAri: from + page.length <= total ? '1' : '0' } };
    });

  it('450 relays: pages at 1, 201, 401; pending only by default; mapped; no personal data logged', async () => {
    const r = inbox(450);
    const out = await run(r.acts.fetchIncomingRelays, { ...on(), registeredSince: '2030-06-12T00:00:00Z' });
    expect(r.sent.map((s) => s.body)).toEqual(
      ['1', '201', '401'].map((kaishiIchi) => ({ jokyoCode: '01', tourokuNichijiFrom: '2030-06-12T09:00:00+09:00', kaishiIchi })),
    );
    expect(out).toHaveLength(450);
    expect(out[0]).toEqual({
      relayNo: 'H1',
      category: 'LV',
      supplyPointId: pointIn('03', 1),
      newRetailerCode: '55553',
      supplyStartDate: '2030-07-01',
      registeredAt: '2030-06-12T10:00:00+09:00',
      statusCode: '01',
      customer: CUSTOMER,
    });
    expect(out[1]?.customer).toEqual({ name: CUSTOMER.name, kana: CUSTOMER.kana, address: CUSTOMER.address });
    const all = r.lines.join('\n');
    for (const pii of PII) expect(all).not.toContain(pii);
    expect(r.logs().find((l) => l['event'] === 'occto.inbox')).toMatchObject({ count: 450 });
  });

  it('pendingOnly false sends no status filter; an empty inbox is one call', async () => {
    const r = inbox(0);
    expect(await run(r.acts.fetchIncomingRelays, { ...on('HV'), pendingOnly: false })).toEqual([]);
    expect(r.sent).toEqual([{ company: COMPANY, serviceID: 'IS_K20310', body: { kaishiIchi: '1' } }]);
  });

  it('"more follows" with an empty page is a malformed answer, not an endless loop', async () => {
    const r = recorder(() => ({ body: { tsuzukiAri: '1' } }));
    const f = await failureOf(run(r.acts.fetchIncomingRelays, on()));
    expect(f.type).toBe(OcctoFailure.MalformedResponse);
    expect(r.sent).toHaveLength(1);
  });
});

describe('judgeRelay: final, idempotent', () => {
  const judge = (judgement: 'OK' | 'NG', ngReasons: number[] = judgement === 'NG' ? [2, 5] : []) => ({ ...on(), relayNo: 'H9', supplyPointId: P, judgement, ngReasons });
  const inboxWith = (jokyoCode: string) => ({
    body: {
      kekka: [
        {
          haishiToritsugiNo: 'H9',
          kyokyuChitenTokuteiNo: P,
          shinKouriJigyoshaCode: '55553',
          kyokyuKaishiBi: '20300701',
          tourokuNichiji: '2030-06-12T10:00:00+09:00',
          jokyoCode,
          juyoshaMei: 'x',
          juyoshaMeiKana: 'x',
          juyoshaJusho: 'x',
        },
      ],
    },
  });

  it('attempt 1 sends the judgement with nine NG flags', async () => {
    const r = recorder(() => ({ body: { haishiToritsugiNo: 'H9', jokyoCode: '03' } }));
    expect(await run(r.acts.judgeRelay, judge('NG'))).toEqual({ alreadyJudged: false, statusCode: '03' });
    expect(r.sent).toEqual([{ company: COMPANY, serviceID: 'IS_20410', body: { haishiToritsugiNo: 'H9', kyokyuChitenTokuteiNo: P, hanteiKekka: '02', hanteiNgRiyu: '010010000' } }]);
  });

  it('a retry that finds the same judgement returns alreadyJudged without sending it again', async () => {
    const r = recorder((sid) => (sid === 'IS_20310' ? inboxWith('02') : { error: 'ERR_20070' }));
    expect(await run(r.acts.judgeRelay, judge('OK'), 2)).toEqual({ alreadyJudged: true, statusCode: '02' });
    expect(r.sent).toEqual([{ company: COMPANY, serviceID: 'IS_20310', body: { haishiToritsugiNo: 'H9' } }]);
  });

  it('a retry that finds a different judgement → AlreadyJudged, non-retryable, nothing sent', async () => {
    const r = recorder((sid) => (sid === 'IS_20310' ? inboxWith('03') : { error: 'ERR_20070' }));
    const f = await failureOf(run(r.acts.judgeRelay, judge('OK'), 2));
    expect(f.type).toBe(OcctoFailure.AlreadyJudged);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain('cannot be changed');
    expect(f.details?.[0]).toEqual({ relayNo: 'H9', statusCode: '03', judgement: 'NG', requested: 'OK' });
    expect(r.sent.map((s) => s.serviceID)).toEqual(['IS_20310']);
  });

  it('a retry that finds the relay still pending sends the judgement', async () => {
    const r = recorder((sid) => (sid === 'IS_20310' ? inboxWith('01') : { body: { haishiToritsugiNo: 'H9', jokyoCode: '02' } }));
    expect(await run(r.acts.judgeRelay, judge('OK'), 3)).toEqual({ alreadyJudged: false, statusCode: '02' });
    expect(r.sent.map((s) => s.serviceID)).toEqual(['IS_20310', 'IS_20410']);
  });

  it('ERR_20070 on attempt 1: the same judgement → alreadyJudged; a different one → AlreadyJudged; cancelled → the Business error', async () => {
    for (const [status, expected] of [
      ['03', 'same'],
      ['02', OcctoFailure.AlreadyJudged],
      ['06', OcctoFailure.Business],
    ] as const) {
      const r = recorder((sid) => (sid === 'IS_20310' ? inboxWith(status) : { error: 'ERR_20070' }));
      const p = run(r.acts.judgeRelay, judge('NG'));
      if (expected === 'same') expect(await p).toEqual({ alreadyJudged: true, statusCode: '03' });
      else {
        const f = await failureOf(p);
        expect(f.type).toBe(expected);
        if (expected === OcctoFailure.Business) expect(code(f)).toBe('ERR_20070');
      }
      expect(r.sent.map((s) => s.serviceID)).toEqual(['IS_20410', 'IS_20310']);
    }
  });
});

describe('applications: one write per requestRef', () => {
  const base = { ...on(), supplyPointId: P, requestRef: 'ref-A', desiredDate: '2030-07-01' };
  const own = (moshikomiNo: string, shubetsu: string, stage = '05') => statusRecord(moshikomiNo, shubetsu, { jigyoshaKanriNo: 'ref-A', uketsukeKoteiCode: stage });

  const cases: [string, ApplicationKind, string, (a: ReturnType<typeof recorder>['acts'], attempt: number) => Promise<{ applicationNo: string; alreadyApplied: boolean }>][] = [
    ['再点', 'RECONNECTION', '04', (a, n) => run(a.applyReconnection, { ...base, customer: CUSTOMER }, n)],
    ['廃止 (撤去なし)', 'DISCONTINUATION', '01', (a, n) => run(a.applyDiscontinuation, { ...base, withRemoval: false }, n)],
    ['廃止 (撤去あり)', 'DISCONTINUATION', '02', (a, n) => run(a.applyDiscontinuation, { ...base, withRemoval: true }, n)],
    ['需要者情報変更', 'CUSTOMER_INFO_CHANGE', '07', (a, n) => run(a.applyCustomerInfoChange, { ...base, changes: { address: CUSTOMER.address } }, n)],
    ['アンペア変更', 'AMPERE_CHANGE', '06', (a, n) => run(a.applyAmpereChange, { ...base, amperes: 30 }, n)],
    ['使用量情報照会申請', 'USAGE_QUERY', '08', (a, n) => run(a.applyUsageQuery, { ...on(), supplyPointId: P, requestRef: 'ref-A' }, n)],
    ['スイッチング廃止申請', 'SWITCHING_STOP', '03', (a, n) => run(a.applySwitchingStop, { ...on(), supplyPointId: P, relayNo: 'H1', stopDate: '2030-06-30', requestRef: 'ref-A' }, n)],
  ];

  it.each(cases)('%s: a retry finds ours (申込種別 %s) by jigyoshaKanriNo and does not apply again', async (_, _kind, shubetsu, apply) => {
    // a rejected one of ours and one of another kind are not reused
    const r = recorder(() => ({ body: { kekka: [own('M-OLD', shubetsu, '09'), own('M-OTHER', shubetsu === '04' ? '07' : '04'), own('M-OURS', shubetsu)] } }));
    expect(await apply(r.acts, 2)).toEqual({ applicationNo: 'M-OURS', alreadyApplied: true });
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0]?.serviceID).toBe('IF_11110');
    expect(r.sent[0]?.body).toEqual({ jigyoshaKanriNo: 'ref-A' });
  });

  it.each(cases)('%s: a duplicate answer (ERR_20070) for ours is success; nothing of ours → the Business error', async (_, _kind, shubetsu, apply) => {
    const found = recorder((sid) => (sid === 'IF_11110' ? { body: { kekka: [own('M-OURS', shubetsu)] } } : { error: 'ERR_20070' }));
    expect(await apply(found.acts, 1)).toEqual({ applicationNo: 'M-OURS', alreadyApplied: true });
    expect(found.sent.map((s) => s.serviceID)).toEqual([expect.stringMatching(/^IF_10[2-9]10$/), 'IF_11110']);
    expect(found.sent[0]?.body).toMatchObject({ koshinFlag: '1', jigyoshaKanriNo: 'ref-A', kyokyuChitenTokuteiNo: P });

    const none = recorder((sid) => (sid === 'IF_11110' ? { body: { kekka: [own('M-OTHER', shubetsu === '04' ? '07' : '04')] } } : { error: 'ERR_20070' }));
    const f = await failureOf(apply(none.acts, 1));
    expect(code(f)).toBe('ERR_20070');
  });

  it('a retry that finds nothing applies; the request items of each kind', async () => {
    const r = recorder((sid) => (sid === 'IF_11110' ? { error: 'ERR_20040' } : { body: { moshikomiNo: 'M-NEW' } }));
    expect(await run(r.acts.applyDiscontinuation, { ...base, withRemoval: true }, 2)).toEqual({ applicationNo: 'M-NEW', alreadyApplied: false });
    expect(r.sent.map((s) => s.serviceID)).toEqual(['IF_11110', 'IF_10510']);
    expect(r.sent[1]?.body).toEqual({ koshinFlag: '1', jigyoshaKanriNo: 'ref-A', kyokyuChitenTokuteiNo: P, idoKibouBi: '20300701', tekkyoUmu: '1' });

    await run(r.acts.applySwitchingStop, { ...on('HV'), supplyPointId: P, relayNo: 'H1', stopDate: '2030-06-30', requestRef: 'ref-B' });
    expect(r.sent.at(-1)).toEqual({ company: COMPANY, serviceID: 'IF_K10710', body: { koshinFlag: '1', jigyoshaKanriNo: 'ref-B', kyokyuChitenTokuteiNo: P, haishiToritsugiNo: 'H1', idoYoteiBi: '20300630' } });

    await run(r.acts.applyCustomerInfoChange, { ...base, category: 'FIT', changes: { phone: '06-1111-2222' } });
    expect(r.sent.at(-1)).toEqual({ company: COMPANY, serviceID: 'IF_F10810', body: { koshinFlag: '1', jigyoshaKanriNo: 'ref-A', kyokyuChitenTokuteiNo: P, idoKibouBi: '20300701', juyoshaDenwa: '06-1111-2222' } });

    await run(r.acts.applyUsageQuery, { ...on('HV'), supplyPointId: P, requestRef: 'ref-C' });
    expect(r.sent.at(-1)).toEqual({ company: COMPANY, serviceID: 'IF_K10210', body: { koshinFlag: '1', jigyoshaKanriNo: 'ref-C', kyokyuChitenTokuteiNo: P, doiKakuninZumi: '1' } });

    await run(r.acts.applyReconnection, { ...base, category: 'FIT', customer: CUSTOMER });
    expect(r.sent.at(-1)?.serviceID).toBe('IF_F10410');
    expect(r.sent.at(-1)?.body).toMatchObject({ juyoshaMei: CUSTOMER.name, juyoshaMeiKana: CUSTOMER.kana, juyoshaJusho: CUSTOMER.address, juyoshaDenwa: CUSTOMER.phone });
    for (const pii of PII) expect(r.lines.join('\n')).not.toContain(pii);
  });

  it('FIT スイッチング開始申請: the retry look-up matches 申込種別 16', async () => {
    const r = recorder(() => ({ body: { kekka: [own('M-LV', '05'), own('M-FIT', '16')] } }));
    const out = await run(r.acts.applySwitchingStart, { ...on('FIT'), supplyPointId: P, relayNo: 'H1', supplyStartDate: '2030-07-01', customer: CUSTOMER, requestRef: 'ref-A' }, 2);
    expect(out).toEqual({ applicationNo: 'M-FIT', alreadyApplied: true });
    expect(r.sent.map((s) => s.serviceID)).toEqual(['IF_F11110']);
  });
});

describe('status and 取消 of any kind', () => {
  const ref = (kind: ApplicationKind, category: Category = 'LV') => ({ ...on(category), kind, applicationNo: 'M5', supplyPointId: P });

  it.each([
    ['RECONNECTION', 'IF_10420', '04'],
    ['DISCONTINUATION', 'IF_10520', '02'],
    ['SWITCHING_START', 'IF_10620', '05'],
    ['SWITCHING_STOP', 'IF_10720', '03'],
    ['CUSTOMER_INFO_CHANGE', 'IF_10820', '07'],
    ['AMPERE_CHANGE', 'IF_10920', '06'],
    ['USAGE_QUERY', 'IF_10220', '08'],
  ] as const)('checkApplicationStatus %s → %s', async (kind, sid, shubetsu) => {
    const r = recorder(() => ({ body: statusRecord('M5', shubetsu, { uketsukeKoteiCode: '08', idoYoteiBi: '20300701', idoBi: '20300703', renrakuJiko: '日付変更' }) }));
    expect(await run(r.acts.checkApplicationStatus, ref(kind))).toEqual({
      applicationNo: 'M5',
      kind,
      stageCode: '08',
      state: 'COMPLETED',
      plannedDate: '2030-07-01',
      actualDate: '2030-07-03',
      note: '日付変更',
    });
    expect(r.sent).toEqual([{ company: COMPANY, serviceID: sid, body: { moshikomiNo: 'M5' } }]);
  });

  it('a status answer about another application is malformed', async () => {
    const r = recorder(() => ({ body: statusRecord('M6', '04') }));
    expect((await failureOf(run(r.acts.checkApplicationStatus, ref('RECONNECTION')))).type).toBe(OcctoFailure.MalformedResponse);
  });

  it('cancelApplication sends 更新フラグ 3 on the submit interface; a refused cancel of an already cancelled (09) one is success', async () => {
    const ok = recorder(() => ({ body: { moshikomiNo: 'M5' } }));
    await run(ok.acts.cancelApplication, ref('AMPERE_CHANGE'));
    expect(ok.sent).toEqual([{ company: COMPANY, serviceID: 'IF_10910', body: { koshinFlag: '3', jigyoshaKanriNo: 'M5', kyokyuChitenTokuteiNo: P, moshikomiNo: 'M5' } }]);

    const again = recorder((sid) => (sid === 'IF_F10420' ? { body: statusRecord('M5', '15', { uketsukeKoteiCode: '09' }) } : { error: 'ERR_20070' }));
    await run(again.acts.cancelApplication, ref('RECONNECTION', 'FIT'), 2);
    expect(again.sent.map((s) => s.serviceID)).toEqual(['IF_F10410', 'IF_F10420']);

    const done = recorder((sid) => (sid === 'IF_K10520' ? { body: statusRecord('M5', '01', { uketsukeKoteiCode: '06' }) } : { error: 'ERR_20070' }));
    expect(code(await failureOf(run(done.acts.cancelApplication, ref('DISCONTINUATION', 'HV'))))).toBe('ERR_20070');
  });
});

describe('usage, password and facility', () => {
  it('checkUsageQueryStatus returns the password and its validity; neither is logged', async () => {
    const password = 'Sh0kai-Pass-7781';
    const r = recorder(() => ({ body: statusRecord('M8', '08', { uketsukeKoteiCode: '06', shokaiPassword: password, passwordYukoKigen: '20300712' }) }));
    const s = await run(r.acts.checkUsageQueryStatus, { ...on(), applicationNo: 'M8', supplyPointId: P });
    expect(s).toEqual({ applicationNo: 'M8', kind: 'USAGE_QUERY', stageCode: '06', state: 'COMPLETED', password, passwordValidUntil: '2030-07-12' });
    expect(r.lines.join('\n')).not.toContain(password);
    expect(r.sent[0]?.serviceID).toBe('IF_10220');
  });

  it('queryUsage maps 13 months oldest first', async () => {
    const months = Array.from({ length: 13 }, (_, i) => ({ taishoNengetsu: `2029${String(((i + 5) % 12) + 1).padStart(2, '0')}`, shiyoDenryokuryo: `${100 + i}.5` }));
    const r = recorder(() => ({ body: { shiyoryo: months.reverse() } }));
    const u = await run(r.acts.queryUsage, { ...on('HV'), supplyPointId: P, password: 'abcdefgh' });
    expect(u.supplyPointId).toBe(P);
    expect(u.months).toHaveLength(13);
    expect(u.months.map((m) => m.month)).toEqual([...u.months.map((m) => m.month)].sort());
    expect(r.sent[0]?.serviceID).toBe('IF_K10310');
  });

  it('mapping helpers', () => {
    expect(usageDataOf(P, { shiyoryo: [{ taishoNengetsu: '203002', shiyoDenryokuryo: '12.5', saidaiJuyoDenryoku: '40' }, { taishoNengetsu: '203001', shiyoDenryokuryo: '300' }] })).toEqual({
      supplyPointId: P,
      months: [
        { month: '2030-01', kwh: 300 },
        { month: '2030-02', kwh: 12.5, maxDemandKw: 40 },
      ],
    });
    expect(usageQueryStatusOf(statusRecord('M1', '08'), 'LV')).toEqual({ applicationNo: 'M1', kind: 'USAGE_QUERY', stageCode: '05', state: 'IN_PROGRESS' });
    expect(ngFlagsOf([1, 9])).toBe('100000001');
    expect(ngFlagsOf([])).toBe('000000000');
    expect(ngFlagsOf([0])).toBe('invalid');
  });

  it('queryFacility (LV, FIT) maps the facility record; data of another point is malformed', async () => {
    const setsubi = {
      kyokyuChitenTokuteiNo: P,
      eriaCode: '03',
      kyokyuDenatsu: '100/200V',
      keiyakuShubetsu: '従量電灯B',
      keiyakuDenryuA: '40',
      kenshinBi: '07',
      jikaiKenshinBi: '20300707',
      jijikaiKenshinBi: '20300806',
      smartMeterFlag: '1',
      genKouriJigyoshaCode: '55553',
    };
    const r = recorder(() => ({ body: { setsubi } }));
    const info = await run(r.acts.queryFacility, { ...on('FIT'), supplyPointId: P });
    expect(info).toEqual({
      supplyPointId: P,
      area: '03',
      voltage: '100/200V',
      contractType: '従量電灯B',
      contractAmperes: 40,
      meterReadingDay: 7,
      nextMeterReadingDate: '2030-07-07',
      nextButOneMeterReadingDate: '2030-08-06',
      smartMeter: true,
      currentRetailerCode: '55553',
    });
    expect(r.sent).toEqual([{ company: COMPANY, serviceID: 'IF_F10110', body: { kyokyuChitenTokuteiNo: P } }]);
    expect(facilityInfoOf({ setsubi: { ...setsubi, keiyakuDenryuA: undefined, keiyakuYoryoKva: '6.5', smartMeterFlag: '0', genKouriJigyoshaCode: undefined } })).toMatchObject({ contractKva: 6.5, smartMeter: false });

    const other = recorder(() => ({ body: { setsubi: { ...setsubi, kyokyuChitenTokuteiNo: pointIn('03', 2) } } }));
    expect((await failureOf(run(other.acts.queryFacility, { ...on(), supplyPointId: P }))).type).toBe(OcctoFailure.MalformedResponse);
  });
});
