// Typed client functions for the other OCCTO operations: start idempotently by business key
// (company, operation, point, the caller's reference), status, cancel, re-query, decide. An
// operation the system does not offer for the category or area is refused here, and again by the
// workflow, before any call.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { z } from 'zod';
import { CATEGORY_LABELS } from '../../../domain/categories.js';
import { formatViolations, violationsFromZodError, type DomainRuleViolation } from '../../../domain/errors.js';
import {
  applicationInputSchema,
  applicationWorkflowId,
  facilityQueryInputSchema,
  facilityQueryWorkflowId,
  operationRefusal,
  usageQueryInputSchema,
  usageQueryWorkflowId,
} from '../domain/occto-operation-inputs.js';
import { operationLabel, type OcctoOperation } from '../domain/occto-operations.js';
import { WORKFLOWS_TASK_QUEUE } from '../../../domain/task-queues.js';
import type { UsageData } from '../activities/contract.js';
import {
  OCCTO_OPERATION_KIND,
  cancelApplicationUpdate,
  operationDecideUpdate,
  operationStatusQuery,
  requeryUsageUpdate,
  type CancelRequest,
  type OperationDecision,
  type OperationStatus,
  type RequeryRequest,
} from '../workflows/operations/operation.defs.js';
import { SA_AREA, SA_AWAITING_HUMAN, SA_COMPANY, SA_KIND, SA_OPERATION, SA_STAGE, SA_SUPPLY_POINT } from '../../../workflows/search-attributes.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { executeDecision } from '../../../client/update-errors.js';

/** The switching support system has no such function for the category or area (docs/external-systems/occto-switching.md §2.5, §5.3). */
export class OperationNotOfferedError extends Error {
  override name = 'OperationNotOfferedError';
  constructor(readonly violation: DomainRuleViolation) {
    super(formatViolations([violation]));
  }
}

export interface OperationStart {
  workflowId: string;
  started: boolean;
  handle: WorkflowHandle;
}

interface Parsed {
  company: string;
  category: 'LV' | 'HV' | 'FIT';
  supplyPointId: string;
  reference: string;
}

async function start<S extends z.ZodType>(
  client: Client,
  raw: unknown,
  schema: S,
  workflowType: string,
  op: (p: z.output<S>) => OcctoOperation,
  workflowId: (p: z.output<S>) => string,
): Promise<OperationStart> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(violationsFromZodError(parsed.error));
  const p = parsed.data as Parsed & z.output<S>;
  const operation = op(p);
  const refusal = operationRefusal(operation, p.category, p.supplyPointId);
  if (refusal) throw new OperationNotOfferedError(refusal);
  const id = workflowId(p);
  try {
    const handle = await client.workflow.start(workflowType, {
      taskQueue: WORKFLOWS_TASK_QUEUE,
      workflowId: id,
      args: [raw],
      // The caller's reference is part of the key: a finished request is never sent to OCCTO again
      // under it (only a failed or terminated one may be started anew).
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SA_KIND, value: OCCTO_OPERATION_KIND },
        { key: SA_OPERATION, value: operation },
        { key: SA_STAGE, value: 'APPLYING' },
        { key: SA_COMPANY, value: p.company },
        { key: SA_AREA, value: p.supplyPointId.slice(0, 2) },
        { key: SA_SUPPLY_POINT, value: p.supplyPointId },
        { key: SA_AWAITING_HUMAN, value: false },
      ]),
      // No personal data.
      staticSummary: `${operationLabel(operation, p.category)} · ${CATEGORY_LABELS[p.category]} · ${p.supplyPointId} · ${p.reference} · 事業者 ${p.company}`,
    });
    return { workflowId: id, started: true, handle };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId: id, started: false, handle: client.workflow.getHandle(id) };
    throw err;
  }
}

/** 設備情報照会 (LV, FIT). */
export function startFacilityQuery(client: Client, raw: unknown): Promise<OperationStart> {
  return start(client, raw, facilityQueryInputSchema, 'occtoFacilityQueryWorkflow', () => 'FACILITY_QUERY', (p) => facilityQueryWorkflowId(p.company, p.supplyPointId, p.reference));
}

/** 使用量情報照会 (LV, HV): application → password → query; options.holdForRequery keeps it open for re-queries. */
export function startUsageQuery(client: Client, raw: unknown): Promise<OperationStart> {
  return start(client, raw, usageQueryInputSchema, 'occtoUsageQueryWorkflow', () => 'USAGE_QUERY', (p) => usageQueryWorkflowId(p.company, p.supplyPointId, p.reference));
}

/** 再点 / 廃止・撤去 / アンペア変更 / 需要者(発電者)情報変更, chosen by `kind`. */
export function startOcctoApplication(client: Client, raw: unknown): Promise<OperationStart> {
  return start(client, raw, applicationInputSchema, 'occtoApplicationWorkflow', (p) => p.kind, (p) => applicationWorkflowId(p.company, p.kind, p.supplyPointId, p.reference));
}

export function getOperationStatus(client: Client, workflowId: string): Promise<OperationStatus> {
  return client.workflow.getHandle(workflowId).query(operationStatusQuery);
}

/** 取消 of the application while it is in progress; resolves once OCCTO took the cancellation. */
export function cancelOcctoApplication(client: Client, workflowId: string, request: CancelRequest): Promise<{ accepted: true; applicationNo: string }> {
  return executeDecision(client, workflowId, cancelApplicationUpdate, request);
}

/** Usage query held open: query again, reusing the password while it is valid (else applying again). */
export function requeryUsage(client: Client, workflowId: string, request: RequeryRequest): Promise<UsageData> {
  return executeDecision(client, workflowId, requeryUsageUpdate, request);
}

export function decideOperation(client: Client, workflowId: string, decision: OperationDecision): Promise<{ accepted: true; action: 'retry' | 'abandon' }> {
  return executeDecision(client, workflowId, operationDecideUpdate, decision);
}
