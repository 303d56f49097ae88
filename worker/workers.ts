// One Worker per task queue, each with that queue's limits (design.md §3):
//   denki-flow.workflows — workflow tasks only;
//   occto.<事業者コード>  — OCCTO activities, server-side rate cap just under 1 request/s per company
//                           (holds across every worker process), plus the client's in-process spacer;
//   denki-flow.notify    — notifications to people.
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type pino from 'pino';
import { NOTIFY_TASK_QUEUE, WORKFLOWS_TASK_QUEUE, occtoTaskQueue } from '../domain/task-queues.js';
import { createOcctoActivities } from '../activities/occto/activities.js';
import { createNotificationActivities } from '../activities/notifications.js';
import type { OcctoClientConfig } from '../activities/occto/config.js';
import { createDataConverter } from './data-converter.js';
import type { CodecKeys } from './payload-codec.js';

export interface WorkerSetOptions {
  connection: NativeConnection;
  namespace: string;
  companies: string[];
  occto: OcctoClientConfig;
  occtoRatePerSecond: number;
  occtoMaxConcurrent: number;
  codecKeys: CodecKeys;
  logger: pino.Logger;
  workflows: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>;
  /** Extra activity interceptors (tests use one to keep the simulator's clock on Temporal time). */
  activityInterceptors?: ActivityInterceptorsFactory[];
  /** Extra options for the workflows worker (e.g. maxCachedWorkflows). */
  workflowWorkerOptions?: Partial<WorkerOptions>;
  /** Run only some of the queues (e.g. a second worker process with activities only). */
  only?: { workflows?: boolean; occto?: boolean; notify?: boolean };
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
  const only = { workflows: true, occto: true, notify: true, ...o.only };
  const occto = createOcctoActivities({ config: o.occto, logger: o.logger.child({ component: 'occto-client' }) });
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
  if (only.occto) {
    for (const company of o.companies) {
      workers.push(
        await Worker.create({
          ...common,
          taskQueue: occtoTaskQueue(company),
          activities: occto,
          maxTaskQueueActivitiesPerSecond: o.occtoRatePerSecond,
          maxConcurrentActivityTaskExecutions: o.occtoMaxConcurrent,
          interceptors: { activity: o.activityInterceptors ?? [] },
        }),
      );
    }
  }
  if (only.notify) {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: NOTIFY_TASK_QUEUE,
        activities: createNotificationActivities({ logger: o.logger }),
      }),
    );
  }

  const closeClients = () => occto.close().catch(() => undefined);
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
