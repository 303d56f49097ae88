// Benchmark: OCCTO switching on both sides at once — N new-retailer switchings (we gain customers)
// and N incoming 廃止取次 (we lose customers, judged by the records rule) for one company — run
// twice in one go, side by side: status tracking by the batched poller (業務処理状況確認(複数件) /
// 廃止取次結果照会 for up to 200 records per call) and by per-workflow polling. The per-company cap
// is scaled up (default 5 requests/s instead of 1) to keep the run short: the ratios are what
// matter. Not more: a call's round trip (a few ms here) must stay small against the scaled
// 1000/cap ms gap, as ~50 ms is against OCCTO's 1 s — at 20/s it would eat a fifth of the cap. The simulator runs as its own process, so arrival times are measured on an event loop
// the busy worker does not share.
//   npx tsx bench/occto-switching-both-sides.ts [N=500] [capPerSecond=5] [serverRateFactor=0.97] [both|batched|own]
// Prints, per mode: external calls per completed switching (new-retailer side, current-retailer
// side, both), utilisation of the cap while a backlog of writes exists, violations of the cap.
// Targets (issue #4) at N = 500, no NG: ≤ 2.5 calls per completed new-retailer switching with
// batched tracking, utilisation ≥ 0.9, zero violations.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, bundleWorkflowCode, type ActivityExecuteInput, type ActivityInboundCallsInterceptor, type Next } from '@temporalio/worker';
import pino from 'pino';
import { parseOcctoClientConfig } from '../systems/occto/activities/config.js';
import { startSwitchingIn } from '../systems/occto/client/switching-in.js';
import { addDays, jstDate } from '../domain/jst.js';
import { WORKFLOWS_TASK_QUEUE } from '../domain/task-queues.js';
import { SINGLE_PARTITION_ARGS } from '../scripts/dev-server-args.js';
import { startTs } from '../test/support/processes.js';
import { TEST_CODEC_KEYS } from '../test/support/temporal-env.js';
import { createDataConverter, failureConverterPath } from '../platform/data-converter.js';
import { WORKFLOWS_INDEX } from '../worker/workflow-source.js';
import { createWorkerSet } from '../worker/workers.js';
import { INBOX_SWEEP_WORKFLOW_TYPE, type InboxSweepInput } from '../systems/occto/workflows/incoming-relays.defs.js';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { autoJudgeRuleSchema, switchingOutWorkflowId } from '../systems/occto/domain/switching-out.js';

const N = Number(process.argv[2] ?? 500);
const CAP = Number(process.argv[3] ?? 5);
const SERVER_RATE_FACTOR = Number(process.argv[4] ?? 0.97);
/** 'both' (default) or one mode, for a quicker look. */
const MODES = (process.argv[5] ?? 'both') === 'both' ? (['batched', 'own'] as const) : ([process.argv[5]] as ('batched' | 'own')[]);
const COMPANY = '12346';
const LOGIN = { loginId: 'bench12346', password: 'bench-password-12346' };
const NEW_RETAILER = '99991';
/** Scaled like the cap: the simulated judgement and T&D processing take this long. */
const JUDGEMENT_DELAY_MS = 5_000;
const PROCESSING_DELAY_MS = 10_000;
/** Both modes: the poller's interval and a workflow's own polling interval. */
const POLL_INTERVAL = '5 seconds';

const root = fileURLToPath(new URL('..', import.meta.url));
Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
const paths = Object.fromEntries(
  execFileSync('bash', [`${root}scripts/ensure-temporal.sh`], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('=') as [string, string]),
);
mkdirSync(`${root}bench/out`, { recursive: true });
const bundlePath = `${root}bench/out/workflow-bundle.js`;
writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_INDEX, failureConverterPath, logger: new DefaultLogger('ERROR') })).code);

type Mode = 'batched' | 'own';
interface Call {
  company: string;
  serviceId: string;
  receivedAtMs: number;
  httpStatus: number;
}
interface Row {
  mode: Mode;
  completedIn: number;
  completedOut: number;
  calls: number;
  inCalls: number;
  outCalls: number;
  statusListCalls: number;
  perIn: number;
  perOut: number;
  perBoth: number;
  backlogS: number;
  utilisation: number;
  violations: number;
  rateLimited: number;
  elapsedS: number;
}

/** The new-retailer side's interfaces and the current-retailer side's (IF_x11110 serves both). */
const IN_SIDE = /^(IS_[KF]?20110|IS_[KF]?20210|IF_[KF]?10610|IF_[KF]?10620)$/;
const OUT_SIDE = /^(IS_[KF]?20310|IS_[KF]?20410|IF_[KF]?10710|IF_[KF]?10720)$/;
const STATUS_LIST = /^IF_[KF]?11110$/;

/** 22 digits: area 03, side (1 = ours gained, 2 = incoming), index, the simulator's normal pattern '100'. */
const point = (side: 1 | 2, i: number): string => `03${side}${String(i).padStart(16, '0')}100`;

/**
 * When a backlog of OCCTO calls exists: every OCCTO activity from its scheduling to its end; the
 * backlog is where at least two overlap — one call on the wire and at least one waiting for the
 * pacing. Idle stretches (every workflow waiting for the simulated judgement or T&D) don't count.
 */
function backlogRecorder() {
  const spans: [number, number][] = [];
  const factory = (): { inbound: ActivityInboundCallsInterceptor } => ({
    inbound: {
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
        const info = Context.current().info;
        try {
          return await next(input);
        } finally {
          if (info.taskQueue.startsWith('occto.')) spans.push([info.currentAttemptScheduledTimestampMs, Date.now()]);
        }
      },
    },
  });
  /** Disjoint intervals where ≥ 2 OCCTO activities were outstanding. */
  const intervals = (): [number, number][] => {
    const events = spans.flatMap(([a, b]) => [[a, 1], [b, -1]] as [number, number][]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const out: [number, number][] = [];
    let n = 0;
    let from = 0;
    for (const [t, d] of events) {
      const before = n;
      n += d;
      if (before < 2 && n >= 2) from = t;
      if (before >= 2 && n < 2 && t > from) out.push([from, t]);
    }
    return out;
  };
  return { factory, intervals };
}

async function scenario(mode: Mode): Promise<Row> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: paths.TEMPORAL_CLI! },
      searchAttributes: SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error', ...SINGLE_PARTITION_ARGS],
    },
    client: { dataConverter: createDataConverter(TEST_CODEC_KEYS) },
  });
  const dir = mkdtempSync(join(tmpdir(), `denki-bench-${mode}-`));
  const sim = startTs('systems/occto/simulator/main.ts', {
    OCCTO_SIM_PORT: '0',
    OCCTO_SIM_ADMIN_PORT: '0',
    OCCTO_SIM_CERT_DIR: join(dir, 'pki'),
    OCCTO_SIM_COMPANIES: COMPANY,
    OCCTO_SIM_LOGIN_ID: LOGIN.loginId,
    OCCTO_SIM_PASSWORD: LOGIN.password,
    OCCTO_SIM_JUDGEMENT_DELAY_MS: String(JUDGEMENT_DELAY_MS),
    OCCTO_SIM_PROCESSING_DELAY_MS: String(PROCESSING_DELAY_MS),
    OCCTO_SIM_CAP_PER_SECOND: String(CAP),
    OCCTO_SIM_LOG_LEVEL: 'error',
  });
  try {
    const info = (await sim.firstJsonLine<{ occtoSimulator: { endpoint: string; adminUrl: string; caFile: string; clientCerts: Record<string, { cert: string; key: string }> } }>(60_000)).occtoSimulator;
    const admin = (p: string, body?: unknown) =>
      fetch(`${info.adminUrl}${p}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // The current retailer's side: N incoming relays whose customers our records know (rule: OK).
    const records = [];
    const customer = (i: number) => ({ name: `需要者 ${i}`, kana: 'ジュヨウシャ', address: `大阪府大阪市北区中之島${(i % 9) + 1}-${i}` });
    for (let i = 0; i < N; i++) {
      const supplyPointId = point(2, i);
      const res = await admin('/incoming-relays', { toCompany: COMPANY, category: 'LV', supplyPointId, newRetailerCode: NEW_RETAILER, customer: customer(i) });
      if (!res.ok) throw new Error(`incoming relay ${i}: ${res.status} ${await res.text()}`);
      records.push({ company: COMPANY, category: 'LV', supplyPointId, status: 'ACTIVE', customer: customer(i) });
    }
    const recordsFile = join(dir, 'customer-records.json');
    writeFileSync(recordsFile, JSON.stringify({ records }));

    const certs = info.clientCerts[COMPANY]!;
    const backlog = backlogRecorder();
    const gapMs = Math.ceil(1000 / CAP);
    const w = await createWorkerSet({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      companies: [COMPANY],
      codecKeys: TEST_CODEC_KEYS,
      logger: pino({ level: 'silent' }),
      workflows: { workflowBundle: { codePath: bundlePath } },
      temporalClient: env.client,
      occto: {
        client: parseOcctoClientConfig({
          endpoint: info.endpoint,
          sourceIp: '127.0.0.1',
          minSpacingMs: gapMs,
          afterResponseMs: gapMs,
          companies: { [COMPANY]: { cert: readFileSync(certs.cert, 'utf8'), key: readFileSync(certs.key, 'utf8'), ca: readFileSync(info.caFile, 'utf8'), ...LOGIN } },
        }),
        ratePerSecond: SERVER_RATE_FACTOR * CAP,
        maxConcurrent: 4,
      },
      statusTracking: { mode: mode === 'batched' ? 'batched' : 'own', intervalMs: 5_000 },
      customerRecords: { filePath: recordsFile, autoJudge: autoJudgeRuleSchema.parse({ okWhenMatch: true }) },
      workflowWorkerOptions: { maxCachedWorkflows: 2 * N + 100 },
      activityInterceptors: [backlog.factory],
    });
    return await w.runUntil(async () => {
      const t0 = Date.now();
      const today = jstDate(t0);
      // The worker's tracking configuration decides: batched → the poller; own → every workflow polls.
      const options = { pollInterval: POLL_INTERVAL };
      // The new retailer's side: N switchings started at once.
      const ins = await Promise.all(
        Array.from({ length: N }, (_, i) =>
          startSwitchingIn(env.client, {
            company: COMPANY,
            category: 'LV',
            supplyPointId: point(1, i),
            supplyStartDate: addDays(today, 10),
            nextButOneMeterReadingDate: addDays(today, 40),
            customer: customer(i),
            reference: `bench-${i}`,
            options,
          }),
        ),
      );
      // One sweep of the inbox picks up all N relays (forced: the bench may run outside business hours).
      const sweep: InboxSweepInput = { company: COMPANY, categories: ['LV'], force: true, switchingOut: options };
      const sweepResult = await env.client.workflow.execute(INBOX_SWEEP_WORKFLOW_TYPE, { taskQueue: WORKFLOWS_TASK_QUEUE, workflowId: `bench-sweep-${mode}`, args: [sweep] });
      const relayNos = (await (await admin('/state')).json()) as { incomingRelays: { haishiToritsugiNo: string }[] };
      const outs = relayNos.incomingRelays.map((r) => env.client.workflow.getHandle(switchingOutWorkflowId(COMPANY, r.haishiToritsugiNo)));
      const [inResults, outResults] = await Promise.all([
        Promise.all(ins.map((s) => s.handle.result())),
        Promise.all(outs.map((h) => h.result() as Promise<{ outcome: string }>)),
      ]);
      const elapsedS = (Date.now() - t0) / 1000;
      void sweepResult;

      const calls = ((await (await admin('/calls')).json()) as Call[]).filter((c) => c.company === COMPANY);
      const violations = (await (await admin('/violations')).json()) as unknown[];
      const completedIn = inResults.filter((r) => r.outcome === 'COMPLETED').length;
      const completedOut = outResults.filter((r) => r.outcome === 'COMPLETED').length;
      const count = (re: RegExp) => calls.filter((c) => re.test(c.serviceId)).length;
      const statusListCalls = count(STATUS_LIST);
      const inCalls = count(IN_SIDE);
      const outCalls = count(OUT_SIDE);
      // Utilisation while a backlog exists: calls arriving in those intervals per (their length × cap).
      const intervals = backlog.intervals();
      const backlogS = intervals.reduce((sum, [a, b]) => sum + (b - a), 0) / 1000;
      const inBacklog = calls.filter((c) => intervals.some(([a, b]) => c.receivedAtMs >= a && c.receivedAtMs < b)).length;
      return {
        mode,
        completedIn,
        completedOut,
        calls: calls.length,
        inCalls,
        outCalls,
        statusListCalls,
        // IF_x11110 list calls carry both sides' applications: each side is charged all of them (an upper bound).
        perIn: (inCalls + statusListCalls) / completedIn,
        perOut: (outCalls + statusListCalls) / completedOut,
        perBoth: calls.length / (completedIn + completedOut),
        backlogS,
        utilisation: inBacklog / (backlogS * CAP),
        violations: violations.length,
        rateLimited: calls.filter((c) => c.httpStatus === 429).length,
        elapsedS,
      };
    });
  } finally {
    await sim.stop();
    await env.teardown();
  }
}

const rows: Row[] = [];
for (const mode of MODES) {
  rows.push(await scenario(mode));
  console.error(`… ${mode} done`);
}
const f = (n: number, d = 2) => n.toFixed(d);
console.log(`\nOCCTO switching on both sides — N = ${N} new-retailer + ${N} current-retailer switchings, one company, cap scaled to ${CAP} requests/s (server queue rate ${f(SERVER_RATE_FACTOR)} × cap)`);
console.log('tracking   done in/out   calls  in-side  out-side  11110  calls/in-switching  calls/out-switching  calls/switching  backlog(s)  utilisation  violations  429s  elapsed(s)');
for (const r of rows) {
  console.log(
    [
      r.mode.padEnd(9),
      `${r.completedIn}/${r.completedOut}`.padStart(12),
      String(r.calls).padStart(6),
      String(r.inCalls).padStart(7),
      String(r.outCalls).padStart(8),
      String(r.statusListCalls).padStart(5),
      f(r.perIn).padStart(18),
      f(r.perOut).padStart(19),
      f(r.perBoth).padStart(15),
      f(r.backlogS, 1).padStart(10),
      f(r.utilisation).padStart(11),
      String(r.violations).padStart(10),
      String(r.rateLimited).padStart(5),
      f(r.elapsedS, 1).padStart(10),
    ].join('  '),
  );
}
const b = rows.find((r) => r.mode === 'batched');
const o = rows.find((r) => r.mode === 'own');
if (b && o) console.log(`ratio calls per new-retailer switching, per-workflow polling / batched: ${f(o.perIn / b.perIn)}`);
if (b) {
  const v = rows.map((r) => r.violations);
  console.log(
    `targets (batched): calls/in-switching ≤ 2.5: ${b.perIn <= 2.5 ? 'met' : 'MISSED'} (${f(b.perIn)}); utilisation ≥ 0.9: ${b.utilisation >= 0.9 ? 'met' : 'MISSED'} (${f(b.utilisation)}); violations = 0: ${v.every((x) => x === 0) ? 'met' : 'MISSED'} (${v.join(', ')})`,
  );
}
process.exit(0);
