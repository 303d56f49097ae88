// One error shape for every 4xx/5xx the gateway sends, and the translation of everything that can go
// wrong (schema violations, Fastify's own refusals, the client library's errors, Temporal's) into it.
// Callers branch on `code` and on each violation's `field` and `rule`; `message` is for people.
import { WorkflowNotFoundError, isGrpcServiceError } from '@temporalio/client';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DomainRuleViolation } from '../../domain/errors.js';
import { DecisionRejectedError, InvalidInputError } from '../../systems/occto/client/switching-in.js';
import { OperationNotOfferedError } from '../../systems/occto/client/occto-operations.js';
import { RoleNotPermittedError } from '../../systems/occto/client/switching-out.js';
import { NoSuchWorkflowError, WorkflowFinishedError } from '../update-errors.js';

export const ERROR_CODES = [
  'VALIDATION_FAILED', // 400: a field broke a rule (see violations)
  'MALFORMED_REQUEST', // 400: not parseable at all (bad JSON, empty body, bad URL, bad CSV)
  'UNAUTHENTICATED', // 401
  'FORBIDDEN', // 403
  'NOT_FOUND', // 404: no such route or workflow
  'CONFLICT', // 409: same business key, different input
  'WORKFLOW_FINISHED', // 409: the workflow has ended and takes no more decisions
  'PAYLOAD_TOO_LARGE', // 413: body bytes or CSV rows over the limit
  'URI_TOO_LONG', // 414
  'UNSUPPORTED_MEDIA_TYPE', // 415
  'DECISION_REFUSED', // 422: the workflow's Update validator refused, with its reason
  'OPERATION_NOT_OFFERED', // 422: OCCTO has no such function for the category or area
  'TEMPORAL_UNAVAILABLE', // 503: Temporal unreachable or not answering in time
  'INTERNAL', // 500: a bug of ours
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const violationSchema = z
  .object({
    field: z.string().describe("The field at fault: a body path such as 'customer.name', or 'query.limit', 'params.workflowId', 'headers.content-type'"),
    rule: z.string().describe('A short stable rule id, safe to branch on'),
    message: z.string(),
  })
  .meta({ id: 'Violation' });

export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      violations: z.array(violationSchema).describe('Field-level problems; empty when no single field is at fault'),
      workflowId: z.string().optional().describe('The workflow concerned, where there is one'),
    }),
  })
  .meta({ id: 'Error', description: 'The one error shape of every 4xx and 5xx answer' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** An error the gateway answers with as it is. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly violations: DomainRuleViolation[] = [],
    readonly workflowId?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const errorBody = (code: ErrorCode, message: string, violations: DomainRuleViolation[] = [], workflowId?: string): ErrorBody => ({
  error: { code, message, violations, ...(workflowId ? { workflowId } : {}) },
});

const LOCATION: Record<string, string> = { body: '', querystring: 'query', params: 'params', headers: 'headers' };

/** Zod issues as violations named by where they are; an unknown field becomes one violation per key. */
export function violationsFromIssues(
  issues: readonly { code: string; path: readonly PropertyKey[]; message: string; keys?: readonly string[] }[],
  location: string,
  /** What to call the whole value when a body-level issue has no path (default 'body'). */
  rootName = 'body',
): DomainRuleViolation[] {
  const prefix = LOCATION[location] ?? location;
  const name = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || prefix || rootName;
  return issues.flatMap((i) =>
    i.code === 'unrecognized_keys' && i.keys?.length
      ? i.keys.map((k) => ({ field: name([...i.path, k]), rule: 'unknown-field', message: `${name([...i.path, k])} is not a known field (unknown fields are refused, not ignored)` }))
      : [{ field: name(i.path), rule: i.code, message: i.message }],
  );
}

/** Temporal's gRPC status codes that mean "not reachable / not answering" rather than "you asked wrong". */
const UNAVAILABLE_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 8 /* RESOURCE_EXHAUSTED */, 14 /* UNAVAILABLE */]);

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e.code;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number' && (e as { details?: unknown }).details !== undefined) return code;
  }
  return undefined;
}

/** The gateway's answer to an error thrown by a handler or by Fastify. */
export function toHttpError(err: unknown, workflowId?: string): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof InvalidInputError) return new HttpError(400, 'VALIDATION_FAILED', err.message, err.violations, workflowId);
  if (err instanceof OperationNotOfferedError) return new HttpError(422, 'OPERATION_NOT_OFFERED', err.message, [err.violation], workflowId);
  if (err instanceof RoleNotPermittedError) return new HttpError(403, 'FORBIDDEN', err.message, [], workflowId);
  if (err instanceof WorkflowNotFoundError && /already completed/i.test(err.message)) {
    return new HttpError(409, 'WORKFLOW_FINISHED', `${workflowId ?? 'the workflow'} has already finished`, [], workflowId);
  }
  if (err instanceof NoSuchWorkflowError || err instanceof WorkflowNotFoundError) {
    return new HttpError(404, 'NOT_FOUND', workflowId ? `no workflow ${workflowId}` : err.message, [], workflowId);
  }
  if (err instanceof WorkflowFinishedError) return new HttpError(409, 'WORKFLOW_FINISHED', err.message, [], workflowId);
  if (err instanceof DecisionRejectedError) return new HttpError(422, 'DECISION_REFUSED', err.message, [], workflowId);
  const code = grpcCode(err);
  if (code !== undefined) {
    const detail = err instanceof Error ? err.message : String(err);
    if (UNAVAILABLE_CODES.has(code)) {
      return new HttpError(503, 'TEMPORAL_UNAVAILABLE', `Temporal is not reachable or did not answer in time; try again later (${detail})`, [], workflowId, { 'retry-after': '5' });
    }
    if (code === 5 /* NOT_FOUND */) return new HttpError(404, 'NOT_FOUND', workflowId ? `no workflow ${workflowId}` : detail, [], workflowId);
    if (code === 3 /* INVALID_ARGUMENT */) return new HttpError(400, 'VALIDATION_FAILED', `Temporal refused the request: ${detail}`, [], workflowId);
    if (code === 9 /* FAILED_PRECONDITION */) return new HttpError(409, 'WORKFLOW_FINISHED', detail, [], workflowId);
  }
  const m = err instanceof Error ? err.message : '';
  if (/workflow execution already completed/i.test(m)) return new HttpError(409, 'WORKFLOW_FINISHED', `${workflowId ?? 'the workflow'} has already finished`, [], workflowId);
  return new HttpError(500, 'INTERNAL', 'internal error (logged with the request ID)', [], workflowId);
}

/** Fastify's own refusals (body parsing, limits, routing, schema validation) in the one shape. */
export function fromFastifyError(err: FastifyError & { validationContext?: string }): HttpError {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const location = err.validationContext ?? 'body';
    const issues = err.validation.map((v) => ({
      code: v.keyword,
      path: v.instancePath.split('/').filter(Boolean),
      message: v.message ?? 'invalid',
      keys: (v.params as { keys?: string[] }).keys,
    }));
    const violations = violationsFromIssues(issues, location);
    if (location === 'headers' && violations.some((v) => v.field === 'headers.content-type')) {
      return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', violations.map((v) => v.message).join('; '), violations);
    }
    return new HttpError(400, 'VALIDATION_FAILED', `invalid request: ${violations.map((v) => `${v.field}: ${v.message}`).join('; ')}`, violations);
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, 'MALFORMED_REQUEST', 'the body is not valid JSON', [{ field: 'body', rule: 'json', message: 'the body is not valid JSON' }]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, 'MALFORMED_REQUEST', 'the body is empty: send a JSON object', [{ field: 'body', rule: 'required', message: 'the body is empty: send a JSON object' }]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than this route accepts (${err.message})`, [{ field: 'body', rule: 'max-bytes', message: err.message }]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported content type: send application/json (or text/csv to a bulk route)', [
            { field: 'headers.content-type', rule: 'media-type', message: 'send application/json (or text/csv to a bulk route)' },
          ])
        : new HttpError(400, 'MALFORMED_REQUEST', 'content-length does not match the body', [{ field: 'headers.content-length', rule: 'length', message: err.message }]);
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new HttpError(400, 'MALFORMED_REQUEST', 'the content-type header is not valid', [{ field: 'headers.content-type', rule: 'media-type', message: err.message }]);
    case 'FST_ERR_BAD_URL':
      return new HttpError(400, 'MALFORMED_REQUEST', 'the URL is not valid (bad percent-encoding)', [{ field: 'url', rule: 'encoding', message: 'the URL is not valid (bad percent-encoding)' }]);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpError(414, 'URI_TOO_LONG', 'a path parameter is too long', [{ field: 'params', rule: 'max-length', message: 'a path parameter is longer than any workflow ID' }]);
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return new HttpError(status, status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'MALFORMED_REQUEST', err.message, [
      { field: 'request', rule: err.code ?? 'invalid', message: err.message },
    ]);
  }
  return toHttpError(err);
}

export function sendError(reply: FastifyReply, e: HttpError): FastifyReply {
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  return reply
    .code(e.status)
    .type('application/json; charset=utf-8')
    .serializer((p) => JSON.stringify(p)) // the error shape is fixed; no per-route response schema applies
    .send(errorBody(e.code, e.message, e.violations, e.workflowId));
}

/** Fastify error handler: one shape, never a stack, 5xx logged with the request ID. */
export function handleError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = err instanceof HttpError ? err : 'statusCode' in err || 'validation' in err || err.code?.startsWith('FST_') ? fromFastifyError(err) : toHttpError(err);
  if (e.status === 503) req.log.warn({ code: e.code, message: e.message }, 'Temporal unavailable');
  else if (e.status >= 500) req.log.error({ err: { type: err.name, message: err.message, code: err.code } }, 'request failed');
  return sendError(reply, e);
}
