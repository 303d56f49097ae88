// スイッチング(新小売): start, status, a person's decision, cancel.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cancelSwitchingIn, decideSwitchingIn, getSwitchingInStatus, startSwitchingIn } from '../client/switching-in.js';
import type { SwitchingInDecision } from '../workflows/switching-in.defs.js';
import { acceptedSchema, noBody, noQuery, startResultSchema, statusSchema, switchingInDecisionBody, switchingInStartBody, workflowIdParams, passThrough, accepted } from '../../../client/gateway/schemas.js';
import { decide, assertRunning, errorResponses, idempotentStart, sendStart, temporal, type GatewayContext, route } from '../../../client/gateway/routes/common.js';

const tags = ['switching-in'];
const params = workflowIdParams('switching-in');
const status = statusSchema('SwitchingInStatus', 'The switching\'s `status` query: stage, 廃止取次/申請 numbers, pending decision, recent events (no personal data)');

export const switchingInRoutes =
  (ctx: GatewayContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/v1/switching-in', {
      ...route('start', {
        tags,
        operationId: 'startSwitchingIn',
        summary: 'Start a switching as the new retailer (廃止取次 → 開始申請)',
        description:
          'One switching per company and supply point (workflow ID `switching-in/<company>/<supplyPointId>`). A repeat with the same input returns the existing one (200, `started: false`); the same key with a different input is refused (409). Unknown fields are refused.',
        querystring: noQuery,
        body: switchingInStartBody,
        response: { 201: startResultSchema, 200: startResultSchema, ...errorResponses(409) },
      }),
      handler: async (req, reply) =>
        sendStart(reply, await idempotentStart(ctx, 'switching-in', switchingInStartBody, req.body, () => startSwitchingIn(ctx.client, req.body))),
    });

    app.get('/v1/switching-in/:workflowId', {
      ...route('read', {
        tags,
        operationId: 'getSwitchingIn',
        summary: 'Status of a switching',
        description: 'The workflow ID URL-encoded as one path segment.',
        params,
        querystring: noQuery,
        response: { 200: status, ...errorResponses(404) },
      }),
      handler: async (req) => passThrough(temporal(ctx, req.params.workflowId, ctx.readTimeoutMs, () => getSwitchingInStatus(ctx.client, req.params.workflowId))),
    });

    app.post('/v1/switching-in/:workflowId/decision', {
      ...route('decide', {
        tags,
        operationId: 'decideSwitchingIn',
        summary: 'Answer a switching awaiting a decision (resubmit with corrections, retry, abandon)',
        description:
          'Sent to the workflow as its `decide` Update. The workflow refuses a decision that does not fit (no decision awaited, an action not in `decision.allowedActions`, corrections that break a rule) with 422 and its reason; a finished switching answers 409.',
        params,
        querystring: noQuery,
        body: switchingInDecisionBody,
        response: { 200: acceptedSchema, ...errorResponses(404, 409, 422) },
      }),
      handler: async (req) =>
        accepted(decide(ctx, req.params.workflowId, () => decideSwitchingIn(ctx.client, req.params.workflowId, req.body as SwitchingInDecision))),
    });

    app.post('/v1/switching-in/:workflowId/cancel', {
      ...route('cancel', {
        tags,
        operationId: 'cancelSwitchingIn',
        summary: 'Cancel a switching; what it registered is cancelled (取消) first',
        description: 'Answers 202 once cancellation is requested; the status shows COMPENSATING, then CANCELLED. No body.',
        params,
        querystring: noQuery,
        body: noBody,
        response: { 202: z.object({ workflowId: z.string(), cancelRequested: z.literal(true) }), ...errorResponses(404, 409) },
      }),
      handler: async (req, reply) => {
        const id = req.params.workflowId;
        await assertRunning(ctx, id);
        await temporal(ctx, id, ctx.readTimeoutMs, () => cancelSwitchingIn(ctx.client, id));
        return reply.code(202).send({ workflowId: id, cancelRequested: true as const });
      },
    });
  };
