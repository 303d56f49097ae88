// Work awaiting a person, across kinds: one visibility query on the typed search attributes
// (DenkiAwaitingHuman = true, running), filterable by kind, stage, company and area, paged.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { areaCodeSchema } from '../../../domain/areas.js';
import { companyCodeField } from '../../../domain/company.js';
import { listQueryBase, workListSchema } from '../schemas.js';
import { kindSchema, listPage, stageSchema, STAGES_BY_KIND, type Kind } from '../visibility.js';
import { errorResponses, temporal, type GatewayContext, route } from './common.js';

export const workQuery = z
  .object({
    kind: kindSchema.optional(),
    stage: stageSchema().optional(),
    company: companyCodeField('company').optional(),
    area: areaCodeSchema.optional(),
    ...listQueryBase,
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.kind && q.stage && !STAGES_BY_KIND[q.kind as Kind].includes(q.stage)) {
      ctx.addIssue({ code: 'custom', path: ['stage'], message: `stage ${q.stage} is not a stage of ${q.kind} (its stages: ${STAGES_BY_KIND[q.kind as Kind].join(', ')})` });
    }
  });

export const workRoutes =
  (ctx: GatewayContext): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/v1/work', {
      ...route('read', {
        tags: ['work'],
        operationId: 'listWork',
        summary: 'Work awaiting a person, across lifecycles',
        description:
          'Running workflows whose DenkiAwaitingHuman search attribute is true (a decision, a judgement, a completion to confirm), newest first as Temporal lists them. Filters combine with AND. Visibility is eventually consistent: a workflow that has just started waiting can take a moment to appear. Pages with `limit` (1–100, default 50) and `pageToken` = the previous page\'s `nextPageToken`.',
        querystring: workQuery,
        response: { 200: workListSchema, ...errorResponses() },
      }),
      handler: async (req) => {
        const q = req.query;
        return temporal(ctx, undefined, ctx.readTimeoutMs, () =>
          listPage(ctx.client, { kind: q.kind as Kind | undefined, awaitingHuman: true, stage: q.stage, company: q.company, area: q.area }, q.limit, q.pageToken),
        );
      },
    });
  };
