// Typed client functions for the current retailer's switching (スイッチング・現小売): judge, report a
// mistaken OK, decide after a business error, status, list — and the relay's customer data for
// switching roles only (win-back ban, docs/external-systems/occto-switching.md Appendix A). The HTTP gateway maps API-key roles onto
// `role`; this library refuses any other role before asking the workflow.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { CATEGORY_LABELS } from '../../../domain/categories.js';
import { violationsFromZodError } from '../../../domain/errors.js';
import {
  SWITCHING_ROLES,
  isSwitchingRole,
  switchingOutInputSchema,
  switchingOutWorkflowId,
  type JudgeDecision,
  type MistakenOkReport,
  type SwitchingOutDecision,
  type SwitchingOutInput,
} from '../domain/switching-out.js';
import { WORKFLOWS_TASK_QUEUE } from '../../../domain/task-queues.js';
import type { switchingOutWorkflow } from '../workflows/switching-out.js';
import {
  SWITCHING_OUT_KIND,
  judgeUpdate,
  relayDetailsQuery,
  reportMistakenOkUpdate,
  switchingOutDecideUpdate,
  switchingOutStatusQuery,
  type JudgeAccepted,
  type MistakenOkAccepted,
  type RelayDetails,
  type SwitchingOutDecisionAccepted,
  type SwitchingOutStage,
  type SwitchingOutStatus,
} from '../workflows/switching-out.defs.js';
import { SA_AREA, SA_AWAITING_HUMAN, SA_COMPANY, SA_DECISION_DUE, SA_KIND, SA_OPERATION, SA_RELAY_NO, SA_STAGE, SA_SUPPLY_POINT } from '../../../workflows/search-attributes.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { executeDecision } from '../../../client/update-errors.js';
import { lifecycleQuery } from '../../../workflows/visibility.defs.js';

/** The caller's role may not see relay data (only switching roles may: win-back ban). */
export class RoleNotPermittedError extends Error {
  override name = 'RoleNotPermittedError';
}

export interface SwitchingOutStart {
  workflowId: string;
  started: boolean;
  handle: WorkflowHandle<typeof switchingOutWorkflow>;
}

/**
 * Starts the workflow of one incoming relay by hand (the inbox sweep normally does it); a relay
 * whose workflow exists (running or finished) is never started twice.
 */
export async function startSwitchingOut(client: Client, raw: unknown): Promise<SwitchingOutStart> {
  const parsed = switchingOutInputSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(violationsFromZodError(parsed.error));
  const { company, relay } = parsed.data;
  const workflowId = switchingOutWorkflowId(company, relay.relayNo);
  try {
    const handle = await client.workflow.start<typeof switchingOutWorkflow>('switchingOutWorkflow', {
      taskQueue: WORKFLOWS_TASK_QUEUE,
      workflowId,
      args: [raw as SwitchingOutInput],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SA_KIND, value: SWITCHING_OUT_KIND },
        { key: SA_OPERATION, value: 'SWITCHING_OUT' },
        { key: SA_STAGE, value: 'CHECKING_RECORDS' },
        { key: SA_COMPANY, value: company },
        { key: SA_AREA, value: relay.supplyPointId.slice(0, 2) },
        { key: SA_SUPPLY_POINT, value: relay.supplyPointId },
        { key: SA_RELAY_NO, value: relay.relayNo },
        { key: SA_AWAITING_HUMAN, value: false },
      ]),
      staticSummary: `スイッチング(現小売) ${CATEGORY_LABELS[relay.category]} · 廃止取次 ${relay.relayNo} · 新小売 ${relay.newRetailerCode} · 事業者 ${company}`,
    });
    return { workflowId, started: true, handle };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { workflowId, started: false, handle: client.workflow.getHandle<typeof switchingOutWorkflow>(workflowId) };
    }
    throw err;
  }
}

/** A person's 判断: OK, or NG with one or more distinct 判断NG理由 1–9. Refused once a judgement is fixed. */
export function judgeSwitchingOut(client: Client, workflowId: string, decision: JudgeDecision): Promise<JudgeAccepted> {
  return executeDecision(client, workflowId, judgeUpdate, decision);
}

/** After an OK was registered: it was a mistake. Returns what a person must do now. */
export function reportMistakenOk(client: Client, workflowId: string, report: MistakenOkReport): Promise<MistakenOkAccepted> {
  return executeDecision(client, workflowId, reportMistakenOkUpdate, report);
}

/** A person's answer after a business error: retry or abandon. */
export function decideSwitchingOut(client: Client, workflowId: string, decision: SwitchingOutDecision): Promise<SwitchingOutDecisionAccepted> {
  return executeDecision(client, workflowId, switchingOutDecideUpdate, decision);
}

/** Stage, judgement and application: no customer data (any role that may know the switching exists). */
export function getSwitchingOutStatus(client: Client, workflowId: string): Promise<SwitchingOutStatus> {
  return client.workflow.getHandle(workflowId).query(switchingOutStatusQuery);
}

export interface RelayDetailsAccess {
  /** The caller's role; only SWITCHING_ROLES may read relay data. */
  role: string;
  /** Who reads (for the audit trail). */
  userId: string;
  /** Called before the read with who/what (no personal data), e.g. to write an audit log. */
  audit?: (entry: { at: string; userId: string; role: string; workflowId: string; access: 'relayDetails' }) => void;
}

/** The relay with the customer's data — for roles that process switching only. */
export async function getRelayDetails(client: Client, workflowId: string, access: RelayDetailsAccess): Promise<RelayDetails> {
  if (!isSwitchingRole(access.role)) {
    throw new RoleNotPermittedError(
      `role '${access.role}' may not read relay data: only ${SWITCHING_ROLES.join(', ')} may (a current retailer must not use a pending switch to win the customer back)`,
    );
  }
  access.audit?.({ at: new Date().toISOString(), userId: access.userId, role: access.role, workflowId, access: 'relayDetails' });
  return client.workflow.getHandle(workflowId).query(relayDetailsQuery);
}

export interface SwitchingOutFilter {
  company?: string;
  area?: string;
  stage?: SwitchingOutStage;
  awaitingHuman?: boolean;
}

/** Visibility query over the typed search attributes (no customer data is searchable). */
export function switchingOutQuery(f: SwitchingOutFilter = {}): string {
  return lifecycleQuery({ ...f, kind: SWITCHING_OUT_KIND });
}

export interface SwitchingOutListItem {
  workflowId: string;
  relayNo?: string;
  company?: string;
  area?: string;
  stage?: string;
  supplyPointId?: string;
  decisionDue?: string;
  startTime: string;
}

export async function listSwitchingOut(client: Client, f: SwitchingOutFilter = {}, limit = 100): Promise<SwitchingOutListItem[]> {
  const out: SwitchingOutListItem[] = [];
  for await (const wf of client.workflow.list({ query: switchingOutQuery(f) })) {
    const sa = wf.typedSearchAttributes;
    out.push({
      workflowId: wf.workflowId,
      relayNo: sa.get(SA_RELAY_NO),
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
