// Prometheus metrics of a real worker PROCESS (the runtime with its exporter is installed once per
// process, so never in this one): the Temporal dev server, the OCCTO simulator and worker/main.ts
// with METRICS_ADDRESS. Switchings make OCCTO calls, one waits for a person, one meets an
// unannounced maintenance window, a construction application calls たくそう君; /metrics must show all
// of it, the counts matching the simulators' own records of the calls they received.
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv } from '../support/temporal-env.js';
import { startTs, type Proc } from '../support/processes.js';
import { decideSwitchingIn, getSwitchingInStatus, startSwitchingIn } from '../../systems/occto/client/switching-in.js';
import { COMPANY, jstDay, supplyPoint } from '../../systems/occto/test/harness.js';
import type { SwitchingInStatus } from '../../systems/occto/workflows/switching-in.defs.js';
import { startConstruction } from '../../systems/kansai-takusou/client/construction.js';
import { constructionInput, constructionRef } from '../../systems/kansai-takusou/test/harness.js';
import { occtoWorkerEnv, startOcctoSimulatorProcess, startTakusouSimulatorProcess, startTogether, takusouWorkerEnv, type OcctoSimulatorProcess, type TakusouSimulatorProcess } from '../support/e2e-simulators.js';

let env: TestWorkflowEnvironment;
let sim: OcctoSimulatorProcess;
let takusouSim: TakusouSimulatorProcess;
let worker: Proc;
let adminUrl = '';
let takusouAdminUrl = '';
let metricsUrl = '';
const dir = mkdtempSync(join(tmpdir(), 'denki-metrics-'));
const QUEUE = `occto.${COMPANY}`;
const TAKUSOU_QUEUE = `kansai-takusou.${COMPANY}`;
const LOGIN = { id: 'metrics-login', password: 'metrics-secret-password' };
const drawing = join(dir, 'drawing.pdf');
writeFileSync(drawing, Buffer.alloc(2048, 1));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const [server, port] = await Promise.all([createDevServerEnv(), freePort()]);
  env = server;
  [sim, takusouSim] = await startTogether(
    startOcctoSimulatorProcess({ certDir: `${dir}/pki`, login: LOGIN, judgementDelayMs: 1000, processingDelayMs: 1000 }),
    startTakusouSimulatorProcess({ certDir: `${dir}/takusou-pki` }),
  );
  adminUrl = sim.adminUrl;
  takusouAdminUrl = takusouSim.adminUrl;
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  worker = startTs('worker/main.ts', {
    ...occtoWorkerEnv(sim, { TEMPORAL_ADDRESS: env.address }),
    ...takusouWorkerEnv(takusouSim),
    LOG_LEVEL: 'warn',
    METRICS_ADDRESS: `127.0.0.1:${port}`,
    METRICS_DECISIONS_INTERVAL: '1 second',
  });
  await waitFor('the worker to serve /metrics', async () => (await scrape().catch(() => undefined)) !== undefined);
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await Promise.all([sim?.proc.stop(), takusouSim?.proc.stop()]);
  await env?.teardown();
});

// ---- Prometheus text format ------------------------------------------------------------------

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrape(): Promise<Sample[]> {
  const res = await fetch(metricsUrl);
  if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
  const out: Sample[] = [];
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of the samples named `name` whose labels include `match`. */
function sum(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}\nworker output:\n${worker.output().slice(-3000)}`);
}

interface SimCall {
  serviceId: string;
  service?: string;
  httpStatus: number;
  resultCode?: string;
  inMaintenance: boolean;
}
const simCalls = async (url = adminUrl) => (await (await fetch(`${url}/calls`)).json()) as SimCall[];

/** A simulator's calls and a scrape taken while no call arrived in between (none in flight). */
async function consistentView(url = adminUrl): Promise<{ calls: SimCall[]; samples: Sample[] }> {
  for (let i = 0; i < 20; i++) {
    const before = await simCalls(url);
    const samples = await scrape();
    const after = await simCalls(url);
    if (before.length === after.length && after.every((c) => c.httpStatus !== 0)) return { calls: after, samples };
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('OCCTO calls kept arriving: no quiet moment to compare');
}

const base = (point: string, options: Record<string, unknown> = {}) => ({
  company: COMPANY,
  category: 'LV',
  supplyPointId: point,
  supplyStartDate: jstDay(Date.now(), 10),
  nextButOneMeterReadingDate: jstDay(Date.now(), 40),
  customer: { name: '計測 太郎', kana: 'ケイソク タロウ', address: '大阪府大阪市北区中之島' },
  options: { pollInterval: '1 second', ...options },
});

async function stageOf(workflowId: string): Promise<SwitchingInStatus['stage'] | undefined> {
  return (await getSwitchingInStatus(env.client, workflowId).catch(() => undefined))?.stage;
}

describe('worker metrics on /metrics (dev server + simulator + worker processes)', () => {
  it('counts OCCTO calls by API and outcome as the simulator saw them, rate-limit waits, runtime metrics, and decisions awaiting a person', async () => {
    const ok = await startSwitchingIn(env.client, base(supplyPoint('100', '06')));
    const ng = await startSwitchingIn(env.client, base(supplyPoint('802', '06')));
    await ok.handle.result();
    await waitFor('the NG switching to await a decision', async () => (await stageOf(ng.workflowId)) === 'AWAITING_DECISION');
    await waitFor('denki_decisions_awaiting{kind="switching-in"} = 1', async () => sum(await scrape(), 'denki_decisions_awaiting', { kind: 'switching-in' }) === 1);

    const { calls, samples } = await consistentView();
    expect(calls.length).toBeGreaterThan(4);
    // Every request the simulator received, by API, and the ones it answered with success.
    const byApi = new Map<string, { all: number; ok: number }>();
    for (const c of calls) {
      const e = byApi.get(c.serviceId) ?? { all: 0, ok: 0 };
      e.all += 1;
      if (c.httpStatus === 200 && c.resultCode === 'I00000') e.ok += 1;
      byApi.set(c.serviceId, e);
    }
    for (const [api, n] of byApi) {
      expect(sum(samples, 'denki_external_calls_total', { system: 'occto', api, company: COMPANY }), api).toBe(n.all);
      expect(sum(samples, 'denki_external_calls_total', { system: 'occto', api, outcome: 'ok' }), api).toBe(n.ok);
      expect(sum(samples, 'denki_external_call_duration_seconds_count', { system: 'occto', api }), api).toBe(n.all);
    }
    expect(sum(samples, 'denki_external_calls_total', { system: 'occto', outcome: 'ok' })).toBeGreaterThan(0);
    expect(sum(samples, 'denki_external_calls_total', { system: 'occto' })).toBe(calls.length);

    // Rate limit: every request passed the spacer; every activity attempt was dispatched by the queue.
    expect(sum(samples, 'denki_rate_limit_wait_seconds_count', { system: 'occto', queue: QUEUE, stage: 'spacer' })).toBe(calls.length);
    const dispatched = sum(samples, 'denki_rate_limit_wait_seconds_count', { system: 'occto', queue: QUEUE, stage: 'dispatch' });
    expect(dispatched).toBeGreaterThan(0);
    expect(dispatched).toBe(sum(samples, 'temporal_activity_schedule_to_start_latency_count', { task_queue: QUEUE }));
    // Back-to-back calls of one company wait ~1 s in the spacer.
    expect(sum(samples, 'denki_rate_limit_wait_seconds_sum', { queue: QUEUE, stage: 'spacer' })).toBeGreaterThan(0.5);

    // The Temporal runtime's own metrics on the same endpoint.
    expect(sum(samples, 'temporal_activity_execution_latency_count', { task_queue: QUEUE })).toBeGreaterThan(0);
    expect(sum(samples, 'temporal_workflow_completed')).toBeGreaterThan(0);

    // The person decides: the gauge goes back to 0.
    await decideSwitchingIn(env.client, ng.workflowId, { action: 'abandon', decidedBy: 'approver1', reason: 'metrics test' });
    await waitFor('denki_decisions_awaiting{kind="switching-in"} = 0', async () => sum(await scrape(), 'denki_decisions_awaiting', { kind: 'switching-in' }) === 0);
    // Every visibility query of the gauges (the overdue ones compare DenkiDecisionDue) was accepted.
    const after = await scrape();
    expect(sum(after, 'denki_decisions_overdue', { kind: 'switching-in' })).toBe(0);
    expect(sum(after, 'denki_decisions_refresh_failures_total')).toBe(0);

    // Neither the customer's data nor the OCCTO password in the worker's logs.
    for (const s of ['計測', 'ケイソク', '中之島', 'metrics-secret-password']) expect(worker.output()).not.toContain(s);
  });

  it('counts a server error and an unannounced maintenance window: the 500 and the 503s as calls, the durable waits and their seconds', async () => {
    const before = await scrape();
    const waitsBefore = sum(before, 'denki_maintenance_waits_total', { system: 'occto', kind: 'unannounced' });
    const post = (path: string, body: unknown) => fetch(`${adminUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    // The 500 comes after the window, at the application (IF_10610): retried after the policy's 5 s.
    expect((await post('/faults', { kind: 'status', status: 500, count: 1, serviceId: 'IF_10610' })).status).toBe(200);
    const now = Date.now();
    expect((await post('/maintenance', { start: now - 1000, end: now + 3000, reason: 'metrics test' })).status).toBe(200);
    const sw = await startSwitchingIn(env.client, base(supplyPoint('100', '06'), { unannouncedOutageRetry: '2 seconds' }));
    await sw.handle.result();

    const { calls, samples } = await consistentView();
    expect(sum(samples, 'denki_external_calls_total', { system: 'occto', outcome: 'server_error' })).toBe(calls.filter((c) => c.httpStatus === 500).length);
    expect(calls.filter((c) => c.httpStatus === 500)).toHaveLength(1);
    const in503 = calls.filter((c) => c.inMaintenance).length;
    expect(in503).toBeGreaterThan(0);
    expect(sum(samples, 'denki_external_calls_total', { system: 'occto', outcome: 'maintenance' })).toBe(in503);
    const waits = sum(samples, 'denki_maintenance_waits_total', { system: 'occto', kind: 'unannounced' }) - waitsBefore;
    expect(waits).toBe(in503);
    const seconds = sum(samples, 'denki_maintenance_wait_seconds_sum', { system: 'occto', kind: 'unannounced' });
    expect(seconds).toBeGreaterThanOrEqual(2 * in503);
    expect(sum(samples, 'denki_maintenance_wait_seconds_count', { system: 'occto', kind: 'unannounced', workflowType: 'switchingInWorkflow' })).toBe(in503);
  });

  it('counts たくそう君 calls by service and outcome as its simulator saw them, and the dispatch wait on its queue', async () => {
    const { workflowId } = await startConstruction(env.client, constructionInput('JOJI', constructionRef(), drawing));
    expect(workflowId).toBeTruthy();
    // The application and its drawing; then the workflow waits hours for the next poll.
    await waitFor('たくそう君 calls', async () => (await simCalls(takusouAdminUrl)).length >= 2);
    const { calls, samples } = await consistentView(takusouAdminUrl);
    const byService = new Map<string, { all: number; ok: number }>();
    for (const c of calls) {
      const e = byService.get(c.service ?? '') ?? { all: 0, ok: 0 };
      e.all += 1;
      if (c.httpStatus === 200) e.ok += 1;
      byService.set(c.service ?? '', e);
    }
    expect(byService.size).toBeGreaterThanOrEqual(2);
    for (const [api, n] of byService) {
      expect(sum(samples, 'denki_external_calls_total', { system: 'kansai-takusou', api, company: COMPANY }), api).toBe(n.all);
      expect(sum(samples, 'denki_external_calls_total', { system: 'kansai-takusou', api, outcome: 'ok' }), api).toBe(n.ok);
    }
    expect(sum(samples, 'denki_external_calls_total', { system: 'kansai-takusou' })).toBe(calls.length);
    const dispatched = sum(samples, 'denki_rate_limit_wait_seconds_count', { system: 'kansai-takusou', queue: TAKUSOU_QUEUE, stage: 'dispatch' });
    expect(dispatched).toBeGreaterThan(0);
    expect(dispatched).toBe(sum(samples, 'temporal_activity_schedule_to_start_latency_count', { task_queue: TAKUSOU_QUEUE }));
    for (const s of ['工事', '中之島', '6441-8821']) expect(worker.output()).not.toContain(s);
  });
});
