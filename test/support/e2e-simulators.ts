// The OCCTO and たくそう君 simulators as separate processes for end-to-end tests (simulators/*/main.ts
// under tsx), and the worker environment that points worker/main.ts at them.
import { startTs, type Proc } from './processes.js';
import { COMPANY } from '../../systems/occto/test/harness.js';
import { TEST_KEY_SPEC } from './temporal-env.js';

export interface OcctoSimulatorProcessOptions {
  /** OCCTO_SIM_CERT_DIR: where the simulator writes its dev PKI. */
  certDir: string;
  /** The single company's credentials (OCCTO_SIM_LOGIN_ID / OCCTO_SIM_PASSWORD); the worker logs in with them. */
  login: { id: string; password: string };
  /** OCCTO_SIM_COMPANIES (a single company). Default: the harness COMPANY. */
  company?: string;
  judgementDelayMs?: number;
  processingDelayMs?: number;
  /** Default 0: any free port. */
  port?: number;
  /** Default 0: any free port. */
  adminPort?: number;
  /** Default 'warn'. */
  logLevel?: string;
  /** Any other OCCTO_SIM_* variables (state file, latency, …); they win over the above. */
  env?: Record<string, string>;
}

export interface OcctoSimulatorProcess {
  proc: Proc;
  company: string;
  login: { id: string; password: string };
  endpoint: string;
  adminUrl: string;
  caFile: string;
  clientCerts: Record<string, { cert: string; key: string }>;
}

/** Starts systems/occto/simulator/main.ts and waits for the JSON line that names its endpoints and certificates. */
export async function startOcctoSimulatorProcess(o: OcctoSimulatorProcessOptions): Promise<OcctoSimulatorProcess> {
  const company = o.company ?? COMPANY;
  const proc = startTs('systems/occto/simulator/main.ts', {
    OCCTO_SIM_PORT: String(o.port ?? 0),
    OCCTO_SIM_ADMIN_PORT: String(o.adminPort ?? 0),
    OCCTO_SIM_CERT_DIR: o.certDir,
    OCCTO_SIM_COMPANIES: company,
    OCCTO_SIM_LOGIN_ID: o.login.id,
    OCCTO_SIM_PASSWORD: o.login.password,
    ...(o.judgementDelayMs !== undefined && { OCCTO_SIM_JUDGEMENT_DELAY_MS: String(o.judgementDelayMs) }),
    ...(o.processingDelayMs !== undefined && { OCCTO_SIM_PROCESSING_DELAY_MS: String(o.processingDelayMs) }),
    OCCTO_SIM_LOG_LEVEL: o.logLevel ?? 'warn',
    ...o.env,
  });
  const { occtoSimulator: info } = await ready(proc, proc.firstJsonLine<{ occtoSimulator: Omit<OcctoSimulatorProcess, 'proc' | 'company' | 'login'> }>());
  return { proc, company, login: o.login, endpoint: info.endpoint, adminUrl: info.adminUrl, caFile: info.caFile, clientCerts: info.clientCerts };
}

/**
 * The worker's environment for the simulator's company: Temporal address, DENKI_COMPANIES, the OCCTO
 * endpoint, certificates and login, and DENKI_PAYLOAD_KEYS (default the tests' key); `extra` adds
 * the rest (LOG_LEVEL, TAKUSOU_*, …) and overrides any of these.
 */
export function occtoWorkerEnv(sim: OcctoSimulatorProcess, extra: { TEMPORAL_ADDRESS: string } & Record<string, string>): Record<string, string> {
  const certs = sim.clientCerts[sim.company];
  if (!certs) throw new Error(`the OCCTO simulator issued no client certificate for ${sim.company}`);
  return {
    DENKI_COMPANIES: sim.company,
    OCCTO_ENDPOINT: sim.endpoint,
    OCCTO_CA_FILE: sim.caFile,
    OCCTO_CERT_FILE: certs.cert,
    OCCTO_KEY_FILE: certs.key,
    OCCTO_LOGIN_ID: sim.login.id,
    OCCTO_PASSWORD: sim.login.password,
    DENKI_PAYLOAD_KEYS: TEST_KEY_SPEC,
    ...extra,
  };
}

export interface TakusouSimulatorProcessOptions {
  /** TAKUSOU_SIM_CERT_DIR: where the simulator writes its dev PKI. */
  certDir: string;
  acceptanceDelayMs?: number;
  processStepMs?: number;
  calculationDelayMs?: number;
  resultDelayMs?: number;
  /** Default 0: any free port. */
  port?: number;
  /** Default 0: any free port. */
  adminPort?: number;
  /** Default 'warn'. */
  logLevel?: string;
  /** Any other TAKUSOU_SIM_* variables (state file, latency, …); they win over the above. */
  env?: Record<string, string>;
}

export interface TakusouSimulatorProcess {
  proc: Proc;
  url: string;
  adminUrl: string;
  caFile: string;
}

/** Starts systems/kansai-takusou/simulator/main.ts and waits for the JSON line that names its URLs and CA. */
export async function startTakusouSimulatorProcess(o: TakusouSimulatorProcessOptions): Promise<TakusouSimulatorProcess> {
  const ms = (name: string, v: number | undefined) => (v === undefined ? {} : { [`TAKUSOU_SIM_${name}`]: String(v) });
  const proc = startTs('systems/kansai-takusou/simulator/main.ts', {
    TAKUSOU_SIM_PORT: String(o.port ?? 0),
    TAKUSOU_SIM_ADMIN_PORT: String(o.adminPort ?? 0),
    TAKUSOU_SIM_CERT_DIR: o.certDir,
    ...ms('ACCEPTANCE_DELAY_MS', o.acceptanceDelayMs),
    ...ms('PROCESS_STEP_MS', o.processStepMs),
    ...ms('CALCULATION_DELAY_MS', o.calculationDelayMs),
    ...ms('RESULT_DELAY_MS', o.resultDelayMs),
    TAKUSOU_SIM_LOG_LEVEL: o.logLevel ?? 'warn',
    ...o.env,
  });
  const { takusouSimulator: info } = await ready(proc, proc.firstJsonLine<{ takusouSimulator: Omit<TakusouSimulatorProcess, 'proc'> }>());
  return { proc, url: info.url, adminUrl: info.adminUrl, caFile: info.caFile };
}

/** The worker's variables for たくそう君 at the simulator. */
export function takusouWorkerEnv(sim: TakusouSimulatorProcess): Record<string, string> {
  return { TAKUSOU_BASE_URL: sim.url, TAKUSOU_CA_FILE: sim.caFile };
}

/**
 * Starts simulators side by side. If one does not come up, the others are stopped before the error
 * is thrown, so that no process outlives a failed beforeAll.
 */
export async function startTogether<A extends { proc: Proc }, B extends { proc: Proc }>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'fulfilled' && rb.status === 'fulfilled') return [ra.value, rb.value];
  await Promise.all([ra, rb].map((r) => (r.status === 'fulfilled' ? r.value.proc.stop() : undefined)));
  throw ra.status === 'rejected' ? ra.reason : (rb as PromiseRejectedResult).reason;
}

/** The process's first JSON line; a process that never prints one is stopped (the caller never gets to). */
async function ready<T>(proc: Proc, line: Promise<T>): Promise<T> {
  try {
    return await line;
  } catch (e) {
    await proc.stop();
    throw e;
  }
}
