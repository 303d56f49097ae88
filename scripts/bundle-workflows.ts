// Production: prebundle the workflow code once (npm run build), so workers start without webpack
// and every replica runs byte-identical workflow code. Worker: DENKI_WORKFLOW_BUNDLE=dist/workflow-bundle.js
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_INDEX } from '../worker/workflow-source.js';
import { failureConverterPath } from '../platform/data-converter.js';

const out = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));
const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_INDEX, failureConverterPath });
mkdirSync(fileURLToPath(new URL('../dist', import.meta.url)), { recursive: true });
writeFileSync(out, code);
console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
