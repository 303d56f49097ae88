// たくそう君 construction applications: start one (or street lights, one per lamp), status, confirm
// completion, correct (訂正), cancel (申込取消).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { cancelConstruction, confirmConstructionCompletion, correctConstruction, getConstructionStatus, startConstruction } from '../client/construction.js';
import type { CancelRequest, CompletionConfirmation, ConstructionCorrection } from '../workflows/construction.defs.js';
import {
  acceptedSchema,
  completionBody,
  constructionCancelBody,
  constructionStartBody,
  correctionBody,
  noQuery,
  startResultSchema,
  statusSchema,
  streetLightsInputs,
  streetLightsResultSchema,
  streetLightsStartBody,
  workflowIdParams,
  passThrough,
  accepted,
} from '../../../client/gateway/schemas.js';
import { decide, errorResponses, idempotentStart, sendStart, temporal, type GatewayContext, route } from '../../../client/gateway/routes/common.js';

const tags = ['construction'];
const params = workflowIdParams('construction');
const status = statusSchema('ConstructionStatus', "The application's `status` query: stage, 申込番号, attached files, process steps, pending decision");

export const constructionRoutes =
  (ctx: GatewayContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/v1/construction', {
      ...route('start', {
        tags,
        operationId: 'startConstruction',
        summary: 'Start one construction application (常時 / 臨時 / 街路灯 with one lamp / 集団)',
        description:
          'One workflow per company and reference (`construction/<company>/<reference>`). Files are passed by reference (a path or stored-object key the worker can read), never as bytes. A repeat with the same input returns the existing one (200); the same reference with a different input is refused (409); a finished application is never filed again under its reference.',
        querystring: noQuery,
        body: constructionStartBody,
        response: { 201: startResultSchema, 200: startResultSchema, ...errorResponses(409) },
      }),
      handler: async (req, reply) =>
        sendStart(reply, await idempotentStart(ctx, 'construction', constructionStartBody, req.body, () => startConstruction(ctx.client, req.body))),
    });

    app.post('/v1/construction/street-lights', {
      ...route('start', {
        tags,
        operationId: 'startStreetLights',
        summary: '街路灯 with several lamps: one application per lamp',
        description:
          'The API has no bulk street-light filing: each lamp becomes its own application and workflow with reference `<reference>-L01`, `-L02` …. All lamps are validated before any is started. 201 when at least one was started, 200 when all existed; 409 if any lamp\'s reference exists with a different input (lamps before it may have been started — repeat the request after fixing it).',
        querystring: noQuery,
        body: streetLightsStartBody,
        response: { 201: streetLightsResultSchema, 200: streetLightsResultSchema, ...errorResponses(409) },
      }),
      handler: async (req, reply) => {
        const applications = [];
        for (const input of streetLightsInputs(req.body as never)) {
          applications.push(await idempotentStart(ctx, 'construction', constructionStartBody, input, () => startConstruction(ctx.client, input)));
        }
        return reply.code(applications.some((a) => a.started) ? 201 : 200).send({ applications });
      },
    });

    app.get('/v1/construction/:workflowId', {
      ...route('read', {
        tags,
        operationId: 'getConstruction',
        summary: 'Status of a construction application',
        description: 'The workflow ID URL-encoded as one path segment.',
        params,
        querystring: noQuery,
        response: { 200: status, ...errorResponses(404) },
      }),
      handler: async (req) => passThrough(temporal(ctx, req.params.workflowId, ctx.readTimeoutMs, () => getConstructionStatus(ctx.client, req.params.workflowId))),
    });

    app.post('/v1/construction/:workflowId/completion', {
      ...route('decide', {
        tags,
        operationId: 'confirmConstructionCompletion',
        summary: 'Confirm the work is complete, with the completion documents (then the 竣工届 is filed)',
        description: 'The `confirmCompletion` Update; refused (422) before the application is accepted, or when already confirmed.',
        params,
        querystring: noQuery,
        body: completionBody,
        response: { 200: acceptedSchema, ...errorResponses(404, 409, 422) },
      }),
      handler: async (req) =>
        accepted(decide(ctx, req.params.workflowId, () => confirmConstructionCompletion(ctx.client, req.params.workflowId, req.body as CompletionConfirmation))),
    });

    app.post('/v1/construction/:workflowId/correction', {
      ...route('decide', {
        tags,
        operationId: 'correctConstruction',
        summary: 'Send a 訂正 (changed items and/or more files)',
        description: 'The `correct` Update; refused (422) once the 竣工届 is filed or when the merged application would break a rule.',
        params,
        querystring: noQuery,
        body: correctionBody,
        response: { 200: acceptedSchema, ...errorResponses(404, 409, 422) },
      }),
      handler: async (req) =>
        accepted(decide(ctx, req.params.workflowId, () => correctConstruction(ctx.client, req.params.workflowId, req.body as ConstructionCorrection))),
    });

    app.post('/v1/construction/:workflowId/cancel', {
      ...route('cancel', {
        tags,
        operationId: 'cancelConstruction',
        summary: '申込取消',
        description: 'The `cancelApplication` Update; refused (422) once the 竣工届 is filed.',
        params,
        querystring: noQuery,
        body: constructionCancelBody,
        response: { 200: acceptedSchema, ...errorResponses(404, 409, 422) },
      }),
      handler: async (req) =>
        accepted(decide(ctx, req.params.workflowId, () => cancelConstruction(ctx.client, req.params.workflowId, req.body as CancelRequest))),
    });
  };
