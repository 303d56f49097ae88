// scripts/supervisor.ts with real child processes: a crash once the stack is up is restarted with
// backoff and a line saying so while the other processes keep running; a crash while starting
// fails the start; stop() ends every process group, grandchildren and pending restarts included.
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { restartDelayMs, Supervisor, type Supervised } from '../../scripts/supervisor.js';

/** Running (a zombie awaiting its reaper is dead). */
const alive = (pid: number | undefined) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
/** Whether any process of the group still runs. */
const groupAlive = (pgid: number) =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .some((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(fields[2]) === pgid && fields[0] !== 'Z';
      } catch {
        return false;
      }
    });

async function until(what: string, f: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// A parent that keeps a child of its own, as tsx keeps the node process it runs.
const withGrandchild = `
  const { spawn } = require('node:child_process');
  const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  console.log('grandchild ' + c.pid);
  setInterval(() => {}, 1000);
`;

let sup: Supervisor | undefined;
let stoppedWith: number | undefined;
const lines: string[] = [];

function supervisor(): Supervisor {
  lines.length = 0;
  stoppedWith = undefined;
  sup = new Supervisor({ initialMs: 100, maxMs: 400, resetAfterMs: 60_000 }, (l) => lines.push(l), (l) => lines.push(l), (code) => (stoppedWith = code));
  return sup;
}
const run = (s: Supervisor, name: string, script: string): Supervised => s.start({ name, cmd: process.execPath, args: ['-e', script], env: process.env, cwd: process.cwd() });

afterEach(async () => {
  await sup?.stop(0);
  sup = undefined;
});

describe('restartDelayMs', () => {
  it('doubles from the first delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(restartDelayMs(3, { initialMs: 100, maxMs: 250 })).toBe(250);
  });
});

describe('Supervisor', () => {
  it('restarts a process killed with SIGKILL once up, says so, takes its grandchild down with it, and leaves the others running', async () => {
    const s = supervisor();
    const worker = run(s, 'worker', withGrandchild);
    const gateway = run(s, 'gateway', 'setInterval(() => {}, 1000)');
    const grandchild = Number((await worker.line((l) => l.startsWith('grandchild '))).split(' ')[1]);
    s.up = true;
    const [firstPid, gatewayPid] = [worker.pid!, gateway.pid!];

    process.kill(-firstPid, 'SIGKILL');
    await until('the restart', () => worker.restarts === 1 && worker.pid !== firstPid && alive(worker.pid));
    expect(lines).toContainEqual(expect.stringMatching(/^\[supervisor\] worker exited \(SIGKILL\) after \d+ s; restarting in 0\.1 s \(restart 1\)$/));
    expect(lines).toContain(`[supervisor] worker restarted (pid ${worker.pid})`);
    expect(gateway.pid).toBe(gatewayPid);
    expect(alive(gatewayPid)).toBe(true);
    expect(gateway.restarts).toBe(0);
    await until('the old grandchild to be gone', () => !alive(grandchild));
    expect(stoppedWith).toBeUndefined();

    // Killing only the leader (as a crash of tsx itself would) leaves no orphan either.
    const grandchildren = () => lines.filter((l) => l.startsWith('[worker] grandchild ')).map((l) => Number(l.split(' ')[2]));
    await until('the new grandchild', () => grandchildren().length === 2);
    const second = grandchildren()[1]!;
    expect(alive(second)).toBe(true);
    process.kill(worker.pid!, 'SIGKILL');
    await until('the second restart', () => worker.restarts === 2);
    await until('the second grandchild to be gone', () => !alive(second));
    // Two quick crashes in a row: the delay doubled.
    expect(lines).toContainEqual(expect.stringMatching(/worker exited \(SIGKILL\) after \d+ s; restarting in 0\.2 s \(restart 2\)$/));
  });

  it('backs off a process that keeps crashing, up to the cap', async () => {
    const s = supervisor();
    s.up = true;
    const flaky = run(s, 'flaky', 'process.exit(3)');
    await until('five restarts', () => flaky.restarts >= 5, 15_000);
    const delays = lines.filter((l) => l.includes('flaky exited (code 3)')).map((l) => /restarting in ([\d.]+) s/.exec(l)![1]);
    expect(delays.slice(0, 5)).toEqual(['0.1', '0.2', '0.4', '0.4', '0.4']);
  });

  it('fails the start when a process exits before the stack is up', async () => {
    const s = supervisor();
    const p = run(s, 'occto-sim', 'process.exit(2)');
    await expect(p.line(() => true)).rejects.toThrow(/occto-sim exited before it was ready/);
    await until('the stack to stop', () => stoppedWith !== undefined);
    expect(stoppedWith).toBe(1);
    expect(lines).toContain('[occto-sim] exited (code 2) while the stack was starting; stopping the stack');
    expect(p.restarts).toBe(0);
  });

  it('stop() ends every process group, grandchildren included, and cancels a pending restart', async () => {
    const s = new Supervisor({ initialMs: 5_000 }, () => {}, () => {}, (code) => (stoppedWith = code));
    sup = s;
    const a = run(s, 'a', withGrandchild);
    const grandchild = Number((await a.line((l) => l.startsWith('grandchild '))).split(' ')[1]);
    const b = run(s, 'b', 'setInterval(() => {}, 1000)');
    s.up = true;
    const bPid = b.pid!;
    process.kill(-bPid, 'SIGKILL'); // b now waits 5 s for its restart
    await until('b to be down', () => !alive(bPid));
    const aPid = a.pid!;
    await s.stop(0);
    expect(stoppedWith).toBe(0);
    expect(groupAlive(aPid)).toBe(false);
    expect(alive(grandchild)).toBe(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.restarts).toBe(0);
  });
});
