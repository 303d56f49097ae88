// Everything a workflow test needs around OCCTO: a dev PKI, the real simulator over mutual TLS,
// the project's worker set (workflows, occto.<company>, notify queues) against a Temporal test
// environment, and a client with the same payload encryption.
import { afterAll, beforeAll, inject } from 'vitest';
import { Client } from '@temporalio/client';
import { createDataConverter } from '../../../platform/data-converter.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { followTemporalClock } from '../../../test/support/follow-temporal-clock.js';
import { createDevPki, type DevPki } from '../../../simulators/shared/dev-pki.js';
import { startOcctoSimulator, type OcctoSimulator, type OcctoSimulatorOptions } from '../simulator/server.js';
import { createWorkerSet, type WorkerSet } from '../../../worker/workers.js';
import type { CodecKeys } from '../../../platform/payload-codec.js';
import { TEST_CODEC_KEYS, createTimeSkippingEnv } from '../../../test/support/temporal-env.js';
import { parseOcctoClientConfig } from '../activities/config.js';
import type { StatusTrackingConfig } from '../../../activities/fleet/fleet.js';
import type { AutoJudgeRule } from '../domain/switching-out.js';

export const COMPANY = '12346';
export const LOGIN = { loginId: 'api12346', password: 'test-password-12346' };

export interface OcctoHarness {
  env: TestWorkflowEnvironment;
  sim: OcctoSimulator;
  pki: DevPki;
  client: Client;
  /**
   * A client that never touches the time-skipping lock: read the result of a workflow that has
   * already ENDED with it. (The time-skipping client's result() unlocks time while it waits, and with
   * nothing else scheduled the Java test server then jumps to its 10-year run-timeout timers.)
   */
  plainClient: Client;
  codecKeys: CodecKeys;
  logger: pino.Logger;
  startWorkers(o?: StartWorkersOptions): Promise<WorkerSet>;
  close(): Promise<void>;
}


export interface StartWorkersOptions {
  ratePerSecond?: number;
  minSpacingMs?: number;
  /** The client's response-based pacing (default 1000 ms, the production rule); 0 = off for fast tests. */
  afterResponseMs?: number;
  timeoutMs?: number;
  followTemporalClock?: boolean;
  maxCachedWorkflows?: number;
  maxConcurrent?: number;
  /**
   * How the fleet activity answers subscriptions to the batched status poller. Default 'own' with
   * 10 minutes: workflows poll on their own, as before batched tracking (the switching-in tests
   * check per-point calls); tests of the poller pass 'batched'.
   */
  statusTracking?: StatusTrackingConfig;
  /** Serve the customer-records queue from this JSON file (current-retailer switching). */
  customerRecordsFile?: string;
  autoJudge?: AutoJudgeRule;
  only?: { workflows?: boolean; occto?: boolean; takusou?: boolean; notify?: boolean; customerRecords?: boolean };
}

export async function createOcctoHarness(
  env: TestWorkflowEnvironment,
  simOptions: Partial<OcctoSimulatorOptions> = {},
  workflowBundlePath: string = inject('workflowBundle'),
): Promise<OcctoHarness> {
  const pki = await createDevPki({ companies: [COMPANY] });
  const sim = await startOcctoSimulator({
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
    companies: [{ code: COMPANY, ...LOGIN }],
    ...simOptions,
  });
  const codecKeys = TEST_CODEC_KEYS;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const sets: WorkerSet[] = [];
  const plainClient = new Client({ connection: env.connection, namespace: env.namespace ?? 'default', dataConverter: createDataConverter(codecKeys) });
  return {
    env,
    sim,
    pki,
    client: env.client,
    plainClient,
    codecKeys,
    logger,
    async startWorkers(o = {}) {
      const set = await createWorkerSet({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        companies: [COMPANY],
        occto: {
          client: parseOcctoClientConfig({
            endpoint: sim.endpoint,
            sourceIp: '127.0.0.1',
            timeoutMs: o.timeoutMs ?? 5_000,
            minSpacingMs: o.minSpacingMs ?? 1_100,
            ...(o.afterResponseMs !== undefined ? { afterResponseMs: o.afterResponseMs } : {}),
            companies: { [COMPANY]: { ...pki.clients[COMPANY]!, ca: pki.ca.cert, ...LOGIN } },
          }),
          ratePerSecond: o.ratePerSecond ?? 0.9,
          maxConcurrent: o.maxConcurrent ?? 2,
        },
        codecKeys,
        logger,
        workflows: { workflowBundle: { codePath: workflowBundlePath } },
        activityInterceptors: o.followTemporalClock === false ? [] : [followTemporalClock(sim)],
        workflowWorkerOptions: o.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: o.maxCachedWorkflows },
        // Fleet activities (status-poller subscriptions, maintenance announcements) use the env's client.
        temporalClient: env.client,
        statusTracking: o.statusTracking ?? { mode: 'own', intervalMs: 10 * 60_000 },
        ...(o.customerRecordsFile ? { customerRecords: { filePath: o.customerRecordsFile, autoJudge: o.autoJudge } } : {}),
        ...(o.only ? { only: o.only } : {}),
      });
      sets.push(set);
      return set;
    },
    async close() {
      await Promise.all(sets.map((s) => s.stop()));
      await sim.close();
    },
  };
}

/**
 * One harness for the enclosing file (or describe block) on a time-skipping server: registers the
 * beforeAll that starts the server, the OCCTO simulator (`simOptions`) and, with `workerOptions`,
 * one worker set running for the whole file, and the afterAll that stops them in reverse order.
 * The returned harness is filled in by that beforeAll: use it in hooks and tests, not at load time.
 * Hooks the file registers before this call run before its set-up and after its tear-down (vitest
 * runs afterAll hooks in reverse order), so a temp dir made there outlives the workers.
 */
export function useOcctoHarness(simOptions: Partial<OcctoSimulatorOptions> = {}, workerOptions?: StartWorkersOptions): OcctoHarness {
  const h = {} as OcctoHarness;
  let env: TestWorkflowEnvironment | undefined;
  let harness: OcctoHarness | undefined;
  let workers: WorkerSet | undefined;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    harness = await createOcctoHarness(env, simOptions);
    Object.assign(h, harness);
    if (workerOptions) {
      workers = await harness.startWorkers(workerOptions);
      running = workers.run();
    }
  });
  afterAll(async () => {
    await workers?.stop();
    await running;
    await harness?.close();
    await env?.teardown();
  });
  return h;
}

/** 'YYYY-MM-DD' JST of an epoch-ms instant plus n days. */
export function jstDay(ms: number, plusDays = 0): string {
  return new Date(ms + 9 * 3_600_000 + plusDays * 86_400_000).toISOString().slice(0, 10);
}

let seq = 0;
/** A unique 22-digit supply point ID: area + 17 digits + the simulator's 3-digit pattern. */
export function supplyPoint(pattern = '100', area = '03'): string {
  seq += 1;
  const body = `${String(process.pid % 1000).padStart(3, '0')}${String(Date.now() % 1e8).padStart(8, '0')}${String(seq).padStart(6, '0')}`;
  return `${area}${body.slice(-17)}${pattern}`;
}

/** A valid LV switching-in input around Temporal's current time (epoch ms). */
export function switchingInput(nowMs: number, supplyPointId: string, extra: Record<string, unknown> = {}) {
  return {
    company: COMPANY,
    category: 'LV',
    supplyPointId,
    supplyStartDate: jstDay(nowMs, 10),
    nextButOneMeterReadingDate: jstDay(nowMs, 40),
    customer: { name: '電気 太郎', kana: 'デンキ タロウ', address: '大阪府大阪市北区中之島3-6-16', phone: '06-6441-8821' },
    reference: 'contract-0001',
    options: { pollInterval: '30 minutes' },
    ...extra,
  };
}

/**
 * Skips `duration` of Temporal time on the time-skipping server, repairing a leaked time-skipping
 * lock on the way. The bundled Java test server (@temporalio/testing 1.24.0) sometimes keeps one
 * lock after a workflow that handled an accepted Update completes; every later skip then runs in
 * real time. A skip that has not happened after `patienceMs` of real time (activities due run in
 * milliseconds here) gets one lock released. Never wait in result() on a running workflow in these
 * tests: poll the status and skip time with this instead.
 */
export async function skipTime(env: TestWorkflowEnvironment, duration: string | number, patienceMs = 3_000): Promise<void> {
  let done = false;
  const sleeping = env.sleep(duration).then(() => {
    done = true;
  });
  // One lock per leak: release one at a time, each after another patience period without progress.
  for (let released = 0; ; released++) {
    await Promise.race([sleeping, new Promise((r) => setTimeout(r, patienceMs))]);
    if (done) return;
    if (released >= 20) throw new Error(`skipTime(${duration}): time does not advance even after releasing ${released} time-skipping locks`);
    await env.connection.testService!.unlockTimeSkipping({});
  }
}
