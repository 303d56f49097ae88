// What every other-operation workflow shares: input refusal before any call (an operation the
// system does not offer is a non-retryable failure naming the operation, category/area and rule),
// the status with search attributes, the maintenance guard, and the business-error decision
// (a person retries or abandons before a deadline; never a silent failure).
import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { z } from 'zod';
import type { NotificationActivities, NotifyInput, OcctoActivities } from '../../../activities/occto/contract.js';
import { OcctoFailure } from '../../../activities/occto/contract.js';
import type { Category } from '../../../domain/categories.js';
import { formatViolations, violationsFromZodError } from '../../../domain/errors.js';
import { OCCTO_DEFAULT_MAINTENANCE, type MaintenanceConfig } from '../../../domain/maintenance.js';
import { operationRefusal } from '../../../domain/occto-operation-inputs.js';
import { operationLabel, type OcctoOperation } from '../../../domain/occto-operations.js';
import { areaOfSupplyPoint } from '../../../domain/supply-point.js';
import { NOTIFY_TASK_QUEUE, occtoTaskQueue } from '../../../domain/task-queues.js';
import { SA_APPLICATION_NO, SA_AREA, SA_COMPANY, SA_KIND, SA_OPERATION, SA_SUPPLY_POINT } from '../../search-attributes.js';
import { publishStage } from '../../shared/stage-attributes.js';
import { eventRecorder, maintenanceNotes } from '../../shared/journal.js';
import { MaintenanceGuard, failureType } from '../../shared/maintenance-guard.js';
import { maintenanceAnnouncedSignal } from '../../shared/messages.js';
import { waitForPerson } from '../../shared/human-wait.js';
import {
  OCCTO_OPERATION_KIND,
  operationDecideUpdate,
  operationStatusQuery,
  type OperationDecision,
  type OperationDecisionPending,
  type OperationStage,
  type OperationStatus,
} from './operation.defs.js';

const EVENTS_KEPT = 50;

/** A person gave up on the operation. */
export class Abandoned extends Error {
  constructor(
    readonly reason: string,
    readonly decidedBy: string,
  ) {
    super(reason);
  }
}

/** Parses the input; refuses an operation that does not exist for the category/area before any call. */
export function parseOperationInput<S extends z.ZodType>(schema: S, raw: unknown, op: OcctoOperation, what: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const v = violationsFromZodError(parsed.error);
    throw ApplicationFailure.nonRetryable(`invalid ${what} input: ${formatViolations(v)}`, 'InvalidInput', v);
  }
  const i = parsed.data as { category: Category; supplyPointId: string };
  const refusal = operationRefusal(op, i.category, i.supplyPointId);
  if (refusal) throw ApplicationFailure.nonRetryable(`${refusal.message} — refused before any call`, OcctoFailure.NotOffered, refusal);
  return parsed.data;
}

export interface KitInput {
  op: OcctoOperation;
  company: string;
  category: Category;
  supplyPointId: string;
  reference: string;
  options: { decisionDeadline: number; reminderInterval: number; unannouncedOutageRetry: number; maintenance?: MaintenanceConfig };
}

export function operationKit(k: KitInput) {
  const { workflowId } = workflowInfo();
  const area = areaOfSupplyPoint(k.supplyPointId);
  const occto = proxyActivities<OcctoActivities>({
    taskQueue: occtoTaskQueue(k.company),
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '6 hours',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  const notify = proxyActivities<NotificationActivities>({ taskQueue: NOTIFY_TASK_QUEUE, startToCloseTimeout: '30 seconds', retry: { maximumInterval: '1 minute' } });
  const state: OperationStatus = {
    workflowId,
    kind: OCCTO_OPERATION_KIND,
    operation: k.op,
    label: operationLabel(k.op, k.category),
    company: k.company,
    category: k.category,
    supplyPointId: k.supplyPointId,
    area,
    reference: k.reference,
    stage: 'APPLYING',
    applications: 0,
    awaitingHuman: false,
    events: [],
  };
  let decision: OperationDecision | undefined;
  const record = eventRecorder(state.events, EVENTS_KEPT, () => state.stage);
  const describe = () =>
    [
      `**${state.stage}** · ${state.label} · ${k.category} · ${k.supplyPointId}`,
      state.applicationNo ? `申込番号 ${state.applicationNo} 受付工程 ${state.processingStage ?? '-'}` : undefined,
      state.decision ? `awaiting a decision: ${state.decision.reason} — ${state.decision.message} (due ${state.decision.dueAt})` : undefined,
      state.waitingForMaintenanceUntil ? `waiting for maintenance until ${state.waitingForMaintenanceUntil}` : undefined,
    ]
      .filter(Boolean)
      .join('\n\n');
  const setStage = (stage: OperationStage) => {
    state.stage = stage;
    state.awaitingHuman = stage === 'AWAITING_DECISION';
    publishStage(stage, state.awaitingHuman, state.decision?.dueAt);
    setCurrentDetails(describe());
  };
  const setApplicationNo = (no: string) => {
    state.applicationNo = no;
    state.applications += 1;
    upsertSearchAttributes([{ key: SA_APPLICATION_NO, value: no }]);
  };
  upsertSearchAttributes([
    { key: SA_KIND, value: OCCTO_OPERATION_KIND },
    { key: SA_OPERATION, value: k.op },
    { key: SA_COMPANY, value: k.company },
    { key: SA_AREA, value: area },
    { key: SA_SUPPLY_POINT, value: k.supplyPointId },
  ]);
  const guard = new MaintenanceGuard({
    system: 'occto',
    maintenance: k.options.maintenance ?? OCCTO_DEFAULT_MAINTENANCE,
    area,
    unannouncedRetryMs: k.options.unannouncedOutageRetry,
    maintenanceFailureType: OcctoFailure.Maintenance,
    hooks: maintenanceNotes(state, record, () => setCurrentDetails(describe())),
  });
  const sendNotice = (n: Omit<NotifyInput, 'workflowId' | 'stage'>) => notify.notifyPerson({ ...n, workflowId, stage: state.stage });

  setHandler(operationStatusQuery, () => state);
  setHandler(maintenanceAnnouncedSignal, (w) => {
    guard.announce(w);
    record(`maintenance window announced ${new Date(w.start).toISOString()} – ${new Date(w.end).toISOString()}`);
  });
  setHandler(
    operationDecideUpdate,
    (d) => {
      decision = d;
      record(`decision by ${d.decidedBy}: ${d.action}`);
      return { accepted: true, action: d.action };
    },
    {
      validator: (d) => {
        if (state.stage !== 'AWAITING_DECISION' || !state.decision) throw new Error(`no decision is awaited: the operation is in stage ${state.stage}`);
        if (!d || (d.action !== 'retry' && d.action !== 'abandon')) throw new Error(`action must be one of retry, abandon (got ${JSON.stringify(d?.action)})`);
        if (typeof d.decidedBy !== 'string' || !/^[\w.@-]{1,64}$/.test(d.decidedBy)) throw new Error("decidedBy must be the deciding person's user ID (1–64 letters, digits, . @ - _)");
        if (d.action === 'abandon' && (typeof d.reason !== 'string' || !d.reason.trim())) throw new Error('reason is required to abandon');
      },
    },
  );

  /** A person decides; no answer by the deadline abandons (nothing of ours is left open by a failed call). */
  const askDecision = async (need: { reason: OperationDecisionPending['reason']; message: string; code?: string }): Promise<OperationDecision> => {
    const now = Date.now();
    const dueAt = now + k.options.decisionDeadline;
    state.decision = { ...need, allowedActions: ['retry', 'abandon'], askedAt: new Date(now).toISOString(), dueAt: new Date(dueAt).toISOString(), remindersSent: 0 };
    decision = undefined;
    const resume = state.stage;
    setStage('AWAITING_DECISION');
    record(`awaiting a decision: ${need.reason}${need.code ? ` ${need.code}` : ''} — ${need.message}`);
    const pending = state.decision;
    await sendNotice({ kind: 'INFO', message: `decision needed: ${need.reason} — ${need.message}`, dueAt: pending.dueAt });
    const answered = await waitForPerson(() => decision !== undefined, {
      dueAt,
      reminderInterval: k.options.reminderInterval,
      remind: async () => {
        pending.remindersSent += 1;
        await sendNotice({ kind: 'REMINDER', message: `decision still needed: ${need.reason}`, dueAt: pending.dueAt });
      },
      escalate: () => sendNotice({ kind: 'ESCALATION', message: `no decision by ${pending.dueAt}: ${state.label} abandoned`, dueAt: pending.dueAt }),
    });
    state.decision = undefined;
    setStage(resume);
    return answered && decision ? decision : { action: 'abandon', decidedBy: 'system', reason: `no decision before the deadline ${pending.dueAt}` };
  };

  /** Runs a step; a business error goes to a person (retry / abandon). */
  const step = async <T>(run: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await run();
      } catch (err) {
        if (isCancellation(err)) throw err;
        const d = await askDecision(toNeed(err));
        if (d.action === 'abandon') throw new Abandoned(d.reason, d.decidedBy);
      }
    }
  };

  return { occto, state, record, setStage, setApplicationNo, guard, step, sendNotice, describe, area, workflowId };
}

function toNeed(err: unknown): { reason: OperationDecisionPending['reason']; message: string; code?: string } {
  const type = failureType(err);
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { code?: string } | undefined) : undefined;
  const message = cause instanceof Error ? cause.message : String(err);
  switch (type) {
    case OcctoFailure.Business:
    case OcctoFailure.NotOffered:
      return { reason: 'BUSINESS_ERROR', message, code: details?.code };
    case OcctoFailure.Auth:
      return { reason: 'AUTH_ERROR', message: `${message} — check the client certificate and credentials, then retry` };
    case OcctoFailure.MalformedResponse:
      return { reason: 'MALFORMED_RESPONSE', message };
    default:
      if (cause instanceof TimeoutFailure || type === OcctoFailure.Transient || type === OcctoFailure.RateLimited) {
        return { reason: 'UNREACHABLE', message: `OCCTO unreachable for too long: ${message}` };
      }
      throw err; // a bug of ours: let the workflow task fail and be fixed, not hidden
  }
}
