// End to end as it runs for real: the Temporal dev server, the OCCTO simulator and the worker as
// separate processes; a business app (the client library) and an operator (the CLI) drive it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv, TEST_KEY_SPEC } from '../support/temporal-env.js';
import { startTs, runTs, type Proc } from '../support/processes.js';
import { getSwitchingInStatus, startSwitchingIn } from '../../systems/occto/client/switching-in.js';
import { COMPANY, jstDay, supplyPoint } from '../../systems/occto/test/harness.js';
import { occtoWorkerEnv, startOcctoSimulatorProcess, type OcctoSimulatorProcess } from '../support/e2e-simulators.js';
import type { SwitchingInStatus } from '../../systems/occto/workflows/switching-in.defs.js';

let env: TestWorkflowEnvironment;
let sim: OcctoSimulatorProcess;
let worker: Proc;
let adminUrl = '';
let workerEnv: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'denki-e2e-'));
const keySpec = TEST_KEY_SPEC;
const LOGIN = { id: 'e2e-login', password: 'e2e-secret-password' };

beforeAll(async () => {
  env = await createDevServerEnv();
  sim = await startOcctoSimulatorProcess({ certDir: `${dir}/pki`, login: LOGIN, judgementDelayMs: 1500, processingDelayMs: 2000 });
  adminUrl = sim.adminUrl;
  workerEnv = occtoWorkerEnv(sim, { TEMPORAL_ADDRESS: env.address, DENKI_PAYLOAD_KEYS: keySpec, LOG_LEVEL: 'info' });
  worker = startTs('worker/main.ts', workerEnv);
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await sim?.proc.stop();
  await env?.teardown();
});

async function until(workflowId: string, pred: (s: SwitchingInStatus) => boolean, timeoutMs = 60_000): Promise<SwitchingInStatus> {
  const end = Date.now() + timeoutMs;
  let last: SwitchingInStatus | undefined;
  while (Date.now() < end) {
    last = await getSwitchingInStatus(env.client, workflowId).catch(() => undefined);
    if (last && pred(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out; last status ${JSON.stringify(last)}\nworker output:\n${worker.output().slice(-3000)}`);
}

describe('end to end: dev server + worker + simulator processes', () => {
  it('a business app starts switchings; an operator lists, inspects and decides with the CLI; both complete', async () => {
    const now = Date.now();
    const base = (point: string) => ({
      company: COMPANY,
      category: 'LV',
      supplyPointId: point,
      supplyStartDate: jstDay(now, 10),
      nextButOneMeterReadingDate: jstDay(now, 40),
      customer: { name: '試験 花子', kana: 'シケン ハナコ', address: '京都府京都市下京区烏丸通塩小路下る' },
      options: { pollInterval: '1 second' },
    });
    const okPoint = supplyPoint('100', '06');
    const ngPoint = supplyPoint('802', '06');
    const ok = await startSwitchingIn(env.client, base(okPoint));

    // The operator starts the other from a JSON file with the CLI.
    const file = join(dir, 'ng.json');
    writeFileSync(file, JSON.stringify(base(ngPoint)));
    const cliEnv = { TEMPORAL_ADDRESS: env.address, DENKI_PAYLOAD_KEYS: keySpec };
    const started = await runTs('client/cli.ts', ['switching-in', 'start', '--file', file], cliEnv);
    expect(started.code).toBe(0);
    const ngId = (JSON.parse(started.stdout) as { workflowId: string; started: boolean }).workflowId;
    expect(ngId).toBe(`switching-in/${COMPANY}/${ngPoint}`);

    await until(ngId, (s) => s.stage === 'AWAITING_DECISION');
    const listed = await runTs('client/cli.ts', ['switching-in', 'list', '--awaiting-human', '--company', COMPANY, '--area', '06'], cliEnv);
    expect(listed.code).toBe(0);
    // Visibility is eventually consistent: the list may lag the query by a moment.
    const listedIds = (JSON.parse(listed.stdout) as { workflowId: string }[]).map((w) => w.workflowId);
    if (!listedIds.includes(ngId)) {
      await new Promise((r) => setTimeout(r, 2000));
      const again = await runTs('client/cli.ts', ['switching-in', 'list', '--company', COMPANY], cliEnv);
      expect((JSON.parse(again.stdout) as { workflowId: string }[]).map((w) => w.workflowId)).toContain(ngId);
    }
    const status = await runTs('client/cli.ts', ['switching-in', 'status', ngId], cliEnv);
    expect((JSON.parse(status.stdout) as SwitchingInStatus).decision?.reason).toBe('RELAY_NG');

    const refused = await runTs('client/cli.ts', ['switching-in', 'decide', ngId, '--action', 'abandon', '--by', 'approver1'], cliEnv);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/reason is required to abandon/);
    const decided = await runTs(
      'client/cli.ts',
      ['switching-in', 'decide', ngId, '--action', 'resubmit', '--by', 'approver1', '--corrections', JSON.stringify({ supplyStartDate: jstDay(now, 11) })],
      cliEnv,
    );
    expect(decided.code).toBe(0);

    const [a, b] = await Promise.all([ok.handle.result(), env.client.workflow.getHandle(ngId).result()]);
    expect(a.outcome).toBe('COMPLETED');
    expect(b.outcome).toBe('COMPLETED');

    const summary = (await (await fetch(`${adminUrl}/summary`)).json()) as { calls: number; violations: number };
    expect(summary.calls).toBeGreaterThan(8);
    expect(summary.violations).toBe(0);
    // The worker's JSON logs never carry the customer's data or the OCCTO password.
    const logs = worker.output();
    expect(logs).toContain('"msg":"worker started"');
    for (const secret of ['試験', 'シケン', '烏丸', 'e2e-secret-password']) expect(logs).not.toContain(secret);
  });

  it('the worker refuses to start on a bad configuration, naming the variables', async () => {
    const r = await runTs('worker/main.ts', [], { ...workerEnv, DENKI_COMPANIES: '1234', OCCTO_RATE_PER_SECOND: 'fast', OCCTO_ENDPOINT: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DENKI_COMPANIES entry '1234'/);
    expect(r.stderr).toMatch(/OCCTO_RATE_PER_SECOND must be a number/);
    expect(r.stderr).not.toContain('e2e-secret-password');
  });
});
