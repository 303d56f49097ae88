// The たくそう君 activities against the REAL simulator over HTTPS (server verified with the dev CA),
// each run in a real activity Context (MockActivityEnvironment) so that the attempt number drives
// the retry look-ups.
//
// The activities do not space calls (the workflow sleeps 1 s durably after each response on an
// application number): these tests wait 1 s themselves between L1-covered calls on one number,
// and check at the end that the simulator saw no L1/L2 violation. Progress on KTD's side is
// driven by moving the simulator's clock.
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { createTakusouActivities } from '../../activities/activities.js';
import { parseTakusouClientConfig } from '../../activities/config.js';
import { TakusouFailure, type ApplicationData, type ApplyInput } from '../../activities/contract.js';
import { interpretResponse } from '../../activities/errors.js';
import { MAX_FILE_BYTES, type ServiceName } from '../../activities/provisional-wire-format.js';
import { createTransport, type Transport } from '../../activities/transport.js';
import type { ConstructionKind, FileRef } from '../../domain/construction.js';
import { createDevPki, type DevPki } from '../../../../simulators/shared/dev-pki.js';
import { startTakusouSimulator, type TakusouSimulator } from '../../simulator/server.js';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const COMPANY = '12346'; // area digit 6: 関西
/** Wednesday 2030-06-12 10:00 JST: far from the Sunday 01:00–03:00 stop. */
const T0 = Date.parse('2030-06-12T10:00:00+09:00');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TIMING = { acceptanceDelayMs: HOUR, processStepMs: DAY, calculationDelayMs: 2 * DAY, resultDelayMs: DAY, hangMs: 400, slowMs: 3_000 };
const TIMEOUT_MS = 1_500;
const API_KEY = 'k3y-Secret-For-Tests-Only';

const SITE = { customerName: '関電 花子', address: '大阪府大阪市北区中之島3丁目6番16号', phone: '06-6441-8821' };
const PII = [SITE.customerName, SITE.address, SITE.phone];

let pki: DevPki;
let sim: TakusouSimulator;
let acts: ReturnType<typeof createTakusouActivities>;
const others: { close(): Promise<void> }[] = [];
let dir: string;
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (s: string) => void logLines.push(s) });
const logs = (): Record<string, unknown>[] => logLines.map((l) => JSON.parse(l) as Record<string, unknown>);

const config = (over: Record<string, unknown> = {}) =>
  parseTakusouClientConfig({ baseUrl: sim.url, ca: pki.ca.cert, timeoutMs: TIMEOUT_MS, companies: { [COMPANY]: {} }, ...over });

const quietSdkLogger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Runs one activity in a real activity Context; `scheduledAt` is the first attempt's schedule time (sim clock). */
function run<A, R>(fn: (a: A) => Promise<R>, input: A, attempt = 1, scheduledAt = sim.clock.now()): Promise<R> {
  return new MockActivityEnvironment({ attempt, scheduledTimestampMs: scheduledAt, currentAttemptScheduledTimestampMs: sim.clock.now() }, { logger: quietSdkLogger }).run(fn, input);
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'the activity should have failed').toBeInstanceOf(ApplicationFailure);
  return e as ApplicationFailure;
}

/** L1: the workflow waits 1 s after a response before the next covered call on the same number. */
const spacing = () => new Promise((r) => setTimeout(r, 1_050));

/** Moves the simulator's clock, stepping over the Sunday 01:00–03:00 JST stop. */
function advance(ms: number): void {
  sim.clock.advance(ms);
  const jst = new Date(sim.clock.now() + 9 * HOUR);
  if (jst.getUTCDay() === 0 && jst.getUTCHours() >= 1 && jst.getUTCHours() < 3) sim.clock.advance(2 * HOUR + 60_000);
}

let refSeq = 0;
const ref = (suffix = '000') => `ref-${Date.now() % 100_000}-${++refSeq}-${suffix}`;

function application(kind: ConstructionKind, over: Partial<ApplicationData> = {}): ApplicationData {
  const base: ApplicationData = { kind, reference: `wf-${refSeq}`, site: SITE, desiredDate: '2030-07-01', equipment: [] };
  switch (kind) {
    case 'JOJI':
      return {
        ...base,
        supplyTypes: ['DENTO'],
        contractAmperes: 40,
        equipment: [
          { name: '照明・コンセント', capacityKw: 1.2, quantity: 1 },
          { name: 'エコキュート', capacityKw: 1.5, quantity: 1, waterHeater: { maker: 'ダイキン', heaterClass: 'エコキュート', capacityLitres: 370, model: 'EQ37XFV' } },
        ],
        ...over,
      };
    case 'RINJI':
      return { ...base, supplyTypes: ['DENRYOKU'], contractAmperes: 30, temporaryUntil: '2030-12-20', equipment: [{ name: '工事用動力', capacityKw: 5, quantity: 2 }], ...over };
    case 'GAIROTO':
      return { ...base, lamps: [{ lampType: 'LED', wattage: 40, poleNo: 'P-1234' }], ...over };
    case 'SHUDAN':
      return {
        ...base,
        supplyTypes: ['DENTO'],
        units: [
          { unitNo: '101', supplyType: 'DENTO', contractAmperes: 30, equipment: [] },
          { unitNo: '102', supplyType: 'DENTO', contractAmperes: 40, equipment: [{ name: 'IH', capacityKw: 3, quantity: 1 }] },
        ],
        ...over,
      };
  }
}

function applyInput(kind: ConstructionKind, over: Partial<ApplyInput> = {}, suffix?: string): ApplyInput {
  return { company: COMPANY, kind, requestRef: ref(suffix), application: application(kind), ...over };
}

const appsOf = (requestRef: string) => sim.state().applications.filter((a) => a.jigyoshaKanriNo === requestRef);
const appNo = (no: string) => sim.state().applications.find((a) => a.moshikomiNo === no);
const lastSeq = () => sim.calls().reduce((m, c) => Math.max(m, c.seq), 0);
const callsSince = (seq: number) => sim.calls().filter((c) => c.seq > seq);

let fileSeq = 0;
/** A real file in the temp folder; `size` bytes of content (sparse beyond the first bytes). */
async function tempFile(ext: string, size = 2_048): Promise<string> {
  const path = join(dir, `doc-${++fileSeq}${ext}`);
  await writeFile(path, Buffer.from('%PDF-1.4\n% test document\n'));
  await truncate(path, size);
  return path;
}
async function fileRef(documentType: FileRef['documentType'], ext = '.pdf', size = 2_048): Promise<FileRef> {
  return { ref: await tempFile(ext, size), documentType, sizeBytes: size };
}

/** Files the required document(s) for acceptance: 図面, or 位置図 for a street light. */
async function attachRequired(kind: ConstructionKind, applicationNo: string): Promise<void> {
  const documentType = kind === 'GAIROTO' ? 'SITE_MAP' : 'DRAWING';
  await run(acts.attachFile, { company: COMPANY, applicationNo, file: await fileRef(documentType) });
}

/** Applies, attaches what acceptance needs and (集団) completes the group; returns the number once accepted. */
async function acceptedApplication(kind: ConstructionKind): Promise<string> {
  const { applicationNo } = await run(acts.apply, applyInput(kind));
  await attachRequired(kind, applicationNo);
  if (kind === 'SHUDAN') {
    await spacing();
    await run(acts.completeGroupApplication, { company: COMPANY, kind, applicationNo });
  }
  advance(TIMING.acceptanceDelayMs + 60_000);
  const [acc] = await run(acts.getAcceptanceResults, { company: COMPANY, group: kind === 'SHUDAN', applicationNos: [applicationNo] });
  expect(acc?.status).toBe('ACCEPTED');
  return applicationNo;
}

beforeAll(async () => {
  pki = await createDevPki({ companies: [COMPANY] });
  sim = await startTakusouSimulator({
    tls: { cert: pki.server.cert, key: pki.server.key },
    timing: TIMING,
    // Auth is not in the public spec: the hook here only refuses a WRONG key, so the default client (none) passes.
    auth: ({ headers }) => (headers['x-api-key'] !== undefined && headers['x-api-key'] !== API_KEY ? { status: 403, errorCode: 'AUTH', errorMessage: 'bad key' } : undefined),
  });
  sim.clock.set(T0);
  dir = await mkdtemp(join(tmpdir(), 'takusou-test-'));
  acts = createTakusouActivities({ config: config(), logger });
});

afterAll(async () => {
  await Promise.all([acts?.close(), ...others.map((o) => o.close())]);
  await sim?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------

describe('apply (1–4) and 訂正', () => {
  it.each([
    ['JOJI', 'JoJmshkm'],
    ['RINJI', 'Rnjmshkm'],
    ['GAIROTO', 'Girtmshkm'],
    ['SHUDAN', 'Shdnmshkm'],
  ] as const)('%s goes through %s and returns the application number', async (kind, service) => {
    const seq = lastSeq();
    const input = applyInput(kind);
    const r = await run(acts.apply, input);
    expect(r.applicationNo).toMatch(/^T\d{10}$/);
    expect(r.alreadyApplied).toBe(false);
    expect(callsSince(seq).map((c) => [c.service, c.httpStatus])).toEqual([[service, 200]]);
    expect(appsOf(input.requestRef)).toMatchObject([{ moshikomiNo: r.applicationNo, kind, company: COMPANY, channel: 'api' }]);
  });

  it('a 訂正 goes through the same API with the application number; no new application', async () => {
    const input = applyInput('JOJI');
    const first = await run(acts.apply, input);
    await spacing();
    const seq = lastSeq();
    const corrected = await run(acts.apply, { ...input, correctionOf: first.applicationNo, application: application('JOJI', { contractAmperes: 50 }) });
    expect(corrected).toEqual({ applicationNo: first.applicationNo, alreadyApplied: false });
    expect(callsSince(seq)).toMatchObject([{ service: 'JoJmshkm', moshikomiNo: first.applicationNo, httpStatus: 200 }]);
    expect(appsOf(input.requestRef)).toHaveLength(1);
    expect(appNo(first.applicationNo)?.corrections).toBe(1);
  });

  it('input the interface refuses never leaves: Invalid naming the API item and our field, no personal data', async () => {
    const seq = lastSeq();
    const f = await failureOf(run(acts.apply, applyInput('JOJI', { application: application('JOJI', { site: { ...SITE, phone: '06-1' } }) })));
    expect(f.type).toBe(TakusouFailure.Invalid);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain('juyoshaDenwa');
    expect(f.details).toEqual([expect.objectContaining({ item: 'juyoshaDenwa', message: expect.stringContaining('site.phone') })]);
    expect(callsSince(seq)).toEqual([]);
    for (const pii of PII) expect(JSON.stringify([f.message, f.details])).not.toContain(pii);
  });

  it('a 400 of the service → Invalid, non-retryable, details = the items (named with our field too)', async () => {
    const units = [
      { unitNo: '201', supplyType: 'DENTO' as const, contractAmperes: 30, equipment: [] },
      { unitNo: '201', supplyType: 'DENTO' as const, contractAmperes: 30, equipment: [] },
    ];
    const seq = lastSeq();
    const f = await failureOf(run(acts.apply, applyInput('SHUDAN', { application: application('SHUDAN', { units }) })));
    expect(callsSince(seq)).toMatchObject([{ service: 'Shdnmshkm', httpStatus: 400, errorCode: 'INVALID_ITEM' }]);
    expect(f.type).toBe(TakusouFailure.Invalid);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toContain('HTTP 400');
    expect(f.message).toContain('juko.1.heyaBango');
    expect(f.details).toEqual([{ item: 'juko.1.heyaBango', message: expect.stringContaining('[input: units.1.unitNo]') }]);
    for (const pii of PII) expect(JSON.stringify([f.message, f.details])).not.toContain(pii);
  });

  it('a 訂正 of an unknown application → Invalid naming moshikomiNo', async () => {
    const f = await failureOf(run(acts.apply, applyInput('JOJI', { correctionOf: 'T0000000099' })));
    expect(f.type).toBe(TakusouFailure.Invalid);
    expect(f.details).toEqual([expect.objectContaining({ item: 'moshikomiNo' })]);
  });
});

describe('file attachments (9 FileTnpu)', () => {
  it('a real file is streamed from its path and attached; the 書類種別 is mapped', async () => {
    const { applicationNo } = await run(acts.apply, applyInput('JOJI'));
    const seq = lastSeq();
    const r = await run(acts.attachFile, { company: COMPANY, applicationNo, file: await fileRef('WIRING_DIAGRAM', '.png', 5_000) });
    expect(r.fileId).toMatch(/^F\d{12}$/);
    expect(callsSince(seq)).toMatchObject([{ service: 'FileTnpu', httpStatus: 200, moshikomiNo: applicationNo }]);
    expect(appNo(applicationNo)?.documents).toEqual(['ZUMEN']);
  });

  it('a file of exactly the maximum size (10 MiB, sparse) goes through', async () => {
    const { applicationNo } = await run(acts.apply, applyInput('GAIROTO'));
    const r = await run(acts.attachFile, { company: COMPANY, applicationNo, file: await fileRef('SITE_MAP', '.pdf', MAX_FILE_BYTES) });
    expect(r.fileId).toMatch(/^F\d{12}$/);
    expect(appNo(applicationNo)?.documents).toEqual(['ICHIZU']);
  });

  it.each([
    ['a type the API refuses (.txt)', async () => ({ ref: await tempFile('.txt'), documentType: 'OTHER' as const, sizeBytes: 2_048 }), /extension '\.txt'/],
    ['an oversize file (11 MiB, sparse)', async () => ({ ref: await tempFile('.pdf', 11 * 1024 * 1024), documentType: 'DRAWING' as const, sizeBytes: 11 * 1024 * 1024 }), /maximum is 10485760/],
    ['a size that differs from the declared one', async () => ({ ref: await tempFile('.pdf', 3_000), documentType: 'DRAWING' as const, sizeBytes: 2_999 }), /3000 bytes but 2999 bytes were declared/],
    ['a file that does not exist', async () => ({ ref: join(dir, '関電花子-図面.pdf'), documentType: 'DRAWING' as const, sizeBytes: 10 }), /does not exist/],
    ['an empty file', async () => ({ ref: await tempFile('.jpg', 0), documentType: 'DRAWING' as const, sizeBytes: 1 }), /empty/],
  ])('%s → BadFile, non-retryable, before any request reaches the simulator', async (_what, make, message) => {
    const file = await make();
    const seq = lastSeq();
    const f = await failureOf(run(acts.attachFile, { company: COMPANY, applicationNo: 'T0000000001', file }));
    expect(f.type).toBe(TakusouFailure.BadFile);
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toMatch(message);
    expect(f.message).not.toContain(dir);
    expect(callsSince(seq)).toEqual([]);
    const line = logs().findLast((l) => l['service'] === 'FileTnpu');
    expect(line).toMatchObject({ outcome: TakusouFailure.BadFile, sent: false });
  });
});

describe('completion notices (6/7/8), 集団申込完了 (5), cancel (10)', () => {
  it.each([
    ['JOJI', 'ShnkoTdk'],
    ['RINJI', 'ShnkoTdk'],
    ['GAIROTO', 'GirtShnkoTdk'],
    ['SHUDAN', 'ShdnShnkoTdk'],
  ] as const)('%s: the 竣工届 goes through %s with the completion documents', async (kind, service) => {
    const applicationNo = await acceptedApplication(kind);
    const { fileId } = await run(acts.attachFile, { company: COMPANY, applicationNo, file: await fileRef('COMPLETION_REPORT') });
    await spacing();
    const seq = lastSeq();
    await run(acts.fileCompletionNotice, { company: COMPANY, kind, applicationNo, completedOn: '2030-06-20', fileIds: [fileId] });
    expect(callsSince(seq)).toMatchObject([{ service, httpStatus: 200, moshikomiNo: applicationNo }]);
    expect(appNo(applicationNo)?.completionNoticeAtMs).toBeTypeOf('number');
  });

  it('集団申込完了 sent twice succeeds twice; refused for a non-集団 kind before sending', async () => {
    const { applicationNo } = await run(acts.apply, applyInput('SHUDAN'));
    await spacing();
    await run(acts.completeGroupApplication, { company: COMPANY, kind: 'SHUDAN', applicationNo });
    await spacing();
    await run(acts.completeGroupApplication, { company: COMPANY, kind: 'SHUDAN', applicationNo }, 2);
    expect(appNo(applicationNo)?.groupCompletedAtMs).toBeTypeOf('number');
    const seq = lastSeq();
    const f = await failureOf(run(acts.completeGroupApplication, { company: COMPANY, kind: 'JOJI', applicationNo }));
    expect(f.type).toBe(TakusouFailure.Invalid);
    expect(callsSince(seq)).toEqual([]);
  });

  it('cancel, then cancel again (a retry): both succeed; the acceptance reads 取消済', async () => {
    const { applicationNo } = await run(acts.apply, applyInput('RINJI'));
    await spacing();
    await run(acts.cancelApplication, { company: COMPANY, kind: 'RINJI', applicationNo, reason: '顧客都合' });
    expect(appNo(applicationNo)?.cancelledAtMs).toBeTypeOf('number');
    await spacing();
    await run(acts.cancelApplication, { company: COMPANY, kind: 'RINJI', applicationNo, reason: '顧客都合' }, 2);
    const [acc] = await run(acts.getAcceptanceResults, { company: COMPANY, group: false, applicationNos: [applicationNo] });
    expect(acc).toEqual({ applicationNo, status: 'REJECTED', reason: '取消済 (cancelled): 顧客都合' });
  });

  it('cancelling a rejected (却下) application → Invalid (INVALID_STATE)', async () => {
    const { applicationNo } = await run(acts.apply, applyInput('JOJI', {}, '801'));
    advance(TIMING.acceptanceDelayMs + 60_000);
    await spacing();
    const f = await failureOf(run(acts.cancelApplication, { company: COMPANY, kind: 'JOJI', applicationNo, reason: 'x' }));
    expect(f.type).toBe(TakusouFailure.Invalid);
    expect(f.message).toContain('INVALID_STATE');
  });
});

describe('retrievals (11–18) over simulated time', () => {
  it.each([
    ['plain (11, 13, 15, 17)', 'JOJI', false],
    ['group (12, 14, 16, 18)', 'SHUDAN', true],
  ] as const)('%s: acceptance → process → calculation → result', async (_what, kind, group) => {
    const { applicationNo } = await run(acts.apply, applyInput(kind));
    const on = { company: COMPANY, group, applicationNos: [applicationNo] };
    const seq = lastSeq();
    expect(await run(acts.getAcceptanceResults, on)).toEqual([{ applicationNo, status: 'PENDING' }]);
    expect(await run(acts.getProcessInfo, on)).toEqual([]);
    expect(await run(acts.getContractCalculations, on)).toEqual([{ applicationNo, available: false }]);
    expect(await run(acts.getResultNotifications, on)).toEqual([{ applicationNo, available: false }]);
    const services = group
      ? ['ShdnUktskKkaJohShtk', 'ShdnKoteiJohShtk', 'ShdnKeiykSntiJohShtk', 'ShdnKkaTschiJohShtk']
      : ['UktskKkaJohShtk', 'KoteiJohShtk', 'KeiykSntiJohShtk', 'KkaTschiJohShtk'];
    expect(callsSince(seq).map((c) => c.service)).toEqual(services);

    // no drawing yet: 要訂正 naming it
    if (group) {
      await spacing();
      await run(acts.completeGroupApplication, { company: COMPANY, kind, applicationNo });
    }
    advance(TIMING.acceptanceDelayMs + 60_000);
    const [needs] = await run(acts.getAcceptanceResults, on);
    expect(needs).toMatchObject({ applicationNo, status: 'NEEDS_CORRECTION', items: [expect.objectContaining({ item: 'ZUMEN' })] });

    await attachRequired(kind, applicationNo);
    expect(await run(acts.getAcceptanceResults, on)).toEqual([{ applicationNo, status: 'ACCEPTED' }]);
    const [early] = await run(acts.getProcessInfo, on);
    expect(early).toMatchObject({ applicationNo, workDone: false });
    expect(early?.steps.map((s) => s.code)).toEqual(['10', '20', '30', '40']);
    expect(early?.steps.every((s) => s.date === undefined)).toBe(true);

    advance(4 * TIMING.processStepMs + 60_000);
    const [done] = await run(acts.getProcessInfo, on);
    expect(done?.workDone).toBe(true);
    expect(done?.steps).toEqual([
      { code: '10', name: '調査', date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
      { code: '20', name: '設計', date: expect.any(String) },
      { code: '30', name: '工事', date: expect.any(String) },
      { code: '40', name: '工事完了', date: expect.any(String) },
    ]);
    const [calc] = await run(acts.getContractCalculations, on);
    expect(calc).toMatchObject({ applicationNo, available: true, amountYen: expect.any(Number) });
    if (!group) expect(calc?.contractCapacity).toBe('40 A');

    const { fileId } = await run(acts.attachFile, { company: COMPANY, applicationNo, file: await fileRef('INSPECTION_RECORD') });
    await spacing();
    await run(acts.fileCompletionNotice, { company: COMPANY, kind, applicationNo, completedOn: '2030-06-20', fileIds: [fileId] });
    expect(await run(acts.getResultNotifications, on)).toEqual([{ applicationNo, available: false }]);
    advance(TIMING.resultDelayMs + 60_000);
    const [result] = await run(acts.getResultNotifications, on);
    expect(result).toMatchObject({ applicationNo, available: true, supplyStartDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    if (!group) expect(result?.supplyPointId).toMatch(/^\d{22}$/);
  });

  it('pattern 却下 → REJECTED with the reason; an empty list makes no call', async () => {
    const { applicationNo } = await run(acts.apply, applyInput('JOJI', {}, '801'));
    advance(TIMING.acceptanceDelayMs + 60_000);
    const [acc] = await run(acts.getAcceptanceResults, { company: COMPANY, group: false, applicationNos: [applicationNo] });
    expect(acc).toMatchObject({ applicationNo, status: 'REJECTED', reason: expect.stringContaining('却下') });
    const seq = lastSeq();
    expect(await run(acts.getProcessInfo, { company: COMPANY, group: false, applicationNos: [] })).toEqual([]);
    expect(callsSince(seq)).toEqual([]);
  });
});

describe('notices (19–21)', () => {
  it('get (INFO and an announced MAINTENANCE window), register, mark read', async () => {
    const infoId = sim.addNotice({ kenmei: 'システム更新のお知らせ', honbun: '画面を更新しました' });
    const start = Math.floor((sim.clock.now() + 300 * DAY) / 1000) * 1000; // far ahead: no test reaches it (the wire has seconds)
    const maintenanceId = sim.addMaintenance({ start, end: start + 2 * HOUR, reason: 'ad-hoc test window' }) as string;
    const notices = await run(acts.getNotices, { company: COMPANY });
    expect(notices.find((n) => n.id === infoId)).toMatchObject({ kind: 'INFO', title: 'システム更新のお知らせ', read: false, postedAt: expect.stringMatching(/\+09:00$/) });
    expect(notices.find((n) => n.id === maintenanceId)).toMatchObject({ kind: 'MAINTENANCE', start, end: start + 2 * HOUR, read: false });

    const { id } = await run(acts.registerNotice, { company: COMPANY, title: '訂正: 先のお知らせ', body: '先のお知らせの日付を訂正します' });
    expect(id).toMatch(/^N\d{8}$/);
    // a retry finds the notice it registered instead of posting a second one (no delete exists)
    const seq = lastSeq();
    expect(await run(acts.registerNotice, { company: COMPANY, title: '訂正: 先のお知らせ', body: '先のお知らせの日付を訂正します' }, 2)).toEqual({ id });
    expect(callsSince(seq).map((c) => c.service)).toEqual(['OshrsJohShtk']);
    expect(sim.state().notices.filter((n) => n.kenmei === '訂正: 先のお知らせ')).toHaveLength(1);

    await run(acts.markNoticesRead, { company: COMPANY, ids: [infoId, maintenanceId, id] });
    const after = await run(acts.getNotices, { company: COMPANY });
    expect(after.filter((n) => [infoId, maintenanceId, id].includes(n.id)).map((n) => n.read)).toEqual([true, true, true]);
    expect(after.find((n) => n.id === id)).toMatchObject({ kind: 'INFO', title: '訂正: 先のお知らせ' });
  });

  it('marking an unknown notice read → Invalid naming the item', async () => {
    const f = await failureOf(run(acts.markNoticesRead, { company: COMPANY, ids: ['N99999999'] }));
    expect(f.type).toBe(TakusouFailure.Invalid);
    expect(f.details).toEqual([expect.objectContaining({ item: 'oshiraseId.0' })]);
  });
});

describe('failures of the service and the network', () => {
  it('404 (a deliberately wrong service name), through the transport → NotFound, non-retryable', async () => {
    const transport = createTransport(config());
    others.push(transport);
    const res = await transport.postJson('JoJmshkmX' as ServiceName, { kouriJigyoshaCode: COMPANY }, { company: COMPANY });
    expect(res.status).toBe(404);
    expect(res.contentType).toMatch(/^application\/json/);
    const answer = interpretResponse('JoJmshkmX' as ServiceName, res.status, res.body);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.failure.type).toBe(TakusouFailure.NotFound);
    expect(answer.failure.nonRetryable).toBe(true);

    // and an activity whose transport misroutes fails the same way
    const misrouting: Transport = { ...transport, postJson: (_s, body, o) => transport.postJson('Nonexistent' as ServiceName, body, o) };
    const client = createTakusouActivities({ config: config(), logger, transport: misrouting });
    const f = await failureOf(run(client.getNotices, { company: COMPANY }));
    expect(f.type).toBe(TakusouFailure.NotFound);
    expect(f.nonRetryable).toBe(true);
  });

  it('503 (maintenance forced on) → Maintenance, non-retryable (the workflow waits)', async () => {
    sim.forceMaintenance(true);
    try {
      const f = await failureOf(run(acts.apply, applyInput('JOJI')));
      expect(f.type).toBe(TakusouFailure.Maintenance);
      expect(f.nonRetryable).toBe(true);
      const n = await failureOf(run(acts.getNotices, { company: COMPANY }));
      expect(n.type).toBe(TakusouFailure.Maintenance);
    } finally {
      sim.forceMaintenance(false);
    }
  });

  it.each([500, 502, 504] as const)('HTTP %i → Transient, retryable', async (status) => {
    sim.injectFault({ kind: 'status', status, count: 1, service: 'UktskKkaJohShtk' });
    const f = await failureOf(run(acts.getAcceptanceResults, { company: COMPANY, group: false, applicationNos: ['T0000000001'] }));
    expect(f.type).toBe(TakusouFailure.Transient);
    expect(f.nonRetryable).toBe(false);
    expect(f.message).not.toContain('<');
  });

  it('HTTP 500 on apply (pattern 841, nothing created) → Transient; the retry looks up, finds nothing, applies once', async () => {
    const input = applyInput('JOJI', {}, '841');
    const scheduledAt = sim.clock.now();
    const first = await failureOf(run(acts.apply, input, 1, scheduledAt));
    expect(first.type).toBe(TakusouFailure.Transient);
    expect(appsOf(input.requestRef)).toEqual([]);
    const seq = lastSeq();
    const second = await run(acts.apply, input, 2, scheduledAt);
    expect(second.alreadyApplied).toBe(false);
    expect(callsSince(seq).map((c) => c.service)).toEqual(['UktskKkaJohShtk', 'JoJmshkm']);
    expect(appsOf(input.requestRef)).toHaveLength(1);
  });

  it('malformed JSON → MalformedResponse, non-retryable; the log line has a redacted excerpt', async () => {
    sim.injectFault({ kind: 'malformed', count: 1, service: 'JoJmshkm' });
    const input = applyInput('JOJI');
    const f = await failureOf(run(acts.apply, input));
    expect(f.type).toBe(TakusouFailure.MalformedResponse);
    expect(f.nonRetryable).toBe(true);
    const line = logs().findLast((l) => l['event'] === 'takusou.call' && l['requestRef'] === input.requestRef);
    expect(line).toMatchObject({ outcome: TakusouFailure.MalformedResponse, level: 50, httpStatus: 200 });
    expect(String(line?.['excerpt'])).toContain('moshikomiNo');
  });

  it('a connection reset before processing → Transient; the retry finds nothing and applies once', async () => {
    sim.injectFault({ kind: 'reset', count: 1, service: 'Girtmshkm' });
    const input = applyInput('GAIROTO');
    const scheduledAt = sim.clock.now();
    const first = await failureOf(run(acts.apply, input, 1, scheduledAt));
    expect(first.type).toBe(TakusouFailure.Transient);
    expect(first.nonRetryable).toBe(false);
    const second = await run(acts.apply, input, 2, scheduledAt);
    expect(second.alreadyApplied).toBe(false);
    expect(appsOf(input.requestRef)).toHaveLength(1);
  });

  it('the activity’s cancellation aborts the request at once', async () => {
    const input = applyInput('JOJI', {}, '830'); // slow: the answer is held 3 s
    const env = new MockActivityEnvironment({ attempt: 1, scheduledTimestampMs: sim.clock.now() }, { logger: quietSdkLogger });
    const started = Date.now();
    const pending = env.run(acts.apply, input);
    setTimeout(() => env.cancel(), 200);
    const e = await pending.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(logs().findLast((l) => l['requestRef'] === input.requestRef)).toMatchObject({ outcome: 'cancelled' });
  });

  it('the auth hook (off by default) sends the configured key; a refused key → Invalid, and the key is never logged', async () => {
    const good = createTakusouActivities({ config: config({ companies: { [COMPANY]: { apiKey: API_KEY } } }), logger });
    const bad = createTakusouActivities({ config: config({ companies: { [COMPANY]: { apiKey: 'wr0ng-key-value' } } }), logger });
    others.push(good, bad);
    expect(Array.isArray(await run(good.getNotices, { company: COMPANY }))).toBe(true);
    const f = await failureOf(run(bad.getNotices, { company: COMPANY }));
    expect(f.type).toBe(TakusouFailure.Invalid);
    expect(f.message).toContain('HTTP 403');
    for (const secret of [API_KEY, 'wr0ng-key-value']) {
      expect(logLines.join('\n')).not.toContain(secret);
      expect(f.message).not.toContain(secret);
    }
  });

  it('a company this worker has no entry for → Invalid before sending', async () => {
    const seq = lastSeq();
    const f = await failureOf(run(acts.getNotices, { company: '99996' }));
    expect(f.type).toBe(TakusouFailure.Invalid);
    expect(f.details).toEqual([expect.objectContaining({ item: 'company' })]);
    expect(callsSince(seq)).toEqual([]);
  });
});

describe('no duplicate application after a lost response', () => {
  it('the response of the first apply is lost after processing (pattern 850): attempt 2 finds it; exactly one application', async () => {
    const input = applyInput('JOJI', {}, '850');
    const scheduledAt = sim.clock.now();
    const first = await failureOf(run(acts.apply, input, 1, scheduledAt));
    expect(first.type).toBe(TakusouFailure.Transient);
    expect(first.nonRetryable).toBe(false);
    const created = appsOf(input.requestRef);
    expect(created).toHaveLength(1); // recorded although the answer was lost

    const seq = lastSeq();
    const second = await run(acts.apply, input, 2, scheduledAt);
    expect(second).toEqual({ applicationNo: created[0]?.moshikomiNo, alreadyApplied: true });
    expect(callsSince(seq).map((c) => c.service)).toEqual(['UktskKkaJohShtk']); // looked up, not sent again
    expect(appsOf(input.requestRef)).toHaveLength(1);
    expect(logs().findLast((l) => l['event'] === 'takusou.reused')).toMatchObject({ what: 'apply', applicationNo: created[0]?.moshikomiNo, requestRef: input.requestRef });
  });

  it('a delay fault longer than the timeout on the first 集団 apply: attempt 1 times out, attempt 2 (group look-up) finds it', async () => {
    sim.injectFault({ kind: 'delay', ms: TIMEOUT_MS + 700, count: 1, service: 'Shdnmshkm' });
    const input = applyInput('SHUDAN');
    const scheduledAt = sim.clock.now();
    const started = Date.now();
    const first = await failureOf(run(acts.apply, input, 1, scheduledAt));
    expect(first.type).toBe(TakusouFailure.Transient);
    expect(first.message).toContain('no response in time');
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    for (let i = 0; i < 40 && appsOf(input.requestRef).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(appsOf(input.requestRef)).toHaveLength(1); // the service processed it after we gave up

    const seq = lastSeq();
    const second = await run(acts.apply, input, 2, scheduledAt);
    expect(second).toEqual({ applicationNo: appsOf(input.requestRef)[0]?.moshikomiNo, alreadyApplied: true });
    expect(callsSince(seq).map((c) => c.service)).toEqual(['ShdnUktskKkaJohShtk']);
    expect(appsOf(input.requestRef)).toHaveLength(1);
  });
});

describe('logging and limits', () => {
  it('one structured line per call; no personal data in any log line; no L1/L2 violation', () => {
    const calls = logs().filter((l) => l['event'] === 'takusou.call');
    expect(calls.length).toBeGreaterThan(40);
    for (const l of calls) {
      expect(l).toMatchObject({ service: expect.any(String), company: expect.stringMatching(/^\d{5}$/), outcome: expect.any(String), durationMs: expect.any(Number) });
    }
    // every request that reached the simulator has its line, except the one sent through the bare transport (404 test);
    // pre-send refusals have lines too
    expect(calls.length).toBeGreaterThanOrEqual(sim.calls().length - 1);
    const all = logLines.join('\n');
    for (const pii of [...PII, '関電花子']) expect(all).not.toContain(pii);
    expect(all).not.toContain(dir);
    expect(sim.violations()).toEqual([]);
  });
});
