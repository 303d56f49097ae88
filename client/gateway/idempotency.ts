// Idempotent starts by business key. The workflow ID comes from the business key, so a repeat finds
// the existing workflow; whether it is the SAME request is decided by comparing the parsed input of
// the repeat with the input the existing workflow was started with (its first history event,
// decoded with the client's data converter). Nothing derived from personal data is ever stored for
// this — no hashes in search attributes or memos: the comparison reads the encrypted history.
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow/index.js';
import type { z } from 'zod';
import { HttpError } from './errors.js';

/** JSON with object keys sorted at every depth, undefined dropped: equal values, equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

/** The first argument the workflow (its latest run) was started with, decoded; undefined if unreadable. */
export async function startedInput(client: Client, workflowId: string): Promise<unknown> {
  const res = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId },
    maximumPageSize: 1,
  });
  const payloads = res.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  if (!payloads?.length) return undefined;
  const [first] = await decodeArrayFromPayloads(client.options.loadedDataConverter, payloads);
  return first;
}

/**
 * After a start found an existing workflow: passes when it was started with the same input (after
 * parsing both with `schema`), else throws 409 naming the workflow. `request` is the parsed input.
 */
export async function assertSameInput(client: Client, workflowId: string, schema: z.ZodType, request: unknown): Promise<void> {
  const stored = await startedInput(client, workflowId);
  const parsed = schema.safeParse(stored);
  const mine = schema.safeParse(request);
  const a = canonicalJson(parsed.success ? parsed.data : stored);
  const b = canonicalJson(mine.success ? mine.data : request);
  if (a !== b) {
    throw new HttpError(
      409,
      'CONFLICT',
      `${workflowId} already exists for this business key with a different input; it was not changed. Change a running workflow through its decisions; a new request needs a new business key`,
      [],
      workflowId,
    );
  }
}
