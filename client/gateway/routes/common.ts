// What every router shares: the context (Temporal client, limits, audit), calls to Temporal with a
// deadline and errors in the one shape, idempotent starts, and the documented error responses.
import type { Client } from '@temporalio/client';
import type { FastifyReply } from 'fastify';
import type pino from 'pino';
import type { z } from 'zod';
import type { Permission } from '../api-keys.js';
import { errorBodySchema, HttpError, toHttpError } from '../errors.js';
import { assertSameInput } from '../idempotency.js';
import { statusUrl, type Kind } from '../visibility.js';
import type { StartResult } from '../schemas.js';

export interface GatewayContext {
  client: Client;
  logger: pino.Logger;
  bulkRowsPerSecond: number;
  bulkMaxRows: number;
  bulkMaxBytes: number;
  /** Deadline for reads and queries (ms). */
  readTimeoutMs: number;
  /** Deadline for Updates: a decision may wait for the workflow's handler (ms). */
  updateTimeoutMs: number;
}

/** Runs Temporal calls under a deadline; their errors become the gateway's (503 when unreachable). */
export async function temporal<T>(ctx: GatewayContext, workflowId: string | undefined, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await ctx.client.withDeadline(Date.now() + timeoutMs, fn);
  } catch (err) {
    const e = toHttpError(err, workflowId);
    throw e.code === 'INTERNAL' ? err : e;
  }
}

/**
 * A decision (Update) under the Update deadline. The client library tells an Update to a finished
 * workflow (409) from one to a missing workflow (404) (client/update-errors.ts executeDecision).
 */
export function decide<T>(ctx: GatewayContext, workflowId: string, fn: () => Promise<T>): Promise<T> {
  return temporal(ctx, workflowId, ctx.updateTimeoutMs, fn);
}

/** Fails with 409 when the workflow exists but has ended, 404 when there is none. */
export async function assertRunning(ctx: GatewayContext, workflowId: string): Promise<void> {
  const d = await temporal(ctx, workflowId, ctx.readTimeoutMs, () => ctx.client.workflow.getHandle(workflowId).describe());
  if (d.status.name !== 'RUNNING') {
    throw new HttpError(409, 'WORKFLOW_FINISHED', `${workflowId} has already finished (${d.status.name}): nothing to cancel or decide`, [], workflowId);
  }
}

/**
 * A start by business key: 201 when started, 200 with the existing workflow for a repeat of the
 * same input, 409 for the same key with a different input.
 */
export async function idempotentStart(
  ctx: GatewayContext,
  kind: Kind,
  schema: z.ZodType,
  input: unknown,
  start: () => Promise<{ workflowId: string; started: boolean }>,
): Promise<StartResult> {
  const r = await temporal(ctx, undefined, ctx.readTimeoutMs, start);
  if (!r.started) await temporal(ctx, r.workflowId, ctx.readTimeoutMs, () => assertSameInput(ctx.client, r.workflowId, schema, input));
  return { workflowId: r.workflowId, started: r.started, outcome: r.started ? 'started' : 'existing', status: statusUrl(kind, r.workflowId) };
}

export const sendStart = (reply: FastifyReply, r: StartResult) => reply.code(r.started ? 201 : 200).send(r);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: violations name each field and rule',
  401: 'No or unknown API key (WWW-Authenticate: Bearer)',
  403: "The key's role lacks the permission this route needs",
  404: 'No such workflow (or route)',
  409: 'Conflict: same business key with a different input, or the workflow has finished',
  413: 'Body or row count over the limit',
  415: 'Unsupported content type or charset',
  422: "Refused by the workflow (its Update validator's reason) or an operation OCCTO does not offer",
  503: 'Temporal is not reachable or did not answer in time; retry later',
};

/** Response objects of the error statuses a route can answer (all the one error shape). */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    [400, 401, 403, 503, ...statuses].map((s) => [s, { description: ERROR_DESCRIPTIONS[s] ?? 'Error', content: { 'application/json': { schema: errorBodySchema } } }]),
  );
}

export const SECURITY: { [scheme: string]: string[] }[] = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

/** Route config and documentation bits for a permission. */
export function guarded(permission: Permission) {
  return { config: { permission } };
}

/**
 * A route's guard and its OpenAPI schema for a permission: the auth hook reads the permission from
 * the config; the document gets the security schemes and which roles may call it.
 */
export function route<S extends { description: string }>(permission: Permission, schema: S) {
  return { ...guarded(permission), schema: { ...schema, security: SECURITY, description: schema.description + rolesNote(permission) } };
}

/** Text for a route's OpenAPI description: which roles may call it. */
export function rolesNote(permission: Permission): string {
  const roles: Record<Permission, string> = {
    start: 'app, operator',
    read: 'app, approver, operator, read-only',
    decide: 'approver, operator',
    cancel: 'operator',
    decode: 'operator',
    'personal-data': 'approver, operator',
  };
  return `\n\nPermission \`${permission}\` (roles: ${roles[permission]}).`;
}
