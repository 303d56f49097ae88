// Typed client functions for たくそう君 construction applications: start (one workflow per
// application; street lights fanned out one per lamp), confirm completion, correct, cancel, status.
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { CONSTRUCTION_KIND_LABELS, constructionInputSchema, constructionWorkflowId, type ConstructionInput } from '../domain/construction.js';
import { violationsFromZodError } from '../../../domain/errors.js';
import { WORKFLOWS_TASK_QUEUE } from '../../../domain/task-queues.js';
import type { constructionWorkflow } from '../workflows/construction.js';
import {
  CONSTRUCTION_KIND_SA,
  cancelApplicationUpdate,
  confirmCompletionUpdate,
  constructionStatusQuery,
  correctApplicationUpdate,
  type CancelRequest,
  type CompletionConfirmation,
  type ConstructionCorrection,
  type ConstructionStatus,
} from '../workflows/construction.defs.js';
import { SA_AREA, SA_AWAITING_HUMAN, SA_COMPANY, SA_CONSTRUCTION_KIND, SA_KIND, SA_STAGE } from '../../../workflows/search-attributes.js';
import { InvalidInputError } from '../../../domain/errors.js';
import { executeDecision } from '../../../client/update-errors.js';
import { noticeActionUpdate, noticeWatcherWorkflowId, type NoticeAction } from '../workflows/notice-watcher.defs.js';
import type { takusouNoticeWatcherWorkflow } from '../workflows/notice-watcher.js';

export interface ConstructionStart {
  workflowId: string;
  started: boolean;
  handle: WorkflowHandle<typeof constructionWorkflow>;
}

/** Starts one construction application; a repeat with the same reference returns the running one. */
export async function startConstruction(client: Client, raw: unknown): Promise<ConstructionStart> {
  const parsed = constructionInputSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidInputError(violationsFromZodError(parsed.error));
  const input = parsed.data;
  const workflowId = constructionWorkflowId(input.company, input.reference);
  try {
    const handle = await client.workflow.start<typeof constructionWorkflow>('constructionWorkflow', {
      taskQueue: WORKFLOWS_TASK_QUEUE,
      workflowId,
      args: [input as ConstructionInput],
      // The reference is the business key: a finished application is never filed again under it
      // (only a failed or terminated one may be started anew).
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SA_KIND, value: CONSTRUCTION_KIND_SA },
        { key: SA_CONSTRUCTION_KIND, value: input.kind },
        { key: SA_STAGE, value: 'VALIDATING' },
        { key: SA_COMPANY, value: input.company },
        { key: SA_AREA, value: '06' },
        { key: SA_AWAITING_HUMAN, value: false },
      ]),
      staticSummary: `たくそう君 ${CONSTRUCTION_KIND_LABELS[input.kind]}申込 · ${input.reference} · 事業者 ${input.company}`,
      staticDetails: [
        `**Construction application** (${CONSTRUCTION_KIND_LABELS[input.kind]}) to Kansai T&D through たくそう君`,
        `申込 → ファイル添付 → 受付結果 → 工程/契約算定 → completion confirmed by a person → 竣工届 → 結果通知`,
        `- company: ${input.company}`,
        `- reference: ${input.reference}`,
        `- documents: ${input.files.map((f) => f.documentType).join(', ')}`,
        'Query `status`; updates `confirmCompletion`, `correct`, `cancelApplication`.',
      ].join('\n'),
    });
    return { workflowId, started: true, handle };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { workflowId, started: false, handle: client.workflow.getHandle<typeof constructionWorkflow>(workflowId) };
    }
    throw err;
  }
}

/**
 * Street lights: the API has no bulk filing, so several lamps become one application (and one
 * workflow) per lamp, with references `<reference>-L01`, `-L02`, …
 */
export async function startStreetLights(client: Client, raw: unknown): Promise<ConstructionStart[]> {
  const r = raw as { lamps?: unknown[]; reference?: string; kind?: string } | null;
  if (!r || r.kind !== 'GAIROTO' || !Array.isArray(r.lamps) || r.lamps.length === 0) {
    throw new InvalidInputError([{ field: 'lamps', rule: 'required', message: 'startStreetLights takes a GAIROTO input with one or more lamps' }]);
  }
  if (typeof r.reference !== 'string' || r.reference.length > 36) {
    throw new InvalidInputError([{ field: 'reference', rule: 'too_big', message: 'reference must be at most 36 characters (a lamp suffix -L01 is added)' }]);
  }
  const inputs = r.lamps.map((lamp, i) => ({ ...r, lamps: [lamp], reference: `${r.reference}-L${String(i + 1).padStart(2, '0')}` }));
  // Validate all before starting any, so a bad lamp does not leave half the street started.
  for (const input of inputs) {
    const p = constructionInputSchema.safeParse(input);
    if (!p.success) throw new InvalidInputError(violationsFromZodError(p.error).map((v) => ({ ...v, field: `${input.reference}.${v.field}` })));
  }
  const out: ConstructionStart[] = [];
  for (const input of inputs) out.push(await startConstruction(client, input));
  return out;
}


export const confirmConstructionCompletion = (client: Client, workflowId: string, c: CompletionConfirmation) =>
  executeDecision(client, workflowId, confirmCompletionUpdate, c);
export const correctConstruction = (client: Client, workflowId: string, c: ConstructionCorrection) => executeDecision(client, workflowId, correctApplicationUpdate, c);
export const cancelConstruction = (client: Client, workflowId: string, c: CancelRequest) => executeDecision(client, workflowId, cancelApplicationUpdate, c);
export const getConstructionStatus = (client: Client, workflowId: string): Promise<ConstructionStatus> =>
  client.workflow.getHandle(workflowId).query(constructionStatusQuery);

/** Starts the company's お知らせ watcher if it is not running (idempotent). */
export async function ensureNoticeWatcher(client: Client, company: string, pollInterval: string | number = '15 minutes') {
  try {
    return await client.workflow.start<typeof takusouNoticeWatcherWorkflow>('takusouNoticeWatcherWorkflow', {
      taskQueue: WORKFLOWS_TASK_QUEUE,
      workflowId: noticeWatcherWorkflowId(company),
      args: [{ company, pollInterval }],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SA_KIND, value: 'takusou-notices' },
        { key: SA_COMPANY, value: company },
      ]),
      staticSummary: `たくそう君 お知らせ watcher · 事業者 ${company}`,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return client.workflow.getHandle<typeof takusouNoticeWatcherWorkflow>(noticeWatcherWorkflowId(company));
    throw err;
  }
}

/** Registers a notice through the watcher; corrections and deletions are refused (register a new notice instead). */
export async function sendNoticeAction(client: Client, company: string, action: NoticeAction): Promise<{ id: string }> {
  return executeDecision(client, noticeWatcherWorkflowId(company), noticeActionUpdate, action);
}
