// The other OCCTO operations × category (and area), on the time-skipping test server against the
// real OCCTO simulator over mutual TLS: every offered combination completes with the right
// interface IDs, every combination the system does not offer is refused before any call (by the
// client AND by the workflow when started directly), bad inputs name their field, 09 rejections,
// 取消, business errors waiting for a person, and the usage password's one-month validity.
// Workflows of a table run in parallel; the test drives Temporal time itself (env.sleep), so no two
// result() calls ever hold the time-skipping lock at once.
import { describe, expect, it } from 'vitest';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { COMPANY, jstDay, supplyPoint, useOcctoHarness, type StartWorkersOptions } from '../harness.js';
import {
  OperationNotOfferedError,
  cancelOcctoApplication,
  decideOperation,
  getOperationStatus,
  requeryUsage,
  startFacilityQuery,
  startOcctoApplication,
  startUsageQuery,
  type OperationStart,
} from '../../client/occto-operations.js';
import { DecisionRejectedError, InvalidInputError } from '../../client/switching-in.js';
import { OPERATION_TERMINAL, type ApplicationOutcome, type FacilityQueryResult, type OperationStage, type OperationStatus, type UsageQueryResult } from '../../workflows/operations/operation.defs.js';
import { WORKFLOWS_TASK_QUEUE } from '../../../../domain/task-queues.js';
import { nextButOneMeterReadingDate } from '../../simulator/meter-reading.js';
import { AesGcmPayloadCodec } from '../../../../platform/payload-codec.js';
import type { Category } from '../../../../domain/categories.js';
import { addDays, jstDate, jstDateTimeMs, jstParts } from '../../../../domain/jst.js';
import { SA_AWAITING_HUMAN } from '../../../../workflows/search-attributes.js';

// Fast pacing (the simulator's cap raised to match): the file makes ~100 calls.
const WORKERS: StartWorkersOptions = { minSpacingMs: 50, afterResponseMs: 0, ratePerSecond: 20, maxConcurrent: 4 };
const PROCESSING_MS = 10 * 60_000; // 受付工程 05 → 06 after 10 simulated minutes

// One worker set for the file (the Java test server does not hand a stopped worker's sticky tasks back).
const h = useOcctoHarness({ timing: { judgementDelayMs: 60_000, processingDelayMs: PROCESSING_MS, hangMs: 5_000 }, rateLimit: { capPerSecond: 20 } }, WORKERS);

const CUSTOMER = { name: '電気 花子', kana: 'デンキ ハナコ', address: '東京都千代田区丸の内1-1-1', phone: '03-1234-5678' };
const PREFIX: Record<Category, string> = { LV: '', HV: 'K', FIT: 'F' };
/** IF_10110 / IF_K10110 / IF_F10110 … */
const ifId = (category: Category, base: number) => `IF_${PREFIX[category]}${base}`;

type AppKind = 'RECONNECTION' | 'DISCONTINUATION' | 'AMPERE_CHANGE' | 'CUSTOMER_INFO_CHANGE';
const APPLY_BASE: Record<AppKind, number> = { RECONNECTION: 10410, DISCONTINUATION: 10510, AMPERE_CHANGE: 10910, CUSTOMER_INFO_CHANGE: 10810 };

let refSeq = 0;
const reference = (tag: string) => `${tag}-${process.pid}-${++refSeq}`;
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

const callsOf = (point: string) => h.sim.calls().filter((c) => c.supplyPointId === point);
const serviceIdsOf = (point: string) => callsOf(point).map((c) => c.serviceId);
const appsOf = (point: string) => h.sim.state().applications.filter((a) => a.supplyPointId === point && !a.simulated);

function facilityInput(category: Category, point: string, extra: Record<string, unknown> = {}) {
  return { company: COMPANY, category, supplyPointId: point, reference: reference('fac'), ...extra };
}
function usageInput(category: Category, point: string, extra: Record<string, unknown> = {}) {
  return { company: COMPANY, category, supplyPointId: point, reference: reference('usage'), ...extra };
}
function appInput(kind: AppKind, category: Category, point: string, desiredDate: string, extra: Record<string, unknown> = {}) {
  const specific: Record<AppKind, Record<string, unknown>> = {
    RECONNECTION: { customer: CUSTOMER },
    DISCONTINUATION: { withRemoval: false },
    AMPERE_CHANGE: { amperes: 40 },
    CUSTOMER_INFO_CHANGE: { changes: { address: '東京都港区芝公園4-2-8' } },
  };
  return { kind, company: COMPANY, category, supplyPointId: point, reference: reference(kind.toLowerCase()), desiredDate, ...specific[kind], ...extra };
}

/**
 * Drives Temporal time (time is locked otherwise) until every workflow's status is terminal —
 * or `until` holds when given. Real pauses first, so activities already due run before skipping.
 */
async function settle(workflowIds: string[], o: { step?: string; maxSteps?: number; until?: (s: OperationStatus[]) => boolean } = {}): Promise<OperationStatus[]> {
  const { step = '5 minutes', maxSteps = 200 } = o;
  let last: (OperationStatus | undefined)[] = [];
  for (let i = 0; i < maxSteps; i++) {
    last = await Promise.all(workflowIds.map((id) => getOperationStatus(h.client, id).catch(() => undefined)));
    const all = last.every((s) => s !== undefined);
    if (all && (o.until ? o.until(last as OperationStatus[]) : last.every((s) => OPERATION_TERMINAL.includes(s!.stage)))) return last as OperationStatus[];
    if (i < 4 || !all) await delay(250);
    else await h.env.sleep(step);
  }
  throw new Error(`not settled: ${JSON.stringify(last.map((s) => s && { id: s.workflowId, stage: s.stage, events: s.events.slice(-3) }))}`);
}

/**
 * Moves Temporal time to the next weekday 10:00 JST, far from OCCTO's weekly window (Sun 00:00–06:00
 * JST, honoured by the workflows and the simulator): the tests' time depends on when they run.
 */
async function toWeekdayMorning(): Promise<void> {
  const now = await h.env.currentTimeMs();
  let day = addDays(jstDate(now), 1);
  while ([0, 6].includes(jstParts(jstDateTimeMs(day, '12:00')).weekday)) day = addDays(day, 1);
  await h.env.sleep(jstDateTimeMs(day, '10:00') - now);
}

/** Waits in real time (no time skipping) until the workflow is in `stage` and `extra` holds. */
async function awaitStage(workflowId: string, stage: OperationStage, extra: () => boolean = () => true, maxMs = 30_000): Promise<OperationStatus> {
  const deadline = Date.now() + maxMs;
  let s: OperationStatus | undefined;
  while (Date.now() < deadline) {
    s = await getOperationStatus(h.client, workflowId).catch(() => undefined);
    if (s?.stage === stage && extra()) return s;
    await delay(150);
  }
  throw new Error(`${workflowId} never reached ${stage} (last: ${s?.stage}; ${JSON.stringify(s?.events.slice(-3))})`);
}

/** The activity results in a workflow's history, decoded (payloads are encrypted). */
async function activityResults(handle: WorkflowHandle): Promise<unknown[]> {
  const codec = new AesGcmPayloadCodec(h.codecKeys);
  const history = await handle.fetchHistory();
  const out: unknown[] = [];
  for (const e of history.events ?? []) {
    const payloads = e.activityTaskCompletedEventAttributes?.result?.payloads;
    if (!payloads?.length) continue;
    const [decoded] = await codec.decode(payloads as never);
    out.push(defaultPayloadConverter.fromPayload(decoded!));
  }
  return out;
}

/** The failure of a workflow that must fail (not hang on a failing workflow task). */
async function workflowFailure(handle: WorkflowHandle): Promise<ApplicationFailure> {
  const err = await Promise.race([handle.result().then(() => new Error('the workflow completed')), delay(20_000).then(() => new Error('the workflow did not fail within 20 s'))]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('OCCTO operations × category (time-skipping server, OCCTO simulator)', () => {
  it('every offered combination completes, each with its own interface IDs (LV IF_, HV IF_K, FIT IF_F)', async () => {
    await toWeekdayMorning();
    const desiredDate = jstDay(await h.env.currentTimeMs(), 20);
    type Case = { name: string; point: string; start: () => Promise<OperationStart>; expectedIds: string[]; check: (r: unknown, s: OperationStatus, handle: WorkflowHandle) => void | Promise<void> };
    const cases: Case[] = [];

    for (const category of ['LV', 'FIT'] as const) {
      const point = supplyPoint('100', '03');
      cases.push({
        name: `設備情報照会 ${category}`,
        point,
        start: () => startFacilityQuery(h.client, facilityInput(category, point)),
        expectedIds: [ifId(category, 10110)],
        check: (r, s) => {
          const res = r as FacilityQueryResult;
          expect(res.outcome).toBe('COMPLETED');
          if (res.outcome !== 'COMPLETED') return;
          expect(res.facility.supplyPointId).toBe(point);
          expect(res.facility.area).toBe('03');
          expect(res.facility.nextButOneMeterReadingDate).toBe(nextButOneMeterReadingDate(point, jstDay(callsOf(point)[0]!.simulatedAtMs)));
          if (category === 'FIT') expect(res.facility.contractKva).toBeGreaterThan(0);
          else expect([10, 15, 20, 30, 40, 50, 60]).toContain(res.facility.contractAmperes); // 東京: ampere-breaker area
          expect(s.label).toBe('設備情報照会');
          expect(s.applications).toBe(0);
        },
      });
    }

    for (const category of ['LV', 'HV'] as const) {
      const point = supplyPoint('100', '04');
      cases.push({
        name: `使用量情報照会 ${category}`,
        point,
        start: () => startUsageQuery(h.client, usageInput(category, point)),
        expectedIds: [ifId(category, 10210), ifId(category, 10220), ifId(category, 10310)],
        check: async (r, s, handle) => {
          const res = r as UsageQueryResult;
          expect(res.outcome).toBe('COMPLETED');
          if (res.outcome !== 'COMPLETED') return;
          expect(res.usage.supplyPointId).toBe(point);
          expect(res.usage.months).toHaveLength(13);
          // Consecutive months, oldest first.
          const ms = res.usage.months.map((m) => Number(m.month.slice(0, 4)) * 12 + Number(m.month.slice(5, 7)));
          expect(ms.slice(1).every((m, i) => m === ms[i]! + 1)).toBe(true);
          for (const m of res.usage.months) {
            expect(m.kwh).toBeGreaterThan(0);
            if (category === 'HV') expect(m.maxDemandKw).toBeLessThan(500);
            else expect(m.maxDemandKw).toBeUndefined();
          }
          expect(res.applications).toBe(1);
          expect(res.queries).toBe(1);
          expect(res.applicationNo).toBe(appsOf(point)[0]!.moshikomiNo);
          expect(res.passwordValidUntil).toBe(appsOf(point)[0]!.passwordYukoKigen);
          expect(s.passwordValidUntil).toBe(res.passwordValidUntil);
          // Order: apply, status until 06 (which carries the password), then the query.
          const ids = serviceIdsOf(point);
          expect(ids[0]).toBe(ifId(category, 10210));
          expect(ids.at(-1)).toBe(ifId(category, 10310));
          expect(ids.filter((i) => i === ifId(category, 10220)).length).toBeGreaterThanOrEqual(2); // 05, then 06
          // The password was used (it is in the encrypted activity payloads) but is in neither the status nor the result.
          const password = (await activityResults(handle)).map((x) => (x as { password?: string } | null)?.password).find((p) => typeof p === 'string');
          expect(password).toMatch(/^\S{8,32}$/);
          expect(JSON.stringify([s, res])).not.toContain(password!);
        },
      });
    }

    const apps: { kind: AppKind; category: Category; area?: string; extra?: Record<string, unknown>; label: string; kindCode: string }[] = [
      { kind: 'RECONNECTION', category: 'LV', label: '再点', kindCode: '04' },
      { kind: 'RECONNECTION', category: 'FIT', label: '再点', kindCode: '15' },
      { kind: 'DISCONTINUATION', category: 'LV', extra: { withRemoval: false }, label: '廃止・撤去', kindCode: '01' },
      { kind: 'DISCONTINUATION', category: 'LV', extra: { withRemoval: true }, label: '廃止・撤去', kindCode: '02' },
      { kind: 'DISCONTINUATION', category: 'HV', extra: { withRemoval: false }, label: '廃止・撤去', kindCode: '01' },
      { kind: 'DISCONTINUATION', category: 'HV', extra: { withRemoval: true }, label: '廃止・撤去', kindCode: '02' },
      { kind: 'DISCONTINUATION', category: 'FIT', extra: { withRemoval: false }, label: '廃止・撤去', kindCode: '12' },
      { kind: 'DISCONTINUATION', category: 'FIT', extra: { withRemoval: true }, label: '廃止・撤去', kindCode: '13' },
      { kind: 'AMPERE_CHANGE', category: 'LV', area: '03', extra: { amperes: 60 }, label: 'アンペア変更', kindCode: '06' },
      { kind: 'CUSTOMER_INFO_CHANGE', category: 'LV', label: '需要者情報変更', kindCode: '07' },
      { kind: 'CUSTOMER_INFO_CHANGE', category: 'HV', label: '需要者情報変更', kindCode: '07' },
      { kind: 'CUSTOMER_INFO_CHANGE', category: 'FIT', label: '発電者情報変更', kindCode: '17' },
    ];
    for (const a of apps) {
      const point = supplyPoint('100', a.area ?? '05');
      const base = APPLY_BASE[a.kind];
      cases.push({
        name: `${a.label} ${a.category}${a.extra && 'withRemoval' in a.extra ? (a.extra.withRemoval ? ' 撤去あり' : ' 撤去なし') : ''}`,
        point,
        start: () => startOcctoApplication(h.client, appInput(a.kind, a.category, point, desiredDate, a.extra)),
        expectedIds: [ifId(a.category, base), ifId(a.category, base + 10)],
        check: (r, s) => {
          const res = r as ApplicationOutcome;
          expect(res.outcome).toBe('COMPLETED');
          if (res.outcome !== 'COMPLETED') return;
          expect(res.stageCode).toBe('06');
          expect(res.actualDate).toBe(desiredDate);
          const [app, ...more] = appsOf(point);
          expect(more).toHaveLength(0);
          expect(res.applicationNo).toBe(app!.moshikomiNo);
          expect(app!.moshikomiShubetsu).toBe(a.kindCode);
          expect(app!.category).toBe(a.category);
          expect(app!.uketsukeKoteiCode).toBe('06');
          expect(app!.idoYoteiBi).toBe(desiredDate);
          expect(s.label).toBe(a.label);
          expect(s.operation).toBe(a.kind);
          expect(s.applicationNo).toBe(app!.moshikomiNo);
          expect(s.processingStage).toBe('06');
          expect(serviceIdsOf(point)[0]).toBe(ifId(a.category, base));
        },
      });
    }

    const started = await Promise.all(cases.map((c) => c.start()));
    expect(started.every((s) => s.started)).toBe(true);
    const statuses = await settle(started.map((s) => s.workflowId));
    const failures: string[] = [];
    for (const [i, c] of cases.entries()) {
      const result = await started[i]!.handle.result();
      try {
        await c.check(result, statuses[i]!, started[i]!.handle);
        // Exactly the expected interfaces, nothing refused or failed on the way.
        expect([...new Set(serviceIdsOf(c.point))].sort()).toEqual([...c.expectedIds].sort());
        expect(callsOf(c.point).every((call) => call.httpStatus === 200 && call.resultCode === 'I00000')).toBe(true);
        expect(statuses[i]!.stage).toBe('COMPLETED');
        expect(statuses[i]!.awaitingHuman).toBe(false);
      } catch (err) {
        failures.push(`${c.name}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('every combination the system does not offer is refused before any call: by the client, and by the workflow started directly', async () => {
    const desiredDate = jstDay(await h.env.currentTimeMs(), 20);
    type Refused = { name: string; category: Category; area: string; rule: 'category' | 'area'; workflowType: string; input: (p: string) => Record<string, unknown>; start: (i: unknown) => Promise<OperationStart>; mentions: string[] };
    const refused: Refused[] = [
      { name: 'HV 設備情報照会', category: 'HV', area: '03', rule: 'category', workflowType: 'occtoFacilityQueryWorkflow', input: (p) => facilityInput('HV', p), start: (i) => startFacilityQuery(h.client, i), mentions: ['設備情報照会', 'FACILITY_QUERY', 'HV', '高圧500kW未満', '§2.5'] },
      { name: 'FIT 使用量情報照会', category: 'FIT', area: '03', rule: 'category', workflowType: 'occtoUsageQueryWorkflow', input: (p) => usageInput('FIT', p), start: (i) => startUsageQuery(h.client, i), mentions: ['使用量情報照会', 'USAGE_QUERY', 'FIT', '低圧FIT電源', '§2.5'] },
      // 再点 is refused for HV only: FIT has it (§2.5 ✔, IF_F10410 in §3; completed in the first test).
      { name: 'HV 再点', category: 'HV', area: '03', rule: 'category', workflowType: 'occtoApplicationWorkflow', input: (p) => appInput('RECONNECTION', 'HV', p, desiredDate), start: (i) => startOcctoApplication(h.client, i), mentions: ['再点', 'RECONNECTION', 'HV', '高圧500kW未満', '§2.5'] },
      ...(['HV', 'FIT'] as const).map((category) => ({
        name: `${category} アンペア変更`,
        category,
        area: '03',
        rule: 'category' as const,
        workflowType: 'occtoApplicationWorkflow',
        input: (p: string) => appInput('AMPERE_CHANGE', category, p, desiredDate),
        start: (i: unknown) => startOcctoApplication(h.client, i),
        mentions: ['アンペア変更', 'AMPERE_CHANGE', category, '§2.5'],
      })),
      ...(
        [
          ['06', '関西'],
          ['07', '中国'],
          ['08', '四国'],
          ['10', '沖縄'],
        ] as const
      ).map(([area, areaName]) => ({
        name: `LV アンペア変更 in ${area} ${areaName}`,
        category: 'LV' as const,
        area,
        rule: 'area' as const,
        workflowType: 'occtoApplicationWorkflow',
        input: (p: string) => appInput('AMPERE_CHANGE', 'LV', p, desiredDate),
        start: (i: unknown) => startOcctoApplication(h.client, i),
        mentions: ['アンペア変更', 'AMPERE_CHANGE', `area ${area} ${areaName}`, '§5.3'],
      })),
    ];
    expect(refused).toHaveLength(9);

    const points: string[] = [];
    const direct: { r: Refused; handle: WorkflowHandle }[] = [];
    for (const r of refused) {
      // Through the client: refused with the operation, category/area and rule named; nothing started.
      const clientPoint = supplyPoint('100', r.area);
      points.push(clientPoint);
      const err = await r.start(r.input(clientPoint)).catch((e: unknown) => e);
      expect(err, r.name).toBeInstanceOf(OperationNotOfferedError);
      const v = (err as OperationNotOfferedError).violation;
      expect(v.rule, r.name).toBe(r.rule === 'area' ? 'operation-area' : 'operation-category');
      expect(v.field, r.name).toBe(r.rule === 'area' ? 'supplyPointId' : 'category');
      for (const m of r.mentions) expect((err as Error).message, r.name).toContain(m);

      // The workflow type started directly (no client check): it must refuse too.
      const directPoint = supplyPoint('100', r.area);
      points.push(directPoint);
      const handle = await h.client.workflow.start(r.workflowType, {
        taskQueue: WORKFLOWS_TASK_QUEUE,
        workflowId: `matrix-refused/${directPoint}`,
        args: [r.input(directPoint)],
      });
      direct.push({ r, handle });
    }
    for (const { r, handle } of direct) {
      const failure = await workflowFailure(handle);
      expect(failure.type, r.name).toBe('OcctoNotOffered');
      expect(failure.nonRetryable, r.name).toBe(true);
      expect(failure.message, r.name).toContain('refused before any call');
      for (const m of r.mentions) expect(failure.message, r.name).toContain(m);
      expect(failure.details?.[0], r.name).toMatchObject({ rule: r.rule === 'area' ? 'operation-area' : 'operation-category' });
      // Failed in its first workflow task: no activity of any kind was scheduled.
      const history = await handle.fetchHistory();
      expect(history.events!.filter((e) => e.activityTaskScheduledEventAttributes), r.name).toHaveLength(0);
      expect(history.events!.filter((e) => e.workflowTaskFailedEventAttributes), r.name).toHaveLength(0);
    }
    // The simulator never heard of any of these points.
    expect(points).toHaveLength(18);
    for (const p of points) expect(callsOf(p)).toEqual([]);
  });

  it('invalid inputs are refused with the field named, by the client and by the workflow, before any call', async () => {
    const desiredDate = jstDay(await h.env.currentTimeMs(), 20);
    const p = () => supplyPoint('100', '03');
    const cases: { name: string; workflowType: string; input: Record<string, unknown>; start: (i: unknown) => Promise<OperationStart>; field: string; message: RegExp }[] = [
      { name: 'amperes 35', workflowType: 'occtoApplicationWorkflow', input: appInput('AMPERE_CHANGE', 'LV', p(), desiredDate, { amperes: 35 }), start: (i) => startOcctoApplication(h.client, i), field: 'amperes', message: /amperes must be one of 10, 15, 20, 30, 40, 50, 60 A/ },
      {
        name: 'missing desiredDate',
        workflowType: 'occtoApplicationWorkflow',
        input: appInput('RECONNECTION', 'LV', p(), undefined as unknown as string),
        start: (i) => startOcctoApplication(h.client, i),
        field: 'desiredDate',
        message: /desiredDate \[[a-z_]+\]: must be a date string 'YYYY-MM-DD'/,
      },
      { name: 'impossible desiredDate', workflowType: 'occtoApplicationWorkflow', input: appInput('DISCONTINUATION', 'HV', p(), '2026-02-30'), start: (i) => startOcctoApplication(h.client, i), field: 'desiredDate', message: /desiredDate/ },
      { name: 'withRemoval missing', workflowType: 'occtoApplicationWorkflow', input: appInput('DISCONTINUATION', 'LV', p(), desiredDate, { withRemoval: undefined }), start: (i) => startOcctoApplication(h.client, i), field: 'withRemoval', message: /withRemoval must be true \(撤去あり\) or false/ },
      { name: 'no changes', workflowType: 'occtoApplicationWorkflow', input: appInput('CUSTOMER_INFO_CHANGE', 'LV', p(), desiredDate, { changes: {} }), start: (i) => startOcctoApplication(h.client, i), field: 'changes', message: /changes must name at least one changed field/ },
      { name: 'reconnection customer kana', workflowType: 'occtoApplicationWorkflow', input: appInput('RECONNECTION', 'FIT', p(), desiredDate, { customer: { ...CUSTOMER, kana: 'denki' } }), start: (i) => startOcctoApplication(h.client, i), field: 'customer.kana', message: /customer\.kana must be katakana/ },
      { name: 'unknown kind', workflowType: 'occtoApplicationWorkflow', input: { ...appInput('RECONNECTION', 'LV', p(), desiredDate), kind: 'METER_SWAP' }, start: (i) => startOcctoApplication(h.client, i), field: 'kind', message: /kind must be one of RECONNECTION, DISCONTINUATION, AMPERE_CHANGE, CUSTOMER_INFO_CHANGE/ },
      { name: 'reference with a slash', workflowType: 'occtoFacilityQueryWorkflow', input: facilityInput('LV', p(), { reference: 'a/b' }), start: (i) => startFacilityQuery(h.client, i), field: 'reference', message: /reference must be 1–64 letters/ },
      { name: 'short supply point', workflowType: 'occtoUsageQueryWorkflow', input: usageInput('LV', '0312345'), start: (i) => startUsageQuery(h.client, i), field: 'supplyPointId', message: /supplyPointId/ },
      { name: 'unknown category', workflowType: 'occtoFacilityQueryWorkflow', input: facilityInput('MV' as Category, p()), start: (i) => startFacilityQuery(h.client, i), field: 'category', message: /category/ },
    ];
    const direct: { c: (typeof cases)[number]; handle: WorkflowHandle }[] = [];
    for (const c of cases) {
      const err = await c.start(c.input).catch((e: unknown) => e);
      expect(err, c.name).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).violations.map((v) => v.field), c.name).toContain(c.field);
      expect((err as Error).message, c.name).toMatch(c.message);
      const handle = await h.client.workflow.start(c.workflowType, { taskQueue: WORKFLOWS_TASK_QUEUE, workflowId: `matrix-invalid/${reference('x')}`, args: [c.input] });
      direct.push({ c, handle });
    }
    for (const { c, handle } of direct) {
      const failure = await workflowFailure(handle);
      expect(failure.type, c.name).toBe('InvalidInput');
      expect(failure.nonRetryable, c.name).toBe(true);
      expect(failure.message, c.name).toMatch(c.message);
      expect((failure.details?.[0] as { field: string }[]).map((v) => v.field), c.name).toContain(c.field);
    }
    for (const c of cases) expect(callsOf(String(c.input.supplyPointId)), c.name).toEqual([]);
  });

  it('09 (pattern 870): an application and a usage query end REJECTED with the T&D note', async () => {
    await toWeekdayMorning();
    const desiredDate = jstDay(await h.env.currentTimeMs(), 20);
    const appPoint = supplyPoint('870', '09');
    const usagePoint = supplyPoint('870', '01');
    const app = await startOcctoApplication(h.client, appInput('DISCONTINUATION', 'HV', appPoint, desiredDate, { withRemoval: true }));
    const usage = await startUsageQuery(h.client, usageInput('LV', usagePoint));
    const [appStatus, usageStatus] = await settle([app.workflowId, usage.workflowId]);
    const appResult = (await app.handle.result()) as ApplicationOutcome;
    expect(appResult).toMatchObject({ outcome: 'REJECTED', stageCode: '09', applicationNo: appsOf(appPoint)[0]!.moshikomiNo });
    if (appResult.outcome === 'REJECTED') expect(appResult.note).toMatch(/送配電事業者により却下/);
    expect(appStatus!.stage).toBe('REJECTED');
    expect(appStatus!.note).toMatch(/送配電事業者により却下/);
    expect(appStatus!.events.map((e) => e.event).join('\n')).toMatch(/rejected \(受付工程 09\): 送配電事業者により却下/);
    expect([...new Set(serviceIdsOf(appPoint))].sort()).toEqual(['IF_K10510', 'IF_K10520']);

    const usageResult = (await usage.handle.result()) as UsageQueryResult;
    expect(usageResult).toMatchObject({ outcome: 'REJECTED', stageCode: '09' });
    if (usageResult.outcome === 'REJECTED') expect(usageResult.note).toMatch(/送配電事業者により却下/);
    expect(usageStatus!.stage).toBe('REJECTED');
    expect(usageStatus!.passwordValidUntil).toBeUndefined();
    // No query without a password.
    expect(serviceIdsOf(usagePoint)).not.toContain('IF_10310');
  });

  it('取消 via cancelApplication while in progress: CANCELLED, the application cancelled at OCCTO; refused when not in progress', async () => {
    await toWeekdayMorning();
    const desiredDate = jstDay(await h.env.currentTimeMs(), 20);
    const point = supplyPoint('100', '02');
    const { workflowId, handle } = await startOcctoApplication(h.client, appInput('CUSTOMER_INFO_CHANGE', 'FIT', point, desiredDate));
    const waiting = await awaitStage(workflowId, 'AWAITING_PROCESSING', () => serviceIdsOf(point).includes('IF_F10820'));
    expect(waiting.applicationNo).toBe(appsOf(point)[0]!.moshikomiNo);
    expect(waiting.processingStage).toBe('05');

    // Refused by the validator, before anything is sent.
    await expect(cancelOcctoApplication(h.client, workflowId, { requestedBy: 'operator 1', reason: 'x' })).rejects.toThrow(DecisionRejectedError);
    await expect(cancelOcctoApplication(h.client, workflowId, { requestedBy: 'operator1', reason: '  ' })).rejects.toThrow(/reason is required/);
    const before = callsOf(point).length;

    const accepted = await cancelOcctoApplication(h.client, workflowId, { requestedBy: 'operator1', reason: 'customer withdrew' });
    expect(accepted).toEqual({ accepted: true, applicationNo: waiting.applicationNo });
    const result = await handle.result();
    expect(result).toEqual({ outcome: 'CANCELLED', applicationNo: waiting.applicationNo, requestedBy: 'operator1', reason: 'customer withdrew' });
    const calls = callsOf(point).slice(before);
    expect(calls.map((c) => c.serviceId)).toEqual(['IF_F10810']); // 更新フラグ 3 取消
    expect(calls[0]!.resultCode).toBe('I00000');
    const [app] = appsOf(point);
    expect(app!.cancelledAtMs).toBeDefined();
    expect(app!.uketsukeKoteiCode).toBe('09');
    const status = await getOperationStatus(h.client, workflowId);
    expect(status.stage).toBe('CANCELLED');
    expect(status.cancellation).toMatchObject({ requestedBy: 'operator1', reason: 'customer withdrew' });
    // Once it ended, nothing can be cancelled.
    await expect(cancelOcctoApplication(h.client, workflowId, { requestedBy: 'operator1', reason: 'again' })).rejects.toThrow();
  });

  it('a business error (810, ERR_20040) waits for a person: retry calls again, abandon ends it', async () => {
    await toWeekdayMorning();
    const desiredDate = jstDay(await h.env.currentTimeMs(), 20);
    const facPoint = supplyPoint('810', '03');
    const appPoint = supplyPoint('810', '04');
    const fac = await startFacilityQuery(h.client, facilityInput('FIT', facPoint));
    const app = await startOcctoApplication(h.client, appInput('AMPERE_CHANGE', 'LV', appPoint, desiredDate, { amperes: 30 }));

    const asked = await awaitStage(fac.workflowId, 'AWAITING_DECISION');
    expect(asked.awaitingHuman).toBe(true);
    expect(asked.decision).toMatchObject({ reason: 'BUSINESS_ERROR', code: 'ERR_20040', allowedActions: ['retry', 'abandon'] });
    expect(serviceIdsOf(facPoint)).toEqual(['IF_F10110']);
    const desc = await fac.handle.describe();
    expect(desc.typedSearchAttributes.get(SA_AWAITING_HUMAN)).toBe(true);

    // Invalid decisions never enter history.
    await expect(decideOperation(h.client, fac.workflowId, { action: 'abandon', decidedBy: 'approver1', reason: '' })).rejects.toThrow(/reason is required to abandon/);
    await expect(decideOperation(h.client, fac.workflowId, { action: 'resubmit', decidedBy: 'approver1' } as never)).rejects.toThrow(/action must be one of retry, abandon/);
    expect(callsOf(facPoint)).toHaveLength(1);

    // Retry: the call is made again, fails again, and a person is asked again.
    expect(await decideOperation(h.client, fac.workflowId, { action: 'retry', decidedBy: 'approver1' })).toEqual({ accepted: true, action: 'retry' });
    const again = await awaitStage(fac.workflowId, 'AWAITING_DECISION', () => callsOf(facPoint).length === 2);
    expect(serviceIdsOf(facPoint)).toEqual(['IF_F10110', 'IF_F10110']);
    expect(again.decision?.code).toBe('ERR_20040');
    await decideOperation(h.client, fac.workflowId, { action: 'abandon', decidedBy: 'approver1', reason: 'point not ours' });
    expect(await fac.handle.result()).toEqual({ outcome: 'ABANDONED', reason: 'point not ours', decidedBy: 'approver1' });

    // An application answered ERR_20040 at 登録: nothing filed, a person abandons.
    const appAsked = await awaitStage(app.workflowId, 'AWAITING_DECISION');
    expect(appAsked.decision).toMatchObject({ reason: 'BUSINESS_ERROR', code: 'ERR_20040' });
    expect(appAsked.applicationNo).toBeUndefined();
    expect(serviceIdsOf(appPoint)).toEqual(['IF_10910']);
    await decideOperation(h.client, app.workflowId, { action: 'abandon', decidedBy: 'approver2', reason: 'wrong point' });
    expect(await app.handle.result()).toEqual({ outcome: 'ABANDONED', reason: 'wrong point', decidedBy: 'approver2' });
    expect((await getOperationStatus(h.client, app.workflowId)).stage).toBe('ABANDONED');
  });

  it('usage password: a re-query within its validity reuses it; after it expired (> 1 month) the re-query applies again', async () => {
    await toWeekdayMorning();
    const point = supplyPoint('100', '03');
    const { workflowId, handle } = await startUsageQuery(h.client, usageInput('LV', point, { options: { holdForRequery: '90 days' } }));
    const held = (await settle([workflowId], { until: ([s]) => s!.stage === 'HOLDING' }))[0]!;
    expect(held.applications).toBe(1);
    expect(held.queries).toBe(1);
    const validUntil = held.passwordValidUntil!;
    expect(validUntil).toBe(appsOf(point)[0]!.passwordYukoKigen);
    const count = (id: string) => serviceIdsOf(point).filter((s) => s === id).length;
    expect(count('IF_10210')).toBe(1);
    expect(count('IF_10310')).toBe(1);

    // The password exists only in (encrypted) activity payloads: never in the status or search attributes.
    const password = (await activityResults(handle)).map((r) => (r as { password?: string } | null)?.password).find((p) => typeof p === 'string');
    expect(password).toMatch(/^\S{8,32}$/);
    expect(JSON.stringify(held)).not.toContain(password!);
    expect(Object.keys(held)).not.toContain('password');
    expect(JSON.stringify((await handle.describe()).searchAttributes)).not.toContain(password!);

    // Within validity: one more IF_10310, no new application.
    const usage1 = await requeryUsage(h.client, workflowId, { requestedBy: 'analyst1' });
    expect(usage1.months).toHaveLength(13);
    expect(count('IF_10210')).toBe(1);
    expect(count('IF_10310')).toBe(2);
    const afterFirst = await getOperationStatus(h.client, workflowId);
    expect(afterFirst).toMatchObject({ stage: 'HOLDING', applications: 1, queries: 2, passwordValidUntil: validUntil });

    // Skip past the validity (completion date + 1 month): the next re-query applies again.
    await h.env.sleep('35 days');
    await toWeekdayMorning();
    const second = requeryUsage(h.client, workflowId, { requestedBy: 'analyst1' });
    let settled = false;
    void second.finally(() => (settled = true)).catch(() => undefined);
    for (let i = 0; i < 100 && !settled; i++) {
      await delay(250);
      if (!settled) await h.env.sleep('5 minutes');
    }
    const usage2 = await second;
    expect(usage2.months).toHaveLength(13);
    expect(count('IF_10210')).toBe(2);
    expect(count('IF_10310')).toBe(3);
    // The expired password was not sent: the workflow knew its validity and applied first.
    expect(callsOf(point).every((c) => c.resultCode === 'I00000')).toBe(true);
    const apps = appsOf(point);
    expect(apps).toHaveLength(2);
    const afterExpiry = await getOperationStatus(h.client, workflowId);
    expect(afterExpiry).toMatchObject({ stage: 'HOLDING', applications: 2, queries: 3, applicationNo: apps[1]!.moshikomiNo, passwordValidUntil: apps[1]!.passwordYukoKigen });
    expect(afterExpiry.passwordValidUntil! > validUntil).toBe(true);
    expect(afterExpiry.events.map((e) => e.event).join('\n')).toMatch(/password expired \(valid until .*\): applying again/);

    // The usage months moved on with the clock.
    expect(usage2.months.at(-1)!.month > usage1.months.at(-1)!.month).toBe(true);

    // The hold ends: COMPLETED with both applications counted; no password in the result or status.
    const result = (await handle.result()) as UsageQueryResult;
    expect(result).toMatchObject({ outcome: 'COMPLETED', applications: 2, queries: 3, applicationNo: apps[1]!.moshikomiNo });
    const passwords = (await activityResults(handle)).map((r) => (r as { password?: string } | null)?.password).filter((p): p is string => typeof p === 'string');
    expect(new Set(passwords).size).toBe(2);
    const final = JSON.stringify([result, await getOperationStatus(h.client, workflowId)]);
    for (const pw of passwords) expect(final).not.toContain(pw);
    // A re-query once it ended is refused.
    await expect(requeryUsage(h.client, workflowId, { requestedBy: 'analyst1' })).rejects.toThrow();
  });
});
