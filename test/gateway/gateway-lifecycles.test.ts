// The gateway over real HTTP against a real Temporal dev server, the project's workers and the
// OCCTO and たくそう君 simulators: every start (201, repeat 200 with the same ID, conflicting 409),
// decisions accepted and refused by the workflows' Update validators (4xx with their reason), cancel,
// status, relay data by role with an audit line, and the awaiting-a-person list with its filters.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOWS_TASK_QUEUE } from '../../domain/task-queues.js';
import { SIMULATED_NEW_RETAILER } from '../../systems/occto/simulator/server.js';
import type { WorkerSet } from '../../worker/workers.js';
import { COMPANY, createOcctoHarness, supplyPoint, switchingInput, type OcctoHarness } from '../../systems/occto/test/harness.js';
import { constructionInput, constructionRef } from '../../systems/kansai-takusou/test/harness.js';
import { createDevServerEnv, TEST_CODEC_KEYS } from '../support/temporal-env.js';
import { inject } from 'vitest';
import pino from 'pino';
import { createDevPki } from '../../simulators/shared/dev-pki.js';
import { startTakusouSimulator, type TakusouSimulator } from '../../systems/kansai-takusou/simulator/server.js';
import { takusouClientConfigSchema } from '../../systems/kansai-takusou/activities/config.js';
import { createWorkerSet } from '../../worker/workers.js';
import { call, enc, isErrorShape, startGateway, until, type ErrorShape, type TestGateway } from './support.js';

let env: TestWorkflowEnvironment;
let occto: OcctoHarness;
let takusouSim: TakusouSimulator;
const files = { drawing: '', completion: '' };
let gw: TestGateway;
const sets: WorkerSet[] = [];
const runs: Promise<void>[] = [];

const FAST = { pollInterval: '1 second' };
type Start = { workflowId: string; started: boolean; outcome: string; status: string };
type Status = { stage: string; awaitingHuman: boolean; decision?: { allowedActions: string[] } } & Record<string, unknown>;
type WorkList = { items: { workflowId: string; kind: string; stage: string; area: string }[]; nextPageToken?: string };

beforeAll(async () => {
  env = await createDevServerEnv();
  occto = await createOcctoHarness(env, { timing: { judgementDelayMs: 1_500, processingDelayMs: 60_000 }, rateLimit: { capPerSecond: 20 } });
  const dir = mkdtempSync(join(tmpdir(), 'gateway-lifecycles-'));
  const recordsFile = join(dir, 'records.json');
  writeFileSync(recordsFile, JSON.stringify({ records: [] }));
  files.drawing = join(dir, 'drawing.pdf');
  files.completion = join(dir, 'completion.pdf');
  writeFileSync(files.drawing, Buffer.alloc(2048, 1));
  writeFileSync(files.completion, Buffer.alloc(1024, 2));
  // One worker set per queue in a process: the OCCTO harness runs workflows, OCCTO, notify and
  // customer records; the たくそう君 queue is added here, against its own simulator.
  sets.push(await occto.startWorkers({ minSpacingMs: 50, afterResponseMs: 0, ratePerSecond: 20, statusTracking: { mode: 'own', intervalMs: 1_000 }, customerRecordsFile: recordsFile }));
  const pki = await createDevPki({ companies: [COMPANY] });
  takusouSim = await startTakusouSimulator({ tls: { cert: pki.server.cert, key: pki.server.key } });
  sets.push(
    await createWorkerSet({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      companies: [COMPANY],
      codecKeys: TEST_CODEC_KEYS,
      logger: pino({ level: 'silent' }),
      workflows: { workflowBundle: { codePath: inject('workflowBundle') } },
      takusou: { client: takusouClientConfigSchema.parse({ baseUrl: takusouSim.url, ca: pki.ca.cert, timeoutMs: 5_000, companies: { [COMPANY]: {} } }), concurrencyShare: 8 },
      temporalClient: env.client,
      only: { workflows: false, occto: false, takusou: true, notify: false, customerRecords: false, certificates: false },
    }),
  );
  for (const s of sets) runs.push(s.run());
  gw = await startGateway(env.client);
}, 180_000);

afterAll(async () => {
  await gw?.close();
  await Promise.all(sets.map((s) => s.stop()));
  await Promise.all(runs);
  await occto?.close();
  await takusouSim?.close();
  await env?.teardown();
});

const status = (prefix: string, id: string) => call<Status>(gw.url, 'GET', `${prefix}/${enc(id)}`, { role: 'read-only' });
const stageOf = (prefix: string, id: string, pred: (s: Status) => boolean, timeoutMs = 40_000) =>
  until(`${id} status`, async () => (await status(prefix, id)).body, pred, timeoutMs);
const work = (query: string) => call<WorkList>(gw.url, 'GET', `/v1/work?${query}`, { role: 'read-only' });
const errorOf = (b: unknown) => (b as ErrorShape).error;

describe('switching-in through the gateway', () => {
  it('starts (201), returns the same workflow for a repeat (200) and refuses a conflicting repeat (409)', async () => {
    const point = supplyPoint('100');
    const input = switchingInput(Date.now(), point, { options: FAST });
    const first = await call<Start>(gw.url, 'POST', '/v1/switching-in', { role: 'app', body: input });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ workflowId: `switching-in/${COMPANY}/${point}`, started: true, outcome: 'started', status: `/v1/switching-in/${enc(`switching-in/${COMPANY}/${point}`)}` });

    const again = await call<Start>(gw.url, 'POST', '/v1/switching-in', { role: 'app', body: input });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ workflowId: first.body.workflowId, started: false, outcome: 'existing' });

    // Same business key (company + supply point), different input: refused, naming the workflow.
    const conflicting = await call(gw.url, 'POST', '/v1/switching-in', { role: 'app', body: { ...input, customer: { ...input.customer, address: '大阪府大阪市北区梅田1-1' } } });
    expect(conflicting.status).toBe(409);
    expect(isErrorShape(conflicting.body)).toBe(true);
    expect(errorOf(conflicting.body)).toMatchObject({ code: 'CONFLICT', workflowId: first.body.workflowId });
    expect(errorOf(conflicting.body).message).toContain(first.body.workflowId);

    // Status: the workflow's query, no personal data.
    const s = await status('/v1/switching-in', first.body.workflowId);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ workflowId: first.body.workflowId, kind: 'switching-in', supplyPointId: point });
    expect(s.text).not.toContain(input.customer.name);

    // No decision is awaited: the Update validator refuses, with its reason.
    const early = await call(gw.url, 'POST', `/v1/switching-in/${enc(first.body.workflowId)}/decision`, { role: 'approver', body: { action: 'abandon', decidedBy: 'approver-1', reason: 'test' } });
    expect(early.status).toBe(422);
    expect(errorOf(early.body)).toMatchObject({ code: 'DECISION_REFUSED' });
    expect(errorOf(early.body).message).toContain('no decision is awaited');

    // Cancel (operator): 202, then COMPENSATING → CANCELLED; a second cancel is 409.
    expect((await call(gw.url, 'POST', `/v1/switching-in/${enc(first.body.workflowId)}/cancel`, { role: 'app' })).status).toBe(403);
    const cancel = await call(gw.url, 'POST', `/v1/switching-in/${enc(first.body.workflowId)}/cancel`, { role: 'operator' });
    expect(cancel.status).toBe(202);
    expect(cancel.body).toEqual({ workflowId: first.body.workflowId, cancelRequested: true });
    await stageOf('/v1/switching-in', first.body.workflowId, (x) => x.stage === 'CANCELLED');
    await until('closed', () => env.client.workflow.getHandle(first.body.workflowId).describe(), (d) => d.status.name !== 'RUNNING');
    const again2 = await call(gw.url, 'POST', `/v1/switching-in/${enc(first.body.workflowId)}/cancel`, { role: 'operator' });
    expect(again2.status).toBe(409);
    expect(errorOf(again2.body).code).toBe('WORKFLOW_FINISHED');
  });

  it('a business error waits for a person: listed in /v1/work by kind, stage, company and area; a wrong action is refused (422), abandon is accepted; afterwards 409', async () => {
    const point = supplyPoint('810'); // ERR_20040 on every call
    const started = await call<Start>(gw.url, 'POST', '/v1/switching-in', { role: 'operator', body: switchingInput(Date.now(), point, { options: FAST }) });
    expect(started.status).toBe(201);
    const id = started.body.workflowId;
    const waiting = await stageOf('/v1/switching-in', id, (x) => x.stage === 'AWAITING_DECISION');
    expect(waiting.awaitingHuman).toBe(true);
    expect(waiting.decision?.allowedActions).toEqual(['resubmit', 'abandon']);

    // Visibility is eventually consistent: wait until it lists it, then check each filter.
    const listed = (b: WorkList) => b.items.some((i) => i.workflowId === id);
    const all = await until('work list', async () => (await work(`kind=switching-in&company=${COMPANY}`)).body, listed);
    expect(all.items.find((i) => i.workflowId === id)).toMatchObject({ kind: 'switching-in', stage: 'AWAITING_DECISION', area: '03', status: `/v1/switching-in/${enc(id)}` });
    expect(listed((await work('stage=AWAITING_DECISION&area=03')).body)).toBe(true);
    expect(listed((await work('')).body)).toBe(true);
    expect(listed((await work('area=06')).body)).toBe(false);
    expect(listed((await work('kind=construction')).body)).toBe(false);
    expect(listed((await work('kind=switching-in&stage=AWAITING_JUDGEMENT')).body)).toBe(false);
    expect(listed((await work('company=12341')).body)).toBe(false);
    // Paging: one item per page, the token leads on.
    const p1 = await work(`kind=switching-in&company=${COMPANY}&limit=1`);
    expect(p1.status).toBe(200);
    expect(p1.body.items).toHaveLength(1);
    // Filter values are validated (and never reach the query unchecked).
    const bad = await work("area=99&stage=NOPE&kind=x'%20OR%201=1");
    expect(bad.status).toBe(400);
    expect(errorOf(bad.body).violations.map((v) => v.field).sort()).toEqual(['query.area', 'query.kind', 'query.stage']);

    const url = `/v1/switching-in/${enc(id)}/decision`;
    const wrong = await call(gw.url, 'POST', url, { role: 'approver', body: { action: 'retry', decidedBy: 'approver-1' } });
    expect(wrong.status).toBe(422);
    expect(errorOf(wrong.body).message).toContain('action must be one of resubmit, abandon for BUSINESS_ERROR');
    const empty = await call(gw.url, 'POST', url, { role: 'approver', body: { action: 'resubmit', decidedBy: 'approver-1', corrections: {} } });
    expect(empty.status).toBe(422);
    expect(errorOf(empty.body).message).toContain('corrections must name at least one corrected field');
    const shape = await call(gw.url, 'POST', url, { role: 'approver', body: { action: 'abandon', decidedBy: 'approver 1' } });
    expect(shape.status).toBe(400); // the gateway's schema: field-level, before the workflow is asked
    expect(errorOf(shape.body).violations.map((v) => v.field).sort()).toEqual(['decidedBy', 'reason']);

    const ok = await call(gw.url, 'POST', url, { role: 'approver', body: { action: 'abandon', decidedBy: 'approver-1', reason: 'customer withdrew' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ accepted: true, action: 'abandon', nextStage: 'ABANDONED' });
    await until('closed', () => env.client.workflow.getHandle(id).describe(), (d) => d.status.name !== 'RUNNING');
    const late = await call(gw.url, 'POST', url, { role: 'approver', body: { action: 'abandon', decidedBy: 'approver-1', reason: 'again' } });
    expect(late.status).toBe(409);
    expect(errorOf(late.body)).toMatchObject({ code: 'WORKFLOW_FINISHED', workflowId: id });
  });

  it('unknown workflows are 404; IDs of another kind are refused by field', async () => {
    const missing = `switching-in/${COMPANY}/0300000000000000999100`;
    for (const [method, path, body] of [
      ['GET', `/v1/switching-in/${enc(missing)}`, undefined],
      ['POST', `/v1/switching-in/${enc(missing)}/decision`, { action: 'retry', decidedBy: 'u1' }],
      ['POST', `/v1/switching-in/${enc(missing)}/cancel`, undefined],
      ['GET', `/v1/occto-operations/${enc(`occto-facility/${COMPANY}/0300000000000000999100/none`)}`, undefined],
    ] as const) {
      const r = await call(gw.url, method, path, { role: 'operator', body });
      expect(r.status, path).toBe(404);
      expect(errorOf(r.body).code).toBe('NOT_FOUND');
    }
    const wrongKind = await call(gw.url, 'GET', `/v1/switching-in/${enc(`construction/${COMPANY}/K-1`)}`, { role: 'operator' });
    expect(wrongKind.status).toBe(400);
    expect(errorOf(wrongKind.body).violations[0]!.field).toBe('params.workflowId');
  });
});

describe('OCCTO operations through the gateway', () => {
  it('facility query: 201, repeat 200, conflict 409; completes; a business error is decided (retry accepted), OCCTO-refused operations are 422 before any call', async () => {
    const point = supplyPoint('100');
    const body = { company: COMPANY, category: 'LV', supplyPointId: point, reference: 'fq-1' };
    const first = await call<Start>(gw.url, 'POST', '/v1/occto-operations/facility-queries', { role: 'app', body });
    expect(first.status).toBe(201);
    expect(first.body.workflowId).toBe(`occto-facility/${COMPANY}/${point}/fq-1`);
    expect((await call<Start>(gw.url, 'POST', '/v1/occto-operations/facility-queries', { role: 'app', body })).body).toMatchObject({ started: false, workflowId: first.body.workflowId });
    const conflict = await call(gw.url, 'POST', '/v1/occto-operations/facility-queries', { role: 'app', body: { ...body, options: { decisionDeadline: '2 days' } } });
    expect(conflict.status).toBe(409);
    await stageOf('/v1/occto-operations', first.body.workflowId, (s) => s.stage === 'COMPLETED');
    // Finished: a repeat still returns it (a finished request is never sent to OCCTO again under its reference).
    const after = await call<Start>(gw.url, 'POST', '/v1/occto-operations/facility-queries', { role: 'app', body });
    expect(after.status).toBe(200);
    expect(after.body.started).toBe(false);

    const bad = supplyPoint('810');
    const failing = await call<Start>(gw.url, 'POST', '/v1/occto-operations/facility-queries', { role: 'app', body: { ...body, supplyPointId: bad, reference: 'fq-2' } });
    expect(failing.status).toBe(201);
    await stageOf('/v1/occto-operations', failing.body.workflowId, (s) => s.stage === 'AWAITING_DECISION');
    const listed = await until('work list', async () => (await work('kind=occto-operation&stage=AWAITING_DECISION')).body, (b) => b.items.some((i) => i.workflowId === failing.body.workflowId));
    expect(listed.items.find((i) => i.workflowId === failing.body.workflowId)).toMatchObject({ kind: 'occto-operation' });
    const retry = await call(gw.url, 'POST', `/v1/occto-operations/${enc(failing.body.workflowId)}/decision`, { role: 'approver', body: { action: 'retry', decidedBy: 'approver-1' } });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ accepted: true, action: 'retry' });
    // Only a usage query can be re-queried: the path parameter says so by field.
    const requery = await call(gw.url, 'POST', `/v1/occto-operations/${enc(failing.body.workflowId)}/requery`, { role: 'operator', body: { requestedBy: 'op-1' } });
    expect(requery.status).toBe(400);
    expect(errorOf(requery.body).violations[0]!.field).toBe('params.workflowId');

    const kansai = supplyPoint('100', '06');
    const amp = await call(gw.url, 'POST', '/v1/occto-operations/applications', { role: 'app', body: { kind: 'AMPERE_CHANGE', company: COMPANY, category: 'LV', supplyPointId: kansai, reference: 'amp-1', desiredDate: '2027-01-10', amperes: 40 } });
    expect(amp.status).toBe(422);
    expect(errorOf(amp.body)).toMatchObject({ code: 'OPERATION_NOT_OFFERED', violations: [{ field: 'supplyPointId', rule: 'operation-area' }] });
  });

  it('application: 取消 while in progress is accepted (a blank reason is refused by field first); a second 取消 is refused', async () => {
    const point = supplyPoint('100');
    const started = await call<Start>(gw.url, 'POST', '/v1/occto-operations/applications', {
      role: 'operator',
      body: { kind: 'DISCONTINUATION', company: COMPANY, category: 'LV', supplyPointId: point, reference: 'disc-1', desiredDate: '2027-01-10', withRemoval: false, options: { statusTracking: 'own', pollInterval: '1 second' } },
    });
    expect(started.status).toBe(201);
    const id = started.body.workflowId;
    const url = `/v1/occto-operations/${enc(id)}/cancel`;
    const waiting = await stageOf('/v1/occto-operations', id, (s) => s.stage === 'AWAITING_PROCESSING');
    expect(waiting.applicationNo).toBeTruthy();
    const noReason = await call(gw.url, 'POST', url, { role: 'operator', body: { requestedBy: 'op-1', reason: '  ' } });
    expect(noReason.status).toBe(400);
    expect(errorOf(noReason.body).violations[0]!.field).toBe('reason');
    const cancelled = await call(gw.url, 'POST', url, { role: 'operator', body: { requestedBy: 'op-1', reason: 'customer stays' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ accepted: true, applicationNo: waiting.applicationNo });
    await stageOf('/v1/occto-operations', id, (s) => s.stage === 'CANCELLED');
    const twice = await call(gw.url, 'POST', url, { role: 'operator', body: { requestedBy: 'op-1', reason: 'again' } });
    expect([409, 422]).toContain(twice.status);
  });
});

describe('construction (たくそう君) through the gateway', () => {
  it('starts (201/200/409), refuses an early completion (422), cancels (申込取消); street lights fan out one per lamp', async () => {
    const ref = constructionRef('803'); // never accepted: stays in review
    const input = constructionInput('JOJI', ref, files.drawing, { options: { pollInterval: '5 seconds', reminderInterval: '1 day', decisionDeadline: '7 days' } });
    const first = await call<Start>(gw.url, 'POST', '/v1/construction', { role: 'app', body: input });
    expect(first.status).toBe(201);
    expect(first.body.workflowId).toBe(`construction/${COMPANY}/${ref}`);
    expect((await call(gw.url, 'POST', '/v1/construction', { role: 'app', body: input })).status).toBe(200);
    const conflict = await call(gw.url, 'POST', '/v1/construction', { role: 'app', body: { ...input, contractAmperes: 60 } });
    expect(conflict.status).toBe(409);
    expect(errorOf(conflict.body).workflowId).toBe(first.body.workflowId);

    const id = first.body.workflowId;
    await stageOf('/v1/construction', id, (s) => s.stage === 'AWAITING_ACCEPTANCE');
    const early = await call(gw.url, 'POST', `/v1/construction/${enc(id)}/completion`, {
      role: 'approver',
      body: { confirmedBy: 'approver-1', completedOn: '2026-01-05', documents: [{ ref: files.completion, documentType: 'COMPLETION_REPORT', sizeBytes: 1024 }] },
    });
    expect(early.status).toBe(422);
    expect(errorOf(early.body).message).toContain('completion can be confirmed once the application is accepted');
    const cancel = await call(gw.url, 'POST', `/v1/construction/${enc(id)}/cancel`, { role: 'operator', body: { requestedBy: 'op-1', reason: 'plan changed' } });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toEqual({ accepted: true });
    await stageOf('/v1/construction', id, (s) => s.stage === 'CANCELLED');

    const lightsRef = constructionRef('100');
    const lights = constructionInput('GAIROTO', lightsRef, files.drawing, {
      lamps: [
        { lampType: 'LED', wattage: 40, poleNo: 'P-1' },
        { lampType: 'LED', wattage: 60, poleNo: 'P-2' },
      ],
    });
    const fan = await call<{ applications: Start[] }>(gw.url, 'POST', '/v1/construction/street-lights', { role: 'app', body: lights });
    expect(fan.status).toBe(201);
    expect(fan.body.applications.map((a) => [a.workflowId, a.outcome])).toEqual([
      [`construction/${COMPANY}/${lightsRef}-L01`, 'started'],
      [`construction/${COMPANY}/${lightsRef}-L02`, 'started'],
    ]);
    const fanAgain = await call<{ applications: Start[] }>(gw.url, 'POST', '/v1/construction/street-lights', { role: 'app', body: lights });
    expect(fanAgain.status).toBe(200);
    expect(fanAgain.body.applications.every((a) => a.outcome === 'existing')).toBe(true);
  });
});

describe('switching-out (current retailer) through the gateway', () => {
  it('lists, shows status without customer data, gives relay data to approvers and operators only (audited), judges once', async () => {
    const customer = { name: '転出 花子', kana: 'テンシュツ ハナコ', address: '兵庫県神戸市中央区加納町6-5-1' };
    const relay = occto.sim.injectIncomingRelay({ toCompany: COMPANY, category: 'LV', supplyPointId: supplyPoint('100'), newRetailerCode: SIMULATED_NEW_RETAILER, customer });
    const sweep = await env.client.workflow.start('occtoInboxSweepWorkflow', {
      taskQueue: WORKFLOWS_TASK_QUEUE,
      workflowId: `gateway-test-sweep-${relay.haishiToritsugiNo}`,
      args: [{ company: COMPANY, categories: ['LV'], force: true, switchingOut: { pollInterval: '1 second' } }],
    });
    await sweep.result();
    const id = `switching-out/${COMPANY}/${relay.haishiToritsugiNo}`;
    await stageOf('/v1/switching-out', id, (s) => s.stage === 'AWAITING_JUDGEMENT');

    const list = await until('switching-out list', async () => (await call<WorkList>(gw.url, 'GET', `/v1/switching-out?company=${COMPANY}&awaitingHuman=true`, { role: 'read-only' })).body, (b) => b.items.some((i) => i.workflowId === id));
    expect(list.items.find((i) => i.workflowId === id)).toMatchObject({ relayNo: relay.haishiToritsugiNo, stage: 'AWAITING_JUDGEMENT' });
    const s = await status('/v1/switching-out', id);
    expect(s.status).toBe(200);
    expect(s.text).not.toContain('転出');

    for (const role of ['app', 'read-only'] as const) expect((await call(gw.url, 'GET', `/v1/switching-out/${enc(id)}/relay`, { role })).status).toBe(403);
    for (const role of ['approver', 'operator'] as const) {
      const r = await call<{ customer: typeof customer }>(gw.url, 'GET', `/v1/switching-out/${enc(id)}/relay`, { role });
      expect(r.status).toBe(200);
      expect(r.body.customer).toMatchObject(customer);
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
    const audits = gw.logs.map((l) => JSON.parse(l) as { audit?: string; caller?: string; workflowId?: string }).filter((l) => l.audit === 'personal-data-read' && l.workflowId === id);
    expect(audits.map((a) => a.caller).sort()).toEqual(['test-approver', 'test-operator']);
    expect(gw.logs.join('\n')).not.toContain('転出'); // audited, never logged

    const url = `/v1/switching-out/${enc(id)}/judgement`;
    const noReasons = await call(gw.url, 'POST', url, { role: 'approver', body: { judgement: 'NG', decidedBy: 'approver-1' } });
    expect(noReasons.status).toBe(400);
    expect(errorOf(noReasons.body).violations[0]!.field).toBe('ngReasons');
    const judged = await call(gw.url, 'POST', url, { role: 'approver', body: { judgement: 'NG', ngReasons: [5], decidedBy: 'approver-1' } });
    expect(judged.status).toBe(200);
    expect(judged.body).toEqual({ accepted: true, judgement: 'NG', ngReasons: [5] });
    const twice = await call(gw.url, 'POST', url, { role: 'approver', body: { judgement: 'OK', decidedBy: 'approver-1' } });
    expect([409, 422]).toContain(twice.status);
    expect(isErrorShape(twice.body)).toBe(true);
    const decideNothing = await call(gw.url, 'POST', `/v1/switching-out/${enc(id)}/decision`, { role: 'approver', body: { action: 'retry', decidedBy: 'approver-1' } });
    expect([409, 422]).toContain(decideNothing.status);
  });
});
