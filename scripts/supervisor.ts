// Supervision of the local stack's processes (scripts/stack.ts): each runs in its own process group
// (tsx runs node as a child, so a signal must reach the whole group), its output prefixed with its
// name. A process that dies while the stack is up is restarted with exponential backoff and a log
// line saying so, the rest keeps running — as a process manager does in production. A process that
// dies while the stack is still coming up fails the start instead: that is a configuration error,
// and restarting would hide it. One stop() ends every group.
import { spawn, type ChildProcess } from 'node:child_process';

export interface BackoffOptions {
  /** First restart delay. Default 1 s. */
  initialMs?: number;
  /** Cap on the delay. Default 30 s. */
  maxMs?: number;
  /** A run that lasted this long resets the delay to initialMs. Default 60 s. */
  resetAfterMs?: number;
}

/** Restart delay after `failures` consecutive short runs (1 → initialMs, doubling, capped). */
export function restartDelayMs(failures: number, o: BackoffOptions = {}): number {
  const initial = o.initialMs ?? 1_000;
  const max = o.maxMs ?? 30_000;
  return Math.min(max, initial * 2 ** Math.max(0, failures - 1));
}

export interface ProcessSpec {
  name: string;
  cmd: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string;
}

type Log = (line: string) => void;

/** One supervised program: restarted after a crash once the stack is up. */
export class Supervised {
  child: ChildProcess | undefined;
  /** How often it was restarted after a crash. */
  restarts = 0;
  private failures = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly watchers = new Set<(line: string) => void>();

  constructor(
    readonly spec: ProcessSpec,
    private readonly sup: Supervisor,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  spawn(): void {
    const { name, cmd, args, env, cwd } = this.spec;
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    this.startedAt = Date.now();
    for (const stream of [child.stdout!, child.stderr!]) {
      let buf = '';
      stream.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) {
          if (l.trim()) this.sup.out(`[${name}] ${l}`);
          for (const w of this.watchers) w(l);
        }
      });
    }
    child.once('error', (err) => this.sup.err(`[${name}] could not start: ${err.message}`));
    child.once('exit', (code, signal) => this.exited(child, code, signal));
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    // Whatever the group leader left behind (tsx's node child) goes with it: a restart must not
    // find an orphaned worker still polling.
    killGroup(child, 'SIGKILL');
    if (this.sup.stopping) return;
    const how = signal ?? `code ${code}`;
    if (!this.sup.up) {
      this.sup.err(`[${this.spec.name}] exited (${how}) while the stack was starting; stopping the stack`);
      void this.sup.stop(1);
      return;
    }
    const ranMs = Date.now() - this.startedAt;
    this.failures = ranMs >= (this.sup.backoff.resetAfterMs ?? 60_000) ? 1 : this.failures + 1;
    const delay = restartDelayMs(this.failures, this.sup.backoff);
    this.sup.err(`[supervisor] ${this.spec.name} exited (${how}) after ${Math.round(ranMs / 1000)} s; restarting in ${delay / 1000} s (restart ${this.restarts + 1})`);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.sup.stopping) return;
      this.restarts++;
      this.spawn();
      this.sup.err(`[supervisor] ${this.spec.name} restarted (pid ${this.child?.pid})`);
    }, delay);
  }

  /** Resolves with the first output line matching, of this run; rejects if it exits first. */
  line(match: (line: string) => boolean, timeoutMs = 90_000): Promise<string> {
    const child = this.child!;
    return new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(watcher);
        child.off('exit', onExit);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.spec.name} did not come up within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const watcher = (l: string) => {
        if (!match(l)) return;
        done();
        resolve(l);
      };
      const onExit = () => {
        done();
        reject(new Error(`${this.spec.name} exited before it was ready`));
      };
      this.watchers.add(watcher);
      child.once('exit', onExit);
    });
  }

  /** Ends the process group and any pending restart; resolves when the leader has exited. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    killGroup(c, 'SIGTERM');
    const hard = setTimeout(() => killGroup(c, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(hard);
  }
}

function killGroup(c: ChildProcess, signal: NodeJS.Signals): void {
  if (!c.pid) return;
  try {
    process.kill(-c.pid, signal);
  } catch {
    /* the group is gone */
  }
}

export class Supervisor {
  /** Set once everything has come up: from then on a crash restarts instead of stopping. */
  up = false;
  stopping: Promise<void> | undefined;
  readonly processes: Supervised[] = [];

  constructor(
    readonly backoff: BackoffOptions,
    readonly out: Log,
    readonly err: Log,
    /** Called once every process has stopped, with the stack's exit code (stack.ts exits there). */
    private readonly onStopped: (code: number) => void,
  ) {}

  start(spec: ProcessSpec): Supervised {
    const p = new Supervised(spec, this);
    this.processes.push(p);
    p.spawn();
    return p;
  }

  /** Stops every process, last started first (the worker before the servers it talks to). */
  stop(code = 0): Promise<void> {
    // Ctrl-C reaches us twice (from the terminal and relayed by tsx): stop once.
    this.stopping ??= (async () => {
      for (const p of [...this.processes].reverse()) await p.stop();
      this.onStopped(code);
    })();
    return this.stopping;
  }
}
