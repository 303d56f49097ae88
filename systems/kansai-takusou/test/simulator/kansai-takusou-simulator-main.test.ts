// systems/kansai-takusou/simulator/main.ts as a process: one JSON line with the URLs, a clean stop on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'takusou-sim-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('starts with a dev PKI in TAKUSOU_SIM_CERT_DIR, prints its URLs, serves, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'systems/kansai-takusou/simulator/main.ts', '--log-level', 'warn'], {
    env: { ...process.env, TAKUSOU_SIM_CERT_DIR: dir, TAKUSOU_SIM_LATENCY_MS: '5' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', () => reject(new Error(`simulator exited early: ${stderr}`)));
    });
    const info = (JSON.parse(line) as { takusouSimulator: { url: string; adminUrl: string; caFile: string; certDir: string } }).takusouSimulator;
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api\/low-takusou\/$/);
    expect(info.certDir).toBe(dir);
    const agent = new Agent({ connect: { ca: readFileSync(info.caFile, 'utf8') } });
    const res = await request(`${info.url}OshrsJohShtk`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kouriJigyoshaCode: '12346' }) });
    await res.body.text();
    await agent.close();
    // Sunday 01:00–03:00 JST on the real clock would be maintenance: both answers are the simulator working.
    expect([200, 503]).toContain(res.statusCode);
    const summary = (await fetch(`${info.adminUrl}/summary`).then((r) => r.json())) as { calls: number };
    expect(summary.calls).toBe(1);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}, 20_000);
