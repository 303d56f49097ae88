// The local stack (README Quick start, first command): Temporal dev server (SQLite file, Web UI
// with the codec endpoint, search attributes registered), the OCCTO simulator over mutual TLS, the
// たくそう君 simulator, the worker, the gateway (HTTP API, /docs, and the codec endpoint the Web UI
// decrypts through), and a demo of lifecycles in different stages.
// Every process is supervised (scripts/supervisor.ts): one that crashes once the stack is up is
// restarted with backoff (1 s doubling to 30 s) and a line saying so, while the rest keeps running.
// Ctrl-C stops everything; a later start goes on where it stopped: the workflows are in
// <local>/temporal.db, the simulators' books in <local>/*-sim-state.json, keys in <local>/.
//
// Environment: DENKI_LOCAL_DIR (default .local; tests run an isolated stack in a temp dir), ports
// DENKI_TEMPORAL_PORT 7233 (+ DENKI_TEMPORAL_HTTP_PORT 7243, DENKI_TEMPORAL_METRICS_PORT 7244),
// DENKI_UI_PORT 8233, DENKI_GATEWAY_PORT 8080, DENKI_OCCTO_PORT 8443,
// DENKI_OCCTO_ADMIN_PORT 8444, DENKI_TAKUSOU_PORT 8543, DENKI_TAKUSOU_ADMIN_PORT 8544,
// DENKI_METRICS_PORT 9464 (worker metrics, when the worker offers METRICS_ADDRESS), LOG_LEVEL.
// When it is up it prints the URLs for people and one JSON line {"localStack": {...}} for scripts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection, Client } from '@temporalio/client';
import { createDevPki } from '../simulators/shared/dev-pki.js';
import { generateCodecKeySpec, parseCodecKeys } from '../platform/payload-codec.js';
import { workerEnvSchema } from '../worker/config.js';
import { WORKFLOWS_TASK_QUEUE } from '../domain/task-queues.js';
import { SEARCH_ATTRIBUTE_ARGS, SINGLE_PARTITION_ARGS } from './dev-server-args.js';
import { runDemo } from './demo.js';
import { writeDemoCustomerRecords } from './demo-occto.js';
import { ensureLocalApiKeys } from './local-api-keys.js';
import { Supervisor } from './supervisor.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
const local = resolve(root, env.DENKI_LOCAL_DIR || '.local');
/** How to name a file of the local dir to a person: relative to the repository when inside it. */
const shown = (path: string) => (path.startsWith(root) ? relative(root, path) : path);

function port(name: string, dflt: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a TCP port 1–65535 (got '${raw}')`);
  return n;
}
const PORTS = {
  temporal: port('DENKI_TEMPORAL_PORT', 7233),
  // The dev server's HTTP API and metrics: fixed too (left to it, it picks a free port late and
  // can collide with a port this stack is about to bind).
  temporalHttp: port('DENKI_TEMPORAL_HTTP_PORT', 7243),
  temporalMetrics: port('DENKI_TEMPORAL_METRICS_PORT', 7244),
  ui: port('DENKI_UI_PORT', 8233),
  gateway: port('DENKI_GATEWAY_PORT', 8080),
  occto: port('DENKI_OCCTO_PORT', 8443),
  occtoAdmin: port('DENKI_OCCTO_ADMIN_PORT', 8444),
  takusou: port('DENKI_TAKUSOU_PORT', 8543),
  takusouAdmin: port('DENKI_TAKUSOU_ADMIN_PORT', 8544),
  metrics: port('DENKI_METRICS_PORT', 9464),
};
const COMPANY = '12346';
const LOGIN = { id: 'api12346', password: 'local-dev-password' };
const supervisor = new Supervisor(
  { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 },
  (l) => process.stdout.write(`${l}\n`),
  (l) => process.stderr.write(`${l}\n`),
  (code) => {
    console.log(code === 0 ? `denki-flow local stack stopped; its state stays in ${shown(local)}/ for the next start` : 'denki-flow local stack stopped');
    process.exit(code);
  },
);
const start = (name: string, cmd: string, args: string[], extraEnv: Record<string, string> = {}) =>
  supervisor.start({ name, cmd, args, cwd: root, env: { ...env, ...extraEnv } });
const stop = (code = 0) => supervisor.stop(code);

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

/** The demo runs once per local dir; later starts find its workflows in the database. */
async function seedDemoOnce(address: string, codecKeys: ReturnType<typeof parseCodecKeys>) {
  const marker = `${local}/demo.json`;
  if (existsSync(marker)) {
    const seeded = JSON.parse(readFileSync(marker, 'utf8')) as { ids: string[]; seededAt: string };
    return { ...seeded, startedNow: false, incoming: 0 };
  }
  const demo = await runDemo({ address, codecKeys, company: COMPANY, filesDir: `${local}/demo-files`, occtoSimAdminUrl: `http://127.0.0.1:${PORTS.occtoAdmin}` });
  const seeded = { ids: demo.ids, seededAt: new Date().toISOString() };
  writeFileSync(marker, JSON.stringify(seeded, null, 2));
  return { ...seeded, startedNow: true, incoming: demo.incoming };
}

/** How many of the demo's workflows are in which state (RUNNING, COMPLETED, …). */
async function tally(address: string, ids: string[]): Promise<string> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const counts = new Map<string, number>();
    for (const id of ids) {
      const status = await client.workflow.getHandle(id).describe().then((d) => d.status.name, () => 'MISSING');
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
    return [...counts].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ');
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  mkdirSync(local, { recursive: true });

  const tools = Object.fromEntries(
    readFileSync(`${root}.cache/temporal/paths.env`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('=') as [string, string]),
  );
  await createDevPki({ companies: [COMPANY], dir: `${local}/pki` });
  const keyFile = `${local}/payload-keys`;
  if (!existsSync(keyFile)) writeFileSync(keyFile, generateCodecKeySpec('local1'), { mode: 0o600 });
  const codecKeys = parseCodecKeys(readFileSync(keyFile, 'utf8').trim());
  const apiKeys = ensureLocalApiKeys(local);

  // The Web UI and the gateway both on "localhost": one site, so the codec login cookie the
  // gateway sets goes along with the Web UI's requests to the codec endpoint.
  const ui = `http://localhost:${PORTS.ui}`;
  const gateway = `http://localhost:${PORTS.gateway}`;
  const codecEndpoint = `${gateway}/codec`;

  // 1. Temporal dev server with the Web UI pointing at the gateway's codec endpoint.
  start('temporal', tools.TEMPORAL_CLI!, [
    'server', 'start-dev',
    '--db-filename', `${local}/temporal.db`,
    '--ip', '127.0.0.1',
    '--port', String(PORTS.temporal),
    '--http-port', String(PORTS.temporalHttp),
    '--metrics-port', String(PORTS.temporalMetrics),
    '--ui-port', String(PORTS.ui),
    '--ui-codec-endpoint', codecEndpoint,
    '--log-level', 'error',
    ...SEARCH_ATTRIBUTE_ARGS,
    ...SINGLE_PARTITION_ARGS,
  ]);
  const address = `127.0.0.1:${PORTS.temporal}`;
  await waitFor('Temporal dev server', async () => {
    const c = await Connection.connect({ address, connectTimeout: 1000 });
    await c.workflowService.getSystemInfo({});
    await c.close();
    return true;
  });

  // 2. OCCTO simulator (mutual TLS), fast enough to watch: judgement after 20 s, processing 60 s.
  // Its books are kept in a state file, so workflows waiting on a relay find it after a restart.
  const tsx = `${root}node_modules/.bin/tsx`;
  start('occto-sim', tsx, ['systems/occto/simulator/main.ts'], {
    OCCTO_SIM_PORT: String(PORTS.occto),
    OCCTO_SIM_ADMIN_PORT: String(PORTS.occtoAdmin),
    OCCTO_SIM_CERT_DIR: `${local}/pki`,
    OCCTO_SIM_COMPANIES: COMPANY,
    OCCTO_SIM_LOGIN_ID: LOGIN.id,
    OCCTO_SIM_PASSWORD: LOGIN.password,
    OCCTO_SIM_JUDGEMENT_DELAY_MS: '20000',
    OCCTO_SIM_PROCESSING_DELAY_MS: '60000',
    OCCTO_SIM_STATE_FILE: `${local}/occto-sim-state.json`,
    OCCTO_SIM_LOG_LEVEL: 'warn',
  });

  // たくそう君 simulator (HTTPS), fast enough to watch: acceptance 30 s, 工程 steps 20 s, 契約算定 60 s.
  start('takusou-sim', tsx, ['systems/kansai-takusou/simulator/main.ts'], {
    TAKUSOU_SIM_PORT: String(PORTS.takusou),
    TAKUSOU_SIM_ADMIN_PORT: String(PORTS.takusouAdmin),
    TAKUSOU_SIM_CERT_DIR: `${local}/pki`,
    TAKUSOU_SIM_ACCEPTANCE_DELAY_MS: '30000',
    TAKUSOU_SIM_PROCESS_STEP_MS: '20000',
    TAKUSOU_SIM_CALCULATION_DELAY_MS: '60000',
    TAKUSOU_SIM_RESULT_DELAY_MS: '30000',
    TAKUSOU_SIM_STATE_FILE: `${local}/takusou-sim-state.json`,
    TAKUSOU_SIM_LOG_LEVEL: 'warn',
  });
  await waitFor('OCCTO simulator', async () => (await fetch(`http://127.0.0.1:${PORTS.occtoAdmin}/summary`)).ok);
  await waitFor('たくそう君 simulator', async () => (await fetch(`http://127.0.0.1:${PORTS.takusouAdmin}/summary`)).ok);

  // 3. Worker.
  const metricsAddress = 'METRICS_ADDRESS' in workerEnvSchema.shape ? `127.0.0.1:${PORTS.metrics}` : undefined;
  const workerEnv: Record<string, string> = {
    TEMPORAL_ADDRESS: address,
    DENKI_COMPANIES: COMPANY,
    OCCTO_ENDPOINT: `https://127.0.0.1:${PORTS.occto}/sw/soap`,
    OCCTO_CA_FILE: `${local}/pki/ca.pem`,
    OCCTO_CERT_FILE: `${local}/pki/client-${COMPANY}.pem`,
    OCCTO_KEY_FILE: `${local}/pki/client-${COMPANY}-key.pem`,
    OCCTO_LOGIN_ID: LOGIN.id,
    OCCTO_PASSWORD: LOGIN.password,
    TAKUSOU_BASE_URL: `https://127.0.0.1:${PORTS.takusou}/api/low-takusou/`,
    TAKUSOU_CA_FILE: `${local}/pki/ca.pem`,
    DENKI_PAYLOAD_KEYS_FILE: keyFile,
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    // Current retailer: our customer records (a CIS stand-in) and the rule for clear cases —
    // records match → OK; anything else goes to a person.
    CUSTOMER_RECORDS_FILE: `${local}/customer-records.json`,
    SWITCHING_OUT_AUTO_JUDGE: JSON.stringify({ okWhenMatch: true }),
    STATUS_POLLER_INTERVAL: '10 seconds',
    ...(metricsAddress ? { METRICS_ADDRESS: metricsAddress } : {}),
  };
  writeDemoCustomerRecords(workerEnv.CUSTOMER_RECORDS_FILE!, COMPANY);
  // Single-quoted: values hold spaces and JSON, and operators source this file (`set -a; . .local/worker.env`).
  writeFileSync(`${local}/worker.env`, Object.entries(workerEnv).map(([k, v]) => `${k}='${v.replaceAll("'", "'\\''")}'`).join('\n') + '\n', { mode: 0o600 });
  const workerStartedAt = Date.now();
  start('worker', tsx, ['worker/main.ts'], workerEnv);

  // 4. Gateway: the HTTP API for business apps (/docs) and the codec endpoint for the Web UI.
  const gw = start('gateway', tsx, ['client/gateway/main.ts'], {
    TEMPORAL_ADDRESS: address,
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(PORTS.gateway),
    GATEWAY_API_KEYS_FILE: apiKeys.files.json,
    GATEWAY_CODEC_CORS_ORIGINS: `${ui},http://127.0.0.1:${PORTS.ui}`,
    DENKI_PAYLOAD_KEYS_FILE: keyFile,
    LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
  });
  await gw.line((l) => l.startsWith('{"gateway"'));
  // Up = the worker polls the workflow queue (a poller seen since this start, not the last run's).
  await waitFor(
    'worker',
    async () => {
      const c = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        const q = await c.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: WORKFLOWS_TASK_QUEUE }, taskQueueType: 1 });
        return q.pollers.some((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000 >= workerStartedAt - 1000);
      } finally {
        await c.close();
      }
    },
    120_000,
  );

  // 5. Demo lifecycles (once per local dir; a restart finds the same ones).
  const demo = await seedDemoOnce(address, codecKeys);
  const states = await tally(address, demo.ids);
  supervisor.up = true;

  const filter = (q: string) => `${ui}/namespaces/default/workflows?query=${encodeURIComponent(q)}`;
  const keysFile = shown(apiKeys.files.txt);
  console.log(`
denki-flow local stack is up (state in ${shown(local)}/)
  Temporal Web UI      ${filter('DenkiAwaitingHuman = true')}
                       more filters: DenkiKind = 'switching-in' AND DenkiStage = 'AWAITING_DECISION'
                                     DenkiKind = 'switching-out' AND DenkiAwaitingHuman = true
                                     DenkiKind = 'construction' · DenkiKind = 'occto-operation'   (docs/operator-guide.md)
  Gateway (HTTP API)   ${gateway}   docs ${gateway}/docs   OpenAPI ${gateway}/openapi.json
  API keys             ${keysFile}${apiKeys.generated ? ' (new)' : ''}: one per role — app, approver, operator, read-only
  Customer data in     1. log in once per browser: ${gateway}/codec/login with the operator key
  the Web UI           2. Web UI → Codec Server (glasses icon, top bar) → "Use my browser setting and ignore Cluster-level
                          setting", endpoint ${codecEndpoint}, "Include cross-origin credentials" on → Apply
                       Without both, the Web UI shows encrypted payloads only.
  Temporal gRPC        ${address}
  OCCTO simulator      https://127.0.0.1:${PORTS.occto}/sw/soap (mutual TLS)   admin http://127.0.0.1:${PORTS.occtoAdmin}/summary
  たくそう君 simulator  https://127.0.0.1:${PORTS.takusou}/api/low-takusou/   admin http://127.0.0.1:${PORTS.takusouAdmin}/summary
  Metrics              ${metricsAddress ? `worker http://${metricsAddress}/metrics   ` : ''}gateway ${gateway}/metrics   Temporal http://127.0.0.1:${PORTS.temporalMetrics}/metrics
  Demo                 ${demo.ids.length} lifecycles ${demo.startedNow ? `started now (${demo.incoming} incoming 廃止取次 injected)` : `from ${demo.seededAt}`}: ${states}
Operator CLI (in another terminal):
  set -a; . ${shown(local)}/worker.env; set +a
  npm run cli -- switching-in list --awaiting-human
  npm run cli -- switching-in status '${demo.ids[0] ?? 'switching-in/…'}'
  npm run cli -- switching-out list                      # incoming relays awaiting a judgement
Gateway: curl -H "Authorization: Bearer $(awk '$1=="operator"{print $2}' ${keysFile})" ${gateway}/…   (docs/integrator-guide.md)
A process that crashes is restarted (backoff 1–30 s). Ctrl-C stops the stack; the next start goes on with the
same workflows. Fresh start: delete ${shown(local)}/.
`);
  console.log(
    JSON.stringify({
      localStack: {
        localDir: local,
        webUi: ui,
        temporalAddress: address,
        gateway,
        codecEndpoint,
        codecLogin: `${gateway}/codec/login`,
        apiKeysFile: apiKeys.files.txt,
        metrics: metricsAddress ? `http://${metricsAddress}/metrics` : null,
        occtoSimAdmin: `http://127.0.0.1:${PORTS.occtoAdmin}`,
        takusouSimAdmin: `http://127.0.0.1:${PORTS.takusouAdmin}`,
        demo: { ids: demo.ids, startedNow: demo.startedNow },
        // Process-group leaders as started; a restart prints its new pid ("[supervisor] … restarted").
        processes: Object.fromEntries(supervisor.processes.map((p) => [p.spec.name, p.pid])),
      },
    }),
  );
}

main().catch(async (err) => {
  console.error(err instanceof Error ? err.message : err);
  await stop(1);
});
