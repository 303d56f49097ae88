// What every other-operation workflow shares: input refusal before any call (an operation the
// system does not offer is a non-retryable failure naming the operation, category/area and rule),
// the status with search attributes, the maintenance guard, and the business-error decision
// (a person retries or abandons before a deadline; never a silent failure).
import { ApplicationFailure, isCancellation, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import type { NotifyInput } from '../../../../activities/notifications/contract.js';
import { OcctoFailure } from '../../activities/contract.js';
import type { Category } from '../../../../domain/categories.js';
import { formatViolations, violationsFromZodError } from '../../../../domain/errors.js';
import { type MaintenanceConfig } from '../../../../domain/maintenance.js';
import { operationRefusal } from '../../domain/occto-operation-inputs.js';
import { operationLabel, type OcctoOperation } from '../../domain/occto-operations.js';
import { areaOfSupplyPoint } from '../../../../domain/supply-point.js';
import { SA_APPLICATION_NO, SA_AREA, SA_COMPANY, SA_KIND, SA_OPERATION, SA_SUPPLY_POINT } from '../../../../workflows/search-attributes.js';
import { askPerson } from '../../../../workflows/shared/ask-person.js';
import { Lifecycle } from '../../../../workflows/shared/lifecycle.js';
import { Abandoned, NeedsDecision, needsDecisionFrom, type Failure } from '../../../../workflows/shared/needs-decision.js';
import {
  OCCTO_OPERATION_KIND,
  operationDecideUpdate,
  operationStatusQuery,
  type OperationDecision,
  type OperationDecisionPending,
  type OperationStage,
  type OperationStatus,
} from './operation.defs.js';
import { occtoLifecycleActivities, occtoGuardOptions, occtoTechnicalNeed } from '../occto-lifecycle.js';

const EVENTS_KEPT = 50;

/** A person gave up on the operation (the kit's Abandoned, re-exported for the operation workflows). */
export { Abandoned };

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
  const { occto, notify } = occtoLifecycleActivities(k.company);
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
  const lc = new Lifecycle<OperationStage, OperationStatus>(state, {
    eventsKept: EVENTS_KEPT,
    awaitingHumanIn: ['AWAITING_DECISION'],
    notify,
    details: () => [
      `**${state.stage}** · ${state.label} · ${k.category} · ${k.supplyPointId}`,
      state.applicationNo && `申込番号 ${state.applicationNo} 受付工程 ${state.processingStage ?? '-'}`,
      state.decision && `awaiting a decision: ${state.decision.reason} — ${state.decision.message} (due ${state.decision.dueAt})`,
      state.waitingForMaintenanceUntil && `waiting for maintenance until ${state.waitingForMaintenanceUntil}`,
    ],
  });
  const { record } = lc;
  const describe = () => lc.describe();
  const setStage = (stage: OperationStage) => lc.setStage(stage, state.decision?.dueAt);
  const setApplicationNo = (no: string) => {
    state.applicationNo = no;
    state.applications += 1;
    upsertSearchAttributes([{ key: SA_APPLICATION_NO, value: no }]);
  };
  lc.identify([
    { key: SA_KIND, value: OCCTO_OPERATION_KIND },
    { key: SA_OPERATION, value: k.op },
    { key: SA_COMPANY, value: k.company },
    { key: SA_AREA, value: area },
    { key: SA_SUPPLY_POINT, value: k.supplyPointId },
  ]);
  const guard = lc.maintenanceGuard(occtoGuardOptions({ area, unannouncedRetryMs: k.options.unannouncedOutageRetry, maintenance: k.options.maintenance }));
  const sendNotice = (n: Omit<NotifyInput, 'workflowId' | 'stage'>) => lc.notify(n.kind, n.message, n.dueAt);

  setHandler(operationStatusQuery, () => state);
  lc.acceptMaintenanceAnnouncements(guard);
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
  const askDecision = async ({ reason, message, facts }: NeedsDecision<OperationDecisionPending['reason']>): Promise<OperationDecision> => {
    const need = { reason, message, code: facts.code };
    const resume = state.stage;
    const answered = await askPerson(lc, {
      stage: 'AWAITING_DECISION',
      deadlineMs: k.options.decisionDeadline,
      open: ({ askedAt, dueAt }) => {
        const q = (state.decision = { ...need, allowedActions: ['retry', 'abandon'], askedAt, dueAt, remindersSent: 0 });
        decision = undefined;
        return q;
      },
      asked: `awaiting a decision: ${reason}${need.code ? ` ${need.code}` : ''} — ${message}`,
      notice: `decision needed: ${reason} — ${message}`,
      answered: () => decision !== undefined,
      wait: { reminderInterval: k.options.reminderInterval },
      reminder: () => `decision still needed: ${reason}`,
      escalation: (q) => `no decision by ${q.dueAt}: ${state.label} abandoned`,
    });
    const dueAt = state.decision!.dueAt;
    state.decision = undefined;
    setStage(resume);
    return answered && decision ? decision : { action: 'abandon', decidedBy: 'system', reason: `no decision before the deadline ${dueAt}` };
  };

  /** Runs a step; a business error goes to a person (retry / abandon). */
  const step = async <T>(run: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await run();
      } catch (err) {
        if (isCancellation(err)) throw err;
        const d = await askDecision(needsDecisionFrom(err, operationNeed));
        if (d.action === 'abandon') throw new Abandoned(d.reason, d.decidedBy);
      }
    }
  };

  return { occto, state, record, setStage, setApplicationNo, guard, step, sendNotice, describe, area, workflowId };
}

/** The decision a non-retryable activity failure asks for; undefined for a bug of ours. */
function operationNeed(f: Failure): NeedsDecision<OperationDecisionPending['reason']> | undefined {
  switch (f.type) {
    case OcctoFailure.Business:
    case OcctoFailure.NotOffered:
      return new NeedsDecision('BUSINESS_ERROR', f.message, { code: f.details?.code as string | undefined });
    default:
      return occtoTechnicalNeed(f);
  }
}
