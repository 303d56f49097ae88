// Lists over Temporal visibility: queries on the typed search attributes (workflows/search-attributes.ts,
// never personal data), one page at a time with Temporal's own page token handed to the caller.
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers.js';
import { z } from 'zod';
import type { ConstructionStage } from '../../systems/kansai-takusou/workflows/construction.defs.js';
import type { OperationStage } from '../../systems/occto/workflows/operations/operation.defs.js';
import type { SwitchingInStage } from '../../systems/occto/workflows/switching-in.defs.js';
import type { SwitchingOutStage } from '../../systems/occto/workflows/switching-out.defs.js';
import {
  SA_APPLICATION_NO,
  SA_AREA,
  SA_AWAITING_HUMAN,
  SA_COMPANY,
  SA_CONSTRUCTION_KIND,
  SA_DECISION_DUE,
  SA_KIND,
  SA_OPERATION,
  SA_RELAY_NO,
  SA_STAGE,
  SA_SUPPLY_POINT,
} from '../../workflows/search-attributes.js';
import { HttpError } from './errors.js';
import { LIFECYCLE_KINDS, lifecycleQuery, type LifecycleFilter, type LifecycleKind } from '../../workflows/visibility.defs.js';

/** Lifecycle kinds as their workflows publish them in DenkiKind. */
export const KINDS = LIFECYCLE_KINDS;
export type Kind = LifecycleKind;

/** Where each kind's routes live. */
export const ROUTE_PREFIX: Record<Kind, string> = {
  'switching-in': '/v1/switching-in',
  'switching-out': '/v1/switching-out',
  construction: '/v1/construction',
  'occto-operation': '/v1/occto-operations',
};
export const statusUrl = (kind: Kind, workflowId: string) => `${ROUTE_PREFIX[kind]}/${encodeURIComponent(workflowId)}`;

// Stage names as runtime lists; the `Exact` checks fail to compile when a workflow gains a stage.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const SWITCHING_IN_STAGES = ['VALIDATING', 'REGISTERING_RELAY', 'AWAITING_JUDGEMENT', 'APPLYING_START', 'AWAITING_PROCESSING', 'AWAITING_DECISION', 'COMPENSATING', 'COMPLETED', 'ABANDONED', 'CANCELLED'] as const;
const SWITCHING_OUT_STAGES = ['CHECKING_RECORDS', 'AWAITING_JUDGEMENT', 'REGISTERING_JUDGEMENT', 'APPLYING_STOP', 'AWAITING_PROCESSING', 'AWAITING_DECISION', 'COMPLETED', 'COMPLETED_NG', 'CANCELLED_BY_NEW_RETAILER', 'ABANDONED'] as const;
const CONSTRUCTION_STAGES = ['VALIDATING', 'APPLYING', 'ATTACHING_FILES', 'COMPLETING_GROUP', 'AWAITING_ACCEPTANCE', 'IN_PROGRESS', 'AWAITING_COMPLETION', 'FILING_COMPLETION', 'AWAITING_RESULT', 'AWAITING_DECISION', 'CANCELLING', 'COMPLETED', 'CANCELLED'] as const;
const OPERATION_STAGES = ['QUERYING', 'APPLYING', 'AWAITING_PROCESSING', 'CANCELLING', 'HOLDING', 'AWAITING_DECISION', 'COMPLETED', 'REJECTED', 'CANCELLED', 'ABANDONED'] as const;
const _stageListsComplete: [
  Exact<(typeof SWITCHING_IN_STAGES)[number], SwitchingInStage>,
  Exact<(typeof SWITCHING_OUT_STAGES)[number], SwitchingOutStage>,
  Exact<(typeof CONSTRUCTION_STAGES)[number], ConstructionStage>,
  Exact<(typeof OPERATION_STAGES)[number], OperationStage>,
] = [true, true, true, true];

export const STAGES_BY_KIND: Record<Kind, readonly string[]> = {
  'switching-in': SWITCHING_IN_STAGES,
  'switching-out': SWITCHING_OUT_STAGES,
  construction: CONSTRUCTION_STAGES,
  'occto-operation': OPERATION_STAGES,
};
export const ALL_STAGES = [...new Set(Object.values(STAGES_BY_KIND).flat())].sort() as [string, ...string[]];

export const kindSchema = z.enum(KINDS, { error: `kind must be one of ${KINDS.join(', ')}` });
export const stageSchema = (stages: readonly string[] = ALL_STAGES, kind?: string) =>
  z.enum(stages as [string, ...string[]], { error: `stage must be one of ${stages.join(', ')}${kind ? ` (the stages of ${kind})` : ''}` });

export interface WorkItem {
  workflowId: string;
  kind?: string;
  stage?: string;
  company?: string;
  area?: string;
  supplyPointId?: string;
  relayNo?: string;
  operation?: string;
  constructionKind?: string;
  applicationNo?: string;
  awaitingHuman?: boolean;
  decisionDue?: string;
  startTime: string;
  status: string;
}

// Page tokens: Temporal's token, prefixed with a digest binding it to the query. A garbled token,
// or one from a list with other filters, is refused here (400) instead of reaching Temporal, which
// answers a bad token with an opaque retryable error.
const DIGEST_BYTES = 16;
const digest = (query: string, token: Uint8Array) => createHash('sha256').update(query).update('\n').update(token).digest().subarray(0, DIGEST_BYTES);

function encodePageToken(query: string, token: Uint8Array): string {
  return Buffer.concat([digest(query, token), token]).toString('base64url');
}

function decodePageToken(query: string, pageToken: string): Buffer {
  const raw = Buffer.from(pageToken, 'base64url');
  const token = raw.subarray(DIGEST_BYTES);
  if (raw.length <= DIGEST_BYTES || !digest(query, token).equals(raw.subarray(0, DIGEST_BYTES))) {
    throw new HttpError(400, 'VALIDATION_FAILED', 'pageToken is not a token of this list: pass nextPageToken from the previous page as it was, with the same filters', [
      { field: 'query.pageToken', rule: 'page-token', message: 'not a token of this list (filters must stay the same between pages)' },
    ]);
  }
  return token;
}

/** One page of workflows matching `f`; `nextPageToken` absent on the last page. */
export async function listPage(client: Client, f: LifecycleFilter, limit: number, pageToken?: string): Promise<{ items: WorkItem[]; nextPageToken?: string }> {
  const query = lifecycleQuery(f);
  const res = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query,
    pageSize: limit,
    nextPageToken: pageToken ? decodePageToken(query, pageToken) : undefined,
  });
  const items: WorkItem[] = [];
  for (const raw of res.executions ?? []) {
    const info = await executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, client.options.namespace);
    const sa = info.typedSearchAttributes;
    const kind = sa.get(SA_KIND);
    items.push({
      workflowId: info.workflowId,
      kind,
      stage: sa.get(SA_STAGE),
      company: sa.get(SA_COMPANY),
      area: sa.get(SA_AREA),
      supplyPointId: sa.get(SA_SUPPLY_POINT),
      relayNo: sa.get(SA_RELAY_NO),
      operation: sa.get(SA_OPERATION),
      constructionKind: sa.get(SA_CONSTRUCTION_KIND),
      applicationNo: sa.get(SA_APPLICATION_NO),
      awaitingHuman: sa.get(SA_AWAITING_HUMAN),
      decisionDue: sa.get(SA_DECISION_DUE)?.toISOString(),
      startTime: info.startTime.toISOString(),
      status: (KINDS as readonly string[]).includes(kind ?? '') ? statusUrl(kind as Kind, info.workflowId) : '',
    });
  }
  const token = res.nextPageToken && res.nextPageToken.length > 0 ? encodePageToken(query, res.nextPageToken) : undefined;
  return { items, ...(token ? { nextPageToken: token } : {}) };
}
