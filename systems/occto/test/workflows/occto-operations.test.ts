// The other OCCTO operations on the time-skipping server against the real OCCTO simulator, with
// BATCHED status tracking (systems/occto/test/workflows/occto-operations-matrix.test.ts covers every combination
// with own polling): every combination the system does not offer is refused by the workflow before
// any call; each operation kind completes in its categories with its 受付工程 read only by the
// company's poller (IF_x11110), the usage query making one IF_x10220 call for its password; and an
// application cancelled while the poller follows it ends at once.
import { describe, expect, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { COMPANY, jstDay, skipTime, supplyPoint, useOcctoHarness } from '../harness.js';
import { OperationNotOfferedError, cancelOcctoApplication, getOperationStatus, startFacilityQuery, startOcctoApplication, startUsageQuery } from '../../client/occto-operations.js';
import { AVAILABILITY, type OcctoOperation } from '../../domain/occto-operations.js';
import { CATEGORIES, type Category } from '../../../../domain/categories.js';
import { WORKFLOWS_TASK_QUEUE } from '../../../../domain/task-queues.js';
import { OPERATION_TERMINAL, type OperationStatus } from '../../workflows/operations/operation.defs.js';
import { recordReplayFixture } from '../../../../test/support/replay-fixtures.js';

const h = useOcctoHarness(
  { timing: { processingDelayMs: 25 * 60_000 }, rateLimit: { capPerSecond: 20 } },
  { minSpacingMs: 50, afterResponseMs: 0, ratePerSecond: 20, statusTracking: { mode: 'batched', intervalMs: 10 * 60_000 } },
);

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
let seq = 0;
const ref = (tag: string) => `${tag}-${process.pid}-${++seq}`;
const CUSTOMER = { name: '電気 花子', kana: 'デンキ ハナコ', address: '東京都港区芝公園4-2-8' };

async function settle(ids: string[], done: (s: OperationStatus) => boolean = (s) => OPERATION_TERMINAL.includes(s.stage), maxSteps = 100): Promise<OperationStatus[]> {
  let last: (OperationStatus | undefined)[] = [];
  for (let i = 0; i < maxSteps; i++) {
    last = await Promise.all(ids.map((id) => getOperationStatus(h.client, id).catch(() => undefined)));
    if (last.every((s) => s && done(s))) return last as OperationStatus[];
    if (i < 4) await delay(250);
    else await skipTime(h.env, '5 minutes');
  }
  throw new Error(`not settled: ${JSON.stringify(last.map((s) => s && { id: s.workflowId, stage: s.stage, events: s.events.slice(-2) }))}`);
}

/** Every (operation, category) the system does not offer, with an input the workflow would otherwise take. */
function refusedCombinations(): { op: OcctoOperation; category: Category; type: string; input: Record<string, unknown> }[] {
  const out: { op: OcctoOperation; category: Category; type: string; input: Record<string, unknown> }[] = [];
  const base = (category: Category, area = '03') => ({ company: COMPANY, category, supplyPointId: supplyPoint('100', area), reference: ref('refused') });
  const desiredDate = jstDay(Date.now(), 20);
  for (const category of CATEGORIES) {
    if (!AVAILABILITY.FACILITY_QUERY[category]) out.push({ op: 'FACILITY_QUERY', category, type: 'occtoFacilityQueryWorkflow', input: base(category) });
    if (!AVAILABILITY.USAGE_QUERY[category]) out.push({ op: 'USAGE_QUERY', category, type: 'occtoUsageQueryWorkflow', input: base(category) });
    if (!AVAILABILITY.RECONNECTION[category]) out.push({ op: 'RECONNECTION', category, type: 'occtoApplicationWorkflow', input: { ...base(category), kind: 'RECONNECTION', desiredDate, customer: CUSTOMER } });
    if (!AVAILABILITY.AMPERE_CHANGE[category]) out.push({ op: 'AMPERE_CHANGE', category, type: 'occtoApplicationWorkflow', input: { ...base(category), kind: 'AMPERE_CHANGE', desiredDate, amperes: 40 } });
  }
  for (const area of ['06', '07', '08', '10']) {
    out.push({ op: 'AMPERE_CHANGE', category: 'LV', type: 'occtoApplicationWorkflow', input: { ...base('LV', area), kind: 'AMPERE_CHANGE', desiredDate, amperes: 40 } });
  }
  return out;
}

describe('other OCCTO operations with batched status tracking (time-skipping server, OCCTO simulator)', () => {
  it('every combination the system does not offer is refused by the workflow before any call, naming the operation, category/area and rule', async () => {
    const combos = refusedCombinations();
    expect(combos).toHaveLength(5 + 4); // HV 設備情報照会, FIT 使用量情報照会, HV 再点, HV and FIT アンペア変更; LV アンペア変更 in 06/07/08/10
    const callsBefore = h.sim.calls().length;
    for (const c of combos) {
      // The client refuses first …
      const start = c.type === 'occtoFacilityQueryWorkflow' ? startFacilityQuery : c.type === 'occtoUsageQueryWorkflow' ? startUsageQuery : startOcctoApplication;
      await expect(start(h.client, c.input)).rejects.toThrow(OperationNotOfferedError);
      // … and so does the workflow when started directly.
      const handle = await h.client.workflow.start(c.type, { taskQueue: WORKFLOWS_TASK_QUEUE, workflowId: `direct-${c.input.reference as string}`, args: [c.input] });
      for (let i = 0; i < 100 && (await handle.describe()).status.name === 'RUNNING'; i++) await delay(50);
      const err = await h.plainClient.workflow.getHandle(handle.workflowId).result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe('OcctoNotOffered');
      expect(cause.nonRetryable).toBe(true);
      expect(cause.message).toContain(c.op);
      expect(cause.message).toMatch(c.input.supplyPointId && /^(06|07|08|10)/.test(c.input.supplyPointId as string) ? /area (06|07|08|10)/ : new RegExp(`for ${c.category}`));
      expect(cause.message).toMatch(/docs\/external-systems\/occto-switching\.md §(2\.5|5\.3)/);
      // No activity was even scheduled.
      const history = await handle.fetchHistory();
      expect(history.events!.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
    }
    expect(h.sim.calls().length).toBe(callsBefore);
  });

  it('each operation kind completes in its categories; the 受付工程 comes from the batched poller, not per-workflow status calls', async () => {
    const desiredDate = jstDay(await h.env.currentTimeMs(), 20);
    const points = {
      reconnection: supplyPoint('100', '03'),
      discontinuationHv: supplyPoint('100', '05'),
      ampere: supplyPoint('100', '03'),
      generatorChange: supplyPoint('100', '09'),
      usageHv: supplyPoint('100', '04'),
      facilityFit: supplyPoint('100', '02'),
    };
    const started = [
      await startOcctoApplication(h.client, { kind: 'RECONNECTION', company: COMPANY, category: 'LV', supplyPointId: points.reconnection, reference: ref('rec'), desiredDate, customer: CUSTOMER }),
      await startOcctoApplication(h.client, { kind: 'DISCONTINUATION', company: COMPANY, category: 'HV', supplyPointId: points.discontinuationHv, reference: ref('dis'), desiredDate, withRemoval: true }),
      await startOcctoApplication(h.client, { kind: 'AMPERE_CHANGE', company: COMPANY, category: 'LV', supplyPointId: points.ampere, reference: ref('amp'), desiredDate, amperes: 30 }),
      await startOcctoApplication(h.client, { kind: 'CUSTOMER_INFO_CHANGE', company: COMPANY, category: 'FIT', supplyPointId: points.generatorChange, reference: ref('gen'), desiredDate, changes: { address: '福岡県福岡市中央区1-1' } }),
      await startUsageQuery(h.client, { company: COMPANY, category: 'HV', supplyPointId: points.usageHv, reference: ref('usage') }),
      await startFacilityQuery(h.client, { company: COMPANY, category: 'FIT', supplyPointId: points.facilityFit, reference: ref('fac') }),
    ];
    expect(started.every((s) => s.started)).toBe(true);
    const again = await startOcctoApplication(h.client, { kind: 'RECONNECTION', company: COMPANY, category: 'LV', supplyPointId: points.reconnection, reference: started[0]!.workflowId.split('/').at(-1)!, desiredDate, customer: CUSTOMER });
    expect(again).toMatchObject({ started: false, workflowId: started[0]!.workflowId }); // idempotent by business key

    const statuses = await settle(started.map((s) => s.workflowId));
    expect(statuses.map((s) => s.stage)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(statuses[3]!.label).toBe('発電者情報変更');
    expect(statuses[4]!.passwordValidUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await recordReplayFixture('occto-application-batched', started[1]!.handle);
    await recordReplayFixture('occto-usage-query-batched', started[4]!.handle);

    const ops = (point: string) => h.sim.calls().filter((c) => c.supplyPointId === point).map((c) => c.operation);
    expect(ops(points.reconnection)).toEqual(['reconnect']);
    expect(ops(points.discontinuationHv)).toEqual(['discontinue']);
    expect(ops(points.ampere)).toEqual(['ampereChange']);
    expect(ops(points.generatorChange)).toEqual(['customerChange']);
    // Apply; the poller says 06; one IF_K10220 for the password (IF_x11110 carries none); the query.
    expect(ops(points.usageHv)).toEqual(['usageApply', 'usageApplyStatus', 'usageQuery']);
    expect(ops(points.facilityFit)).toEqual(['facilityQuery']);
    const byCategory = (category: Category) => h.sim.calls().filter((c) => c.operation === 'statusList' && c.category === category).length;
    expect(byCategory('LV')).toBeGreaterThanOrEqual(1);
    expect(byCategory('HV')).toBeGreaterThanOrEqual(1);
    expect(byCategory('FIT')).toBeGreaterThanOrEqual(1);
  });

  it('an application cancelled while the poller follows it ends CANCELLED at once, its 取消 registered at OCCTO', async () => {
    const point = supplyPoint('100', '03');
    const { workflowId } = await startOcctoApplication(h.client, {
      kind: 'DISCONTINUATION',
      company: COMPANY,
      category: 'LV',
      supplyPointId: point,
      reference: ref('cancel'),
      desiredDate: jstDay(await h.env.currentTimeMs(), 20),
      withRemoval: false,
    });
    await settle([workflowId], (s) => s.stage === 'AWAITING_PROCESSING' && s.events.some((e) => e.event.includes('batched poller')));
    const accepted = await cancelOcctoApplication(h.client, workflowId, { requestedBy: 'operator1', reason: 'customer withdrew' });
    expect(accepted.accepted).toBe(true);
    const [status] = await settle([workflowId]);
    expect(status!.stage).toBe('CANCELLED');
    await recordReplayFixture('occto-application-cancelled', h.client.workflow.getHandle(workflowId));
    expect(status!.cancellation).toMatchObject({ requestedBy: 'operator1', reason: 'customer withdrew' });
    const app = h.sim.state().applications.find((a) => a.supplyPointId === point && !a.simulated)!;
    expect(app.cancelledAtMs).toBeDefined();
    expect(h.sim.calls().filter((c) => c.supplyPointId === point && c.operation === 'discontinueStatus')).toHaveLength(0);
  });
});
