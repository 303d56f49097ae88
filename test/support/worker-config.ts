// For the tests of worker/config.ts: an explicit environment, and the message loadWorkerConfig refuses it with.
import { expect } from 'vitest';
import { loadWorkerConfig } from '../../worker/config.js';

export type Env = Record<string, string | undefined>;

/** The message of the error loadWorkerConfig throws; fails the test when it does not throw. */
export function configError(env: Env): string {
  try {
    loadWorkerConfig(env);
  } catch (e) {
    return (e as Error).message;
  }
  expect.unreachable('loadWorkerConfig should have refused this environment');
  return '';
}
