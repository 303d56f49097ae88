// Personal data and secrets never sit in plaintext anywhere Temporal or our logs keep them
// (issue 5, deliverables 2 and 3; docs/data-protection.md). End to end as it runs for real: the
// Temporal dev server on a SQLite FILE, the OCCTO and たくそう君 simulators and the worker as
// processes (their output kept in log files), a business app (client library) and an operator
// (the CLI) driving lifecycles whose customers carry recognisable canaries: a new-retailer
// switching to completion, one that needs a decision (answered with a corrected address), one
// that fails with the customer's name in its failure message, an incoming 廃止取次 judged by a
// person, and a たくそう君 construction application. Then every canary is searched — as UTF-8, as
// base64 (each of the 3 byte alignments) and JSON-escaped (\uXXXX) — in every history, every
// workflow ID, search attribute, memo and summary (visibility), the worker's and the CLI's logs
// and, after the server stops, the database file itself. Zero hits, and positive controls show the
// scanner would have seen them: the same canaries come back through the authenticated codec
// endpoint, Japanese text the server does keep in plaintext (a terminate reason, a workflow ID) is
// found in each place, and a control buffer holds every canary in every encoding.
// The configured secrets (OCCTO login and password, client private key, payload key, API key) are
// searched the same way, in histories raw AND decoded (a secret must never be an input).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WorkflowFailedError } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { startTs, runTs, type Proc } from '../support/processes.js';
import { COMPANY, jstDay, supplyPoint } from '../../systems/occto/test/harness.js';
import { constructionInput, constructionRef } from '../../systems/kansai-takusou/test/harness.js';
import { occtoWorkerEnv, startOcctoSimulatorProcess, startTakusouSimulatorProcess, startTogether, takusouWorkerEnv, type OcctoSimulatorProcess, type TakusouSimulatorProcess } from '../support/e2e-simulators.js';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import { SINGLE_PARTITION_ARGS } from '../../scripts/dev-server-args.js';
import { createDataConverter } from '../../platform/data-converter.js';
import { generateCodecKeySpec, parseCodecKeys } from '../../platform/payload-codec.js';
import { startCodecServer, type CodecAuditLogger } from '../../client/codec-server.js';
import { ApiKeyStore, generateApiKey } from '../../client/gateway/api-keys.js';
import { getSwitchingInStatus, startSwitchingIn } from '../../systems/occto/client/switching-in.js';
import { getSwitchingOutStatus } from '../../systems/occto/client/switching-out.js';
import { getConstructionStatus } from '../../systems/kansai-takusou/client/construction.js';
import { switchingInWorkflowId } from '../../systems/occto/domain/switching-in.js';
import { switchingOutWorkflowId } from '../../systems/occto/domain/switching-out.js';
import { WORKFLOWS_TASK_QUEUE } from '../../domain/task-queues.js';
import { jstDate } from '../../domain/jst.js';

const { temporal } = proto; // CommonJS package: named ESM imports fail under plain Node

// ---- the canaries: customers nobody else has -----------------------------------------------------
const C1 = { name: 'カナリア太郎', kana: 'カナリアタロウ', address: '東京都千代田区カナリア町1-2-3', phone: '03-5550-8642' };
const C2 = { name: 'カナリア花子', kana: 'カナリアハナコ', address: '福岡県福岡市カナリア通2-4-6' };
const C2_CORRECTED_ADDRESS = '神奈川県横浜市カナリア区4-5-6'; // only ever in a decision (Update argument)
const C_FAILURE = 'カナリア三郎'; // a business app's mix-up puts the name where the category belongs
const C3 = { name: 'カナリア次郎', kana: 'カナリアジロウ', address: '大阪府大阪市カナリア区7-8-9', phone: '06-5550-7788' };
const C4 = { customerName: 'カナリア工事', address: '京都府京都市カナリア通10-11', phone: '075-555-0199' };
const CANARIES = [C1.name, C1.kana, C1.address, C1.phone, C2.name, C2.kana, C2.address, C2_CORRECTED_ADDRESS, C_FAILURE, C3.name, C3.kana, C3.address, C3.phone, C4.customerName, C4.address, C4.phone];
/** Japanese text the server keeps in plaintext on purpose (workflow ID, terminate reason): the scanners must find it. */
const CONTROL = '対照マーカー';

// ---- secrets ------------------------------------------------------------------------------------
const LOGIN = { id: 'canaryLogin7Q', password: 'CanaryPw-7f3Kq9-secret' };
const KEY_SPEC = generateCodecKeySpec('dp1');
const codecKeys = parseCodecKeys(KEY_SPEC);
const operator = generateApiKey('op-e2e', 'operator');

const dir = mkdtempSync(join(tmpdir(), 'denki-e2e-dp-'));
const logsDir = join(dir, 'logs');
mkdirSync(logsDir);
const DB = join(dir, 'temporal.db');
const drawing = join(dir, 'drawing.pdf');
const report = join(dir, 'completion.pdf');
writeFileSync(drawing, Buffer.alloc(2048, 1));
writeFileSync(report, Buffer.alloc(1024, 2));

let env: TestWorkflowEnvironment;
let occtoSim: OcctoSimulatorProcess;
let takusouSim: TakusouSimulatorProcess;
let worker: Proc;
let codec: Awaited<ReturnType<typeof startCodecServer>>;
let occtoAdmin = '';
let clientKeyPem = '';
let cliEnv: Record<string, string>;
const soPoint = supplyPoint('100', '03');
const auditLines: string[] = [];
const cliLog: string[] = [];
/** Output of commands that are ASKED for customer data (switching roles): expected to show it. */
const cliAskedLog: string[] = [];
const workflowIds: string[] = [];
let failedId = '';

const audit: CodecAuditLogger = {
  info: (obj, msg) => auditLines.push(JSON.stringify({ ...obj, msg })),
  warn: (obj, msg) => auditLines.push(JSON.stringify({ ...obj, msg })),
};

beforeAll(async () => {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
  const [e] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: inject('temporalCli') },
        searchAttributes: SEARCH_ATTRIBUTES,
        dbFilename: DB,
        extraArgs: ['--log-level', 'error', ...SINGLE_PARTITION_ARGS],
      },
      client: { dataConverter: createDataConverter(codecKeys) },
    }),
  ]);
  env = e;
  [occtoSim, takusouSim] = await startTogether(
    startOcctoSimulatorProcess({ certDir: `${dir}/occto-pki`, login: LOGIN, judgementDelayMs: 1000, processingDelayMs: 1500 }),
    startTakusouSimulatorProcess({ certDir: `${dir}/takusou-pki`, acceptanceDelayMs: 1000, processStepMs: 500, calculationDelayMs: 1000, resultDelayMs: 1000 }),
  );
  occtoAdmin = occtoSim.adminUrl;
  clientKeyPem = readFileSync(occtoSim.clientCerts[COMPANY]!.key, 'utf8');
  // Our own customer records (the CIS stand-in) know the customer of the incoming relay.
  const recordsFile = join(dir, 'customer-records.json');
  writeFileSync(recordsFile, JSON.stringify({ records: [{ company: COMPANY, category: 'LV', supplyPointId: soPoint, status: 'ACTIVE', customer: C3 }] }));
  worker = startTs('worker/main.ts', {
    ...occtoWorkerEnv(occtoSim, { TEMPORAL_ADDRESS: env.address, DENKI_PAYLOAD_KEYS: KEY_SPEC }),
    ...takusouWorkerEnv(takusouSim),
    CUSTOMER_RECORDS_FILE: recordsFile,
    STATUS_POLLER_INTERVAL: '1 second',
    DENKI_WORKFLOW_BUNDLE: inject('workflowBundle'),
    LOG_LEVEL: 'info',
  });
  cliEnv = { TEMPORAL_ADDRESS: env.address, DENKI_PAYLOAD_KEYS: KEY_SPEC };
  codec = await startCodecServer({ keys: codecKeys, allowedOrigins: ['http://localhost:8233'], apiKeys: new ApiKeyStore([operator.entry]), logger: audit });
  await until('worker started', async () => (worker.output().includes('"msg":"worker started"') ? true : undefined), 60_000);
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await occtoSim?.proc.stop();
  await takusouSim?.proc.stop();
  await codec?.close();
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\nworker output:\n${worker.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function cli(args: string[], o: { asksForCustomerData?: boolean } = {}) {
  const r = await runTs('client/cli.ts', args, cliEnv);
  // The output only: the command line is the operator's own input (a decision may carry a correction).
  (o.asksForCustomerData ? cliAskedLog : cliLog).push(`$ denki ${args[0]} ${args[1]} → ${r.code}\n${r.stdout}${r.stderr}`);
  return r;
}

// ---- the scanner ---------------------------------------------------------------------------------
type Encoding = 'utf8' | 'base64' | 'json-escaped';
interface Needle {
  label: string;
  forms: { encoding: Encoding; bytes: Buffer }[];
}

/** The base64 text that encodes `data` wherever it sits in a larger buffer: one form per byte alignment. */
function base64Forms(data: Buffer): Buffer[] {
  const forms: Buffer[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), data]).toString('base64');
    const first = Math.ceil((8 * shift) / 6);
    const last = Math.floor((8 * (shift + data.length)) / 6); // exclusive
    forms.push(Buffer.from(b64.slice(first, last)));
  }
  return forms;
}

const isNonAscii = (s: string) => [...s].some((ch) => ch.charCodeAt(0) >= 0x80);
const jsonEscape = (s: string, upper: boolean) =>
  [...s].map((ch) => (ch.charCodeAt(0) < 0x80 ? ch : [...ch].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''))).join('').replace(/\\u([0-9a-f]{4})/g, (_m, h: string) => `\\u${upper ? h.toUpperCase() : h}`);

function needle(label: string, value: string | Buffer): Needle {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const forms: Needle['forms'] = [{ encoding: 'utf8', bytes }, ...base64Forms(bytes).map((b) => ({ encoding: 'base64' as const, bytes: b }))];
  if (typeof value === 'string' && isNonAscii(value)) {
    for (const upper of [false, true]) forms.push({ encoding: 'json-escaped', bytes: Buffer.from(jsonEscape(value, upper)) });
  }
  return { label, forms };
}

interface Hit {
  where: string;
  label: string;
  encoding: Encoding;
}

function scan(where: string, data: Buffer | string, needles: Needle[]): Hit[] {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const hits: Hit[] = [];
  for (const n of needles) {
    for (const f of n.forms) {
      if (buf.indexOf(f.bytes) >= 0) {
        hits.push({ where, label: n.label, encoding: f.encoding });
        break; // one hit per needle and place is enough
      }
    }
  }
  return hits;
}

const canaryNeedles = CANARIES.map((c) => needle(c, c));
const controlNeedles = [needle('control', CONTROL)];

function secretNeedles(): Needle[] {
  const pemBody = clientKeyPem.split('\n').filter((l) => l && !l.startsWith('-----'));
  const der = Buffer.from(pemBody.join(''), 'base64');
  const [keyId, keyB64] = KEY_SPEC.split(':') as [string, string];
  return [
    needle('OCCTO login ID', LOGIN.id),
    needle('OCCTO password', LOGIN.password),
    needle('client private key (PEM body, first line)', pemBody[0]!),
    needle('client private key (PEM body, joined)', pemBody.join('')),
    needle('client private key (DER)', der),
    needle(`payload key ${keyId} (base64)`, keyB64),
    needle(`payload key ${keyId} (raw bytes)`, Buffer.from(keyB64, 'base64')),
    needle('operator API key', operator.key),
  ];
}

// ---- what Temporal keeps, raw (no codec) -----------------------------------------------------------
const ns = () => env.namespace ?? 'default';
const svc = () => env.connection.workflowService;

interface Raw {
  where: string;
  bytes: Buffer;
  json: string;
  payloads: Payload[];
}

/** A protobuf message as its wire bytes and as JSON (bytes as base64), plus every Payload inside it. */
function raw<T extends { encode(m: unknown): { finish(): Uint8Array }; decode(b: Uint8Array): unknown; toObject(m: never, o: object): unknown }>(where: string, type: T, msg: unknown): Raw {
  const bytes = Buffer.from(type.encode(msg).finish());
  const decoded = type.decode(bytes);
  const payloads: Payload[] = [];
  const walk = (v: unknown) => {
    if (!v || typeof v !== 'object' || ArrayBuffer.isView(v)) return;
    if ((v as { $type?: unknown }).$type === temporal.api.common.v1.Payload) payloads.push(v as Payload);
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x);
  };
  walk(decoded);
  return { where, bytes, json: JSON.stringify(type.toObject(decoded as never, { bytes: String, longs: String, enums: String })), payloads };
}

async function allExecutions(): Promise<{ workflowId: string; runId: string }[]> {
  const out: { workflowId: string; runId: string }[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const res = await svc().listWorkflowExecutions({ namespace: ns(), pageSize: 100, nextPageToken });
    for (const e of res.executions ?? []) out.push({ workflowId: e.execution!.workflowId!, runId: e.execution!.runId! });
    nextPageToken = res.nextPageToken?.length ? res.nextPageToken : undefined;
  } while (nextPageToken);
  return out;
}

/** Visibility (list), each execution's description and history, every Schedule: as the server returns them. */
async function serverView(): Promise<{ items: Raw[]; workflows: number; schedules: number }> {
  const items: Raw[] = [];
  const ws = temporal.api.workflowservice.v1;
  let token: Uint8Array | undefined;
  do {
    const res = await svc().listWorkflowExecutions({ namespace: ns(), pageSize: 100, nextPageToken: token });
    items.push(raw('visibility list (IDs, search attributes, memos)', ws.ListWorkflowExecutionsResponse, res));
    token = res.nextPageToken?.length ? res.nextPageToken : undefined;
  } while (token);
  const executions = await allExecutions();
  for (const execution of executions) {
    const d = await svc().describeWorkflowExecution({ namespace: ns(), execution });
    items.push(raw(`describe ${execution.workflowId}`, ws.DescribeWorkflowExecutionResponse, d));
    let pageToken: Uint8Array | undefined;
    do {
      const h = await svc().getWorkflowExecutionHistory({ namespace: ns(), execution, nextPageToken: pageToken });
      items.push(raw(`history ${execution.workflowId}`, ws.GetWorkflowExecutionHistoryResponse, h));
      pageToken = h.nextPageToken?.length ? h.nextPageToken : undefined;
    } while (pageToken);
  }
  const schedules = await svc().listSchedules({ namespace: ns(), maximumPageSize: 100 });
  items.push(raw('schedule list', ws.ListSchedulesResponse, schedules));
  for (const s of schedules.schedules ?? []) {
    items.push(raw(`schedule ${s.scheduleId}`, ws.DescribeScheduleResponse, await svc().describeSchedule({ namespace: ns(), scheduleId: s.scheduleId })));
  }
  return { items, workflows: executions.length, schedules: schedules.schedules?.length ?? 0 };
}

/** Every payload decoded through the codec endpoint as an operator would (the Web UI, the CLI). */
async function decodeThroughCodecEndpoint(payloads: Payload[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < payloads.length; i += 200) {
    const body = {
      payloads: payloads.slice(i, i + 200).map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
        ...(p.data?.length ? { data: Buffer.from(p.data).toString('base64') } : {}),
      })),
    };
    const res = await fetch(`${codec.url}/default/decode`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${operator.key}` }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    for (const p of ((await res.json()) as { payloads: { data?: string }[] }).payloads) chunks.push(Buffer.from(p.data ?? '', 'base64'), Buffer.from('\n'));
  }
  return Buffer.concat(chunks);
}

const hitsText = (hits: Hit[]) => hits.map((h) => `${h.label} (${h.encoding}) in ${h.where}`).join('\n');

// ---- the run -------------------------------------------------------------------------------------
describe('personal data and secrets: end to end, then scanned', () => {
  it('runs lifecycles with canary customers through the client library, the CLI and both simulators', async () => {
    const now = Date.now();
    const siInput = (point: string, customer: object) => ({
      company: COMPANY,
      category: 'LV',
      supplyPointId: point,
      supplyStartDate: jstDay(now, 10),
      nextButOneMeterReadingDate: jstDay(now, 40),
      customer,
      options: { pollInterval: '1 second' },
    });

    // 1. A business app starts a switching that completes.
    const ok = await startSwitchingIn(env.client, siInput(supplyPoint('100', '06'), C1));
    workflowIds.push(ok.workflowId);

    // 2. An operator starts one from a file with the CLI; its first 廃止取次 is judged NG.
    const ngFile = join(dir, 'switching-ng.json');
    writeFileSync(ngFile, JSON.stringify(siInput(supplyPoint('802', '06'), C2)));
    const started = await cli(['switching-in', 'start', '--file', ngFile]);
    expect(started.code).toBe(0);
    const ngId = (JSON.parse(started.stdout) as { workflowId: string }).workflowId;
    workflowIds.push(ngId);

    // 3. A business app that bypasses the client library's validation mixes up fields: the
    //    workflow fails, and its failure message names the customer's name.
    const failId = (failedId = switchingInWorkflowId(COMPANY, supplyPoint('100', '06')));
    workflowIds.push(failId);
    const failed = await env.client.workflow
      .execute('switchingInWorkflow', { taskQueue: WORKFLOWS_TASK_QUEUE, workflowId: failId, args: [{ ...siInput(supplyPoint('100', '06'), C1), category: C_FAILURE }] })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    // Positive control: the failure really carries the name (decoded by the codec-equipped client).
    expect(((failed as WorkflowFailedError).cause as Error).message).toContain(C_FAILURE);

    // 4. A new retailer's 廃止取次 addressed to us, with the customer's name; the inbox is swept.
    const relay = await fetch(`${occtoAdmin}/incoming-relays`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ toCompany: COMPANY, category: 'LV', supplyPointId: soPoint, newRetailerCode: '99991', customer: C3 }),
    });
    expect(relay.status).toBeLessThan(300);
    const relayNo = ((await relay.json()) as { haishiToritsugiNo: string }).haishiToritsugiNo;
    expect((await cli(['inbox', 'watch', '--company', COMPANY])).code).toBe(0);
    expect((await cli(['inbox', 'sweep', '--company', COMPANY])).code).toBe(0);
    const soId = switchingOutWorkflowId(COMPANY, relayNo);
    workflowIds.push(soId);

    // 5. A たくそう君 construction application from a file, with the site's customer.
    const ref = constructionRef();
    const koFile = join(dir, 'construction.json');
    writeFileSync(koFile, JSON.stringify(constructionInput('JOJI', ref, drawing, { site: C4, options: { pollInterval: '5 seconds', reminderInterval: '1 hour', decisionDeadline: '1 day' } })));
    const koStarted = await cli(['construction', 'start', '--file', koFile]);
    expect(koStarted.code).toBe(0);
    const koId = (JSON.parse(koStarted.stdout) as { workflowId: string }[])[0]!.workflowId;
    workflowIds.push(koId);

    // The decision: resubmit with a corrected address (personal data in an Update argument).
    await until('switching-in awaiting a decision', async () => ((await getSwitchingInStatus(env.client, ngId)).stage === 'AWAITING_DECISION' ? true : undefined));
    const decided = await cli([
      'switching-in', 'decide', ngId, '--action', 'resubmit', '--by', 'approver1',
      '--corrections', JSON.stringify({ supplyStartDate: jstDay(now, 11), customer: { address: C2_CORRECTED_ADDRESS } }),
    ]);
    expect(decided.code).toBe(0);

    // The relay: a person with a switching role reads it (the CLI shows the customer — asked for), then judges OK.
    await until('relay awaiting judgement', async () => ((await getSwitchingOutStatus(env.client, soId)).stage === 'AWAITING_JUDGEMENT' ? true : undefined));
    const details = await cli(['switching-out', 'details', soId, '--role', 'switching-operator', '--by', 'op1'], { asksForCustomerData: true });
    expect(details.code).toBe(0);
    expect(details.stdout).toContain(C3.name);
    const status = await cli(['switching-out', 'status', soId]);
    expect(status.code).toBe(0);
    expect((await cli(['switching-out', 'judge', soId, '--judgement', 'OK', '--by', 'approver1'])).code).toBe(0);

    // The construction: a person confirms completion with the CLI.
    await until('construction awaiting completion', async () => ((await getConstructionStatus(env.client, koId)).stage === 'AWAITING_COMPLETION' ? true : undefined));
    const confirmed = await cli([
      'construction', 'confirm', koId, '--by', 'fieldlead1', '--completed-on', jstDate(Date.now()),
      '--documents', JSON.stringify([{ ref: report, documentType: 'COMPLETION_REPORT', sizeBytes: 1024 }]),
    ]);
    expect(confirmed.code).toBe(0);

    const [a, b, so, ko] = await Promise.all([ok.handle.result(), ...[ngId, soId, koId].map((id) => env.client.workflow.getHandle(id).result())]);
    expect(a).toMatchObject({ outcome: 'COMPLETED' });
    expect(b).toMatchObject({ outcome: 'COMPLETED' });
    expect(so).toMatchObject({ outcome: 'COMPLETED', relayNo });
    expect(ko).toMatchObject({ outcome: 'COMPLETED' });
    expect((await cli(['switching-in', 'status', ngId])).code).toBe(0);
    expect((await cli(['construction', 'status', koId])).code).toBe(0);

    // The control: Japanese text the server stores in plaintext by design (workflow ID, terminate reason).
    const control = await env.client.workflow.start('scanControlWorkflow', { taskQueue: 'scan-control', workflowId: `scan-control/${CONTROL}` });
    await control.terminate(`scan-control: ${CONTROL} (terminate reasons are NOT encoded: never put personal data in them)`);
    // Visibility is eventually consistent: wait until the list shows every workflow of the run.
    await until('visibility of every workflow', async () => {
      const listed = (await allExecutions()).map((x) => x.workflowId);
      return [...workflowIds, control.workflowId].every((id) => listed.includes(id)) ? true : undefined;
    }, 20_000);
  });

  it('finds no canary in any history, workflow ID, search attribute, memo or summary — and finds all of them through the codec endpoint', async () => {
    const view = await serverView();
    expect(view.workflows).toBeGreaterThanOrEqual(workflowIds.length + 1);
    const hits = view.items.flatMap((i) => [...scan(`${i.where} (wire bytes)`, i.bytes, canaryNeedles), ...scan(`${i.where} (JSON)`, i.json, canaryNeedles)]);
    expect(hits, hitsText(hits)).toEqual([]);

    // Positive controls: the scanners see plaintext where the server keeps it …
    const control = view.items.filter((i) => i.where.includes(CONTROL) || i.where.startsWith('visibility'));
    expect(control.flatMap((i) => scan(i.where, i.bytes, controlNeedles)).map((h) => h.where)).toEqual(
      expect.arrayContaining(['visibility list (IDs, search attributes, memos)', `describe scan-control/${CONTROL}`, `history scan-control/${CONTROL}`]),
    );
    // … and every canary was really there, encrypted: an operator decodes it through the codec endpoint.
    const ours = view.items.filter((i) => workflowIds.some((id) => i.where === `history ${id}`) || i.where === 'visibility list (IDs, search attributes, memos)');
    const decoded = await decodeThroughCodecEndpoint(ours.flatMap((i) => i.payloads));
    const found = new Set(scan('decoded', decoded, canaryNeedles.map((n) => ({ ...n, forms: n.forms.filter((f) => f.encoding === 'utf8') }))).map((h) => h.label));
    expect([...CANARIES].filter((c) => !found.has(c))).toEqual([]);
    expect(auditLines.some((l) => l.includes('"event":"codec.decode"') && l.includes('"caller":"op-e2e"'))).toBe(true);

    // The failure message is in the history, as an encoded failure (encodeCommonAttributes) whose
    // decoded attributes carry the name.
    const failure = view.items.find((i) => i.where === `history ${failedId}`)!;
    expect(failure.json).toContain('"message":"Encoded failure"');
    const decodedFailure = (await decodeThroughCodecEndpoint(failure.payloads)).toString('utf8');
    expect(decodedFailure).toMatch(new RegExp(`"message":"invalid switching-in input: category [^\n]*${C_FAILURE}`));
  });

  it('finds no configured secret in histories (raw, and decoded: never an input), visibility, schedules, or the codec audit log', async () => {
    const secrets = secretNeedles();
    const view = await serverView();
    const rawHits = view.items.flatMap((i) => [...scan(`${i.where} (wire bytes)`, i.bytes, secrets), ...scan(`${i.where} (JSON)`, i.json, secrets)]);
    expect(rawHits, hitsText(rawHits)).toEqual([]);
    const decoded = await decodeThroughCodecEndpoint(view.items.flatMap((i) => i.payloads));
    expect(decoded.length).toBeGreaterThan(1000);
    const decodedHits = scan('decoded payloads', decoded, secrets);
    expect(decodedHits, hitsText(decodedHits)).toEqual([]);
    const auditHits = scan('codec audit log', auditLines.join('\n'), [...secrets, ...canaryNeedles]);
    expect(auditHits, hitsText(auditHits)).toEqual([]);
  });

  it('after the server stops: no canary and no secret in the SQLite database file or in our processes\' logs', async () => {
    const view = await serverView();
    await worker.stop();
    await Promise.all([occtoSim.proc.stop(), takusouSim.proc.stop()]);
    // Logs as files: ours are scanned; the simulators stand in for OCCTO and KTD, which legitimately
    // receive the customer data, so theirs are kept but not scanned. CLI output that was explicitly
    // asked for customer data (switching-out details, switching roles) is the one expected exception.
    const logs = {
      'worker.log': worker.output(),
      'cli.log': cliLog.join('\n'),
      'codec-audit.log': auditLines.join('\n'),
    };
    for (const [name, text] of Object.entries(logs)) writeFileSync(join(logsDir, name), text);
    writeFileSync(join(logsDir, 'cli-asked-for-customer-data.log'), cliAskedLog.join('\n'));
    writeFileSync(join(logsDir, 'occto-sim.log'), occtoSim.proc.output());
    writeFileSync(join(logsDir, 'takusou-sim.log'), takusouSim.proc.output());
    expect(logs['worker.log']).toContain('"msg":"worker started"');

    await env.teardown();
    env = undefined as unknown as TestWorkflowEnvironment; // torn down: afterAll skips it
    const dbFiles = [DB, `${DB}-wal`, `${DB}-shm`].filter(existsSync);
    const db = Buffer.concat(dbFiles.map((f) => readFileSync(f)));
    expect(db.length).toBeGreaterThan(100_000);

    const secrets = secretNeedles();
    const logFiles = Object.keys(logs).map((n) => join(logsDir, n));
    const scanned = [...dbFiles.map((f) => ({ where: f.slice(dir.length + 1), data: readFileSync(f) })), ...logFiles.map((f) => ({ where: `logs/${f.slice(logsDir.length + 1)}`, data: readFileSync(f) }))];
    const canaryHits = scanned.flatMap((s) => scan(s.where, s.data, canaryNeedles));
    const secretHits = scanned.flatMap((s) => scan(s.where, s.data, secrets));

    // Positive controls: the database keeps the control text (workflow ID, terminate reason) in
    // plaintext, and the CLI output that asked for the relay shows its customer.
    expect(scan('db', db, controlNeedles)).toHaveLength(1);
    expect(scan('cli asked', readFileSync(join(logsDir, 'cli-asked-for-customer-data.log')), canaryNeedles).map((h) => h.label)).toEqual(expect.arrayContaining([C3.name, C3.kana, C3.address]));
    // … and the scanner finds each canary in each encoding (any base64 alignment), and each secret form.
    for (const [i, c] of CANARIES.entries()) {
      const forms: [Encoding, string][] = [['utf8', `…${c}…`], ['base64', Buffer.from(`${'z'.repeat(i % 3)}{"name":"${c}"}`).toString('base64')]];
      if (isNonAscii(c)) forms.push(['json-escaped', `{"name":"${jsonEscape(c, i % 2 === 0)}"}`]);
      for (const [encoding, text] of forms) expect(scan('control', text, canaryNeedles).map((h) => `${h.label}/${h.encoding}`), `${c} as ${encoding}`).toEqual([`${c}/${encoding}`]);
    }
    for (const s of secrets) {
      for (const f of s.forms) expect(scan('control', Buffer.concat([Buffer.from('..'), f.bytes, Buffer.from('..')]), [s]), `${s.label} ${f.encoding}`).toHaveLength(1);
    }

    expect(canaryHits, hitsText(canaryHits)).toEqual([]);
    expect(secretHits, hitsText(secretHits)).toEqual([]);
    const logBytes = logFiles.reduce((n, f) => n + statSync(f).size, 0);
    const line =
      `plaintext-scan: db ${(db.length / 1e6).toFixed(1)} MB, logs ${Math.round(logBytes / 1e3)} KB, ${view.workflows} workflows + ${view.schedules} schedule(s) ` +
      `(histories, visibility, IDs, search attributes, memos, summaries), ${CANARIES.length} canaries × 3 encodings: ${canaryHits.length} hits; ` +
      `${secrets.length} secret forms: ${secretHits.length} hits`;
    console.log(line);
  });
});
