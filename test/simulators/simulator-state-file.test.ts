// The simulators' state file (simulators/shared/state-file.ts): a simulator started again on the same
// file knows what the first one had — relays both ways, applications, notices, overrides, the clock
// offset — and goes on from there (judgement and acceptance still come, indexes work, numbers stay
// unique). This is what keeps the local stack's waiting workflows alive across a restart.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, FormData, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_STATUS, SUCCESS_RESULT_CODE, relayResultResponseSchema } from '../../systems/occto/activities/provisional-wire-format.js';
import { ACCEPTANCE_RESULT, acceptanceResponseSchema } from '../../systems/kansai-takusou/activities/provisional-wire-format.js';
import { createDevPki, type DevPki } from '../../simulators/shared/dev-pki.js';
import { startOcctoSimulator, syntheticPointId, type OcctoSimulator } from '../../systems/occto/simulator/server.js';
import { startTakusouSimulator, type TakusouSimulator } from '../../systems/kansai-takusou/simulator/server.js';
import { keepStateInFile, readStateFile } from '../../simulators/shared/state-file.js';
import { createCaller } from '../../systems/occto/test/simulator/occto-sim-client.js';

const COMPANY = '12346';
const creds = { loginID: 'state-user', password: 'state-secret' };
const MONDAY_10_JST = Date.parse('2026-05-11T10:00:00+09:00');
const JUDGEMENT_MS = 60_000;
const dir = mkdtempSync(join(tmpdir(), 'sim-state-'));
let pki: DevPki;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  pki = await createDevPki({ companies: [COMPANY] });
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function occto(): Promise<OcctoSimulator> {
  const sim = await startOcctoSimulator({
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
    companies: [{ code: COMPANY, loginId: creds.loginID, password: creds.password }],
    timing: { judgementDelayMs: JUDGEMENT_MS, processingDelayMs: 120_000 },
  });
  open.push(sim);
  return sim;
}

describe('OCCTO simulator state file', () => {
  it('a second simulator on the same file answers for the first one’s relays, judges them on time and refuses duplicates', async () => {
    const path = join(dir, 'occto.json');
    const first = await occto();
    first.clock.set(MONDAY_10_JST);
    const keep1 = keepStateInFile({ path, kind: 'occto', exportState: first.exportState, importState: first.importState });
    expect(keep1.restored).toBe(false);
    const point = syntheticPointId('03', 4711, '100');
    const c1 = createCaller(first.endpoint, pki.ca.cert, pki.clients[COMPANY], creds);
    const reg = await c1.call('relayRegister', {
      koshinFlag: '1', jigyoshaKanriNo: 'state-ref-1', kyokyuChitenTokuteiNo: point, kyokyuKaishiBi: '20260531',
      juyoshaMei: 'テスト 太郎', juyoshaMeiKana: 'テスト タロウ', juyoshaJusho: '東京都千代田区試験町1-1',
    });
    await c1.close();
    expect(reg.body?.['kekkaCode']).toBe(SUCCESS_RESULT_CODE);
    const relayNo = String(reg.body?.['haishiToritsugiNo']);
    const incoming = first.injectIncomingRelay({
      toCompany: COMPANY, category: 'LV', supplyPointId: syntheticPointId('06', 4712, '100'), newRetailerCode: '99991',
      customer: { name: '模擬 花子', kana: 'モギ ハナコ', address: '大阪府大阪市北区模擬町1' },
    });
    first.setPattern(syntheticPointId('03', 4713, '100'), 'ng');
    keep1.close();
    keep1.save();
    await first.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const second = await occto();
    const keep2 = keepStateInFile({ path, kind: 'occto', exportState: second.exportState, importState: second.importState });
    keep2.close();
    expect(keep2.restored).toBe(true);
    // The clock offset came along: still Monday morning in simulated time (plus the real seconds since).
    expect(Math.abs(second.clock.now() - first.clock.now())).toBeLessThan(5_000);
    const state = second.state();
    expect(state.relays.map((r) => [r.haishiToritsugiNo, r.jokyoCode])).toEqual([[relayNo, RELAY_STATUS.pending]]);
    expect(state.incomingRelays.map((r) => r.haishiToritsugiNo)).toEqual([incoming.haishiToritsugiNo]);
    expect(state.patternOverrides).toEqual({ [syntheticPointId('03', 4713, '100')]: 'ng' });

    const c2 = createCaller(second.endpoint, pki.ca.cert, pki.clients[COMPANY], creds);
    const byNo = async () => relayResultResponseSchema.parse((await c2.call('relayResult', { haishiToritsugiNo: relayNo })).body).kekka;
    expect((await byNo()).map((r) => r.jokyoCode)).toEqual([RELAY_STATUS.pending]);
    second.clock.advance(JUDGEMENT_MS);
    expect((await byNo()).map((r) => r.jokyoCode)).toEqual([RELAY_STATUS.ok]);
    // The point index was rebuilt: a second registration for the point is a duplicate.
    const dup = await c2.call('relayRegister', {
      koshinFlag: '1', jigyoshaKanriNo: 'state-ref-2', kyokyuChitenTokuteiNo: point, kyokyuKaishiBi: '20260531',
      juyoshaMei: 'テスト 太郎', juyoshaMeiKana: 'テスト タロウ', juyoshaJusho: '東京都千代田区試験町1-1',
    });
    await c2.close();
    expect(dup.body?.['kekkaCode']).toBe('ERR_SW_DUPLICATE');
  });

  it('a file that is not this simulator’s state stops the start with a message naming the file', () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify({ kind: 'kansai-takusou', version: 1, state: {} }));
    expect(() => readStateFile(path, 'occto')).toThrow(`state file ${path} is not a occto simulator state of version 1`);
    writeFileSync(path, '{ not json');
    expect(() => readStateFile(path, 'occto')).toThrow(/is not valid JSON \(delete it to start with empty books\)/);
    expect(readStateFile(join(dir, 'missing.json'), 'occto')).toBeUndefined();
  });
});

describe('たくそう君 simulator state file', () => {
  it('a second simulator on the same file knows the applications, their files and the notices, and their review goes on', async () => {
    const path = join(dir, 'takusou.json');
    const timing = { acceptanceDelayMs: 60_000, processStepMs: 3_600_000, calculationDelayMs: 7_200_000, resultDelayMs: 3_600_000 };
    const start = async () => {
      const s = await startTakusouSimulator({ tls: { cert: pki.server.cert, key: pki.server.key }, timing });
      open.push(s);
      return s;
    };
    const agent = new Agent({ connect: { ca: pki.ca.cert } });
    const post = async (s: TakusouSimulator, service: string, body: unknown) => {
      const r = await request(`${s.url}${service}`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(body) });
      return { status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> };
    };
    const first = await start();
    first.clock.set(MONDAY_10_JST);
    const keep1 = keepStateInFile({ path, kind: 'kansai-takusou', exportState: first.exportState, importState: first.importState });
    const applied = await post(first, 'JoJmshkm', {
      kouriJigyoshaCode: COMPANY, jigyoshaKanriNo: 'STATE-1-100', juyoshaMei: 'テスト 太郎', juyoBashoJusho: '大阪府大阪市北区試験町1-1',
      kibouKyokyuKaishiBi: '2026-06-01', kyokyuShubetsu: 'DENTO', keiyakuShubetsu: '従量電灯B', keiyakuDenryoku: 30, keiyakuDenryokuTani: 'A',
      setsubi: [{ setsubiShubetsu: 'SHOMEI', daisu: 4, yoryoKw: 0.5 }],
    });
    expect(applied.status).toBe(200);
    const no = String(applied.json['moshikomiNo']);
    const fd = new FormData();
    fd.set('kouriJigyoshaCode', COMPANY);
    fd.set('moshikomiNo', no);
    fd.set('shoruiShubetsu', 'ZUMEN');
    fd.set('file', new Blob([new TextEncoder().encode('%PDF-1.4 drawing')], { type: 'application/pdf' }), 'drawing.pdf');
    const attached = await request(`${first.url}FileTnpu`, { method: 'POST', dispatcher: agent, body: fd });
    expect(attached.statusCode).toBe(200);
    const fileId = String(((await attached.body.json()) as Record<string, unknown>)['fileId']);
    const noticeId = first.addNotice({ kenmei: '点検のお知らせ', honbun: '設備点検を行います。' });
    keep1.close();
    keep1.save();
    await first.close();

    const second = await start();
    const keep2 = keepStateInFile({ path, kind: 'kansai-takusou', exportState: second.exportState, importState: second.importState });
    keep2.close();
    expect(keep2.restored).toBe(true);
    const apps = second.state().applications.filter((a) => a.channel === 'api');
    expect(apps.map((a) => [a.moshikomiNo, a.documents])).toEqual([[no, ['ZUMEN']]]);
    expect(second.state().notices.map((n) => n.oshiraseId)).toEqual([noticeId]);
    // The web-submitted application (L3) is there once, as in a fresh simulator.
    expect(second.state().applications.filter((a) => a.channel === 'web')).toHaveLength(1);
    const acceptance = async () =>
      acceptanceResponseSchema.parse((await post(second, 'UktskKkaJohShtk', { kouriJigyoshaCode: COMPANY, moshikomiNo: [no] })).json).kekka[0];
    expect((await acceptance())?.uketsukeKekka).toBe(ACCEPTANCE_RESULT.SHINSA_CHU);
    second.clock.advance(60_000);
    expect((await acceptance())?.uketsukeKekka).toBe(ACCEPTANCE_RESULT.UKETSUKE_ZUMI);
    // Numbering goes on: the next application gets another number.
    const next = await post(second, 'JoJmshkm', {
      kouriJigyoshaCode: COMPANY, jigyoshaKanriNo: 'STATE-2-100', juyoshaMei: 'テスト 花子', juyoBashoJusho: '大阪府大阪市北区試験町1-2',
      kibouKyokyuKaishiBi: '2026-06-01', kyokyuShubetsu: 'DENTO', keiyakuShubetsu: '従量電灯B', keiyakuDenryoku: 30, keiyakuDenryokuTani: 'A',
      setsubi: [{ setsubiShubetsu: 'SHOMEI', daisu: 4, yoryoKw: 0.5 }],
    });
    expect(next.json['moshikomiNo']).not.toBe(no);
    // File IDs go on too (a restarted counter would hand out the first file's ID again).
    const fd2 = new FormData();
    fd2.set('kouriJigyoshaCode', COMPANY);
    fd2.set('moshikomiNo', String(next.json['moshikomiNo']));
    fd2.set('shoruiShubetsu', 'ZUMEN');
    fd2.set('file', new Blob([new TextEncoder().encode('%PDF-1.4 drawing 2')], { type: 'application/pdf' }), 'drawing2.pdf');
    const attached2 = await request(`${second.url}FileTnpu`, { method: 'POST', dispatcher: agent, body: fd2 });
    expect(((await attached2.body.json()) as Record<string, unknown>)['fileId']).not.toBe(fileId);
    await agent.close();
  });
});
