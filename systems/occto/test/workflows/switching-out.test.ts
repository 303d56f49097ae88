// Current-retailer switching (スイッチング・現小売) on the time-skipping test server, against the real
// OCCTO simulator: a simulated new retailer's 廃止取次 arrives in our inbox, the sweep starts the
// workflow, our records are checked, a person (or a rule) judges, and on OK our スイッチング廃止申請
// is followed through the batched status poller.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPANY, skipTime, supplyPoint, useOcctoHarness, type StartWorkersOptions } from '../harness.js';
import { recordReplayFixture } from '../../../../test/support/replay-fixtures.js';
import { SIMULATED_NEW_RETAILER } from '../../simulator/server.js';
import { DecisionRejectedError } from '../../client/switching-in.js';
import {
  RoleNotPermittedError,
  decideSwitchingOut,
  getRelayDetails,
  getSwitchingOutStatus,
  judgeSwitchingOut,
  reportMistakenOk,
} from '../../client/switching-out.js';
import { switchingOutWorkflowId, type SwitchingOutOptionsInput } from '../../domain/switching-out.js';
import { WORKFLOWS_TASK_QUEUE } from '../../../../domain/task-queues.js';
import type { SwitchingOutResult, SwitchingOutStage, SwitchingOutStatus } from '../../workflows/switching-out.defs.js';
import type { InboxSweepResult } from '../../workflows/incoming-relays.defs.js';
import type { Category } from '../../../../domain/categories.js';

const dir = mkdtempSync(join(tmpdir(), 'switching-out-'));
const recordsFile = join(dir, 'records.json');

const CUSTOMER = { name: '電気 太郎', kana: 'デンキ タロウ', address: '東京都千代田区丸の内3丁目6番16号', phone: '03-1234-5678' };
const PII = ['電気', 'デンキ', '丸の内', '03-1234-5678'];
// Points held in our records (MATCH), one per test that needs it; the last three digits pick the simulator's pattern.
const P = {
  personOk: supplyPoint('100'),
  personNg: supplyPoint('100'),
  ruleOk: supplyPoint('100'),
  ruleOkHv: supplyPoint('100'),
  ruleOkFit: supplyPoint('100'),
  escalate: supplyPoint('100'),
  mistaken: supplyPoint('100'),
  bizError: supplyPoint('100'),
};
const UNKNOWN = supplyPoint('100'); // not in our records
const ENDED = supplyPoint('100'); // our contract there has ended
const CATEGORY_OF: Partial<Record<string, Category>> = { [P.ruleOkHv]: 'HV', [P.ruleOkFit]: 'FIT' };

const FAST: SwitchingOutOptionsInput = { pollInterval: '30 minutes' };

// Registered before the harness: runs before its set-up, and after its tear-down.
beforeAll(() => {
  writeFileSync(
    recordsFile,
    JSON.stringify({
      records: Object.values(P).map((supplyPointId) => ({
        company: COMPANY,
        category: CATEGORY_OF[supplyPointId] ?? 'LV',
        supplyPointId,
        status: 'ACTIVE',
        // Written differently from the relay (full-width, 丁目 notation): still a MATCH.
        customer: { name: '電気　太郎', kana: 'ﾃﾞﾝｷ ﾀﾛｳ', address: '東京都千代田区丸の内３－６－１６' },
      })).concat([{ company: COMPANY, category: 'LV', supplyPointId: ENDED, status: 'ENDED', customer: { name: '電気　太郎', kana: 'ﾃﾞﾝｷ ﾀﾛｳ', address: '東京都千代田区丸の内３－６－１６' } }]),
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One worker set for the file: the status pollers outlive each test, and the Java test server does
// not hand a stopped worker's sticky tasks back to the shared queue (real servers do).
const WORKERS: StartWorkersOptions = {
  minSpacingMs: 50,
  afterResponseMs: 0,
  ratePerSecond: 20,
  statusTracking: { mode: 'batched', intervalMs: 10 * 60_000 },
  customerRecordsFile: recordsFile,
  // The worker's rule: a point whose contract with us ended is NG (reason 1) without a person.
  autoJudge: { okWhenMatch: false, ngWhenNotFound: false, ngReasonsWhenNotFound: [1], ngWhenNotActive: true, ngReasonsWhenNotActive: [1] },
};
const h = useOcctoHarness(
  {
    timing: { judgementDelayMs: 3_600_000, processingDelayMs: 3 * 3_600_000, hangMs: 8_000 },
    rateLimit: { capPerSecond: 20 },
  },
  WORKERS,
);

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A 廃止取次 from the simulated new retailer, then one forced sweep that starts its workflow. */
async function relayArrives(point: string, options: SwitchingOutOptionsInput = FAST, category: Category = CATEGORY_OF[point] ?? 'LV') {
  const relay = h.sim.injectIncomingRelay({ toCompany: COMPANY, category, supplyPointId: point, newRetailerCode: SIMULATED_NEW_RETAILER, customer: CUSTOMER });
  const sweepHandle = await h.client.workflow.start('occtoInboxSweepWorkflow', {
    taskQueue: WORKFLOWS_TASK_QUEUE,
    workflowId: `test-sweep-${relay.haishiToritsugiNo}`,
    args: [{ company: COMPANY, categories: [category], force: true, switchingOut: options }],
  });
  // The sweep needs no timer: wait in real time, then read its (already final) result.
  for (let i = 0; i < 200 && (await sweepHandle.describe()).status.name === 'RUNNING'; i++) await delay(100);
  const sweep = (await h.plainClient.workflow.getHandle(sweepHandle.workflowId).result()) as InboxSweepResult;
  const workflowId = switchingOutWorkflowId(COMPANY, relay.haishiToritsugiNo);
  expect(sweep.startedWorkflowIds).toContain(workflowId);
  return { relayNo: relay.haishiToritsugiNo, workflowId, handle: h.client.workflow.getHandle(workflowId) };
}

/**
 * Drives Temporal time itself until `pred` holds: real pauses first (activities already due run),
 * then time-skipping steps (skipTime). Never waits in result() on a running workflow (the test
 * server's time-skipping lock is counted per call).
 */
async function waitFor(workflowId: string, pred: (s: SwitchingOutStatus) => boolean, step = '10 minutes', maxSteps = 300): Promise<SwitchingOutStatus> {
  let last: SwitchingOutStatus | undefined;
  for (let i = 0; i < maxSteps; i++) {
    last = await getSwitchingOutStatus(h.client, workflowId).catch(() => undefined);
    if (last && pred(last)) return last;
    if (i < 4 || !last) await delay(250);
    else await skipTime(h.env, step);
  }
  throw new Error(`workflow ${workflowId} never got there; last status ${JSON.stringify(last)}`);
}
const waitForStage = (workflowId: string, stage: SwitchingOutStage, step?: string) => waitFor(workflowId, (s) => s.stage === stage, step);
const TERMINAL: SwitchingOutStage[] = ['COMPLETED', 'COMPLETED_NG', 'CANCELLED_BY_NEW_RETAILER', 'ABANDONED'];
/** The workflow's result once it has ended. */
async function outcome(workflowId: string, step = '10 minutes'): Promise<SwitchingOutResult> {
  await waitFor(workflowId, (s) => TERMINAL.includes(s.stage), step);
  return (await h.plainClient.workflow.getHandle(workflowId).result()) as SwitchingOutResult;
}

const incoming = (relayNo: string) => h.sim.state().incomingRelays.find((r) => r.haishiToritsugiNo === relayNo)!;
const stopApplications = (point: string) => h.sim.state().applications.filter((a) => a.supplyPointId === point && a.kind === 'stop' && !a.simulated);
const callsOn = (point: string) => h.sim.calls().filter((c) => c.supplyPointId === point);

describe('switching-out workflow (time-skipping server, OCCTO simulator)', () => {
  it('a person judges OK: 判断 → 廃止申請 → 受付工程 06 through the batched poller; no customer data outside relayDetails', async () => {
    {
      const point = P.personOk;
      const { relayNo, workflowId, handle } = await relayArrives(point);
      const waiting = await waitForStage(workflowId, 'AWAITING_JUDGEMENT');
      expect(waiting.recordCheck).toEqual({ verdict: 'MATCH', mismatchedFields: [], suggestedNgReasons: [] });
      expect(waiting.awaitingHuman).toBe(true);
      expect(waiting.newRetailerCode).toBe(SIMULATED_NEW_RETAILER);
      expect(waiting.pointIdLabel).toBe('供給地点特定番号');

      // Win-back ban: status, search attributes and summary carry no customer data; relayDetails does, for switching roles only.
      const desc = await handle.describe();
      for (const pii of PII) {
        expect(JSON.stringify(waiting)).not.toContain(pii);
        expect(JSON.stringify(desc.searchAttributes)).not.toContain(pii);
        expect(desc.staticSummary ?? '').not.toContain(pii);
      }
      expect(desc.typedSearchAttributes.get({ name: 'DenkiRelayNo', type: 'KEYWORD' } as never)).toBe(relayNo);
      expect(desc.typedSearchAttributes.get({ name: 'DenkiKind', type: 'KEYWORD' } as never)).toBe('switching-out');
      await expect(getRelayDetails(h.client, workflowId, { role: 'sales', userId: 'u1' })).rejects.toThrow(RoleNotPermittedError);
      const audit: unknown[] = [];
      const details = await getRelayDetails(h.client, workflowId, { role: 'switching-operator', userId: 'op1', audit: (e) => audit.push(e) });
      expect(details.customer).toEqual(CUSTOMER);
      expect(audit).toEqual([expect.objectContaining({ userId: 'op1', role: 'switching-operator', workflowId, access: 'relayDetails' })]);

      // Invalid judgements are refused by the validator, naming the field and the rule.
      await expect(judgeSwitchingOut(h.client, workflowId, { judgement: 'NG', ngReasons: [], decidedBy: 'approver1' })).rejects.toThrow(/ngReasons must name at least one 判断NG理由/);
      await expect(judgeSwitchingOut(h.client, workflowId, { judgement: 'NG', ngReasons: [3, 3], decidedBy: 'approver1' })).rejects.toThrow(/must not repeat/);
      await expect(judgeSwitchingOut(h.client, workflowId, { judgement: 'NG', ngReasons: [10], decidedBy: 'approver1' })).rejects.toThrow(/integers 1–9/);
      await expect(judgeSwitchingOut(h.client, workflowId, { judgement: 'MAYBE', decidedBy: 'approver1' } as never)).rejects.toThrow(/judgement must be 'OK' or 'NG'/);
      await expect(reportMistakenOk(h.client, workflowId, { reportedBy: 'op1' })).rejects.toThrow(/only after an OK judgement was registered/);

      expect(await (judgeSwitchingOut(h.client, workflowId, { judgement: 'OK', decidedBy: 'approver1' }))).toEqual({ accepted: true, judgement: 'OK', ngReasons: [] });
      const processing = await waitForStage(workflowId, 'AWAITING_PROCESSING');
      // The judgement is final: a second one is refused with the reason and what to do instead.
      await expect(judgeSwitchingOut(h.client, workflowId, { judgement: 'NG', ngReasons: [2], decidedBy: 'approver2' })).rejects.toThrow(
        /already OK .*cannot be changed by the current retailer \(docs\/external-systems\/occto-switching\.md §4\.3\).*reportMistakenOk/,
      );
      expect(processing.judgement).toMatchObject({ judgement: 'OK', by: 'person', decidedBy: 'approver1' });

      const result = await outcome(workflowId);
      expect(result).toMatchObject({ outcome: 'COMPLETED', relayNo, mistakenOkReported: false });
      const status = await getSwitchingOutStatus(h.client, workflowId);
      expect(status.stage).toBe('COMPLETED');
      expect(status.processingStage).toBe('06');
      expect(incoming(relayNo).jokyoCode).toBe('02');
      expect(stopApplications(point)).toHaveLength(1);
      expect(stopApplications(point)[0]!.idoYoteiBi).toBe(status.stopDate);
      // Status came from the batched poller (IF_x11110), not from per-workflow IF_x10720 calls.
      expect(callsOn(point).filter((c) => c.operation === 'switchingStopStatus')).toHaveLength(0);
      expect(status.events.map((e) => e.event).join('\n')).toMatch(/status tracked by the batched poller occto-status\/12346\/LV/);
      await recordReplayFixture('switching-out-person-ok', handle);
      const history = JSON.stringify((await handle.fetchHistory()).events);
      for (const pii of PII) expect(history).not.toContain(pii); // payloads are encrypted
    }
  });

  it('a person judges NG with reasons: 判断 NG registered, no stop application, COMPLETED_NG', async () => {
    {
      const point = P.personNg;
      const { relayNo, workflowId } = await relayArrives(point);
      await waitForStage(workflowId, 'AWAITING_JUDGEMENT');
      expect(await (judgeSwitchingOut(h.client, workflowId, { judgement: 'NG', ngReasons: [3, 2], decidedBy: 'approver1', comment: 'address differs' }))).toEqual({
        accepted: true,
        judgement: 'NG',
        ngReasons: [2, 3],
      });
      expect(await outcome(workflowId)).toEqual({ outcome: 'COMPLETED_NG', relayNo, ngReasons: [2, 3] });
      expect(incoming(relayNo)).toMatchObject({ jokyoCode: '03', ngReasons: [2, 3] });
      expect(stopApplications(point)).toHaveLength(0);
    }
  });

  it('a configured rule judges the clear cases (input rule: OK on MATCH for LV, HV and FIT, NG when not found; worker rule: NG when not active)', async () => {
    {
      const okOnMatch = { ...FAST, autoJudge: { okWhenMatch: true } };
      // One at a time: the test server's time-skipping lock is counted per result() call, and
      // concurrent calls leave it locked.
      const started = [];
      for (const p of [P.ruleOk, P.ruleOkHv, P.ruleOkFit]) started.push(await relayArrives(p, okOnMatch));
      const results: SwitchingOutResult[] = [];
      for (const s of started) results.push(await outcome(s.workflowId));
      expect(results.map((r) => r.outcome)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
      for (const s of started) {
        const status = await getSwitchingOutStatus(h.client, s.workflowId);
        expect(status.judgement).toMatchObject({ judgement: 'OK', by: 'rule', decidedBy: 'rule:okWhenMatch' });
        expect(incoming(s.relayNo).jokyoCode).toBe('02');
      }
      expect((await getSwitchingOutStatus(h.client, started[2]!.workflowId)).pointIdLabel).toBe('受電地点特定番号');
      expect((await getSwitchingOutStatus(h.client, started[1]!.workflowId)).category).toBe('HV');

      // Not in our records: the input's own rule says NG with reason 1, without a person.
      const unknown = await relayArrives(UNKNOWN, { ...FAST, autoJudge: { ngWhenNotFound: true, ngReasonsWhenNotFound: [1] } });
      expect(await outcome(unknown.workflowId)).toEqual({ outcome: 'COMPLETED_NG', relayNo: unknown.relayNo, ngReasons: [1] });
      const status = await getSwitchingOutStatus(h.client, unknown.workflowId);
      expect(status.recordCheck?.verdict).toBe('NOT_FOUND');
      expect(status.judgement).toMatchObject({ by: 'rule', decidedBy: 'rule:ngWhenNotFound' });

      // Our contract there ended: the worker's configured rule (SWITCHING_OUT_AUTO_JUDGE) says NG.
      const ended = await relayArrives(ENDED);
      expect(await outcome(ended.workflowId)).toEqual({ outcome: 'COMPLETED_NG', relayNo: ended.relayNo, ngReasons: [1] });
      expect((await getSwitchingOutStatus(h.client, ended.workflowId)).judgement).toMatchObject({ by: 'rule', decidedBy: 'rule:ngWhenNotActive' });
    }
  });

  it('no judgement by the deadline: reminders, escalation, and it keeps waiting for a person (never judged automatically)', async () => {
    {
      const point = P.escalate;
      const { workflowId, handle } = await relayArrives(point, { ...FAST, judgementDeadline: '2 hours', reminderInterval: '30 minutes', escalationInterval: '1 hour' });
      const escalated = await waitFor(workflowId, (s) => (s.pendingJudgement?.escalations ?? 0) >= 2, '30 minutes');
      expect(escalated.stage).toBe('AWAITING_JUDGEMENT');
      expect(escalated.pendingJudgement!.remindersSent).toBe(3); // at 30, 60 and 90 minutes
      expect(escalated.judgement).toBeUndefined();
      expect(escalated.events.map((e) => e.event).join('\n')).toMatch(/judgement overdue .* escalated/);
      const history = await handle.fetchHistory();
      const notices = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notifyPerson');
      expect(notices.length).toBeGreaterThanOrEqual(1 + 3 + 2); // asked, 3 reminders, ≥ 2 escalations
      // A person finally judges: the flow goes on.
      await (judgeSwitchingOut(h.client, workflowId, { judgement: 'NG', ngReasons: [5], decidedBy: 'approver3' }));
      expect((await outcome(workflowId)).outcome).toBe('COMPLETED_NG');
    }
  });

  it('a mistaken OK: reported after registration, a person is told what to do, and the cancelled relay ends CANCELLED_BY_NEW_RETAILER', async () => {
    {
      const point = P.mistaken;
      const { relayNo, workflowId } = await relayArrives(point);
      await waitForStage(workflowId, 'AWAITING_JUDGEMENT');
      await (judgeSwitchingOut(h.client, workflowId, { judgement: 'OK', decidedBy: 'approver1' }));
      await waitForStage(workflowId, 'AWAITING_PROCESSING');
      const accepted = await (reportMistakenOk(h.client, workflowId, { reportedBy: 'approver1', note: 'wrong customer' }));
      expect(accepted.instructions).toContain(SIMULATED_NEW_RETAILER);
      expect(accepted.instructions).toMatch(/取消/);
      expect(accepted.instructions).toContain(relayNo);
      await expect(reportMistakenOk(h.client, workflowId, { reportedBy: 'approver2' })).rejects.toThrow(/already reported by approver1/);
      await expect(judgeSwitchingOut(h.client, workflowId, { judgement: 'NG', ngReasons: [1], decidedBy: 'approver1' })).rejects.toThrow(DecisionRejectedError);

      // The new retailer cancels its relay (as told): our stop application is rejected (09).
      h.sim.cancelIncomingRelay(relayNo);
      const result = await outcome(workflowId);
      expect(result).toMatchObject({ outcome: 'CANCELLED_BY_NEW_RETAILER', relayNo });
      const status = await getSwitchingOutStatus(h.client, workflowId);
      expect(status.mistakenOk).toMatchObject({ reportedBy: 'approver1' });
      expect(status.processingStage).toBe('09');
      expect(incoming(relayNo).jokyoCode).toBe('06');
      await recordReplayFixture('switching-out-mistaken-ok', h.client.workflow.getHandle(workflowId));
    }
  });

  it('a business error goes to a person (retry / abandon), never a silent failure', async () => {
    {
      const point = P.bizError;
      const { relayNo, workflowId } = await relayArrives(point);
      await waitForStage(workflowId, 'AWAITING_JUDGEMENT');
      // Cancelled by the new retailer before we judge: registering the judgement fails (ERR_20070).
      h.sim.cancelIncomingRelay(relayNo);
      await (judgeSwitchingOut(h.client, workflowId, { judgement: 'OK', decidedBy: 'approver1' }));
      const waiting = await waitForStage(workflowId, 'AWAITING_DECISION');
      expect(waiting.decision).toMatchObject({ reason: 'BUSINESS_ERROR', code: 'ERR_20070', allowedActions: ['retry', 'abandon'] });
      expect(waiting.awaitingHuman).toBe(true);
      await expect(decideSwitchingOut(h.client, workflowId, { action: 'abandon', decidedBy: 'op1' } as never)).rejects.toThrow(/reason is required to abandon/);
      await (decideSwitchingOut(h.client, workflowId, { action: 'abandon', decidedBy: 'op1', reason: 'relay cancelled by the new retailer' }));
      expect(await outcome(workflowId)).toEqual({ outcome: 'ABANDONED', relayNo, reason: 'relay cancelled by the new retailer', decidedBy: 'op1' });
    }
  });
});
