// Runs the OCCTO simulator as a process (local stack, manual testing):
//   tsx systems/occto/simulator/main.ts [--port N] [--host 0.0.0.0] [--admin-port N] [--cert-dir DIR] [--companies 12346,23456]
//     [--judgement-delay-ms N] [--processing-delay-ms N] [--slow-ms N] [--hang-ms N]
//     [--reject-above-per-second N] [--cap-per-second N] [--incoming-relays-file seeds.json] [--log-level info]
//     [--state-file books.json]
// Every flag has an environment variable (OCCTO_SIM_PORT, OCCTO_SIM_HOST, OCCTO_SIM_ADMIN_PORT, OCCTO_SIM_CERT_DIR,
// OCCTO_SIM_COMPANIES, OCCTO_SIM_JUDGEMENT_DELAY_MS, …). Credentials come only from the
// environment: OCCTO_SIM_<code>_LOGIN_ID / OCCTO_SIM_<code>_PASSWORD (for a single company also
// OCCTO_SIM_LOGIN_ID / OCCTO_SIM_PASSWORD), else dev defaults dev-<code> / dev-password-<code>.
// OCCTO_SIM_<code>_AREAS=03,06 limits a company's 託送基本契約 areas; OCCTO_SIM_<code>_NAME names it
// in 事業者一覧取得. --incoming-relays-file: a JSON array of 廃止取次 addressed to our companies (the
// body of POST /incoming-relays), registered at start and after each reset. --state-file: relays,
// applications, overrides and the clock offset are kept there across restarts (simulators/shared/state-file.ts).
// Prints one JSON line with the URLs and certificate files (never credentials); logs go to stderr.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { exitOnStartFailure, runAsProcess, settings } from '../../../simulators/shared/process.js';
import { isAreaCode, type AreaCode } from '../../../domain/areas.js';
import { createDevPki, devPkiFiles } from '../../../simulators/shared/dev-pki.js';
import { startOcctoSimulator, type OcctoSimulatorOptions } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'admin-port': { type: 'string' },
    'cert-dir': { type: 'string' },
    companies: { type: 'string' },
    'judgement-delay-ms': { type: 'string' },
    'processing-delay-ms': { type: 'string' },
    'slow-ms': { type: 'string' },
    'hang-ms': { type: 'string' },
    'reject-above-per-second': { type: 'string' },
    'cap-per-second': { type: 'string' },
    'incoming-relays-file': { type: 'string' },
    'log-level': { type: 'string' },
    'state-file': { type: 'string' },
  },
  strict: true,
});

const env = process.env;
const { setting, intSetting } = settings<keyof typeof values>(values, 'OCCTO_SIM');

function companiesFromEnv(codes: string[]): OcctoSimulatorOptions['companies'] {
  return codes.map((code) => {
    const single = codes.length === 1;
    const loginId = env[`OCCTO_SIM_${code}_LOGIN_ID`] ?? (single ? env['OCCTO_SIM_LOGIN_ID'] : undefined) ?? `dev-${code}`;
    const password = env[`OCCTO_SIM_${code}_PASSWORD`] ?? (single ? env['OCCTO_SIM_PASSWORD'] : undefined) ?? `dev-password-${code}`;
    const areasRaw = env[`OCCTO_SIM_${code}_AREAS`];
    let contractAreas: AreaCode[] | undefined;
    if (areasRaw) {
      const areas = areasRaw.split(',').map((a) => a.trim());
      const bad = areas.find((a) => !isAreaCode(a));
      if (bad !== undefined) throw new RangeError(`OCCTO_SIM_${code}_AREAS: '${bad}' is not an area code 01–10`);
      contractAreas = areas.filter(isAreaCode);
    }
    return { code, loginId, password, contractAreas, name: env[`OCCTO_SIM_${code}_NAME`] || undefined };
  });
}

async function main(): Promise<void> {
  const logger = pino({ level: setting('log-level', 'LOG_LEVEL') ?? 'info', name: 'occto-sim' }, pino.destination(2));
  const codes = (setting('companies', 'COMPANIES') ?? '12346').split(',').map((c) => c.trim()).filter(Boolean);
  const certDir = resolve(setting('cert-dir', 'CERT_DIR') ?? '.local/occto-pki');
  const pki = await createDevPki({ companies: codes, dir: certDir });
  const rejectAbove = intSetting('reject-above-per-second', 'REJECT_ABOVE_PER_SECOND');
  const seedsFile = setting('incoming-relays-file', 'INCOMING_RELAYS_FILE');
  let incomingRelays: OcctoSimulatorOptions['incomingRelays'];
  if (seedsFile) {
    const parsed: unknown = JSON.parse(readFileSync(resolve(seedsFile), 'utf8'));
    if (!Array.isArray(parsed)) throw new RangeError(`--incoming-relays-file ${seedsFile} must hold a JSON array`);
    incomingRelays = parsed as OcctoSimulatorOptions['incomingRelays'];
  }
  // Benchmarks scale the 1 request/s cap up to keep runs short; the violation log then counts gaps < 1000/cap ms.
  const cap = intSetting('cap-per-second', 'CAP_PER_SECOND');

  const sim = await startOcctoSimulator({
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
    companies: companiesFromEnv(codes),
    port: intSetting('port', 'PORT'),
    host: setting('host', 'HOST'),
    adminPort: intSetting('admin-port', 'ADMIN_PORT'),
    timing: {
      judgementDelayMs: intSetting('judgement-delay-ms', 'JUDGEMENT_DELAY_MS'),
      processingDelayMs: intSetting('processing-delay-ms', 'PROCESSING_DELAY_MS'),
      slowMs: intSetting('slow-ms', 'SLOW_MS'),
      hangMs: intSetting('hang-ms', 'HANG_MS'),
    },
    rateLimit: rejectAbove === undefined && cap === undefined ? undefined : { rejectAbovePerSecond: rejectAbove, capPerSecond: cap },
    incomingRelays,
    logger,
  });

  const files = devPkiFiles(codes);
  const inDir = (f: string) => resolve(certDir, f);

  // --state-file: the books survive a restart (local stack); read back now, written while they change.
  runAsProcess(sim, { label: 'occto simulator', kind: 'occto', stateFilePath: setting('state-file', 'STATE_FILE'), logger });

  console.log(
    JSON.stringify({
      occtoSimulator: {
        url: sim.url,
        endpoint: sim.endpoint,
        adminUrl: sim.adminUrl,
        companies: codes,
        certDir,
        caFile: inDir(files.ca.cert),
        clientCerts: Object.fromEntries(codes.map((c) => [c, { cert: inDir(files.clients[c]?.cert ?? ''), key: inDir(files.clients[c]?.key ?? '') }])),
      },
    }),
  );
}

main().catch(exitOnStartFailure('occto simulator'));
