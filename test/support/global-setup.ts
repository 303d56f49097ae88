// Once per test run: install the Temporal binaries from the registries (cached in .cache/temporal)
// and bundle the workflows once, so each test file's workers start in seconds.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { WORKFLOWS_INDEX } from '../../worker/workflow-source.js';
import { failureConverterPath } from '../../platform/data-converter.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default async function setup(project: TestProject): Promise<void> {
  const out = execFileSync('bash', [`${root}/scripts/ensure-temporal.sh`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const paths = Object.fromEntries(out.trim().split('\n').map((l) => l.split('=') as [string, string]));
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_INDEX, failureConverterPath, logger: quietLogger });
  mkdirSync(`${root}/.cache/test`, { recursive: true });
  const bundlePath = `${root}/.cache/test/workflow-bundle.js`;
  writeFileSync(bundlePath, code);
  project.provide('temporalCli', paths.TEMPORAL_CLI!);
  project.provide('temporalTestServer', paths.TEMPORAL_TEST_SERVER!);
  project.provide('workflowBundle', bundlePath);
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m) };

declare module 'vitest' {
  export interface ProvidedContext {
    temporalCli: string;
    temporalTestServer: string;
    workflowBundle: string;
  }
}
