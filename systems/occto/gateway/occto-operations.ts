// The other OCCTO operations: 設備情報照会, 使用量情報照会, and the applications 再点 / 廃止・撤去 /
// アンペア変更 / 需要者(発電者)情報変更 — start, status, decide after a business error, 取消, re-query.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  cancelOcctoApplication,
  decideOperation,
  getOperationStatus,
  requeryUsage,
  startFacilityQuery,
  startOcctoApplication,
  startUsageQuery,
} from '../client/occto-operations.js';
import type { CancelRequest, OperationDecision, RequeryRequest } from '../workflows/operations/operation.defs.js';
import {
  acceptedSchema,
  applicationStartBody,
  facilityQueryStartBody,
  noQuery,
  operationCancelBody,
  requeryBody,
  retryOrAbandonBody,
  startResultSchema,
  statusSchema,
  usageQueryStartBody,
  workflowIdParams,
  passThrough,
  accepted,
} from '../../../client/gateway/schemas.js';
import { decide, errorResponses, idempotentStart, sendStart, temporal, type GatewayContext, route } from '../../../client/gateway/routes/common.js';

const tags = ['occto-operations'];
const params = workflowIdParams('occto-operation');
const REF = '[\\w.:-]{1,64}';
const cancellableParams = z
  .object({
    workflowId: z
      .string()
      .max(200)
      .regex(
        new RegExp(`^(?:occto-usage/\\d{5}/\\d{22}|occto-application/\\d{5}/(?:reconnection|discontinuation|ampere-change|customer-info-change)/\\d{22})/${REF}$`),
        'workflowId must be an OCCTO application or usage-query workflow ID (occto-application/… or occto-usage/…): only those can be cancelled',
      ),
  })
  .strict();
const usageParams = z
  .object({
    workflowId: z
      .string()
      .max(200)
      .regex(new RegExp(`^occto-usage/\\d{5}/\\d{22}/${REF}$`), 'workflowId must be a usage-query workflow ID (occto-usage/<company>/<point>/<reference>)'),
  })
  .strict();
const status = statusSchema('OcctoOperationStatus', "The operation's `status` query: stage, 申込番号, 受付工程, pending decision (no personal data, never the usage password)");

const startDoc = (what: string, idShape: string) =>
  `${what}. Idempotent by business key (workflow ID \`${idShape}\`): a repeat with the same input returns the existing one (200), the same key with a different input is refused (409), a finished request is never sent to OCCTO again under its reference. An operation OCCTO does not offer for the category or area is refused before any call (422 OPERATION_NOT_OFFERED). Calls to OCCTO are paced by the worker's rate-limited queue (1 request/s per company).`;

export const occtoOperationRoutes =
  (ctx: GatewayContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/v1/occto-operations/facility-queries', {
      ...route('start', {
        tags,
        operationId: 'startFacilityQuery',
        summary: '設備情報照会 (LV, FIT)',
        description: startDoc('Start a facility query', 'occto-facility/<company>/<supplyPointId>/<reference>'),
        querystring: noQuery,
        body: facilityQueryStartBody,
        response: { 201: startResultSchema, 200: startResultSchema, ...errorResponses(409, 422) },
      }),
      handler: async (req, reply) =>
        sendStart(reply, await idempotentStart(ctx, 'occto-operation', facilityQueryStartBody, req.body, () => startFacilityQuery(ctx.client, req.body))),
    });

    app.post('/v1/occto-operations/usage-queries', {
      ...route('start', {
        tags,
        operationId: 'startUsageQuery',
        summary: '使用量情報照会 (LV, HV): application → password → query',
        description: startDoc('Start a usage query; options.holdForRequery keeps it open for re-queries', 'occto-usage/<company>/<supplyPointId>/<reference>'),
        querystring: noQuery,
        body: usageQueryStartBody,
        response: { 201: startResultSchema, 200: startResultSchema, ...errorResponses(409, 422) },
      }),
      handler: async (req, reply) =>
        sendStart(reply, await idempotentStart(ctx, 'occto-operation', usageQueryStartBody, req.body, () => startUsageQuery(ctx.client, req.body))),
    });

    app.post('/v1/occto-operations/applications', {
      ...route('start', {
        tags,
        operationId: 'startOcctoApplication',
        summary: '再点 / 廃止・撤去 / アンペア変更 / 需要者(発電者)情報変更, chosen by kind',
        description: startDoc('Start an application', 'occto-application/<company>/<kind-slug>/<supplyPointId>/<reference>'),
        querystring: noQuery,
        body: applicationStartBody,
        response: { 201: startResultSchema, 200: startResultSchema, ...errorResponses(409, 422) },
      }),
      handler: async (req, reply) =>
        sendStart(reply, await idempotentStart(ctx, 'occto-operation', applicationStartBody, req.body, () => startOcctoApplication(ctx.client, req.body))),
    });

    app.get('/v1/occto-operations/:workflowId', {
      ...route('read', {
        tags,
        operationId: 'getOcctoOperation',
        summary: 'Status of an OCCTO operation',
        description: 'The workflow ID URL-encoded as one path segment.',
        params,
        querystring: noQuery,
        response: { 200: status, ...errorResponses(404) },
      }),
      handler: async (req) => passThrough(temporal(ctx, req.params.workflowId, ctx.readTimeoutMs, () => getOperationStatus(ctx.client, req.params.workflowId))),
    });

    app.post('/v1/occto-operations/:workflowId/decision', {
      ...route('decide', {
        tags,
        operationId: 'decideOcctoOperation',
        summary: 'After a business error: retry or abandon',
        description: 'The `decide` Update; refused (422) when no decision is awaited.',
        params,
        querystring: noQuery,
        body: retryOrAbandonBody,
        response: { 200: acceptedSchema, ...errorResponses(404, 409, 422) },
      }),
      handler: async (req) =>
        accepted(decide(ctx, req.params.workflowId, () => decideOperation(ctx.client, req.params.workflowId, req.body as OperationDecision))),
    });

    app.post('/v1/occto-operations/:workflowId/cancel', {
      ...route('cancel', {
        tags,
        operationId: 'cancelOcctoApplication',
        summary: '取消 of an application (or usage-query application) in progress',
        description: 'The `cancelApplication` Update: answers once OCCTO took the cancellation; refused (422) unless the application is awaiting processing.',
        params: cancellableParams,
        querystring: noQuery,
        body: operationCancelBody,
        response: { 200: acceptedSchema, ...errorResponses(404, 409, 422) },
      }),
      handler: async (req) =>
        accepted(decide(ctx, req.params.workflowId, () => cancelOcctoApplication(ctx.client, req.params.workflowId, req.body as CancelRequest))),
    });

    app.post('/v1/occto-operations/:workflowId/requery', {
      ...route('start', {
        tags,
        operationId: 'requeryUsage',
        summary: 'Usage query held open: query again (reusing the password while it is valid)',
        description: 'The `requery` Update; answers with the usage data. Refused (422) unless the result is held (options.holdForRequery).',
        params: usageParams,
        querystring: noQuery,
        body: requeryBody,
        response: { 200: z.looseObject({}).meta({ id: 'UsageData', description: 'The usage data as OCCTO answered' }), ...errorResponses(404, 409, 422) },
      }),
      handler: async (req) =>
        passThrough(decide(ctx, req.params.workflowId, () => requeryUsage(ctx.client, req.params.workflowId, req.body as RequeryRequest))),
    });
  };
