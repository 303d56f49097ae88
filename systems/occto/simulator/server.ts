// A faithful fake of the OCCTO スイッチング支援システム: a real HTTPS server (mutual TLS) on
// 127.0.0.1 speaking the provisional SOAP wire format, plus a plain-HTTP admin API.
// See docs/external-systems/occto-switching.md §12 for the checklist it follows.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { listenPair } from '../../../simulators/shared/servers.js';
import type { OcctoSimulator } from './simulator.js';
import pino from 'pino';
import { SOAP_ENDPOINT_PATH } from '../activities/provisional-wire-format.js';
import { isAreaCode, type AreaCode } from '../../../domain/areas.js';
import { companyCodeProblem } from '../../../domain/company.js';
import { OCCTO_DEFAULT_MAINTENANCE, type MaintenanceConfig } from '../../../domain/maintenance.js';
import { createAdminHandler } from './admin.js';
import { ApplicationStore } from './applications.js';
import { IncomingRelayStore, type IncomingRelayInput } from './incoming-relays.js';
import { numberer } from './numbering.js';
import { SIMULATED_NEW_RETAILER, SIMULATED_RETAILERS, checkedSimulatedRetailers, operatorList, type SimulatedRetailer } from './operators.js';
import { createSimClock } from '../../../simulators/shared/clock.js';
import { FaultQueue } from './faults.js';
import { MaintenanceSchedule } from './maintenance.js';
import { PatternTable } from './patterns.js';
import { RateAccounting } from './rate-accounting.js';
import { RelayStore } from './relays.js';
import { Sleeper } from '../../../simulators/shared/sleeper.js';
import { createSoapHandler, type Timing } from './soap-handler.js';
import { buildState, incomingRelayView } from './state-view.js';
import type { SimCompany } from './types.js';
import { jstTimestamp } from '../activities/provisional-wire-format.js';

export type * from './types.js';
export { PATTERNS, PATTERN_BY_SUFFIX, syntheticPointId } from './patterns.js';
export { nextButOneMeterReadingDate, nextMeterReadingDate, provisionalMeterReadingDay } from './meter-reading.js';
export { SIMULATED_CURRENT_RETAILER, SIMULATED_NEW_RETAILER, SIMULATED_RETAILERS, type SimulatedRetailer } from './operators.js';
export { InjectionError, incomingRelayBulkSchema, incomingRelayInputSchema, type IncomingRelayBulkInput, type IncomingRelayInput } from './incoming-relays.js';
export { facilityOf, usageOf } from './facility.js';

export type { OcctoSimulator, OcctoSavedState } from './simulator.js';

export interface OcctoSimulatorOptions {
  tls: { cert: string; key: string; ca: string }; // PEM
  companies: Array<{ code: string; loginId: string; password: string; contractAreas?: AreaCode[] /* 託送基本契約 areas; default all */; name?: string }>;
  /** 廃止取次 from simulated new retailers addressed to our companies, registered at start (and again after reset) at the clock's now. */
  incomingRelays?: IncomingRelayInput[];
  /** Other retailers in 事業者一覧取得 (5-digit codes that are not configured companies); default SIMULATED_RETAILERS. */
  simulatedRetailers?: SimulatedRetailer[];
  /** 0/undefined = random free port. */
  port?: number;
  /** Interface of the API (not the admin API); default 127.0.0.1. In a container: 0.0.0.0 (docker-compose.yml). */
  host?: string;
  /** Plain HTTP admin API on 127.0.0.1; 0/undefined = random. */
  adminPort?: number;
  /** judgementDelayMs / processingDelayMs: simulated ms (default 60 000 / 120 000); slowMs / hangMs: real ms (default 3 000 / 60 000). */
  timing?: { judgementDelayMs?: number; processingDelayMs?: number; slowMs?: number; hangMs?: number };
  /** Default OCCTO_DEFAULT_MAINTENANCE (Sunday 00:00–06:00 JST). */
  maintenance?: MaintenanceConfig;
  /** capPerSecond: the per-company cap (default 1, the real one); rejectAbovePerSecond default 3 × cap. */
  rateLimit?: { capPerSecond?: number; rejectAbovePerSecond?: number };
  logger?: pino.Logger;
}



const DEFAULT_TIMING: Timing = { judgementDelayMs: 60_000, processingDelayMs: 120_000, slowMs: 3_000, hangMs: 60_000 };

function checkedCompanies(list: OcctoSimulatorOptions['companies']): Map<string, SimCompany> {
  if (list.length === 0) throw new RangeError('startOcctoSimulator: at least one company is required');
  const map = new Map<string, SimCompany>();
  for (const [i, c] of list.entries()) {
    const problem = companyCodeProblem(c.code, `companies[${i}].code`);
    if (problem) throw new RangeError(`startOcctoSimulator: ${problem}`);
    if (!c.loginId || !c.password) throw new RangeError(`startOcctoSimulator: companies[${i}] needs a loginId and a password`);
    for (const a of c.contractAreas ?? []) {
      if (!isAreaCode(a)) throw new RangeError(`startOcctoSimulator: companies[${i}].contractAreas: '${String(a)}' is not an area code 01–10`);
    }
    if (map.has(c.code)) throw new RangeError(`startOcctoSimulator: company ${c.code} is configured twice`);
    if (c.name !== undefined && c.name.trim() === '') throw new RangeError(`startOcctoSimulator: companies[${i}].name must not be empty`);
    map.set(c.code, { ...c, contractAreas: c.contractAreas ? [...c.contractAreas] : undefined });
  }
  return map;
}

function checkedTiming(t: OcctoSimulatorOptions['timing']): Timing {
  const timing = { ...DEFAULT_TIMING, ...Object.fromEntries(Object.entries(t ?? {}).filter(([, v]) => v !== undefined)) } as Timing;
  for (const [k, v] of Object.entries(timing)) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`startOcctoSimulator: timing.${k} must be a non-negative number of ms (got ${String(v)})`);
  }
  return timing;
}

export async function startOcctoSimulator(opts: OcctoSimulatorOptions): Promise<OcctoSimulator> {
  const companies = checkedCompanies(opts.companies);
  const timing = checkedTiming(opts.timing);
  const cap = opts.rateLimit?.capPerSecond ?? 1;
  if (!(cap > 0)) throw new RangeError(`startOcctoSimulator: rateLimit.capPerSecond must be > 0 (got ${cap})`);
  const rejectAbove = opts.rateLimit?.rejectAbovePerSecond ?? Math.max(3, Math.ceil(3 * cap));
  if (!(rejectAbove >= 1)) throw new RangeError(`startOcctoSimulator: rateLimit.rejectAbovePerSecond must be ≥ 1 (got ${rejectAbove})`);
  const logger = opts.logger ?? pino({ level: 'silent' });

  const clock = createSimClock();
  const rates = new RateAccounting(rejectAbove, 1000 / cap);
  const patterns = new PatternTable();
  const simulatedRetailers = checkedSimulatedRetailers(opts.simulatedRetailers ?? SIMULATED_RETAILERS, companies);
  // One numbering for both directions of 廃止取次, and each side's duplicate check sees the other.
  const nextRelayNo = numberer('H');
  const relays: RelayStore = new RelayStore(nextRelayNo, (p, t) => incoming.openForPoint(p, t) !== undefined);
  const incoming: IncomingRelayStore = new IncomingRelayStore({
    nextNo: nextRelayNo,
    openElsewhere: (p, t) => relays.openForPoint(p, t) !== undefined,
    isOurCompany: (code) => companies.has(code),
    patternOf: (p) => patterns.of(p),
    judgementDelayMs: timing.judgementDelayMs,
  });
  const apps = new ApplicationStore({ relays, incoming, processingDelayMs: timing.processingDelayMs });
  const books = { relays, incoming, apps, operators: () => operatorList(companies, simulatedRetailers, incoming.newRetailerCodes()) };
  const seedRelays = () => {
    for (const [i, seed] of (opts.incomingRelays ?? []).entries()) {
      try {
        incoming.inject(seed, clock.now());
      } catch (e) {
        const why = e instanceof Error && 'issues' in e ? JSON.stringify((e as { issues: unknown }).issues) : (e as Error).message;
        throw new RangeError(`startOcctoSimulator: incomingRelays[${i}]: ${why}`);
      }
    }
  };
  seedRelays();
  const faults = new FaultQueue();
  const maintenance = new MaintenanceSchedule(opts.maintenance ?? OCCTO_DEFAULT_MAINTENANCE);
  const sleeper = new Sleeper();
  const once = { http500: new Set<string>(), held: new Set<string>() };

  const soap = createHttpsServer(
    { cert: opts.tls.cert, key: opts.tls.key, ca: opts.tls.ca, requestCert: true, rejectUnauthorized: true },
    createSoapHandler({ clock, companies, rates, patterns, books, faults, maintenance, timing, sleeper, logger, once }),
  );
  soap.on('tlsClientError', (err) => logger.warn({ reason: err.message.slice(0, 200) }, 'occto simulator: TLS handshake refused'));

  const sim: Omit<OcctoSimulator, 'url' | 'endpoint' | 'adminUrl' | 'close'> = {
    clock: { now: () => clock.now(), set: (ms) => clock.set(ms), advance: (ms) => clock.advance(ms) },
    calls: () => rates.calls(),
    violations: () => rates.violations(),
    summary: () => rates.summary(),
    state: () => ({ ...buildState(books, clock.now()), patternOverrides: patterns.overridesAsRecord(), pendingFaults: faults.pending(), adHocMaintenance: maintenance.addedWindows() }),
    setPattern: (id, p) => patterns.set(id, p),
    injectFault: (f) => faults.add(f),
    addMaintenance: (w) => maintenance.add(w),
    injectIncomingRelay: (input) => {
      const now = clock.now();
      return incomingRelayView(books, incoming.inject(input, now), now);
    },
    injectIncomingRelays: (input) => {
      const now = clock.now();
      return incoming.injectBulk(input, now, simulatedRetailers[0]?.code ?? SIMULATED_NEW_RETAILER).map((r) => incomingRelayView(books, r, now));
    },
    cancelIncomingRelay: (no) => {
      const now = clock.now();
      return incomingRelayView(books, incoming.cancelByNewRetailer(no, now), now);
    },
    reset: () => {
      rates.reset();
      patterns.reset();
      relays.reset();
      incoming.reset();
      apps.reset();
      faults.reset();
      maintenance.reset();
      once.http500.clear();
      once.held.clear();
      clock.reset();
      seedRelays();
      logger.info({ nowJst: jstTimestamp(clock.now()) }, 'occto simulator: reset');
    },
    exportState: () => ({
      clockOffsetMs: clock.now() - Date.now(),
      relays: [...relays.all()],
      incomingRelays: [...incoming.all()],
      lastBulkSerial: incoming.lastBulkSerial,
      applications: [...apps.all()],
      patternOverrides: patterns.overridesAsRecord(),
    }),
    importState: (s) => {
      relays.load(s.relays);
      incoming.load(s.incomingRelays, s.lastBulkSerial);
      apps.load(s.applications);
      patterns.reset();
      for (const [point, p] of Object.entries(s.patternOverrides)) patterns.set(point, p);
      clock.set(Date.now() + s.clockOffsetMs);
    },
  };

  const admin = createHttpServer(createAdminHandler(sim));

  const { port, adminPort, close } = await listenPair(soap, admin, { port: opts.port, host: opts.host, adminPort: opts.adminPort, beforeClose: () => sleeper.close() });
  const url = `https://127.0.0.1:${port}`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  logger.info({ url, adminUrl, companies: [...companies.keys()] }, 'occto simulator: listening');

  return { ...sim, url, endpoint: `${url}${SOAP_ENDPOINT_PATH}`, adminUrl, close };
}
