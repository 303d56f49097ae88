// Around たくそう君 workflow tests: a dev PKI (server certificate), the real simulator over HTTPS,
// the worker set (workflows, kansai-takusou.<company>, notify + fleet) and the client.
import { inject } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { followTemporalClock } from '../../../test/support/follow-temporal-clock.js';
import { createDevPki } from '../../../simulators/shared/dev-pki.js';
import { startTakusouSimulator, type TakusouSimulator, type TakusouSimulatorOptions } from '../simulator/server.js';
import { createWorkerSet, type WorkerSet } from '../../../worker/workers.js';
import { takusouClientConfigSchema } from '../activities/config.js';

/** The 事業者コード the tests operate for (the same test company as the other systems' tests). */
export const COMPANY = '12346';
import { TEST_CODEC_KEYS } from '../../../test/support/temporal-env.js';

export interface TakusouHarness {
  env: TestWorkflowEnvironment;
  sim: TakusouSimulator;
  client: Client;
  files: { drawing: string; completion: string };
  startWorkers(o?: { concurrencyShare?: number; followTemporalClock?: boolean }): Promise<WorkerSet>;
  close(): Promise<void>;
}


export async function createTakusouHarness(
  env: TestWorkflowEnvironment,
  simOptions: Partial<TakusouSimulatorOptions> = {},
  workflowBundlePath: string = inject('workflowBundle'),
): Promise<TakusouHarness> {
  const pki = await createDevPki({ companies: [COMPANY] });
  const sim = await startTakusouSimulator({ tls: { cert: pki.server.cert, key: pki.server.key }, ...simOptions });
  const dir = mkdtempSync(join(tmpdir(), 'takusou-files-'));
  const files = { drawing: join(dir, 'drawing.pdf'), completion: join(dir, 'completion.pdf') };
  writeFileSync(files.drawing, Buffer.alloc(2048, 1));
  writeFileSync(files.completion, Buffer.alloc(1024, 2));
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const sets: WorkerSet[] = [];
  return {
    env,
    sim,
    client: env.client,
    files,
    async startWorkers(o = {}) {
      const set = await createWorkerSet({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        companies: [COMPANY],
        codecKeys: TEST_CODEC_KEYS,
        logger,
        workflows: { workflowBundle: { codePath: workflowBundlePath } },
        takusou: {
          client: takusouClientConfigSchema.parse({ baseUrl: sim.url, ca: pki.ca.cert, timeoutMs: 5_000, companies: { [COMPANY]: {} } }),
          concurrencyShare: o.concurrencyShare ?? 8,
        },
        temporalClient: env.client,
        activityInterceptors: o.followTemporalClock === false ? [] : [followTemporalClock(sim)],
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

let seq = 0;
/** A unique business reference ending with the simulator's 3-digit pattern. */
export function constructionRef(pattern = '100'): string {
  seq += 1;
  return `K${String(process.pid % 1000).padStart(3, '0')}${String(Date.now() % 1e7).padStart(7, '0')}${String(seq).padStart(3, '0')}-${pattern}`;
}

export function constructionInput(kind: 'JOJI' | 'RINJI' | 'GAIROTO' | 'SHUDAN', reference: string, drawing: string, extra: Record<string, unknown> = {}) {
  const base = {
    company: COMPANY,
    kind,
    reference,
    site: { customerName: '工事 花子', address: '大阪府大阪市北区中之島3-6-16', phone: '06-6441-8821' },
    desiredDate: '2027-03-01',
    files: [{ ref: drawing, documentType: kind === 'GAIROTO' ? 'SITE_MAP' : 'DRAWING', sizeBytes: 2048 }],
    options: { pollInterval: '6 hours', reminderInterval: '1 day', decisionDeadline: '7 days' },
  };
  const byKind = {
    JOJI: { supplyTypes: ['DENTO'], contractAmperes: 40, equipment: [{ name: 'エコキュート', capacityKw: 1.5, waterHeater: { maker: 'ダイキン', heaterClass: 'ヒートポンプ', capacityLitres: 370 } }] },
    RINJI: { supplyTypes: ['DENRYOKU'], contractAmperes: 30, temporaryUntil: '2027-06-30', equipment: [{ name: '仮設動力', capacityKw: 5.5 }] },
    GAIROTO: { lamps: [{ lampType: 'LED', wattage: 40, poleNo: 'P-001' }] },
    SHUDAN: { units: [{ unitNo: '101', supplyType: 'DENTO', contractAmperes: 30 }, { unitNo: '102', supplyType: 'DENTO', contractAmperes: 40 }] },
  }[kind];
  return { ...base, ...byKind, ...extra };
}
