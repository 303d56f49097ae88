// One per company: reads たくそう君's お知らせ, learns announced maintenance windows from them and
// tells the running construction workflows, marks notices read, and registers notices for people.
// Notices cannot be corrected or deleted (docs/external-systems/kansai-takusou.md §8.4): such requests are refused — register a new one.
import { continueAsNew, log, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import type { TakusouActivities } from '../activities/contract.js';
import { TakusouFailure } from '../activities/contract.js';
import type { FleetActivities } from '../../../activities/fleet/fleet.js';
import { companyCodeField } from '../../../domain/company.js';
import { durationAtLeast } from '../../../domain/durations.js';
import { KANSAI_TD_DEFAULT_MAINTENANCE, type AdHocWindow } from '../../../domain/maintenance.js';
import { NOTIFY_TASK_QUEUE, takusouTaskQueue } from '../../../domain/task-queues.js';
import { MaintenanceGuard } from '../../../workflows/shared/maintenance-guard.js';
import { noticeActionUpdate, noticeWatcherStatusQuery, subscribeToMaintenanceSignal, type NoticeWatcherStatus } from './notice-watcher.defs.js';

export const noticeWatcherInputSchema = z
  .object({
    company: companyCodeField('company'),
    pollInterval: durationAtLeast(10_000, '10 seconds').default(15 * 60_000),
    /** Carried over continue-as-new. */
    seen: z.array(z.string()).default([]),
    windows: z.array(z.object({ start: z.number(), end: z.number(), area: z.string().optional(), reason: z.string().optional() })).default([]),
    subscribers: z.array(z.string()).default([]),
  })
  .strict();
export type NoticeWatcherInput = z.input<typeof noticeWatcherInputSchema>;

// The messages live in notice-watcher.defs.ts; re-exported for the clients that import them from here.
const ITERATIONS_BEFORE_CONTINUE_AS_NEW = 500;
const SEEN_KEPT = 300;

export async function takusouNoticeWatcherWorkflow(raw: NoticeWatcherInput): Promise<never> {
  const input = noticeWatcherInputSchema.parse(raw);
  const { company } = input;
  const ktd = proxyActivities<TakusouActivities>({
    taskQueue: takusouTaskQueue(company),
    startToCloseTimeout: '1 minute',
    retry: { maximumInterval: '10 minutes' },
  });
  const fleet = proxyActivities<FleetActivities>({ taskQueue: NOTIFY_TASK_QUEUE, startToCloseTimeout: '1 minute' });
  const seen = new Set(input.seen);
  const subscribers = new Set(input.subscribers);
  const status: NoticeWatcherStatus = { company, windows: input.windows as AdHocWindow[], noticesSeen: seen.size, registered: [], subscribers: subscribers.size };

  const guard = new MaintenanceGuard({
    system: 'kansai-takusou',
    maintenance: KANSAI_TD_DEFAULT_MAINTENANCE,
    area: '06',
    unannouncedRetryMs: 15 * 60_000,
    maintenanceFailureType: TakusouFailure.Maintenance,
  });
  for (const w of status.windows) guard.announce(w);

  setHandler(noticeWatcherStatusQuery, () => status);
  setHandler(subscribeToMaintenanceSignal, (workflowId) => {
    subscribers.add(workflowId);
    status.subscribers = subscribers.size;
  });
  setHandler(
    noticeActionUpdate,
    async (a) => {
      if (a.action !== 'register') throw new Error('unreachable: refused by the validator');
      const r = await guard.run({ scope: 'area' }, () => ktd.registerNotice({ company, title: a.title, body: a.body }));
      status.registered.push({ id: r.id, title: a.title });
      log.info('notice registered', { id: r.id, by: a.by });
      return r;
    },
    {
      validator: (a) => {
        if (a.action === 'correct' || a.action === 'delete') {
          throw new Error(`お知らせ cannot be ${a.action === 'correct' ? 'corrected' : 'deleted'} through たくそう君: register a new notice that says so`);
        }
        if (a.action !== 'register') throw new Error("action must be 'register' (notices cannot be corrected or deleted)");
        if (!a.title?.trim() || a.title.length > 100) throw new Error('title is required (at most 100 characters)');
        if (!a.body?.trim() || a.body.length > 2000) throw new Error('body is required (at most 2000 characters)');
        if (!/^[\w.@-]{1,64}$/.test(a.by ?? '')) throw new Error("by must be the person's user ID");
      },
    },
  );

  for (let i = 0; i < ITERATIONS_BEFORE_CONTINUE_AS_NEW && !workflowInfo().continueAsNewSuggested; i++) {
    const notices = await guard.run({ scope: 'area' }, () => ktd.getNotices({ company }));
    status.lastPollAt = new Date(Date.now()).toISOString();
    const fresh = notices.filter((n) => !seen.has(n.id));
    for (const n of fresh) {
      seen.add(n.id);
      if (n.kind === 'MAINTENANCE' && n.start !== undefined && n.end !== undefined && n.end > Date.now()) {
        const window: AdHocWindow = { start: n.start, end: n.end, reason: `お知らせ ${n.id}: ${n.title}`.slice(0, 120) };
        status.windows.push(window);
        guard.announce(window);
        const gone = await fleet.announceMaintenance({ workflowIds: [...subscribers], window });
        for (const id of gone) subscribers.delete(id);
        status.subscribers = subscribers.size;
        log.info('maintenance notice announced', { id: n.id, workflows: subscribers.size });
      }
    }
    const unread = notices.filter((n) => !n.read).map((n) => n.id);
    if (unread.length) await guard.run({ scope: 'area' }, () => ktd.markNoticesRead({ company, ids: unread }));
    status.noticesSeen = seen.size;
    status.windows = status.windows.filter((w) => w.end > Date.now());
    await sleep(input.pollInterval);
  }
  return continueAsNew<typeof takusouNoticeWatcherWorkflow>({
    company,
    pollInterval: input.pollInterval,
    seen: [...seen].slice(-SEEN_KEPT),
    windows: status.windows,
    subscribers: [...subscribers],
  });
}
