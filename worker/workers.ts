// One Worker per task queue, each with that queue's limits (docs/architecture.md §3):
//   denki-flow.workflows — workflow tasks only;
//   occto.<事業者コード>  — OCCTO activities, server-side rate cap just under 1 request/s per company
//                           (holds across every worker process), plus the client's in-process spacer;
//   denki-flow.notify    — notifications to people, and the fleet activities (signal workflows,
//                           subscribe to the batched OCCTO status poller);
//   denki-flow.customer-records — our customer records (checked against incoming 廃止取次);
//   denki-flow.certificates — the OCCTO client-certificate expiry check (no OCCTO call), served
//                           where the certificates are.
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type pino from 'pino';
import type { Client } from '@temporalio/client';
import { CUSTOMER_RECORDS_TASK_QUEUE, NOTIFY_TASK_QUEUE, WORKFLOWS_TASK_QUEUE, occtoTaskQueue, takusouTaskQueue } from '../domain/task-queues.js';
import { createCustomerRecordActivities } from '../activities/customer-records/activities.js';
import type { AutoJudgeRule } from '../systems/occto/domain/switching-out.js';
import { certificatesOf, createCertificateActivities } from '../activities/certificates/activities.js';
import { CERTIFICATES_TASK_QUEUE } from '../workflows/certificates/certificate-expiry.defs.js';
import { createTakusouActivities } from '../systems/kansai-takusou/activities/activities.js';
import type { TakusouClientConfig } from '../systems/kansai-takusou/activities/config.js';
import { createFleetActivities, type StatusTrackingConfig } from '../activities/fleet/fleet.js';
import { createOcctoActivities } from '../systems/occto/activities/activities.js';
import { createNotificationActivities } from '../activities/notifications/activities.js';
import type { OcctoClientConfig } from '../systems/occto/activities/config.js';
import { createDataConverter } from '../platform/data-converter.js';
import { dispatchWaitInterceptor } from '../platform/metrics.js';
import type { CodecKeys } from '../platform/payload-codec.js';

export interface WorkerSetOptions {
  connection: NativeConnection;
  namespace: string;
  companies: string[];
  /** OCCTO: client configuration, server-side rate cap per company queue, concurrency. */
  occto?: { client: OcctoClientConfig; ratePerSecond: number; maxConcurrent: number };
  codecKeys: CodecKeys;
  logger: pino.Logger;
  workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
  /** Extra activity interceptors (tests use one to keep the simulator's clock on Temporal time). */
  activityInterceptors?: ActivityInterceptorsFactory[];
  /** たくそう君: client configuration and this process's share of the 8 requests in flight. */
  takusou?: { client: TakusouClientConfig; concurrencyShare: number };
  /** A client for the fleet activities (signal running workflows, read a watcher's state). */
  temporalClient?: Client;
  /** Extra options for the workflows worker (e.g. maxCachedWorkflows). */
  workflowWorkerOptions?: Partial<WorkerOptions>;
  /** How OCCTO statuses are tracked (batched poller or each workflow on its own). Default: batched, 10 minutes. */
  statusTracking?: StatusTrackingConfig;
  /** Our customer records (current-retailer switching): the JSON file and the auto-judge rule. */
  customerRecords?: { filePath: string; autoJudge?: AutoJudgeRule };
  /** Run only some of the queues (e.g. a second worker process with activities only). */
  only?: { workflows?: boolean; occto?: boolean; takusou?: boolean; notify?: boolean; customerRecords?: boolean; certificates?: boolean };
}

export interface WorkerSet {
  workers: Worker[];
  run(): Promise<void>;
  runUntil<T>(p: Promise<T> | (() => Promise<T>)): Promise<T>;
  /** Shuts every worker down and waits until they have stopped. */
  stop(): Promise<void>;
}

export async function createWorkerSet(o: WorkerSetOptions): Promise<WorkerSet> {
  const dataConverter = createDataConverter(o.codecKeys);
  const common = { connection: o.connection, namespace: o.namespace, dataConverter };
  const only = { workflows: true, occto: true, takusou: true, notify: true, customerRecords: true, certificates: true, ...o.only };
  const occto = o.occto ? createOcctoActivities({ config: o.occto.client, logger: o.logger.child({ component: 'occto-client' }) }) : undefined;
  const workers: Worker[] = [];

  if (only.workflows) {
    workers.push(
      await Worker.create({
        ...common,
        ...o.workflows,
        taskQueue: WORKFLOWS_TASK_QUEUE,
        // Workflows only: activities run on their own queues with their own limits.
        maxConcurrentActivityTaskExecutions: 1,
        ...o.workflowWorkerOptions,
      }),
    );
  }
  if (only.occto && occto && o.occto) {
    for (const company of o.companies) {
      workers.push(
        await Worker.create({
          ...common,
          taskQueue: occtoTaskQueue(company),
          activities: occto,
          maxTaskQueueActivitiesPerSecond: o.occto.ratePerSecond,
          maxConcurrentActivityTaskExecutions: o.occto.maxConcurrent,
          // The rate limit's wait (schedule-to-start) goes to denki_rate_limit_wait_seconds.
          interceptors: { activity: [dispatchWaitInterceptor('occto'), ...(o.activityInterceptors ?? [])] },
        }),
      );
    }
  }
  const takusou = o.takusou ? createTakusouActivities({ config: o.takusou.client, logger: o.logger.child({ component: 'takusou-client' }) }) : undefined;
  if (only.takusou && takusou && o.takusou) {
    for (const company of o.companies) {
      workers.push(
        await Worker.create({
          ...common,
          taskQueue: takusouTaskQueue(company),
          activities: takusou,
          // L2: at most 8 requests in flight across APIs 1–18, over ALL worker processes: each
          // process takes its share (docs/takusou-concurrency.md).
          maxConcurrentActivityTaskExecutions: o.takusou.concurrencyShare,
          interceptors: { activity: [dispatchWaitInterceptor('kansai-takusou'), ...(o.activityInterceptors ?? [])] },
        }),
      );
    }
  }
  if (only.certificates && o.occto) {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: CERTIFICATES_TASK_QUEUE,
        activities: createCertificateActivities({ certificates: certificatesOf(o.occto.client) }),
        maxConcurrentActivityTaskExecutions: 2,
      }),
    );
  }
  if (only.notify) {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: NOTIFY_TASK_QUEUE,
        activities: {
          ...createNotificationActivities({ logger: o.logger }),
          ...(o.temporalClient ? createFleetActivities({ client: o.temporalClient, statusTracking: o.statusTracking }) : {}),
        },
      }),
    );
  }
  if (only.customerRecords && o.customerRecords) {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: CUSTOMER_RECORDS_TASK_QUEUE,
        activities: createCustomerRecordActivities({ filePath: o.customerRecords.filePath, autoJudge: o.customerRecords.autoJudge, logger: o.logger }),
      }),
    );
  }

  const closeClients = () => Promise.all([occto?.close(), takusou?.close()]).catch(() => undefined);
  let done: Promise<unknown> = Promise.resolve();
  return {
    workers,
    async run() {
      try {
        const running = Promise.all(workers.map((w) => w.run()));
        done = running.catch(() => undefined);
        await running;
      } finally {
        await closeClients();
      }
    },
    async runUntil<T>(p: Promise<T> | (() => Promise<T>)): Promise<T> {
      const promise = typeof p === 'function' ? p() : p;
      try {
        // allSettled: every worker must have shut down before this returns, even on failure.
        const settled = Promise.allSettled(workers.map((w) => w.runUntil(promise)));
        done = settled;
        const results = await settled;
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason;
        return (results[0] as PromiseFulfilledResult<T>).value;
      } finally {
        await closeClients();
      }
    },
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
