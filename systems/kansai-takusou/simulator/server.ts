// A faithful fake of Kansai T&D's たくそう君 WebAPI (低圧託送工事申込): a real HTTPS server on
// 127.0.0.1 speaking the provisional JSON/multipart wire format under /api/low-takusou/, plus a
// plain-HTTP admin API. See docs/external-systems/kansai-takusou.md §12 for the checklist.
// Authentication is not specified in the source: there is a hook (`auth`), off by default, and no
// client certificate is asked for.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { listenPair } from '../../../simulators/shared/servers.js';
import type { TakusouSimulator } from './simulator.js';
import pino from 'pino';
import { TAKUSOU_BASE_PATH, jstDateTime } from '../activities/provisional-wire-format.js';
import { KANSAI_TD_DEFAULT_MAINTENANCE, maintenanceConfigSchema, type MaintenanceConfig } from '../../../domain/maintenance.js';
import { createSimClock } from '../../../simulators/shared/clock.js';
import { Sleeper } from '../../../simulators/shared/sleeper.js';
import { createAdminHandler } from './admin.js';
import { ApplicationStore } from './applications.js';
import { FaultQueue } from './faults.js';
import { createTakusouHandler } from './handler.js';
import { CallLog } from './limits.js';
import { MaintenanceSchedule } from './maintenance.js';
import { NoticeStore } from './notices.js';
import { PatternTable } from './patterns.js';
import type { AuthHook, Timing } from './types.js';

export type * from './types.js';
export { PATTERNS, PATTERN_BY_SUFFIX } from './patterns.js';
export { WEB_SUBMITTED_MOSHIKOMI_NO } from './applications.js';

export type { TakusouSimulator, TakusouSavedState } from './simulator.js';

export interface TakusouSimulatorOptions {
  /** Server certificate and key (PEM), e.g. createDevPki().server. No client certificate is requested. */
  tls: { cert: string; key: string };
  /** 0/undefined = random free port. */
  port?: number;
  /** Interface of the API (not the admin API); default 127.0.0.1. In a container: 0.0.0.0 (docker-compose.yml). */
  host?: string;
  /** Plain HTTP admin API on 127.0.0.1; 0/undefined = random. */
  adminPort?: number;
  /** Default TAKUSOU_BASE_PATH ('/api/low-takusou/'); must start and end with '/'. */
  basePath?: string;
  timing?: Partial<Timing>;
  /** Default KANSAI_TD_DEFAULT_MAINTENANCE (Sunday 01:00–03:00 JST). */
  maintenance?: MaintenanceConfig;
  /**
   * Status (400–599) answered to an L1/L2 breach, with a body marked simulatorDefined. The real
   * reaction is not public: by default an L1 breach is only recorded (violations()); the 9th request
   * in flight (L2) is recorded and refused with 429 unless this is set.
   */
  violationStatus?: number;
  /** Authentication hook (not specified in the source); off by default. */
  auth?: AuthHook;
  logger?: pino.Logger;
}



const DEFAULT_TIMING: Timing = {
  acceptanceDelayMs: 3_600_000,
  processStepMs: 86_400_000,
  calculationDelayMs: 2 * 86_400_000,
  resultDelayMs: 86_400_000,
  latencyMs: 0,
  slowMs: 3_000,
  hangMs: 60_000,
};

function checkedTiming(t: TakusouSimulatorOptions['timing']): Timing {
  const timing = { ...DEFAULT_TIMING, ...Object.fromEntries(Object.entries(t ?? {}).filter(([, v]) => v !== undefined)) } as Timing;
  for (const [k, v] of Object.entries(timing)) {
    if (!(k in DEFAULT_TIMING)) throw new RangeError(`startTakusouSimulator: unknown timing.${k}`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`startTakusouSimulator: timing.${k} must be a non-negative number of ms (got ${String(v)})`);
  }
  return timing;
}

export async function startTakusouSimulator(opts: TakusouSimulatorOptions): Promise<TakusouSimulator> {
  const timing = checkedTiming(opts.timing);
  const basePath = opts.basePath ?? TAKUSOU_BASE_PATH;
  if (!/^\/([A-Za-z0-9._~-]+\/)*$/.test(basePath)) throw new RangeError(`startTakusouSimulator: basePath must start and end with '/' (got '${basePath}')`);
  const vs = opts.violationStatus;
  if (vs !== undefined && !(Number.isInteger(vs) && vs >= 400 && vs <= 599)) throw new RangeError(`startTakusouSimulator: violationStatus must be an HTTP status 400–599 (got ${String(vs)})`);
  const maintenanceConfig = opts.maintenance ? maintenanceConfigSchema.parse(opts.maintenance) : KANSAI_TD_DEFAULT_MAINTENANCE;
  const logger = opts.logger ?? pino({ level: 'silent' });

  const clock = createSimClock();
  const log = new CallLog();
  const patterns = new PatternTable();
  const apps = new ApplicationStore(timing);
  const notices = new NoticeStore();
  const faults = new FaultQueue();
  const maintenance = new MaintenanceSchedule(maintenanceConfig);
  const sleeper = new Sleeper();
  const once = { http500: new Set<string>(), held: new Set<string>() };

  const api = createHttpsServer(
    { cert: opts.tls.cert, key: opts.tls.key },
    createTakusouHandler({ basePath, clock, log, patterns, apps, notices, faults, maintenance, timing, sleeper, logger, violationStatus: vs, auth: opts.auth, once }),
  );
  api.on('tlsClientError', (err) => logger.warn({ reason: err.message.slice(0, 200) }, 'takusou simulator: TLS handshake failed'));

  const sim: Omit<TakusouSimulator, 'url' | 'adminUrl' | 'close'> = {
    clock: { now: () => clock.now(), set: (ms) => clock.set(ms), advance: (ms) => clock.advance(ms) },
    calls: () => log.calls(),
    violations: () => log.violations(),
    summary: () => log.summary(),
    maxInFlightObserved: () => log.maxInFlightObserved(),
    state: () => {
      const nowMs = clock.now();
      return {
        nowMs,
        nowJst: jstDateTime(nowMs),
        applications: apps.views(nowMs),
        notices: notices.views(),
        patternOverrides: patterns.overridesAsRecord(),
        pendingFaults: faults.pending(),
        adHocMaintenance: maintenance.addedWindows(),
        forcedMaintenance: maintenance.isForced,
        inFlight: log.inFlight,
      };
    },
    setPattern: (ref, p) => patterns.set(ref, p),
    injectFault: (f) => faults.add(f),
    addMaintenance: (w) => {
      const added = maintenance.add(w);
      return added.announce === false ? undefined : notices.publishMaintenance(added, clock.now()).id;
    },
    forceMaintenance: (on) => maintenance.force(on),
    addNotice: (n) => {
      const kind = n.oshiraseShubetsu ?? 'INFO';
      if (!n.kenmei || !n.honbun) throw new RangeError('addNotice: kenmei and honbun are required');
      return notices.post({
        kind,
        kenmei: n.kenmei,
        honbun: n.honbun,
        postedAt: clock.now(),
        ...(n.teishiKaishi !== undefined ? { start: n.teishiKaishi } : {}),
        ...(n.teishiShuryo !== undefined ? { end: n.teishiShuryo } : {}),
      }).id;
    },
    reset: () => {
      log.reset();
      patterns.reset();
      apps.reset();
      notices.reset();
      faults.reset();
      maintenance.reset();
      once.http500.clear();
      once.held.clear();
      clock.reset();
      logger.info({ nowJst: jstDateTime(clock.now()) }, 'takusou simulator: reset');
    },
    exportState: () => ({
      clockOffsetMs: clock.now() - Date.now(),
      applications: apps.saved(),
      notices: notices.saved(),
      patternOverrides: patterns.overridesAsRecord(),
    }),
    importState: (s) => {
      apps.load(s.applications);
      notices.load(s.notices);
      patterns.reset();
      for (const [ref, p] of Object.entries(s.patternOverrides)) patterns.set(ref, p);
      clock.set(Date.now() + s.clockOffsetMs);
    },
  };

  const admin = createHttpServer(createAdminHandler(sim));

  const { port, adminPort, close } = await listenPair(api, admin, { port: opts.port, host: opts.host, adminPort: opts.adminPort, beforeClose: () => sleeper.close() });
  const url = `https://127.0.0.1:${port}${basePath}`;
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  logger.info({ url, adminUrl }, 'takusou simulator: listening');

  return { ...sim, url, adminUrl, close };
}
