// Runs the たくそう君 simulator as a process (local stack, manual testing):
//   tsx systems/kansai-takusou/simulator/main.ts [--port N] [--host 0.0.0.0] [--admin-port N] [--cert-dir DIR]
//     [--acceptance-delay-ms N] [--process-step-ms N] [--calculation-delay-ms N] [--result-delay-ms N]
//     [--latency-ms N] [--slow-ms N] [--hang-ms N] [--violation-status N] [--log-level info] [--state-file books.json]
// Every flag has an environment variable: TAKUSOU_SIM_PORT, TAKUSOU_SIM_HOST, TAKUSOU_SIM_ADMIN_PORT,
// TAKUSOU_SIM_CERT_DIR, TAKUSOU_SIM_ACCEPTANCE_DELAY_MS, TAKUSOU_SIM_PROCESS_STEP_MS,
// TAKUSOU_SIM_CALCULATION_DELAY_MS, TAKUSOU_SIM_RESULT_DELAY_MS, TAKUSOU_SIM_LATENCY_MS,
// TAKUSOU_SIM_SLOW_MS, TAKUSOU_SIM_HANG_MS, TAKUSOU_SIM_VIOLATION_STATUS, TAKUSOU_SIM_LOG_LEVEL,
// TAKUSOU_SIM_STATE_FILE (applications, notices, overrides and the clock offset kept across restarts).
// The server certificate comes from the dev PKI in the cert dir (created there if missing).
// Prints one JSON line with the URLs and the CA file; logs go to stderr; stops cleanly on SIGTERM.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { exitOnStartFailure, runAsProcess, settings } from '../../../simulators/shared/process.js';
import { createDevPki, devPkiFiles } from '../../../simulators/shared/dev-pki.js';
import { startTakusouSimulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'admin-port': { type: 'string' },
    'cert-dir': { type: 'string' },
    'acceptance-delay-ms': { type: 'string' },
    'process-step-ms': { type: 'string' },
    'calculation-delay-ms': { type: 'string' },
    'result-delay-ms': { type: 'string' },
    'latency-ms': { type: 'string' },
    'slow-ms': { type: 'string' },
    'hang-ms': { type: 'string' },
    'violation-status': { type: 'string' },
    'log-level': { type: 'string' },
    'state-file': { type: 'string' },
  },
  strict: true,
});

const { setting, intSetting } = settings<keyof typeof values>(values, 'TAKUSOU_SIM');

/** The dev PKI wants a company for its client certificates; the takusou server uses only the CA and server pair. */
const PKI_COMPANY = '12346';

async function main(): Promise<void> {
  const logger = pino({ level: setting('log-level', 'LOG_LEVEL') ?? 'info', name: 'takusou-sim' }, pino.destination(2));
  const certDir = resolve(setting('cert-dir', 'CERT_DIR') ?? '.local/takusou-pki');
  const pki = await createDevPki({ companies: [PKI_COMPANY], dir: certDir });

  const sim = await startTakusouSimulator({
    tls: { cert: pki.server.cert, key: pki.server.key },
    port: intSetting('port', 'PORT'),
    host: setting('host', 'HOST'),
    adminPort: intSetting('admin-port', 'ADMIN_PORT'),
    timing: {
      acceptanceDelayMs: intSetting('acceptance-delay-ms', 'ACCEPTANCE_DELAY_MS'),
      processStepMs: intSetting('process-step-ms', 'PROCESS_STEP_MS'),
      calculationDelayMs: intSetting('calculation-delay-ms', 'CALCULATION_DELAY_MS'),
      resultDelayMs: intSetting('result-delay-ms', 'RESULT_DELAY_MS'),
      latencyMs: intSetting('latency-ms', 'LATENCY_MS'),
      slowMs: intSetting('slow-ms', 'SLOW_MS'),
      hangMs: intSetting('hang-ms', 'HANG_MS'),
    },
    violationStatus: intSetting('violation-status', 'VIOLATION_STATUS'),
    logger,
  });

  const files = devPkiFiles([PKI_COMPANY]);

  // --state-file: the books survive a restart (local stack); read back now, written while they change.
  runAsProcess(sim, { label: 'takusou simulator', kind: 'kansai-takusou', stateFilePath: setting('state-file', 'STATE_FILE'), logger });

  console.log(JSON.stringify({ takusouSimulator: { url: sim.url, adminUrl: sim.adminUrl, certDir, caFile: resolve(certDir, files.ca.cert) } }));
}

main().catch(exitOnStartFailure('takusou simulator'));
