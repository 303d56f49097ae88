// たくそう君 end to end and under load: the dev server, the simulator and TWO worker processes
// (each with a concurrency share of 4 of the 8) as separate processes; 40 applications of mixed
// kinds run in parallel and complete with zero concurrency and zero spacing violations, and the
// in-flight maximum shows both processes working without the cap being exceeded.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv, TEST_KEY_SPEC } from '../support/temporal-env.js';
import { runTs, startTs, type Proc } from '../support/processes.js';
import { COMPANY } from '../../systems/occto/test/harness.js';
import { constructionInput, constructionRef } from '../../systems/kansai-takusou/test/harness.js';
import { confirmConstructionCompletion, getConstructionStatus, startConstruction, startStreetLights } from '../../systems/kansai-takusou/client/construction.js';
import { jstDate } from '../../domain/jst.js';

const N_PER_KIND = 10;
let env: TestWorkflowEnvironment;
let sim: Proc;
const workers: Proc[] = [];
let adminUrl = '';
const dir = mkdtempSync(join(tmpdir(), 'denki-takusou-load-'));
const drawing = join(dir, 'drawing.pdf');
const report = join(dir, 'completion.pdf');
writeFileSync(drawing, Buffer.alloc(2048, 1));
writeFileSync(report, Buffer.alloc(1024, 2));

beforeAll(async () => {
  env = await createDevServerEnv();
  sim = startTs('systems/kansai-takusou/simulator/main.ts', {
    TAKUSOU_SIM_PORT: '0',
    TAKUSOU_SIM_ADMIN_PORT: '0',
    TAKUSOU_SIM_CERT_DIR: `${dir}/pki`,
    TAKUSOU_SIM_ACCEPTANCE_DELAY_MS: '2000',
    TAKUSOU_SIM_PROCESS_STEP_MS: '1000',
    TAKUSOU_SIM_CALCULATION_DELAY_MS: '3000',
    TAKUSOU_SIM_RESULT_DELAY_MS: '2000',
    // Every request takes 150 ms, so requests overlap and the in-flight count is observable.
    TAKUSOU_SIM_LATENCY_MS: '150',
    TAKUSOU_SIM_LOG_LEVEL: 'warn',
  });
  const info = await sim.firstJsonLine<{ takusouSimulator: { url: string; adminUrl: string; caFile: string } }>();
  adminUrl = info.takusouSimulator.adminUrl;
  for (let i = 0; i < 2; i++) {
    workers.push(
      startTs('worker/main.ts', {
        TEMPORAL_ADDRESS: env.address,
        DENKI_COMPANIES: COMPANY,
        TAKUSOU_BASE_URL: info.takusouSimulator.url,
        TAKUSOU_CA_FILE: info.takusouSimulator.caFile,
        TAKUSOU_CONCURRENCY_SHARE: '4',
        DENKI_PAYLOAD_KEYS: TEST_KEY_SPEC,
        LOG_LEVEL: 'warn',
      }),
    );
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await sim?.stop();
  await env?.teardown();
});

describe('たくそう君 under load with two worker processes (dev server)', () => {
  it(`${4 * N_PER_KIND} mixed applications complete with zero concurrency and spacing violations, ≤ 8 in flight`, { timeout: 400_000 }, async () => {
    const t0 = Date.now();
    const opts = { options: { pollInterval: '5 seconds', reminderInterval: '1 hour', decisionDeadline: '1 day' } };
    const ids: string[] = [];
    for (const kind of ['JOJI', 'RINJI', 'SHUDAN'] as const) {
      for (let i = 0; i < N_PER_KIND; i++) ids.push((await startConstruction(env.client, constructionInput(kind, constructionRef(), drawing, opts))).workflowId);
    }
    // Street lights: N lamps of one street, fanned out one application per lamp.
    const lamps = Array.from({ length: N_PER_KIND }, (_, i) => ({ lampType: 'LED', wattage: 40, poleNo: `P-${i + 1}` }));
    for (const s of await startStreetLights(env.client, constructionInput('GAIROTO', constructionRef(), drawing, { ...opts, lamps }))) ids.push(s.workflowId);
    expect(ids).toHaveLength(4 * N_PER_KIND);

    // A person confirms completion of each as it becomes due; wait until all are done.
    const confirmed = new Set<string>();
    const deadline = Date.now() + Number(process.env.LOAD_DEADLINE_MS ?? 300_000);
    let done = 0;
    while (Date.now() < deadline) {
      done = 0;
      for (const id of ids) {
        // Before its first workflow task a workflow has no query handler yet.
        const s = await getConstructionStatus(env.client, id).catch(() => undefined);
        if (!s) continue;
        if (s.stage === 'COMPLETED') done++;
        else if (s.stage === 'AWAITING_DECISION') throw new Error(`${id} needs a decision: ${JSON.stringify(s.decision)}`);
        else if (s.stage === 'AWAITING_COMPLETION' && !confirmed.has(id)) {
          await confirmConstructionCompletion(env.client, id, {
            confirmedBy: 'fieldlead1',
            completedOn: jstDate(Date.now()),
            documents: [{ ref: report, documentType: 'COMPLETION_REPORT', sizeBytes: 1024 }],
          });
          confirmed.add(id);
        }
      }
      if (done === ids.length) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const elapsedS = (Date.now() - t0) / 1000;
    if (done !== ids.length) {
      const sample = await getConstructionStatus(env.client, ids[0]!).catch((e: unknown) => String(e));
      throw new Error(`${done}/${ids.length} completed; first: ${JSON.stringify(sample).slice(0, 1500)}\nworker: ${workers[0]!.output().slice(-2500)}`);
    }

    const summary = (await (await fetch(`${adminUrl}/summary`)).json()) as {
      calls: number;
      violations: { concurrency: number; spacing: number };
      maxInFlight: number;
    };
    console.log(
      `takusou load: ${ids.length} applications, ${summary.calls} calls, max in flight ${summary.maxInFlight}, ` +
        `violations concurrency ${summary.violations.concurrency} spacing ${summary.violations.spacing}, elapsed ${elapsedS.toFixed(1)} s`,
    );
    expect(summary.violations).toEqual({ concurrency: 0, spacing: 0 });
    expect(summary.maxInFlight).toBeLessThanOrEqual(8);
    // More than one process's share was in flight at once: both processes did work.
    expect(summary.maxInFlight).toBeGreaterThan(4);
    for (const w of workers) expect(w.output()).not.toContain('工事 花子');
    // An operator reads one with the CLI; a notice correction is refused with the reason.
    const cliEnv = { TEMPORAL_ADDRESS: env.address, DENKI_PAYLOAD_KEYS: TEST_KEY_SPEC };
    const status = await runTs('client/cli.ts', ['construction', 'status', ids[0]!], cliEnv);
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as { stage: string }).stage).toBe('COMPLETED');
  });
});
