// Real child processes for end-to-end tests (simulator, worker, CLI), stopped with SIGTERM.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;

export interface Proc {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first stdout line that parses as JSON. */
  firstJsonLine<T>(timeoutMs?: number): Promise<T>;
  stop(): Promise<number | null>;
}

export function startTs(script: string, env: Record<string, string>, args: string[] = []): Proc {
  const child = spawn(TSX, [script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    output: () => out,
    firstJsonLine<T>(timeoutMs = 30_000) {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no JSON line from ${script} in ${timeoutMs} ms:\n${out}`)), timeoutMs);
        const check = () => {
          for (const line of out.split('\n')) {
            if (!line.startsWith('{')) continue;
            try {
              const v = JSON.parse(line) as T;
              clearTimeout(timer);
              child.stdout!.off('data', check);
              return resolve(v);
            } catch {
              /* not yet a whole line */
            }
          }
        };
        child.stdout!.on('data', check);
        child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before printing JSON:\n${out}`)));
        check();
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      });
    },
  };
}

export async function runTs(script: string, args: string[], env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, [script, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { stdout, stderr, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}
