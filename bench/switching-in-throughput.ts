// Benchmark: how much of OCCTO's per-company cap the new-retailer switching uses, and at what cost
// in calls. N switchings are started at once for one company against the simulator, with the cap
// scaled up (default 5 requests/s instead of 1) to keep the run short — the ratios are what
// matter. Run twice in one go: task queues with the dev server's default 4 partitions, and with
// the single partition denki-flow configures, side by side.
//   npx tsx bench/switching-in-throughput.ts [N] [capPerSecond]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { createOcctoHarness, COMPANY, supplyPoint, switchingInput } from '../systems/occto/test/harness.js';
import { TEST_CODEC_KEYS } from '../test/support/temporal-env.js';
import { createDataConverter, failureConverterPath } from '../platform/data-converter.js';
import { WORKFLOWS_INDEX } from '../worker/workflow-source.js';
import { SINGLE_PARTITION_ARGS } from '../scripts/dev-server-args.js';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.js';
import { startSwitchingIn } from '../systems/occto/client/switching-in.js';
import { writeFileSync, mkdirSync } from 'node:fs';

const N = Number(process.argv[2] ?? 60);
const CAP = Number(process.argv[3] ?? 5);
const root = fileURLToPath(new URL('..', import.meta.url));

Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
const paths = Object.fromEntries(
  execFileSync('bash', [`${root}scripts/ensure-temporal.sh`], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split('=') as [string, string]),
);
mkdirSync(`${root}bench/out`, { recursive: true });
const bundlePath = `${root}bench/out/workflow-bundle.js`;
writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_INDEX, failureConverterPath, logger: new DefaultLogger('ERROR') })).code);

interface Row { partitions: string; calls: number; perSwitching: number; elapsedS: number; utilisation: number; violations: number; completed: number }

async function scenario(partitions: 'default (4)' | '1'): Promise<Row> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: paths.TEMPORAL_CLI! },
      searchAttributes: SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error', ...(partitions === '1' ? SINGLE_PARTITION_ARGS : [])],
    },
    client: { dataConverter: createDataConverter(TEST_CODEC_KEYS) },
  });
  const h = await createOcctoHarness(env, { timing: { judgementDelayMs: 0, processingDelayMs: 0 }, rateLimit: { capPerSecond: CAP } }, bundlePath);
  try {
    // The same ratios as production: server cap 0.9 × the cap, spacer 1.1 × the minimum spacing.
    const w = await h.startWorkers({ ratePerSecond: 0.9 * CAP, minSpacingMs: Math.round(1100 / CAP), followTemporalClock: false, maxConcurrent: 4 });
    return await w.runUntil(async () => {
      const now = Date.now();
      const started = await Promise.all(Array.from({ length: N }, () => startSwitchingIn(h.client, switchingInput(now, supplyPoint('100'), { options: { pollInterval: '2 seconds' } }))));
      const results = await Promise.all(started.map((s) => s.handle.result()));
      const calls = h.sim.calls().filter((c) => c.company === COMPANY);
      // Utilisation while a backlog exists: from the first to the last call.
      const spanS = (calls[calls.length - 1]!.receivedAtMs - calls[0]!.receivedAtMs) / 1000;
      const completed = results.filter((r) => r.outcome === 'COMPLETED').length;
      return {
        partitions,
        calls: calls.length,
        perSwitching: calls.length / completed,
        elapsedS: spanS,
        utilisation: (calls.length - 1) / (spanS * CAP),
        violations: h.sim.violations().length,
        completed,
      };
    });
  } finally {
    await h.close();
    await env.teardown();
  }
}

const rows = [await scenario('default (4)'), await scenario('1')];
console.log(`\nswitching-in throughput — ${N} switchings at once, one company, cap scaled to ${CAP} requests/s`);
console.log('partitions    completed  calls  calls/switching  span(s)  utilisation of cap  violations');
for (const r of rows) {
  console.log(
    `${r.partitions.padEnd(13)} ${String(r.completed).padStart(9)}  ${String(r.calls).padStart(5)}  ${r.perSwitching.toFixed(2).padStart(15)}  ${r.elapsedS.toFixed(1).padStart(7)}  ${r.utilisation.toFixed(2).padStart(18)}  ${String(r.violations).padStart(10)}`,
  );
}
console.log(`ratio utilisation, 1 partition / default: ${(rows[1]!.utilisation / rows[0]!.utilisation).toFixed(2)}`);
process.exit(0);
