// The current retailer's inbox (docs/external-systems/occto-switching.md §5.2: look for incoming 廃止取次 at least hourly in business
// hours). A sweep fetches the relays still awaiting our judgement and starts ONE switching-out
// workflow per relay, ID switching-out/<company>/<relayNo>: ALLOW_DUPLICATE_FAILED_ONLY makes a relay
// seen by many sweeps start exactly one workflow while it runs or once it completed — and a new one
// only if the last was terminated, failed or timed out, so a relay still awaiting our judgement is
// never left without a workflow (it would silently miss its judgement); ABANDON lets it outlive the sweep.
//   occtoInboxSweepWorkflow   — one sweep, started by a Schedule (systems/occto/client/occto-inbox.ts);
//   occtoInboxWatcherWorkflow — the long-running alternative: sleeps to each sweep instant of the
//                               JST business calendar and continues-as-new.
import {
  ApplicationFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { IncomingRelay, OcctoActivities } from '../activities/contract.js';
import type { NotificationActivities } from '../../../activities/notifications/contract.js';
import type { BusinessHours } from '../../../domain/business-calendar.js';
import { CATEGORY_LABELS, type Category } from '../../../domain/categories.js';
import { formatViolations, violationsFromZodError } from '../../../domain/errors.js';
import { inboxSweepVerdict, nextInboxPollAt } from '../domain/inbox.js';
import { type MaintenanceConfig } from '../../../domain/maintenance.js';
import { isAreaCode } from '../../../domain/areas.js';
import { incomingRelaySchema, switchingOutWorkflowId, type SwitchingOutOptionsInput } from '../domain/switching-out.js';
import { NOTIFY_TASK_QUEUE, occtoTaskQueue } from '../../../domain/task-queues.js';
import { SA_AREA, SA_AWAITING_HUMAN, SA_COMPANY, SA_KIND, SA_OPERATION, SA_RELAY_NO, SA_STAGE, SA_SUPPLY_POINT } from '../../../workflows/search-attributes.js';
import { MaintenanceGuard } from '../../../workflows/shared/maintenance-guard.js';
import { waitUntil } from '../../../workflows/shared/timed-wait.js';
import {
  inboxSweepInputSchema,
  inboxWatcherInputSchema,
  inboxWatcherStatusQuery,
  sweepNowSignal,
  type CategorySweep,
  type InboxSweepInput,
  type InboxSweepResult,
  type InboxWatcherInput,
  type InboxWatcherStatus,
} from './incoming-relays.defs.js';
import { switchingOutWorkflow } from './switching-out.js';
import { SWITCHING_OUT_KIND } from './switching-out.defs.js';
import { occtoGuardOptions } from './occto-lifecycle.js';

interface SweepSpec {
  company: string;
  categories: Category[];
  businessHours: BusinessHours;
  force: boolean;
  switchingOut?: SwitchingOutOptionsInput;
  maintenance?: MaintenanceConfig;
}

/** One sweep of every category's inbox. Never throws for a failed category: the next sweep tries again. */
async function sweepInbox(spec: SweepSpec): Promise<InboxSweepResult> {
  const { company } = spec;
  const now = Date.now();
  const result: InboxSweepResult = { company, sweptAt: new Date(now).toISOString(), categories: [], startedWorkflowIds: [] };
  if (!spec.force) {
    const verdict = inboxSweepVerdict(now, spec.businessHours);
    if (!verdict.sweep) {
      result.skipped = verdict.reason;
      log.info('inbox sweep skipped', { reason: verdict.reason });
      return result;
    }
  }
  const occto = proxyActivities<OcctoActivities>({
    taskQueue: occtoTaskQueue(company),
    startToCloseTimeout: '2 minutes',
    // A sweep that cannot get through in 20 minutes gives way to the next one.
    scheduleToCloseTimeout: '20 minutes',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes' },
  });
  const notify = proxyActivities<NotificationActivities>({ taskQueue: NOTIFY_TASK_QUEUE, startToCloseTimeout: '30 seconds' });
  // 廃止取次照会 is OCCTO-internal (IS_): system-wide windows only, so no area is needed.
  const guard = new MaintenanceGuard(occtoGuardOptions({ area: '01', unannouncedRetryMs: 5 * 60_000, maintenance: spec.maintenance }));

  for (const category of spec.categories) {
    const sweep: CategorySweep = { category, seen: 0, started: 0, alreadyStarted: 0, refused: 0 };
    result.categories.push(sweep);
    let relays: IncomingRelay[];
    try {
      relays = await guard.run({ scope: 'system-wide' }, () => occto.fetchIncomingRelays({ company, category, pendingOnly: true }));
    } catch (err) {
      sweep.error = (err as Error).message;
      log.warn('inbox sweep failed for a category', { category, error: sweep.error });
      await notify
        .notifyPerson({ kind: 'OPERATOR_ALERT', workflowId: workflowInfo().workflowId, stage: 'SWEEP', message: `廃止取次照会 (${category}) failed: ${sweep.error}` })
        .catch(() => undefined);
      continue;
    }
    sweep.seen = relays.length;
    await Promise.all(
      relays.map(async (raw) => {
        const parsed = incomingRelaySchema.safeParse(raw);
        if (!parsed.success) {
          // Field names and rules only: the relay holds personal data.
          const problem = `${(raw as { relayNo?: unknown }).relayNo ?? '?'}: ${formatViolations(violationsFromZodError(parsed.error, 'relay'))}`;
          sweep.refused += 1;
          (sweep.problems ??= []).push(problem.slice(0, 300));
          return;
        }
        const relay = parsed.data;
        const workflowId = switchingOutWorkflowId(company, relay.relayNo);
        const area = relay.supplyPointId.slice(0, 2);
        try {
          await startChild(switchingOutWorkflow, {
            workflowId,
            args: [{ company, relay, ...(spec.switchingOut ? { options: spec.switchingOut } : {}) }],
            parentClosePolicy: ParentClosePolicy.ABANDON,
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
            typedSearchAttributes: [
              { key: SA_KIND, value: SWITCHING_OUT_KIND },
              { key: SA_OPERATION, value: 'SWITCHING_OUT' },
              { key: SA_STAGE, value: 'CHECKING_RECORDS' },
              { key: SA_COMPANY, value: company },
              { key: SA_AREA, value: isAreaCode(area) ? area : '' },
              { key: SA_SUPPLY_POINT, value: relay.supplyPointId },
              { key: SA_RELAY_NO, value: relay.relayNo },
              { key: SA_AWAITING_HUMAN, value: false },
            ],
            // Shown in the Web UI: no customer data.
            staticSummary: `スイッチング(現小売) ${CATEGORY_LABELS[relay.category]} · 廃止取次 ${relay.relayNo} · 新小売 ${relay.newRetailerCode} · 事業者 ${company}`,
          });
          sweep.started += 1;
          result.startedWorkflowIds.push(workflowId);
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) {
            sweep.alreadyStarted += 1; // seen before: its workflow exists (running or done)
            return;
          }
          throw err;
        }
      }),
    );
    if (sweep.refused > 0) {
      await notify
        .notifyPerson({ kind: 'OPERATOR_ALERT', workflowId: workflowInfo().workflowId, stage: 'SWEEP', message: `${sweep.refused} incoming 廃止取次 (${category}) refused by the input schema: ${sweep.problems!.join(' | ')}` })
        .catch(() => undefined);
    }
  }
  result.startedWorkflowIds.sort();
  log.info('inbox swept', { started: result.startedWorkflowIds.length, categories: result.categories.map((c) => `${c.category}:${c.seen}/${c.started}`).join(' ') });
  return result;
}

/** One sweep (a Schedule's action). Skips outside business hours and on closed days unless forced. */
export async function occtoInboxSweepWorkflow(raw: InboxSweepInput): Promise<InboxSweepResult> {
  const parsed = inboxSweepInputSchema.safeParse(raw);
  if (!parsed.success) {
    const v = violationsFromZodError(parsed.error);
    throw ApplicationFailure.nonRetryable(`invalid inbox sweep input: ${formatViolations(v)}`, 'InvalidInput', v);
  }
  const i = parsed.data;
  return sweepInbox({ company: i.company, categories: i.categories, businessHours: i.businessHours, force: i.force, switchingOut: i.switchingOut, maintenance: i.maintenance });
}

/** The inbox without Schedules: sweeps at every cadence instant of every JST business day. */
export async function occtoInboxWatcherWorkflow(raw: InboxWatcherInput): Promise<never> {
  const parsed = inboxWatcherInputSchema.safeParse(raw);
  if (!parsed.success) {
    const v = violationsFromZodError(parsed.error);
    throw ApplicationFailure.nonRetryable(`invalid inbox watcher input: ${formatViolations(v)}`, 'InvalidInput', v);
  }
  const input = parsed.data;
  const { company, inbox } = input;
  const status: InboxWatcherStatus = {
    company,
    generation: input.generation,
    cadenceMinutes: inbox.cadenceMinutes,
    businessHours: inbox.businessHours,
    categories: inbox.categories,
    sweeps: 0,
  };
  let sweepRequested = false;
  setHandler(inboxWatcherStatusQuery, () => status);
  setHandler(sweepNowSignal, () => {
    sweepRequested = true;
  });

  let lastScheduledAt = input.lastScheduledAt ?? Date.now() - 1;
  for (let i = 0; i < input.sweepsBeforeContinueAsNew && !workflowInfo().continueAsNewSuggested; i++) {
    let target = nextInboxPollAt(lastScheduledAt, inbox);
    // Woken late (worker down): one catch-up sweep now, then back on the grid.
    if (target < Date.now()) target = Date.now();
    status.nextSweepAt = new Date(target).toISOString();
    const forced = await waitUntil(() => sweepRequested, Math.max(target - Date.now(), 1));
    sweepRequested = false;
    if (!forced) lastScheduledAt = target;
    status.lastSweep = await sweepInbox({
      company,
      categories: inbox.categories,
      businessHours: inbox.businessHours,
      force: forced,
      switchingOut: input.switchingOut,
      maintenance: input.maintenance,
    });
    status.sweeps += 1;
  }
  return continueAsNew<typeof occtoInboxWatcherWorkflow>({
    company,
    inbox,
    switchingOut: input.switchingOut,
    maintenance: input.maintenance,
    sweepsBeforeContinueAsNew: input.sweepsBeforeContinueAsNew,
    lastScheduledAt,
    generation: input.generation + 1,
  });
}
