// Request and response schemas of the gateway. Start bodies ARE the domain schemas (domain/*.ts):
// the gateway validates with them and the OpenAPI document is generated from them, so the API, the
// client library, the CLI and the workflows refuse the same things with the same messages. Decision
// bodies follow the Update argument types of workflows/**/*.defs.ts, built from domain pieces; the
// workflow's Update validator stays the authority on whether a decision fits the current stage.
import { z } from 'zod';
import {
  completionConfirmationSchema,
  constructionCancelSchema,
  constructionCorrectionSchema,
  constructionInputSchema,
} from '../../systems/kansai-takusou/domain/construction.js';
import { applicationInputSchema, facilityQueryInputSchema, usageQueryInputSchema } from '../../systems/occto/domain/occto-operation-inputs.js';
import { customerSchema, switchingInCorrectionSchema, switchingInInputSchema } from '../../systems/occto/domain/switching-in.js';
import { judgeDecisionSchema, mistakenOkReportSchema, switchingOutDecisionSchema } from '../../systems/occto/domain/switching-out.js';
import type { CancelRequest as ConstructionCancel, CompletionConfirmation, ConstructionCorrection } from '../../systems/kansai-takusou/workflows/construction.defs.js';
import type { CancelRequest as OperationCancel, OperationDecision, RequeryRequest } from '../../systems/occto/workflows/operations/operation.defs.js';
import type { SwitchingInDecision } from '../../systems/occto/workflows/switching-in.defs.js';

/** Names a schema in the OpenAPI document (components), without copying it: the same object validates. */
function named<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id, ...(description ? { description } : {}) });
  return schema;
}

// ---- start bodies (domain schemas, unchanged) -----------------------------------------------------
named(customerSchema, 'Customer', '需要者情報 — personal data: encrypted in every Temporal payload, never in workflow IDs, search attributes or logs');
export const switchingInStartBody = named(switchingInInputSchema, 'SwitchingIn', 'スイッチング(新小売): one switching per company and supply point');
export const constructionStartBody = named(constructionInputSchema, 'Construction', 'たくそう君 construction application: one workflow per company and reference');
export const facilityQueryStartBody = named(facilityQueryInputSchema, 'FacilityQuery', '設備情報照会 (LV, FIT)');
export const usageQueryStartBody = named(usageQueryInputSchema, 'UsageQuery', '使用量情報照会 (LV, HV)');
export const applicationStartBody = named(applicationInputSchema, 'OcctoApplication', '再点 / 廃止・撤去 / アンペア変更 / 需要者(発電者)情報変更, chosen by kind');

const constructionShape = (constructionInputSchema as unknown as z.ZodObject).shape;
const lampsField = constructionShape.lamps as z.ZodOptional<z.ZodArray<z.ZodType>>;
export const MAX_STREET_LIGHTS = 99;

/** 街路灯 with several lamps: one application (and workflow) per lamp, references `<reference>-L01` …. */
export const streetLightsStartBody = named(
  z
    .object({
      ...constructionShape,
      kind: z.literal('GAIROTO', { error: "kind must be 'GAIROTO' (street lights)" }),
      reference: z.string({ error: 'reference is required' }).regex(/^[A-Za-z0-9_-]{1,36}$/, 'reference must be 1–36 letters, digits, - or _ (a lamp suffix -L01 is added)'),
      lamps: lampsField.unwrap().min(1, 'lamps must list at least one lamp').max(MAX_STREET_LIGHTS, `lamps: at most ${MAX_STREET_LIGHTS} per request`),
    })
    .strict()
    .superRefine((body, ctx) => {
      // Every per-lamp application must pass the construction schema itself.
      const first = streetLightInputs(body)[0];
      const r = constructionInputSchema.safeParse(first);
      if (!r.success) for (const i of r.error.issues) if (i.path[0] !== 'lamps' && i.path[0] !== 'reference') ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
    }),
  'StreetLights',
  '街路灯 with one or more lamps: the API has no bulk street-light filing, so each lamp becomes its own application and workflow',
);

/** The per-lamp inputs of a street-light request (references suffixed -L01, -L02 …). */
export function streetLightsInputs(body: { reference: string; lamps: unknown[] } & Record<string, unknown>): Record<string, unknown>[] {
  return streetLightInputs(body);
}
function streetLightInputs(body: { reference: string; lamps: unknown[] } & Record<string, unknown>): Record<string, unknown>[] {
  return body.lamps.map((lamp, i) => ({ ...body, lamps: [lamp], reference: `${body.reference}-L${String(i + 1).padStart(2, '0')}` }));
}

// ---- decisions (the Update arguments of workflows/**/*.defs.ts) ----------------------------------
const userId = (field: string) => z.string({ error: `${field} must be the person's user ID` }).regex(/^[\w.@-]{1,64}$/, `${field} must be a user ID of 1–64 letters, digits, . @ - _`);
const comment = z.string().max(500, 'comment must be at most 500 characters').optional();
const reason = (max: number) => z.string({ error: 'reason is required' }).trim().min(1, 'reason is required').max(max, `reason must be at most ${max} characters`);

export const switchingInDecisionBody = named(
  z.discriminatedUnion(
    'action',
    [
      z.object({ action: z.literal('resubmit'), decidedBy: userId('decidedBy'), corrections: switchingInCorrectionSchema, comment }).strict(),
      z.object({ action: z.literal('retry'), decidedBy: userId('decidedBy'), comment }).strict(),
      z.object({ action: z.literal('abandon'), decidedBy: userId('decidedBy'), reason: reason(500) }).strict(),
    ],
    { error: "action must be 'resubmit', 'retry' or 'abandon' (which ones the switching takes now is in its status: decision.allowedActions)" },
  ),
  'SwitchingInDecision',
) satisfies z.ZodType<SwitchingInDecision, unknown>;

export const judgeBody = named(judgeDecisionSchema, 'SwitchingOutJudgement', '判断: OK, or NG with one or more 判断NG理由 1–9');
export const mistakenOkBody = named(mistakenOkReportSchema, 'MistakenOkReport');
export const retryOrAbandonBody = named(switchingOutDecisionSchema, 'RetryOrAbandon', 'After a business error: try the failed step again, or give up') satisfies z.ZodType<OperationDecision, unknown>;

export const completionBody = named(completionConfirmationSchema, 'CompletionConfirmation') satisfies z.ZodType<CompletionConfirmation, unknown>;

export const correctionBody = named(constructionCorrectionSchema, 'ConstructionCorrection', '訂正: changed items and/or more files') satisfies z.ZodType<ConstructionCorrection, unknown>;

export const constructionCancelBody = named(constructionCancelSchema, 'ConstructionCancel', '申込取消') satisfies z.ZodType<ConstructionCancel, unknown>;
export const operationCancelBody = named(
  z.object({ requestedBy: userId('requestedBy'), reason: reason(500) }).strict(),
  'OperationCancel',
  '取消 of an OCCTO application in progress',
) satisfies z.ZodType<OperationCancel, unknown>;
export const requeryBody = named(z.object({ requestedBy: userId('requestedBy') }).strict(), 'UsageRequery') satisfies z.ZodType<RequeryRequest, unknown>;

// ---- path parameters: a workflow ID of the route's kind -----------------------------------------
const REF = '[\\w.:-]{1,64}';
export const WORKFLOW_ID_PATTERNS = {
  'switching-in': { re: /^switching-in\/\d{5}\/\d{22}$/, example: 'switching-in/12346/0300000000000000001100' },
  'switching-out': { re: /^switching-out\/\d{5}\/[A-Za-z0-9-]{1,32}$/, example: 'switching-out/12346/R2026000123' },
  construction: { re: /^construction\/\d{5}\/[A-Za-z0-9_-]{1,40}$/, example: 'construction/12346/K-2026-0042' },
  'occto-operation': {
    re: new RegExp(
      `^(?:occto-facility/\\d{5}/\\d{22}|occto-usage/\\d{5}/\\d{22}|occto-application/\\d{5}/(?:reconnection|discontinuation|ampere-change|customer-info-change)/\\d{22})/${REF}$`,
    ),
    example: 'occto-application/12346/discontinuation/0300000000000000001100/req-0001',
  },
} as const;
export type WorkflowKind = keyof typeof WORKFLOW_ID_PATTERNS;

export function workflowIdParams(kind: WorkflowKind) {
  const { re, example } = WORKFLOW_ID_PATTERNS[kind];
  return z
    .object({
      workflowId: z
        .string()
        .max(200, 'workflowId is longer than any workflow ID')
        .regex(re, `workflowId must be a ${kind} workflow ID such as '${example}' (URL-encoded in the path: ${encodeURIComponent(example)})`)
        .describe(`The workflow ID as returned by the start call, URL-encoded (${encodeURIComponent(example)})`),
    })
    .strict();
}

// ---- common responses ------------------------------------------------------------------------------
export const startResultSchema = named(
  z.object({
    workflowId: z.string(),
    started: z.boolean().describe('false when the same request had started it before: the existing workflow is returned'),
    outcome: z.enum(['started', 'existing']),
    status: z.string().describe('Where to read its status'),
  }),
  'StartResult',
);
export type StartResult = z.infer<typeof startResultSchema>;

export const streetLightsResultSchema = named(z.object({ applications: z.array(startResultSchema) }), 'StreetLightsResult');

export const acceptedSchema = named(z.looseObject({ accepted: z.literal(true) }), 'DecisionAccepted', 'The workflow took the decision; further fields depend on the decision');

/** Status answers are the workflows' `status` queries, passed through (no personal data in any of them). */
export const statusSchema = (id: string, description: string) =>
  named(
    z.looseObject({
      workflowId: z.string(),
      stage: z.string(),
      awaitingHuman: z.boolean(),
      events: z.array(z.object({ at: z.string(), event: z.string() })),
    }),
    id,
    description,
  );

export const listQueryBase = {
  limit: z.coerce.number({ error: 'limit must be a whole number 1–100' }).int('limit must be a whole number 1–100').min(1, 'limit must be at least 1').max(100, 'limit must be at most 100').default(50),
  pageToken: z
    .string()
    .max(2000, 'pageToken is longer than any token this gateway hands out')
    .regex(/^[A-Za-z0-9_-]+$/, 'pageToken must be the nextPageToken of the previous page, as it was')
    .optional()
    .describe('The nextPageToken of the previous page'),
};

export const workItemSchema = named(
  z.object({
    workflowId: z.string(),
    kind: z.string().optional(),
    stage: z.string().optional(),
    company: z.string().optional(),
    area: z.string().optional(),
    supplyPointId: z.string().optional(),
    relayNo: z.string().optional(),
    operation: z.string().optional(),
    constructionKind: z.string().optional(),
    applicationNo: z.string().optional(),
    awaitingHuman: z.boolean().optional(),
    decisionDue: z.string().optional(),
    startTime: z.string(),
    status: z.string().describe('Where to read its status'),
  }),
  'WorkItem',
);
export const workListSchema = named(
  z.object({ items: z.array(workItemSchema), nextPageToken: z.string().optional().describe('Absent on the last page') }),
  'WorkList',
);

/** Routes without query parameters refuse any (unknown fields are refused everywhere). */
export const noQuery = z.object({}).strict();
/** Routes without a body take none, or an empty JSON object. */
export const noBody = z.object({}).strict().nullish();

/** The workflows' status interfaces have no index signature; the loose schema passes them through as they are. */
export type PassThrough = z.infer<ReturnType<typeof statusSchema>>;
export const passThrough = async (v: Promise<object>): Promise<PassThrough> => (await v) as PassThrough;
export type Accepted = z.infer<typeof acceptedSchema>;
export const accepted = async (v: Promise<object>): Promise<Accepted> => (await v) as Accepted;
