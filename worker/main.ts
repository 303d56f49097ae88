// Worker process: `npm run worker` (development) or `node dist/worker/main.js` (production).
import { NativeConnection } from '@temporalio/worker';
import { loadWorkerConfig, type WorkerQueueGroup } from './config.js';
import { createLogger, installRuntime, registerSecrets } from '../platform/logging.js';
import { workerSecrets } from './secrets.js';
import { startDecisionGauges } from './decision-gauges.js';
import { workflowSource } from './workflow-source.js';
import { createWorkerSet } from './workers.js';
import { createTemporalClient } from '../platform/temporal-client.js';
import { startCertificateChecks } from './certificate-checks.js';
import { certificatesOf } from '../activities/certificates/activities.js';

/** WORKER_QUEUES → createWorkerSet's `only` (everything when unset). */
function queuesToPoll(q: WorkerQueueGroup[] | undefined) {
  if (!q) return undefined;
  return {
    workflows: q.includes('workflows'),
    occto: q.includes('occto'),
    takusou: q.includes('takusou'),
    notify: q.includes('notify'),
    customerRecords: q.includes('customer-records'),
    certificates: q.includes('certificates'),
  };
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadWorkerConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel, 'denki-flow-worker');
  // The configured secrets never reach a log line, even inside an error message.
  registerSecrets(workerSecrets(config));
  try {
    installRuntime({ logger, metricsAddress: config.metrics?.address });
  } catch (err) {
    console.error(`cannot start the Temporal runtime${config.metrics ? ` with metrics on METRICS_ADDRESS=${config.metrics.address}` : ''}: ${(err as Error).message}`);
    process.exit(2);
  }
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  // For the fleet activities (signalling running workflows): same payload encryption as everyone.
  const temporalClient = await createTemporalClient({ address: config.temporal.address, namespace: config.temporal.namespace, codecKeys: config.codecKeys });
  // OCCTO client certificates: judged now (log) and daily by the Schedule `certificate-expiry`.
  if (config.occto) await startCertificateChecks({ client: temporalClient, certificates: certificatesOf(config.occto), warnDays: config.certExpiryWarnDays, logger });
  const set = await createWorkerSet({
    connection,
    namespace: config.temporal.namespace,
    companies: config.companies,
    occto: config.occto && { client: config.occto, ratePerSecond: config.occtoRatePerSecond, maxConcurrent: config.occtoMaxConcurrent },
    codecKeys: config.codecKeys,
    logger,
    workflows: workflowSource(config.workflowBundlePath),
    takusou: config.takusou,
    temporalClient,
    statusTracking: config.statusTracking,
    customerRecords: config.customerRecords,
    only: queuesToPoll(config.queues),
  });
  // Decisions awaiting a person, from visibility (one query set per interval per worker process).
  const decisionsIntervalMs = config.metrics?.decisionsIntervalMs;
  const decisions = decisionsIntervalMs ? startDecisionGauges({ client: temporalClient, intervalMs: decisionsIntervalMs, logger }) : undefined;
  logger.info({ companies: config.companies, ratePerSecond: config.occtoRatePerSecond, queues: set.workers.map((w) => w.options.taskQueue), metrics: config.metrics?.address ?? 'off' }, 'worker started');
  try {
    await set.run(); // Runtime handles SIGINT/SIGTERM: workers drain and run() resolves
  } finally {
    await decisions?.stop();
    await connection.close();
    await temporalClient.connection.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
