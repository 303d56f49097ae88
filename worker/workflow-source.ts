// Where the worker gets workflow code: a prebundled file in production (no webpack at start-up,
// same code on every replica), the sources in development and tests.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';

export const WORKFLOWS_INDEX = (() => {
  const ts = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../workflows/index.js', import.meta.url));
})();

export function workflowSource(bundlePath?: string): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (bundlePath) {
    if (!existsSync(bundlePath)) throw new Error(`DENKI_WORKFLOW_BUNDLE: no file at '${bundlePath}' (run npm run build)`);
    return { workflowBundle: { codePath: bundlePath } };
  }
  return { workflowsPath: WORKFLOWS_INDEX };
}
