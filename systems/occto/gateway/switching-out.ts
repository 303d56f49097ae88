// スイッチング(現小売): the inbox starts one workflow per incoming 廃止取次; people list them, read the
// status, judge (OK / NG), report a mistaken OK, decide after a business error — and read the
// relay's customer data, which only the roles that judge may do (win-back ban), each read audited.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { areaCodeSchema } from '../../../domain/areas.js';
import { companyCodeField } from '../../../domain/company.js';
import type { JudgeDecision, MistakenOkReport, SwitchingOutDecision } from '../domain/switching-out.js';
import { decideSwitchingOut, getRelayDetails, getSwitchingOutStatus, judgeSwitchingOut, reportMistakenOk } from '../client/switching-out.js';
import {
  acceptedSchema,
  judgeBody,
  listQueryBase,
  mistakenOkBody,
  noQuery,
  retryOrAbandonBody,
  statusSchema,
  workflowIdParams,
  workListSchema,
  passThrough,
  accepted,
} from '../../../client/gateway/schemas.js';
import { listPage, stageSchema, STAGES_BY_KIND } from '../../../client/gateway/visibility.js';
import { decide, errorResponses, temporal, type GatewayContext, route } from '../../../client/gateway/routes/common.js';

const tags = ['switching-out'];
const params = workflowIdParams('switching-out');
const status = statusSchema('SwitchingOutStatus', "The switching's `status` query: stage, record check, judgement, application (no customer data)");

export const switchingOutListQuery = z
  .object({
    company: companyCodeField('company').optional(),
    area: areaCodeSchema.optional(),
    stage: stageSchema(STAGES_BY_KIND['switching-out'], 'switching-out').optional(),
    awaitingHuman: z.enum(['true', 'false'], { error: "awaitingHuman must be 'true' or 'false'" }).optional().describe('Only those awaiting (true) or not awaiting (false) a person'),
    ...listQueryBase,
  })
  .strict();

const relayDetails = z
  .looseObject({
    relayNo: z.string(),
    category: z.string(),
    supplyPointId: z.string(),
    newRetailerCode: z.string(),
    supplyStartDate: z.string(),
    registeredAt: z.string(),
    customer: z.looseObject({ name: z.string(), kana: z.string(), address: z.string() }),
  })
  .meta({ id: 'RelayDetails', description: "The relay as OCCTO delivered it, with the customer's data (personal data)" });

/** Our API roles mapped onto the library's switching roles (the only ones that may read relay data). */
const SWITCHING_ROLE: Record<string, string> = { operator: 'switching-operator', approver: 'switching-approver' };

export const switchingOutRoutes =
  (ctx: GatewayContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/v1/switching-out', {
      ...route('read', {
        tags,
        operationId: 'listSwitchingOut',
        summary: 'Running current-retailer switchings, filterable',
        description: 'Visibility query on the search attributes (no customer data is searchable). Pages with `limit` and `nextPageToken`.',
        querystring: switchingOutListQuery,
        response: { 200: workListSchema, ...errorResponses() },
      }),
      handler: async (req) => {
        const q = req.query;
        return temporal(ctx, undefined, ctx.readTimeoutMs, () =>
          listPage(
            ctx.client,
            { kind: 'switching-out', company: q.company, area: q.area, stage: q.stage, awaitingHuman: q.awaitingHuman === undefined ? undefined : q.awaitingHuman === 'true' },
            q.limit,
            q.pageToken,
          ),
        );
      },
    });

    app.get('/v1/switching-out/:workflowId', {
      ...route('read', {
        tags,
        operationId: 'getSwitchingOut',
        summary: 'Status of a current-retailer switching (no customer data)',
        description: 'The workflow ID URL-encoded as one path segment.',
        params,
        querystring: noQuery,
        response: { 200: status, ...errorResponses(404) },
      }),
      handler: async (req) => passThrough(temporal(ctx, req.params.workflowId, ctx.readTimeoutMs, () => getSwitchingOutStatus(ctx.client, req.params.workflowId))),
    });

    app.get('/v1/switching-out/:workflowId/relay', {
      ...route('personal-data', {
        tags,
        operationId: 'getSwitchingOutRelay',
        summary: "The relay with the customer's data (people who judge only; audited)",
        description:
          'Personal data: only the roles that judge switchings may read it (a current retailer must not use a pending switch to win the customer back). Every read is written to the audit log with who read which workflow (never the data).',
        params,
        querystring: noQuery,
        response: { 200: relayDetails, ...errorResponses(404) },
      }),
      handler: async (req, reply) => {
        const id = req.params.workflowId;
        const caller = req.caller!;
        const details = await temporal(ctx, id, ctx.readTimeoutMs, () =>
          getRelayDetails(ctx.client, id, {
            role: SWITCHING_ROLE[caller.role] ?? caller.role,
            userId: caller.name,
            audit: (e) => ctx.logger.info({ audit: 'personal-data-read', access: e.access, caller: caller.name, role: caller.role, workflowId: e.workflowId, at: e.at }, 'relay details read'),
          }),
        );
        // Personal data: never cached by a proxy or the browser.
        return reply.header('cache-control', 'no-store').send(details as unknown as z.infer<typeof relayDetails>);
      },
    });

    app.post('/v1/switching-out/:workflowId/judgement', {
      ...route('decide', {
        tags,
        operationId: 'judgeSwitchingOut',
        summary: '判断: OK, or NG with 判断NG理由 1–9',
        description: 'Sent as the `judge` Update; refused (422) once a judgement is fixed, or outside AWAITING_JUDGEMENT.',
        params,
        querystring: noQuery,
        body: judgeBody,
        response: { 200: acceptedSchema, ...errorResponses(404, 409, 422) },
      }),
      handler: async (req) =>
        accepted(decide(ctx, req.params.workflowId, () => judgeSwitchingOut(ctx.client, req.params.workflowId, req.body as JudgeDecision))),
    });

    app.post('/v1/switching-out/:workflowId/mistaken-ok', {
      ...route('decide', {
        tags,
        operationId: 'reportMistakenOk',
        summary: 'Report that a registered OK was a mistake',
        description: 'We cannot retract an OK ourselves; the answer says what a person must do now.',
        params,
        querystring: noQuery,
        body: mistakenOkBody,
        response: { 200: acceptedSchema, ...errorResponses(404, 409, 422) },
      }),
      handler: async (req) =>
        accepted(decide(ctx, req.params.workflowId, () => reportMistakenOk(ctx.client, req.params.workflowId, req.body as MistakenOkReport))),
    });

    app.post('/v1/switching-out/:workflowId/decision', {
      ...route('decide', {
        tags,
        operationId: 'decideSwitchingOut',
        summary: 'After a business error: retry or abandon',
        description: 'Sent as the `decide` Update; refused (422) when no decision is awaited.',
        params,
        querystring: noQuery,
        body: retryOrAbandonBody,
        response: { 200: acceptedSchema, ...errorResponses(404, 409, 422) },
      }),
      handler: async (req) =>
        accepted(decide(ctx, req.params.workflowId, () => decideSwitchingOut(ctx.client, req.params.workflowId, req.body as SwitchingOutDecision))),
    });
  };
