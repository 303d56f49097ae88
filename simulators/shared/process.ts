// What every simulator's main.ts does as a process: settings from a flag or its environment
// variable (<PREFIX>_<NAME>), the books kept in a state file across restarts (--state-file), and a
// clean stop on SIGINT/SIGTERM that writes the books once more before the servers close.
import { resolve } from 'node:path';
import type pino from 'pino';
import { keepStateInFile, type StateFile } from './state-file.js';

/** A flag's value, else the environment's <prefix>_<name>. */
export function settings<F extends string>(values: Partial<Record<F, unknown>>, prefix: string, env: NodeJS.ProcessEnv = process.env) {
  const setting = (flag: F, name: string): string | undefined => (values[flag] as string | undefined) ?? env[`${prefix}_${name}`];
  const intSetting = (flag: F, name: string): number | undefined => {
    const raw = setting(flag, name);
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${flag} / ${prefix}_${name} must be a non-negative integer (got '${raw}')`);
    return n;
  };
  return { setting, intSetting };
}

export interface RunningSimulator<S> {
  exportState(): S;
  importState(state: S): void;
  close(): Promise<void>;
}

/**
 * Keeps the simulator's books in `stateFilePath` (when given) and stops it cleanly on SIGINT and
 * SIGTERM. `label` names it in the log ('occto simulator'); `kind` tells its state file apart.
 */
export function runAsProcess<S>(sim: RunningSimulator<S>, o: { label: string; kind: string; stateFilePath?: string; logger: pino.Logger }): void {
  let state: StateFile | undefined;
  if (o.stateFilePath) {
    state = keepStateInFile({ path: resolve(o.stateFilePath), kind: o.kind, exportState: () => sim.exportState(), importState: (s: S) => sim.importState(s) });
    o.logger.info({ stateFile: resolve(o.stateFilePath), restored: state.restored }, `${o.label}: state file`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    o.logger.info({ signal }, `${o.label}: stopping`);
    try {
      state?.close();
      state?.save();
    } catch (e: unknown) {
      o.logger.error({ err: e }, `${o.label}: could not write the state file`);
    }
    sim.close().then(
      () => process.exit(0),
      (e: unknown) => {
        o.logger.error({ err: e }, `${o.label}: close failed`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** The last line of a simulator's main.ts: a start-up failure is one line on stderr and exit 1. */
export function exitOnStartFailure(label: string): (e: unknown) => never {
  return (e) => {
    console.error(`${label}: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  };
}
