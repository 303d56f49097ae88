// The local stack (README Quick start, first command): Temporal dev server (SQLite file, Web UI
// with the codec endpoint, search attributes registered), the OCCTO simulator over mutual TLS,
// the payload codec endpoint, the worker, and a demo of switchings in different stages.
// Ctrl-C stops everything; workflows survive a restart in .local/temporal.db.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { createDevPki } from './dev-pki.js';
import { startCodecServer } from '../client/codec-server.js';
import { generateCodecKeySpec, parseCodecKeys } from '../worker/payload-codec.js';
import { SEARCH_ATTRIBUTE_ARGS, SINGLE_PARTITION_ARGS } from './dev-server-args.js';
import { runDemo } from './demo.js';
import { writeDemoCustomerRecords } from './demo-occto.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const local = `${root}.local`;
const env = process.env;
const PORTS = {
  temporal: Number(env.DENKI_TEMPORAL_PORT ?? 7233),
  ui: Number(env.DENKI_UI_PORT ?? 8233),
  occto: Number(env.DENKI_OCCTO_PORT ?? 8443),
  occtoAdmin: Number(env.DENKI_OCCTO_ADMIN_PORT ?? 8444),
  takusou: Number(env.DENKI_TAKUSOU_PORT ?? 8543),
  takusouAdmin: Number(env.DENKI_TAKUSOU_ADMIN_PORT ?? 8544),
  codec: Number(env.DENKI_CODEC_PORT ?? 8888),
};
const COMPANY = '12346';
const LOGIN = { id: 'api12346', password: 'local-dev-password' };
const children: ChildProcess[] = [];

function start(name: string, cmd: string, args: string[], extraEnv: Record<string, string> = {}): ChildProcess {
  // Own process group, so stopping reaches the grandchildren too (tsx runs node as a child).
  const child = spawn(cmd, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const prefix = (line: string) => `[${name}] ${line}`;
  for (const stream of [child.stdout!, child.stderr!]) {
    let buf = '';
    stream.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l.trim()) process.stdout.write(`${prefix(l)}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(prefix(`exited (${signal ?? code}); stopping the stack`));
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
async function stop(code = 0): Promise<never> {
  stopping = true;
  for (const c of [...children].reverse()) {
    if (c.exitCode === null && c.pid) {
      try {
        process.kill(-c.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    await new Promise((r) => (c.exitCode !== null ? r(undefined) : c.once('exit', r)));
  }
  process.exit(code);
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
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
  const pki = await createDevPki({ companies: [COMPANY], dir: `${local}/pki` });
  const keyFile = `${local}/payload-keys`;
  if (!existsSync(keyFile)) writeFileSync(keyFile, generateCodecKeySpec('local1'), { mode: 0o600 });
  const codecKeys = parseCodecKeys(readFileSync(keyFile, 'utf8').trim());

  // 1. Temporal dev server with the Web UI pointing at our codec endpoint.
  const codec = await startCodecServer({
    keys: codecKeys,
    port: PORTS.codec,
    allowedOrigins: [`http://localhost:${PORTS.ui}`, `http://127.0.0.1:${PORTS.ui}`],
  });
  start('temporal', tools.TEMPORAL_CLI!, [
    'server', 'start-dev',
    '--db-filename', `${local}/temporal.db`,
    '--ip', '127.0.0.1',
    '--port', String(PORTS.temporal),
    '--ui-port', String(PORTS.ui),
    '--ui-codec-endpoint', codec.url,
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
  const tsx = `${root}node_modules/.bin/tsx`;
  start('occto-sim', tsx, ['simulators/occto/main.ts'], {
    OCCTO_SIM_PORT: String(PORTS.occto),
    OCCTO_SIM_ADMIN_PORT: String(PORTS.occtoAdmin),
    OCCTO_SIM_CERT_DIR: `${local}/pki`,
    OCCTO_SIM_COMPANIES: COMPANY,
    OCCTO_SIM_LOGIN_ID: LOGIN.id,
    OCCTO_SIM_PASSWORD: LOGIN.password,
    OCCTO_SIM_JUDGEMENT_DELAY_MS: '20000',
    OCCTO_SIM_PROCESSING_DELAY_MS: '60000',
    OCCTO_SIM_LOG_LEVEL: 'warn',
  });
  await waitFor('OCCTO simulator', async () => (await fetch(`http://127.0.0.1:${PORTS.occtoAdmin}/summary`)).ok);

  // たくそう君 simulator (HTTPS), fast enough to watch: acceptance 30 s, 工程 steps 20 s, 契約算定 60 s.
  start('takusou-sim', tsx, ['simulators/kansai-takusou/main.ts'], {
    TAKUSOU_SIM_PORT: String(PORTS.takusou),
    TAKUSOU_SIM_ADMIN_PORT: String(PORTS.takusouAdmin),
    TAKUSOU_SIM_CERT_DIR: `${local}/pki`,
    TAKUSOU_SIM_ACCEPTANCE_DELAY_MS: '30000',
    TAKUSOU_SIM_PROCESS_STEP_MS: '20000',
    TAKUSOU_SIM_CALCULATION_DELAY_MS: '60000',
    TAKUSOU_SIM_RESULT_DELAY_MS: '30000',
    TAKUSOU_SIM_LOG_LEVEL: 'warn',
  });
  await waitFor('たくそう君 simulator', async () => (await fetch(`http://127.0.0.1:${PORTS.takusouAdmin}/summary`)).ok);

  // 3. Worker.
  const workerEnv = {
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
  };
  writeDemoCustomerRecords(workerEnv.CUSTOMER_RECORDS_FILE, COMPANY);
  // Single-quoted: values hold spaces and JSON, and operators source this file (`set -a; . .local/worker.env`).
  writeFileSync(`${local}/worker.env`, Object.entries(workerEnv).map(([k, v]) => `${k}='${v.replaceAll("'", "'\\''")}'`).join('\n') + '\n', { mode: 0o600 });
  start('worker', tsx, ['worker/main.ts'], workerEnv);

  // 4. Demo switchings (idempotent: a restart finds the same ones running).
  const demo = await runDemo({ address, codecKeys, company: COMPANY, filesDir: `${local}/demo-files`, occtoSimAdminUrl: `http://127.0.0.1:${PORTS.occtoAdmin}` });
  void pki;

  const ui = `http://localhost:${PORTS.ui}`;
  const q = encodeURIComponent(`DenkiKind = 'switching-in'`);
  console.log(`
denki-flow local stack is up
  Temporal Web UI      ${ui}/namespaces/default/workflows?query=${q}
                       filter e.g.  DenkiStage = 'AWAITING_DECISION'   or   DenkiAwaitingHuman = true
  Temporal gRPC        ${address}
  OCCTO simulator      https://127.0.0.1:${PORTS.occto}/sw/soap (mutual TLS)   admin http://127.0.0.1:${PORTS.occtoAdmin}/summary
  たくそう君 simulator  https://127.0.0.1:${PORTS.takusou}/api/low-takusou/   admin http://127.0.0.1:${PORTS.takusouAdmin}/summary
  Payload codec        ${codec.url} (the Web UI decrypts through it)
  Demo                 ${demo.started} workflows started, ${demo.existing} already running, ${demo.incoming} incoming 廃止取次 injected
                       (switchings: DenkiKind = 'switching-in'; incoming relays: DenkiKind = 'switching-out';
                        other OCCTO operations: DenkiKind = 'occto-operation'; construction: DenkiKind = 'construction')
Operator CLI (in another terminal):
  set -a; . .local/worker.env; set +a
  npm run cli -- switching-in list --awaiting-human
  npm run cli -- switching-in status '${demo.ids[0] ?? 'switching-in/…'}'
  npm run cli -- switching-out list                      # incoming relays awaiting a judgement
  npm run cli -- switching-out details <workflowId> --role switching-operator --by you
  npm run cli -- switching-out judge <workflowId> --judgement NG --reasons 2 --by you
Ctrl-C stops the stack; workflows are kept in .local/temporal.db.
`);
}

main().catch(async (err) => {
  console.error(err instanceof Error ? err.message : err);
  await stop(1);
});
