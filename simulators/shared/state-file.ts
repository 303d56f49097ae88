// Keeps a simulator's books across a restart (the local stack stops and starts again): read back at
// start, written every few seconds while they change and once more at stop. Workflows waiting on a
// relay, an application or a notice then still find it after a restart instead of waiting forever.
// Call records and violations are not kept: they describe one run. The file holds what the real
// system would (demo customers, usage passwords): written with mode 600, atomically (tmp + rename).
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface StateFileOptions<T> {
  path: string;
  /** Tells one simulator's file from another's ('occto', 'kansai-takusou'). */
  kind: string;
  exportState: () => T;
  importState: (state: T) => void;
  /** Default 5 s. */
  intervalMs?: number;
}

export interface StateFile {
  /** Whether the books were read back from an existing file. */
  restored: boolean;
  /** Writes the books now (at stop). */
  save(): void;
  /** Stops the periodic writes. */
  close(): void;
}

const VERSION = 1;

export function readStateFile<T>(path: string, kind: string): T | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new Error(`state file ${path} is not valid JSON (delete it to start with empty books)`);
  }
  const p = parsed as { kind?: unknown; version?: unknown; state?: unknown };
  if (p?.kind !== kind || p.version !== VERSION || typeof p.state !== 'object' || p.state === null) {
    throw new Error(`state file ${path} is not a ${kind} simulator state of version ${VERSION} (delete it to start with empty books)`);
  }
  return p.state as T;
}

export function writeStateFile(path: string, kind: string, state: unknown): void {
  writeStateText(path, kind, JSON.stringify(state));
}

function writeStateText(path: string, kind: string, stateJson: string): void {
  const tmp = `${path}.tmp`;
  const head = JSON.stringify({ kind, version: VERSION, savedAt: new Date().toISOString() });
  writeFileSync(tmp, `${head.slice(0, -1)},"state":${stateJson}}`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function keepStateInFile<T>(o: StateFileOptions<T>): StateFile {
  const saved = readStateFile<T>(o.path, o.kind);
  if (saved !== undefined) o.importState(saved);
  let last = '';
  const save = () => {
    const text = JSON.stringify(o.exportState());
    if (text === last) return;
    writeStateText(o.path, o.kind, text);
    last = text;
  };
  const timer = setInterval(save, o.intervalMs ?? 5_000);
  timer.unref();
  return { restored: saved !== undefined, save, close: () => clearInterval(timer) };
}
