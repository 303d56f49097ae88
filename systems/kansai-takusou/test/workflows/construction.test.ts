// たくそう君 construction applications on the time-skipping server against the real simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv } from '../../../../test/support/temporal-env.js';
import { COMPANY, constructionInput, constructionRef, createTakusouHarness, type TakusouHarness } from '../harness.js';
import { DecisionRejectedError } from '../../../../client/update-errors.js';
import { InvalidInputError } from '../../../../domain/errors.js';
import {
  cancelConstruction,
  confirmConstructionCompletion,
  correctConstruction,
  getConstructionStatus,
  startConstruction,
  startStreetLights,
  ensureNoticeWatcher,
  sendNoticeAction,
} from '../../client/construction.js';
import type { ConstructionStage } from '../../workflows/construction.defs.js';
import { addDays, jstDate, jstDateTimeMs, jstParts } from '../../../../domain/jst.js';
import { recordReplayFixture } from '../../../../test/support/replay-fixtures.js';

let env: TestWorkflowEnvironment;
let h: TakusouHarness;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  // Simulated time: acceptance 1 h after filing, each 工程 step 6 h, 契約算定 1 day, 結果通知 1 day
  // after the 竣工届. The workflow polls every 6 hours: few calls, time skipping does the waiting.
  h = await createTakusouHarness(env, { timing: { acceptanceDelayMs: 3_600_000, processStepMs: 6 * 3_600_000, calculationDelayMs: 86_400_000, resultDelayMs: 86_400_000 } });
});

afterAll(async () => {
  await h?.close();
  await env?.teardown();
});

async function waitForStage(workflowId: string, stage: ConstructionStage, step = '1 hour', maxSteps = 300) {
  let s;
  for (let i = 0; i < maxSteps; i++) {
    s = await getConstructionStatus(h.client, workflowId).catch(() => undefined);
    if (s?.stage === stage) return s;
    if (i < 5) await new Promise((r) => setTimeout(r, 300));
    else await env.sleep(step);
  }
  const calls = h.sim.calls().slice(-4).map((c) => `${c.service} ${c.httpStatus} ${c.moshikomiNo ?? ''}`);
  throw new Error(`workflow ${workflowId} never reached ${stage}; last status: ${JSON.stringify(s)}; last calls: ${calls.join(' | ')}`);
}

const today = async () => jstDate(await env.currentTimeMs());
const completion = (by = 'fieldlead1', completedOn?: string) => async () => ({
  confirmedBy: by,
  completedOn: completedOn ?? (await today()),
  documents: [{ ref: h.files.completion, documentType: 'COMPLETION_REPORT' as const, sizeBytes: 1024 }],
});

describe('construction applications (たくそう君, time-skipping server)', () => {
  it('常時: apply → attach → accepted → 工程/契約算定 → completion confirmed → 竣工届 → 結果通知, 1-second rule kept', async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      const ref = constructionRef();
      const { workflowId, handle } = await startConstruction(h.client, constructionInput('JOJI', ref, h.files.drawing));
      expect(workflowId).toBe(`construction/${COMPANY}/${ref}`);
      const waiting = await waitForStage(workflowId, 'AWAITING_COMPLETION');
      expect(waiting.acceptance).toBe('ACCEPTED');
      expect(waiting.contractCalculation).toBeDefined();
      expect(waiting.awaitingHuman).toBe(true);

      // The validator refuses what a person could get wrong, before anything enters history.
      await expect(
        confirmConstructionCompletion(h.client, workflowId, { confirmedBy: 'fieldlead1', completedOn: await today(), documents: [{ ref: h.files.drawing, documentType: 'DRAWING', sizeBytes: 2048 }] }),
      ).rejects.toThrow(/COMPLETION_REPORT/);
      await expect(confirmConstructionCompletion(h.client, workflowId, { ...(await completion()()), completedOn: addDays(await today(), 3) })).rejects.toThrow(/in the future/);
      await confirmConstructionCompletion(h.client, workflowId, await completion()());

      const result = await handle.result();
      expect(result.outcome).toBe('COMPLETED');
      await recordReplayFixture('construction-joji', handle);
      const status = await getConstructionStatus(h.client, workflowId);
      expect(status.stage).toBe('COMPLETED');
      expect(status.attachedFiles.map((f) => f.documentType).sort()).toEqual(['COMPLETION_REPORT', 'DRAWING']);
      expect(JSON.stringify(status)).not.toContain('工事 花子');
      const summary = h.sim.summary();
      expect(summary.violations.spacing).toBe(0);
      expect(summary.violations.concurrency).toBe(0);
    });
  });

  it('集団: 集団申込 → 集団申込完了 → group acceptance/process/calculation → 集団竣工届 → result', async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      const { workflowId, handle } = await startConstruction(h.client, constructionInput('SHUDAN', constructionRef(), h.files.drawing));
      await waitForStage(workflowId, 'AWAITING_COMPLETION');
      await confirmConstructionCompletion(h.client, workflowId, await completion()());
      expect((await handle.result()).outcome).toBe('COMPLETED');
      await recordReplayFixture('construction-shudan', handle);
      const events = (await getConstructionStatus(h.client, workflowId)).events.map((e) => e.event).join('\n');
      expect(events).toMatch(/集団申込完了 sent/);
      expect(events).toMatch(/竣工届 filed/);
      const services = h.sim.calls().map((c) => c.service);
      expect(services).toEqual(expect.arrayContaining(['Shdnmshkm', 'ShdnmshkmKnry', 'ShdnUktskKkaJohShtk', 'ShdnShnkoTdk', 'ShdnKkaTschiJohShtk']));
      expect(h.sim.summary().violations.spacing).toBe(0);
    });
  });

  it('臨時 needing correction: a person sends a 訂正 and it goes through; 街路灯 fans out one workflow per lamp', async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      const { workflowId, handle } = await startConstruction(h.client, constructionInput('RINJI', constructionRef('802'), h.files.drawing));
      const waiting = await waitForStage(workflowId, 'AWAITING_DECISION');
      expect(waiting.decision?.reason).toBe('NEEDS_CORRECTION');
      await expect(correctConstruction(h.client, workflowId, { correctedBy: 'clerk1' })).rejects.toThrow(/at least one item/);
      await expect(correctConstruction(h.client, workflowId, { correctedBy: 'clerk1', changes: { contractAmperes: -5 } })).rejects.toThrow(DecisionRejectedError);
      await correctConstruction(h.client, workflowId, { correctedBy: 'clerk1', changes: { contractAmperes: 50 } });
      await waitForStage(workflowId, 'AWAITING_COMPLETION');
      await confirmConstructionCompletion(h.client, workflowId, await completion()());
      expect((await handle.result()).outcome).toBe('COMPLETED');
      expect((await getConstructionStatus(h.client, workflowId)).corrections).toBe(1);
      await recordReplayFixture('construction-rinji-correction', handle);

      const lamps = [1, 2, 3].map((i) => ({ lampType: 'LED', wattage: 40, poleNo: `P-${i}` }));
      const base = constructionInput('GAIROTO', constructionRef(), h.files.drawing, { lamps });
      await expect(startConstruction(h.client, base)).rejects.toThrow(/one lamp per application/);
      const started = await startStreetLights(h.client, base);
      expect(started.map((s) => s.workflowId)).toEqual([1, 2, 3].map((i) => `construction/${COMPANY}/${base.reference}-L0${i}`));
      for (const s of started) await waitForStage(s.workflowId, 'AWAITING_COMPLETION');
      for (const s of started) await confirmConstructionCompletion(h.client, s.workflowId, await completion()());
      for (const s of started) expect((await s.handle.result()).outcome).toBe('COMPLETED');
    });
  });

  it('cancellation by a person at any stage: 申込取消 is sent and the workflow ends CANCELLED', async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      const { workflowId, handle } = await startConstruction(h.client, constructionInput('JOJI', constructionRef('803'), h.files.drawing));
      await waitForStage(workflowId, 'AWAITING_ACCEPTANCE');
      await expect(cancelConstruction(h.client, workflowId, { requestedBy: 'clerk1', reason: '' })).rejects.toThrow(/reason/);
      await cancelConstruction(h.client, workflowId, { requestedBy: 'clerk1', reason: '顧客都合' });
      const result = await handle.result();
      expect(result).toMatchObject({ outcome: 'CANCELLED', reason: '顧客都合', by: 'clerk1' });
      await recordReplayFixture('construction-cancelled', handle);
      expect(h.sim.calls().some((c) => c.service === 'MshkmTrkesh' && c.httpStatus === 200)).toBe(true);
    });
  });

  it('Sunday 01:00–03:00 JST and an announced window: no call inside either; the watcher learns the window from お知らせ', { timeout: 300_000 }, async () => {
    const w = await h.startWorkers();
    await w.runUntil(async () => {
      // Skip to Sunday 00:30 JST.
      let now = await env.currentTimeMs();
      let day = jstDate(now);
      while (jstParts(jstDateTimeMs(day, '12:00')).weekday !== 0) day = addDays(day, 1);
      let target = jstDateTimeMs(day, '00:30');
      if (target <= now) target = jstDateTimeMs(addDays(day, 7), '00:30');
      await env.sleep(target - now);
      now = await env.currentTimeMs();

      // KTD announces a window (published as a MAINTENANCE お知らせ) from 05:00 to 09:00.
      const announced = { start: Math.ceil((now + 4.5 * 3_600_000) / 1000) * 1000, end: Math.ceil((now + 8.5 * 3_600_000) / 1000) * 1000, reason: '臨時メンテナンス' };
      h.sim.addMaintenance(announced);
      const watcher = await ensureNoticeWatcher(h.client, COMPANY, '30 minutes');
      // Notices cannot be corrected or deleted: refused before any call.
      await expect(sendNoticeAction(h.client, COMPANY, { action: 'correct', noticeId: 'N00000001', by: 'clerk1' })).rejects.toThrow(/register a new notice/);
      await expect(sendNoticeAction(h.client, COMPANY, { action: 'delete', noticeId: 'N00000001', by: 'clerk1' })).rejects.toThrow(/cannot be deleted/);
      const registered = await sendNoticeAction(h.client, COMPANY, { action: 'register', title: '工事のお知らせ', body: '訂正: 日程変更', by: 'clerk1' });
      expect(registered.id).toMatch(/^N\d+$/);

      const { workflowId, handle } = await startConstruction(h.client, constructionInput('JOJI', constructionRef(), h.files.drawing, { options: { pollInterval: '1 hour' } }));
      // A window announced while the application runs reaches it through the watcher (signal).
      await waitForStage(workflowId, 'AWAITING_ACCEPTANCE', '30 minutes');
      // Whole seconds: お知らせ carry date-times to the second.
      const later = { start: Math.ceil((now + 30 * 3_600_000) / 1000) * 1000, end: Math.ceil((now + 31 * 3_600_000) / 1000) * 1000, reason: '追加メンテナンス' };
      h.sim.addMaintenance(later);
      await waitForStage(workflowId, 'AWAITING_COMPLETION', '2 hours');
      // The watcher's signal arrives asynchronously after its poll: give it a moment.
      let announcedEvents = '';
      for (let i = 0; i < 40 && !announcedEvents.includes('maintenance window announced'); i++) {
        announcedEvents = (await getConstructionStatus(h.client, workflowId)).events.map((e) => e.event).join('\n');
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(announcedEvents).toContain(`maintenance window announced ${new Date(later.start).toISOString()}`);
      await confirmConstructionCompletion(h.client, workflowId, await completion()());
      expect((await handle.result()).outcome).toBe('COMPLETED');

      const weekly = { start: jstDateTimeMs(day, '01:00'), end: jstDateTimeMs(day, '03:00') };
      const mine = h.sim.calls().filter((c) => c.simulatedAtMs >= target);
      expect(mine.filter((c) => c.inMaintenance && c.service !== 'OshrsJohShtk')).toEqual([]);
      const constructionCalls = mine.filter((c) => c.service !== 'OshrsJohShtk' && c.service !== 'OshrsJohKdkTschi' && c.service !== 'OshrsJohTrk');
      expect(constructionCalls.filter((c) => c.simulatedAtMs >= weekly.start && c.simulatedAtMs < weekly.end)).toEqual([]);
      expect(constructionCalls.filter((c) => c.simulatedAtMs >= announced.start && c.simulatedAtMs < announced.end)).toEqual([]);
      expect(constructionCalls.filter((c) => c.simulatedAtMs >= later.start && c.simulatedAtMs < later.end)).toEqual([]);
      const events = (await getConstructionStatus(h.client, workflowId)).events.map((e) => e.event).join('\n');
      expect(events).toMatch(/waiting for maintenance/);
      await watcher.terminate('test done');
    });
  });

  it('refuses unsupported functions and bad inputs before any call, naming the field', async () => {
    const callsBefore = h.sim.calls().length;
    const bad = async (input: unknown) => {
      const err = await startConstruction(h.client, input).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidInputError);
      return (err as InvalidInputError).violations;
    };
    const ref = constructionRef();
    expect((await bad(constructionInput('JOJI', ref, h.files.drawing, { supplyTypes: ['DENTO', 'DENRYOKU'] })))[0]!.message).toMatch(/cannot bundle/);
    expect((await bad(constructionInput('RINJI', ref, h.files.drawing, { supplyTypes: ['DENTO', 'DENRYOKU'] })))[0]!.message).toMatch(/臨時/);
    const noMaker = await bad(constructionInput('JOJI', ref, h.files.drawing, { equipment: [{ name: '温水器', capacityKw: 1, waterHeater: { model: 'EQ-46' } }] }));
    expect(noMaker.map((v) => v.field)).toEqual(expect.arrayContaining(['equipment.0.waterHeater.maker']));
    expect((await bad({ ...constructionInput('JOJI', ref, h.files.drawing), kind: 'OFFICE' })).map((v) => v.field)).toContain('kind');
    expect((await bad(constructionInput('JOJI', ref, h.files.drawing, { files: [] }))).map((v) => v.message).join()).toMatch(/DRAWING/);
    const big = await bad(constructionInput('JOJI', ref, h.files.drawing, { files: [{ ref: h.files.drawing, documentType: 'DRAWING', sizeBytes: 20 * 1024 * 1024 }] }));
    expect(big.map((v) => v.field)).toContain('files.0.sizeBytes');
    const exe = await bad(constructionInput('JOJI', ref, h.files.drawing, { files: [{ ref: '/tmp/x.exe', documentType: 'DRAWING', sizeBytes: 10 }] }));
    expect(exe.map((v) => v.field)).toContain('files.0.ref');
    expect(h.sim.calls().length).toBe(callsBefore);
  });
});
