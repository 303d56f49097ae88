// systems/occto/simulator/main.ts as a process: one JSON line with the URLs, a clean stop on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, expect, it } from 'vitest';
import { createCaller } from './occto-sim-client.js';

const dir = mkdtempSync(join(tmpdir(), 'occto-sim-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('starts with a dev PKI in --cert-dir, seeds incoming relays, prints its URLs, serves, and stops on SIGTERM', async () => {
  const seeds = join(dir, 'seeds.json');
  const seed = { toCompany: '12346', category: 'LV', supplyPointId: '0300000000000000042000', newRetailerCode: '99991', customer: { name: '模擬 一郎', kana: 'モギ イチロウ', address: '東京都千代田区模擬町1' } };
  writeFileSync(seeds, JSON.stringify([seed]));
  const child = spawn(process.execPath, ['--import', 'tsx', 'systems/occto/simulator/main.ts', '--cert-dir', dir, '--log-level', 'warn', '--incoming-relays-file', seeds], {
    env: { ...process.env, OCCTO_SIM_LOGIN_ID: 'main-test', OCCTO_SIM_PASSWORD: 'main-test-secret' },
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
    const info = (JSON.parse(line) as { occtoSimulator: { endpoint: string; adminUrl: string; caFile: string; clientCerts: Record<string, { cert: string; key: string }> } })
      .occtoSimulator;
    expect(line).not.toContain('main-test-secret');
    const files = info.clientCerts['12346'];
    if (!files) throw new Error('no client cert for the default company 12346');
    const c = createCaller(info.endpoint, readFileSync(info.caFile, 'utf8'), { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') }, { loginID: 'main-test', password: 'main-test-secret' });
    const res = await c.call('relayResult', { jigyoshaKanriNo: 'nothing' });
    await c.close();
    // Sunday 00:00–06:00 JST on the real clock would be maintenance: both answers are the simulator working.
    expect([200, 503]).toContain(res.status);
    const summary = (await fetch(`${info.adminUrl}/summary`).then((r) => r.json())) as { calls: number };
    expect(summary.calls).toBe(1);
    const state = (await fetch(`${info.adminUrl}/state`).then((r) => r.json())) as { incomingRelays: { supplyPointId: string }[] };
    expect(state.incomingRelays.map((r) => r.supplyPointId)).toEqual([seed.supplyPointId]);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}, 20_000);
