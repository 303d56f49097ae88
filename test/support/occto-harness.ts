// Everything a workflow test needs around OCCTO: a dev PKI, the real simulator over mutual TLS,
// the project's worker set (workflows, occto.<company>, notify queues) against a Temporal test
// environment, and a client with the same payload encryption.
import { inject } from 'vitest';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { followTemporalClock } from './follow-temporal-clock.js';
import { createDevPki, type DevPki } from '../../scripts/dev-pki.js';
import { startOcctoSimulator, type OcctoSimulator, type OcctoSimulatorOptions } from '../../simulators/occto/server.js';
import { createWorkerSet, type WorkerSet } from '../../worker/workers.js';
import type { CodecKeys } from '../../worker/payload-codec.js';
import { TEST_CODEC_KEYS } from './temporal-env.js';
import { parseOcctoClientConfig } from '../../activities/occto/config.js';

export const COMPANY = '12346';
export const LOGIN = { loginId: 'api12346', password: 'test-password-12346' };

export interface OcctoHarness {
  env: TestWorkflowEnvironment;
  sim: OcctoSimulator;
  pki: DevPki;
  client: Client;
  codecKeys: CodecKeys;
  logger: pino.Logger;
  startWorkers(o?: { ratePerSecond?: number; minSpacingMs?: number; timeoutMs?: number; followTemporalClock?: boolean; maxCachedWorkflows?: number; maxConcurrent?: number }): Promise<WorkerSet>;
  close(): Promise<void>;
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
  return {
    env,
    sim,
    pki,
    client: env.client,
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
