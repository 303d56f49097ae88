// Typed client functions for the new-retailer switching: start, decide, cancel, status, list.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { areaOfSupplyPoint } from '../../../domain/supply-point.js';
import { CATEGORY_LABELS } from '../../../domain/categories.js';
import { InvalidInputError, violationsFromZodError } from '../../../domain/errors.js';
import { executeDecision } from '../../../client/update-errors.js';
import { lifecycleQuery } from '../../../workflows/visibility.defs.js';
import { switchingInInputSchema, switchingInWorkflowId, type SwitchingInInput } from '../domain/switching-in.js';
import { WORKFLOWS_TASK_QUEUE } from '../../../domain/task-queues.js';
import type { switchingInWorkflow } from '../workflows/switching-in.js';
import {
  SWITCHING_IN_KIND,
  switchingInDecideUpdate,
  switchingInStatusQuery,
  type DecisionAccepted,
  type SwitchingInDecision,
  type SwitchingInStage,
  type SwitchingInStatus,
} from '../workflows/switching-in.defs.js';
import { SA_AREA, SA_AWAITING_HUMAN, SA_COMPANY, SA_DECISION_DUE, SA_KIND, SA_STAGE, SA_SUPPLY_POINT } from '../../../workflows/search-attributes.js';

// Where callers have always found it; defined with the violations it carries.
export { InvalidInputError } from '../../../domain/errors.js';

// Defined next to the Update error translation (one module, no import cycle); re-exported here
// where callers have always found it.
export { DecisionRejectedError } from '../../../client/update-errors.js';

export interface StartResult {
  workflowId: string;
  /** False when this switching was already running: the existing one is returned. */
  started: boolean;
  handle: WorkflowHandle<typeof switchingInWorkflow>;
}

export async function startSwitchingIn(client: Client, raw: unknown): Promise<StartResult> {
  const parsed = switchingInInputSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(violationsFromZodError(parsed.error));
  const input = parsed.data;
  const workflowId = switchingInWorkflowId(input.company, input.supplyPointId);
  const area = areaOfSupplyPoint(input.supplyPointId);
  try {
    const handle = await client.workflow.start<typeof switchingInWorkflow>('switchingInWorkflow', {
      taskQueue: WORKFLOWS_TASK_QUEUE,
      workflowId,
      args: [input as SwitchingInInput],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SA_KIND, value: SWITCHING_IN_KIND },
        { key: SA_STAGE, value: 'VALIDATING' },
        { key: SA_COMPANY, value: input.company },
        { key: SA_AREA, value: area },
        { key: SA_SUPPLY_POINT, value: input.supplyPointId },
        { key: SA_AWAITING_HUMAN, value: false },
      ]),
      // Shown in the Web UI; no personal data.
      staticSummary: `スイッチング(新小売) ${CATEGORY_LABELS[input.category]} · ${input.supplyPointId} · 事業者 ${input.company}`,
      staticDetails: [
        `**New-retailer switching** (廃止取次 → 判断 → スイッチング開始申請 → 業務処理状況確認)`,
        `- company: ${input.company}`,
        `- category: ${input.category} (${CATEGORY_LABELS[input.category]})`,
        `- supply point: ${input.supplyPointId} (area ${area})`,
        `- requested 供給開始日: ${input.supplyStartDate}`,
        input.reference ? `- business reference: ${input.reference}` : '',
        `Query \`status\` for the current state; answer decisions with the \`decide\` update.`,
      ]
        .filter(Boolean)
        .join('\n'),
    });
    return { workflowId, started: true, handle };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { workflowId, started: false, handle: client.workflow.getHandle<typeof switchingInWorkflow>(workflowId) };
    }
    throw err;
  }
}

export async function decideSwitchingIn(client: Client, workflowId: string, decision: SwitchingInDecision): Promise<DecisionAccepted> {
  return executeDecision(client, workflowId, switchingInDecideUpdate, decision);
}

export async function getSwitchingInStatus(client: Client, workflowId: string): Promise<SwitchingInStatus> {
  return client.workflow.getHandle(workflowId).query(switchingInStatusQuery);
}

/** Requests cancellation; the workflow compensates (取消) what it registered, then ends as cancelled. */
export async function cancelSwitchingIn(client: Client, workflowId: string): Promise<void> {
  await client.workflow.getHandle(workflowId).cancel();
}

export interface AwaitingHumanFilter {
  company?: string;
  area?: string;
  stage?: SwitchingInStage;
}

export interface AwaitingHumanItem {
  workflowId: string;
  company?: string;
  area?: string;
  stage?: string;
  supplyPointId?: string;
  decisionDue?: string;
  startTime: string;
}

/** Visibility query over the typed search attributes. */
export function awaitingHumanQuery(f: AwaitingHumanFilter = {}): string {
  return lifecycleQuery({ ...f, kind: SWITCHING_IN_KIND, awaitingHuman: true });
}

export async function listAwaitingHuman(client: Client, f: AwaitingHumanFilter = {}, limit = 100): Promise<AwaitingHumanItem[]> {
  const out: AwaitingHumanItem[] = [];
  for await (const wf of client.workflow.list({ query: awaitingHumanQuery(f) })) {
    const sa = wf.typedSearchAttributes;
    out.push({
      workflowId: wf.workflowId,
      company: sa.get(SA_COMPANY),
      area: sa.get(SA_AREA),
      stage: sa.get(SA_STAGE),
      supplyPointId: sa.get(SA_SUPPLY_POINT),
      decisionDue: sa.get(SA_DECISION_DUE)?.toISOString(),
      startTime: wf.startTime.toISOString(),
    });
    if (out.length >= limit) break;
  }
  return out;
}
