// End to end on the current retailer's side, as an operator runs it: the dev server, the OCCTO
// simulator and the worker as separate processes. A simulated new retailer registers 廃止取次
// addressed to us; the inbox watcher (started and asked to sweep from the CLI) starts one workflow
// per relay; a person lists, reads (switching role only) and judges them with the CLI.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv, TEST_KEY_SPEC } from '../support/temporal-env.js';
import { startTs, runTs, type Proc } from '../support/processes.js';
import { COMPANY, supplyPoint } from '../../systems/occto/test/harness.js';
import { occtoWorkerEnv, startOcctoSimulatorProcess, type OcctoSimulatorProcess } from '../support/e2e-simulators.js';
import { getSwitchingOutStatus } from '../../systems/occto/client/switching-out.js';
import { switchingOutWorkflowId } from '../../systems/occto/domain/switching-out.js';
import type { SwitchingOutStatus } from '../../systems/occto/workflows/switching-out.defs.js';

let env: TestWorkflowEnvironment;
let sim: OcctoSimulatorProcess;
let worker: Proc;
let adminUrl = '';
let cliEnv: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'denki-e2e-out-'));
const NEW_RETAILER = '99991';
const LOGIN = { id: 'e2e-login', password: 'e2e-secret-password' };
const customer = { name: '転出 太郎', kana: 'テンシュツ タロウ', address: '兵庫県神戸市中央区加納町6-5-1' };

beforeAll(async () => {
  env = await createDevServerEnv();
  sim = await startOcctoSimulatorProcess({ certDir: `${dir}/pki`, login: LOGIN, judgementDelayMs: 1000, processingDelayMs: 2000 });
  adminUrl = sim.adminUrl;
  const recordsFile = join(dir, 'customer-records.json');
  writeFileSync(recordsFile, JSON.stringify({ records: [] }));
  worker = startTs(
    'worker/main.ts',
    occtoWorkerEnv(sim, { TEMPORAL_ADDRESS: env.address, CUSTOMER_RECORDS_FILE: recordsFile, STATUS_POLLER_INTERVAL: '1 second', LOG_LEVEL: 'info' }),
  );
  cliEnv = { TEMPORAL_ADDRESS: env.address, DENKI_PAYLOAD_KEYS: TEST_KEY_SPEC };
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await sim?.proc.stop();
  await env?.teardown();
});

async function inject(point: string): Promise<string> {
  const res = await fetch(`${adminUrl}/incoming-relays`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ toCompany: COMPANY, category: 'LV', supplyPointId: point, newRetailerCode: NEW_RETAILER, customer }),
  });
  expect(res.status).toBeLessThan(300);
  return ((await res.json()) as { haishiToritsugiNo: string }).haishiToritsugiNo;
}

async function until(workflowId: string, pred: (s: SwitchingOutStatus) => boolean, timeoutMs = 60_000): Promise<SwitchingOutStatus> {
  const end = Date.now() + timeoutMs;
  let last: SwitchingOutStatus | undefined;
  while (Date.now() < end) {
    last = await getSwitchingOutStatus(env.client, workflowId).catch(() => undefined);
    if (last && pred(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out; last status ${JSON.stringify(last)}\nworker output:\n${worker.output().slice(-3000)}`);
}

const cli = (...args: string[]) => runTs('client/cli.ts', args, cliEnv);

describe('end to end: incoming 廃止取次 judged by a person with the CLI', () => {
  it('the watcher sweeps, one workflow per relay; a person judges OK and NG; OK goes on to the stop application', async () => {
    const okRelay = await inject(supplyPoint('100', '03'));
    const ngRelay = await inject(supplyPoint('100', '03'));

    // Business hours or not, an operator's sweep looks now. Twice: a relay seen again starts nothing.
    expect((await cli('inbox', 'watch', '--company', COMPANY)).code).toBe(0);
    expect((await cli('inbox', 'sweep', '--company', COMPANY)).code).toBe(0);
    const okId = switchingOutWorkflowId(COMPANY, okRelay);
    const ngId = switchingOutWorkflowId(COMPANY, ngRelay);
    await until(okId, (s) => s.stage === 'AWAITING_JUDGEMENT');
    await until(ngId, (s) => s.stage === 'AWAITING_JUDGEMENT');
    expect((await cli('inbox', 'sweep', '--company', COMPANY)).code).toBe(0);

    // Not in our records: the status says so, by field and verdict only — no customer data.
    const status = await cli('switching-out', 'status', okId);
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as SwitchingOutStatus).recordCheck?.verdict).toBe('NOT_FOUND');
    expect(status.stdout).not.toContain('転出');

    // Visibility is eventually consistent: the list may lag a moment.
    let listed: string[] = [];
    for (let i = 0; i < 20 && !(listed.includes(okId) && listed.includes(ngId)); i++) {
      const l = await cli('switching-out', 'list', '--company', COMPANY);
      expect(l.code).toBe(0);
      listed = (JSON.parse(l.stdout) as { workflowId: string }[]).map((w) => w.workflowId);
      if (!listed.includes(okId)) await new Promise((r) => setTimeout(r, 500));
    }
    expect(listed).toEqual(expect.arrayContaining([okId, ngId]));

    // Relay data only for switching roles (win-back ban).
    const sales = await cli('switching-out', 'details', okId, '--role', 'sales', '--by', 'sales1');
    expect(sales.code).toBe(2);
    expect(sales.stderr).toMatch(/role 'sales' may not read relay data/);
    const details = await cli('switching-out', 'details', okId, '--role', 'switching-operator', '--by', 'op1');
    expect(details.code).toBe(0);
    expect(JSON.parse(details.stdout)).toMatchObject({ relayNo: okRelay, customer: { name: customer.name } });

    // The validator names the rule; nothing enters history.
    const bad = await cli('switching-out', 'judge', ngId, '--judgement', 'NG', '--by', 'approver1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/ngReasons/);

    expect((await cli('switching-out', 'judge', okId, '--judgement', 'OK', '--by', 'approver1')).code).toBe(0);
    expect((await cli('switching-out', 'judge', ngId, '--judgement', 'NG', '--reasons', '1', '--by', 'approver1')).code).toBe(0);
    // A judgement is final: a second one is refused.
    const again = await cli('switching-out', 'judge', ngId, '--judgement', 'OK', '--by', 'approver2');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/finished|final|cannot/);

    const [ok, ng] = await Promise.all([env.client.workflow.getHandle(okId).result(), env.client.workflow.getHandle(ngId).result()]);
    expect(ok).toMatchObject({ outcome: 'COMPLETED', relayNo: okRelay });
    expect(ng).toMatchObject({ outcome: 'COMPLETED_NG', relayNo: ngRelay, ngReasons: [1] });

    const summary = (await (await fetch(`${adminUrl}/summary`)).json()) as { violations: number };
    expect(summary.violations).toBe(0);
    const logs = worker.output();
    for (const secret of ['転出', 'テンシュツ', '加納町', 'e2e-secret-password']) expect(logs).not.toContain(secret);
  });
});
