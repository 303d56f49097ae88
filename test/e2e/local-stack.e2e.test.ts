// The README's first command as a new user meets it: `scripts/stack.ts` in an isolated local dir on
// free ports brings up Temporal (SQLite), the simulators, the worker and the gateway, and seeds the
// demo. Then a person's view: headless Chromium (the machine's /usr/bin/chromium through
// playwright-core; no browser download) logs in at the gateway's codec endpoint with the operator
// key, finds a demo switching in the Web UI by a search-attribute filter and sees its customer
// decoded (screenshot in test-artifacts/); the same page without the login shows no customer.
// Then the worker is killed with SIGKILL: the stack restarts it and the demo goes on. Last, Ctrl-C
// and a second start on the same dir: the same workflows, none failed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../support/processes.js';
import { DEMO_SWITCHINGS } from '../../scripts/demo.js';
import { readLocalApiKeys } from '../../scripts/local-api-keys.js';

const { EVENT_TYPE_WORKFLOW_TASK_FAILED: WORKFLOW_TASK_FAILED, EVENT_TYPE_WORKFLOW_TASK_COMPLETED: WORKFLOW_TASK_COMPLETED } = proto.temporal.api.enums.v1.EventType;
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(ROOT, 'test-artifacts', 'web-ui-decoded.png');
const AWAITING = `DenkiKind = 'switching-in' AND DenkiAwaitingHuman = true`;

interface StackInfo {
  localDir: string;
  webUi: string;
  temporalAddress: string;
  gateway: string;
  codecEndpoint: string;
  codecLogin: string;
  apiKeysFile: string;
  occtoSimAdmin: string;
  demo: { ids: string[]; startedNow: boolean };
  /** Supervised process-group leaders by name (temporal, occto-sim, takusou-sim, worker, gateway). */
  processes: Record<string, number>;
}

interface Stack {
  child: ChildProcess;
  info: StackInfo;
  output(): string;
}

const dir = mkdtempSync(join(tmpdir(), 'denki-local-stack-'));
let portEnv: Record<string, string> = {};
let stack: Stack | undefined;
let browser: Browser | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `npx tsx scripts/stack.ts` in its own process group (as a terminal runs it), until its JSON line. */
async function startStack(): Promise<Stack> {
  const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['scripts/stack.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...portEnv, DENKI_LOCAL_DIR: dir, DENKI_WORKFLOW_BUNDLE: inject('workflowBundle'), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const info = await new Promise<StackInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready banner within 150 s:\n${out.slice(-4000)}`)), 150_000);
    const check = () => {
      const line = out.split('\n').find((l) => l.startsWith('{"localStack"'));
      if (!line) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve((JSON.parse(line) as { localStack: StackInfo }).localStack);
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`stack exited (${code}) before it was up:\n${out.slice(-4000)}`)));
  });
  return { child, info, output: () => out };
}

/** Ctrl-C: SIGINT to the stack's process group; resolves with its exit code. */
async function interrupt(s: Stack): Promise<number | null> {
  if (s.child.exitCode !== null) return s.child.exitCode;
  const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
  process.kill(-s.child.pid!, 'SIGINT');
  return exited;
}

async function withClient<T>(address: string, f: (c: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await f(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

async function listIds(address: string, query: string): Promise<string[]> {
  return withClient(address, async (c) => {
    const ids: string[] = [];
    for await (const w of c.workflow.list({ query })) ids.push(w.workflowId);
    return ids;
  });
}

interface Seen {
  status: string;
  events: number;
  /** Workflow tasks that failed (a replay that no longer fits the code shows here, not as a failed workflow). */
  taskFailures: number;
  /** When a worker last completed a workflow task of it (ms): only a live worker makes these. */
  lastTaskCompletedMs: number;
}

async function inspect(address: string, ids: string[]): Promise<Record<string, Seen>> {
  return withClient(address, async (c) => {
    const out: Record<string, Seen> = {};
    for (const id of ids) {
      const h = c.workflow.getHandle(id);
      const d = await h.describe().catch(() => undefined);
      if (!d) {
        out[id] = { status: 'MISSING', events: 0, taskFailures: 0, lastTaskCompletedMs: 0 };
        continue;
      }
      const history = await h.fetchHistory();
      const events = history.events ?? [];
      const taskFailures = events.filter((e) => e.eventType === WORKFLOW_TASK_FAILED).length;
      const completed = events.filter((e) => e.eventType === WORKFLOW_TASK_COMPLETED).map((e) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6));
      out[id] = { status: d.status.name, events: events.length, taskFailures, lastTaskCompletedMs: Math.max(0, ...completed) };
    }
    return out;
  });
}

/** Whether the process runs (a zombie awaiting its reaper does not). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Pids of the running processes in a process group. */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[2]) === pgid && fields[0] !== 'Z';
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * The operator's one-time Web UI step, through its Codec Server dialog (top bar): the browser-level
 * endpoint with cross-origin credentials, so the codec login cookie goes along. The Web UI keeps it
 * in localStorage (`endpoint`, `includeCredentials`, `overrideRemoteCodecConfiguration`).
 */
async function configureCodec(page: Page, info: StackInfo): Promise<void> {
  await page.goto(`${info.webUi}/namespaces/default/workflows`);
  await page.getByRole('button', { name: 'Codec Server' }).first().click();
  await page.getByText('Use my browser setting and ignore Cluster-level setting.').click();
  await page.getByPlaceholder('Paste your endpoint here').fill(info.codecEndpoint);
  await page.locator('label:has-text("Include cross-origin credentials")').click();
  await page.getByRole('button', { name: 'Apply' }).click();
  // A string, evaluated in the page: this project compiles without the DOM library.
  const stored = await page.evaluate(`({ endpoint: localStorage.getItem('endpoint'), credentials: localStorage.getItem('includeCredentials'), override: localStorage.getItem('overrideRemoteCodecConfiguration') })`);
  expect(stored).toEqual({ endpoint: JSON.stringify(info.codecEndpoint), credentials: 'true', override: 'true' });
}

async function newUiPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser!.newContext({ viewport: { width: 1440, height: 1000 }, timezoneId: 'Asia/Tokyo' });
  return { context, page: await context.newPage() };
}

/** Opens the filtered workflow list, then the workflow itself, as a person would: by clicking. */
async function openFromFilteredList(page: Page, info: StackInfo, workflowId: string): Promise<void> {
  await page.goto(`${info.webUi}/namespaces/default/workflows?query=${encodeURIComponent(AWAITING)}`);
  const link = page.locator(`a[href*="${encodeURIComponent(workflowId)}"]`).first();
  await link.waitFor({ timeout: 30_000 });
  await link.click();
  await page.waitForURL(/\/workflows\/switching-in/, { timeout: 30_000 });
  await page.getByText(workflowId).first().waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package 'chromium' (apt-get install chromium); npm test (scripts/test.sh) does this`);
  const names = ['TEMPORAL', 'TEMPORAL_HTTP', 'TEMPORAL_METRICS', 'UI', 'GATEWAY', 'OCCTO', 'OCCTO_ADMIN', 'TAKUSOU', 'TAKUSOU_ADMIN', 'METRICS'];
  portEnv = Object.fromEntries(await Promise.all(names.map(async (n) => [`DENKI_${n}_PORT`, String(await freePort())] as const)));
  stack = await startStack();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright-core gives each launch a fresh temporary profile (user data dir).
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 200_000);

afterAll(async () => {
  await browser?.close();
  if (stack) await interrupt(stack);
  rmSync(dir, { recursive: true, force: true });
});

describe('local stack (npm start) and the Web UI as a person sees it', () => {
  let awaitingId = '';

  it('is up with every URL printed: gateway /docs and /openapi.json, the Web UI, API keys per role (mode 600)', async () => {
    const { info } = stack!;
    const out = stack!.output();
    for (const url of [info.webUi, `${info.gateway}/docs`, info.codecLogin, info.occtoSimAdmin]) expect(out).toContain(url);
    expect(out).toContain('Include cross-origin credentials');

    const docs = await fetch(`${info.gateway}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toMatch(/swagger/i);
    const openapi = (await (await fetch(`${info.gateway}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toMatch(/^3\.1/);
    expect(Object.keys(openapi.paths).length).toBeGreaterThan(3);
    expect((await fetch(info.webUi)).status).toBe(200);

    const keys = readLocalApiKeys(info.apiKeysFile);
    expect(Object.keys(keys).sort()).toEqual(['app', 'approver', 'operator', 'read-only']);
    expect(statSync(info.apiKeysFile).mode & 0o777).toBe(0o600);
    // The hashes file is what the gateway reads; it holds no key.
    const hashes = readFileSync(join(dir, 'api-keys.json'), 'utf8');
    for (const k of Object.values(keys)) expect(hashes).not.toContain(k);
    expect(info.demo.startedNow).toBe(true);
  });

  it('an operator logged in at the codec finds a waiting demo switching by filter and sees its customer decoded; without the login, no customer', async () => {
    const { info } = stack!;
    const demoIds = new Map(DEMO_SWITCHINGS.map((d) => [`switching-in/12346/${d.point}`, d.name]));
    // The demo's NG switchings wait for a decision once the simulated current retailer has judged (≈ 20–40 s).
    awaitingId = await until('a demo switching awaiting a person', async () => (await listIds(info.temporalAddress, AWAITING)).find((id) => demoIds.has(id)), 120_000);
    const customer = demoIds.get(awaitingId)!;

    const { context: operator, page } = await newUiPage();
    await configureCodec(page, info);
    // The login form, as a person uses it: the gateway answers with a session cookie.
    await page.goto(info.codecLogin);
    await page.fill('#apiKey', readLocalApiKeys(info.apiKeysFile).operator!);
    await page.click('button[type=submit]');
    await page.waitForLoadState();
    expect(await page.textContent('body'), 'the codec login page did not log the operator in').toContain('Logged in');
    expect((await operator.cookies(info.codecEndpoint)).map((c) => c.name)).toContain('denki_codec_session');
    await openFromFilteredList(page, info, awaitingId);
    const decoded = page.getByText(customer).first();
    await decoded.waitFor({ timeout: 30_000 });
    await decoded.scrollIntoViewIfNeeded();
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`screenshot of the decoded payload: ${SCREENSHOT}`);
    expect(await page.content()).toContain(customer);
    await operator.close();

    // Same settings, no login: the codec endpoint answers 401 and the page shows no customer.
    const { context: stranger, page: page2 } = await newUiPage();
    await configureCodec(page2, info);
    const refused = page2.waitForResponse((r) => r.url().startsWith(info.codecEndpoint) && r.request().method() === 'POST', { timeout: 30_000 });
    await openFromFilteredList(page2, info, awaitingId);
    expect((await refused).status()).toBe(401);
    await page2.waitForTimeout(2_000);
    const html = await page2.content();
    expect(html).toContain(awaitingId);
    for (const d of DEMO_SWITCHINGS) expect(html).not.toContain(d.name);
    await stranger.close();
  });

  it('a worker killed with SIGKILL is restarted by the stack, the rest keeps running, and the demo lifecycles go on', async () => {
    const { info } = stack!;
    const { worker, ...others } = info.processes;
    expect(Object.keys(others).sort()).toEqual(['gateway', 'occto-sim', 'takusou-sim', 'temporal']);
    expect(groupMembers(worker!).length, 'the worker runs as tsx and its node child').toBeGreaterThanOrEqual(2);
    const seenBefore = await inspect(info.temporalAddress, info.demo.ids);
    const running = info.demo.ids.filter((id) => seenBefore[id]!.status === 'RUNNING');
    expect(running.length).toBeGreaterThan(0);

    // As the OOM killer or a crash would: the whole worker, at once, with no chance to clean up.
    process.kill(-worker!, 'SIGKILL');
    await until('the killed worker to be gone', async () => (groupMembers(worker!).length === 0 ? true : undefined), 10_000);
    const downAt = Date.now();
    const newPid = await until('the supervisor to restart the worker', async () => {
      const m = /\[supervisor\] worker restarted \(pid (\d+)\)/.exec(stack!.output());
      return m ? Number(m[1]) : undefined;
    }, 30_000);
    expect(stack!.output()).toMatch(/\[supervisor\] worker exited \(SIGKILL\) after \d+ s; restarting in 1 s \(restart 1\)/);
    expect(newPid).not.toBe(worker);
    expect(alive(newPid)).toBe(true);
    // Nothing else was stopped or restarted: the same processes, the gateway answering.
    for (const [name, pid] of Object.entries(others)) expect(alive(pid), `${name} (pid ${pid}) still running`).toBe(true);
    expect(stack!.output()).not.toMatch(/\[supervisor\] (temporal|occto-sim|takusou-sim|gateway) exited/);
    expect(stack!.output()).not.toContain('stopping the stack');
    expect((await fetch(`${info.gateway}/docs`, { redirect: 'follow' })).status).toBe(200);

    // The new worker takes the running lifecycles over: workflow tasks completed after the kill,
    // every replay fits the code, nothing lost or failed.
    const seenAfter = await until(
      'a running demo workflow to progress on the restarted worker',
      async () => {
        const now = await inspect(info.temporalAddress, info.demo.ids);
        return running.some((id) => now[id]!.lastTaskCompletedMs > downAt) ? now : undefined;
      },
      120_000,
    );
    for (const id of info.demo.ids) {
      const ok = seenBefore[id]!.status === 'COMPLETED' ? ['COMPLETED'] : ['RUNNING', 'COMPLETED'];
      expect(ok, `${id}: ${seenBefore[id]!.status} → ${seenAfter[id]!.status}`).toContain(seenAfter[id]!.status);
      expect(seenAfter[id]!.events, id).toBeGreaterThanOrEqual(seenBefore[id]!.events);
      expect(seenAfter[id]!.taskFailures, `${id}: failed workflow tasks after the kill`).toBe(0);
    }
  });

  it('Ctrl-C stops it; started again on the same dir it has the same workflows, none failed, the waiting one still waiting', async () => {
    const before = stack!.info;
    const keysBefore = readFileSync(before.apiKeysFile, 'utf8');
    const seenBefore = await inspect(before.temporalAddress, before.demo.ids);
    const relaysBefore = ((await (await fetch(`${before.occtoSimAdmin}/state`)).json()) as { relays: { haishiToritsugiNo: string }[] }).relays.map((r) => r.haishiToritsugiNo);
    expect(relaysBefore.length).toBeGreaterThan(0);

    expect(await interrupt(stack!)).toBe(0);
    stack = await startStack();
    const after = stack.info;

    expect(after.demo.startedNow).toBe(false);
    expect(after.demo.ids).toEqual(before.demo.ids);
    expect(readFileSync(after.apiKeysFile, 'utf8')).toBe(keysBefore);
    // The restarted worker picks the running workflows up again: their histories grow (poller
    // signals, timers, calls) and every replay fits the code — no failed workflow task.
    const running = before.demo.ids.filter((id) => seenBefore[id]!.status === 'RUNNING');
    expect(running.length).toBeGreaterThan(0);
    const seenAfter = await until(
      'a running demo workflow to progress after the restart',
      async () => {
        const now = await inspect(after.temporalAddress, after.demo.ids);
        return running.some((id) => now[id]!.events > seenBefore[id]!.events) ? now : undefined;
      },
      60_000,
    );
    for (const id of before.demo.ids) {
      // Still running, or progressed to completion; never lost, failed or terminated by the restart.
      const ok = seenBefore[id]!.status === 'COMPLETED' ? ['COMPLETED'] : ['RUNNING', 'COMPLETED'];
      expect(ok, `${id}: ${seenBefore[id]!.status} → ${seenAfter[id]!.status}`).toContain(seenAfter[id]!.status);
      expect(seenAfter[id]!.events, id).toBeGreaterThanOrEqual(seenBefore[id]!.events);
      expect(seenAfter[id]!.taskFailures, `${id}: failed workflow tasks after the restart`).toBe(0);
    }
    // The simulator kept its books: the relays the waiting workflows follow are still there.
    const relaysAfter = ((await (await fetch(`${after.occtoSimAdmin}/state`)).json()) as { relays: { haishiToritsugiNo: string }[] }).relays.map((r) => r.haishiToritsugiNo);
    expect(relaysAfter).toEqual(expect.arrayContaining(relaysBefore));
    expect(await listIds(after.temporalAddress, AWAITING)).toContain(awaitingId);
  });
});
