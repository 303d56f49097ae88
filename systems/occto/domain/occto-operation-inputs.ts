// Inputs of the other OCCTO operations (設備情報照会, 使用量情報照会, 再点, 廃止・撤去, アンペア変更,
// 需要者/発電者情報変更), one schema each for the client, the CLI and the workflows. Workflow IDs
// come from business keys (company, operation, point, the caller's reference) — never personal data.
import { z } from 'zod';
import { areaOfSupplyPoint, pointIdProblem, supplyPointIdSchema } from '../../../domain/supply-point.js';
import { categorySchema, type Category } from '../../../domain/categories.js';
import { companyCodeField } from '../../../domain/company.js';
import { durationAtLeast } from '../../../domain/durations.js';
import type { DomainRuleViolation } from '../../../domain/errors.js';
import { isoDateSchema } from '../../../domain/jst.js';
import { maintenanceConfigSchema } from '../../../domain/maintenance.js';
import { AMPERE_STEPS, operationAvailability, type OcctoOperation } from './occto-operations.js';
import { customerSchema } from './switching-in.js';
import { STATUS_TRACKING_MODES } from './switching-out.js';

/** The business app's own key of this request (one workflow per key). No personal data, no '/'. */
export const operationReferenceSchema = z
  .string({ error: 'reference is required: the business app\'s own key of this request (no personal data)' })
  .regex(/^[\w.:-]{1,64}$/, 'reference must be 1–64 letters, digits or . : - _ (no personal data)');

const commonOptions = {
  /** How long a person has to decide after a business error before the operation is abandoned. */
  decisionDeadline: durationAtLeast(60_000, '1 minute').default(3 * 86_400_000),
  reminderInterval: durationAtLeast(60_000, '1 minute').default(86_400_000),
  unannouncedOutageRetry: durationAtLeast(1_000, '1 second').default(15 * 60_000),
  maintenance: maintenanceConfigSchema.optional(),
};
const trackingOptions = {
  /** Own polling of the 受付工程 (only without the batched poller). */
  pollInterval: durationAtLeast(1_000, '1 second').default(15 * 60_000),
  statusTracking: z.enum(STATUS_TRACKING_MODES, { error: "statusTracking must be 'auto' or 'own'" }).default('auto'),
};

export const operationOptionsSchema = z.object({ ...commonOptions }).strict();
export const applicationOptionsSchema = z.object({ ...commonOptions, ...trackingOptions }).strict();
export const usageQueryOptionsSchema = z
  .object({
    ...commonOptions,
    ...trackingOptions,
    /**
     * Keep the workflow open this long after the first result, for `requery` Updates that reuse the
     * password while it is valid (0 = finish with the first result).
     */
    holdForRequery: durationAtLeast(0, '0').default(0),
  })
  .strict();

const base = {
  company: companyCodeField('company'),
  category: categorySchema,
  /** 供給地点特定番号; for FIT the 受電地点特定番号 (same 22 digits). */
  supplyPointId: supplyPointIdSchema,
  reference: operationReferenceSchema,
};

export const facilityQueryInputSchema = z.object({ ...base, options: operationOptionsSchema.default(operationOptionsSchema.parse({})) }).strict();
export type FacilityQueryInput = z.input<typeof facilityQueryInputSchema>;
export type FacilityQueryParsed = z.output<typeof facilityQueryInputSchema>;

export const usageQueryInputSchema = z.object({ ...base, options: usageQueryOptionsSchema.default(usageQueryOptionsSchema.parse({})) }).strict();
export type UsageQueryInput = z.input<typeof usageQueryInputSchema>;
export type UsageQueryParsed = z.output<typeof usageQueryInputSchema>;

export const APPLICATION_OPERATIONS = ['RECONNECTION', 'DISCONTINUATION', 'AMPERE_CHANGE', 'CUSTOMER_INFO_CHANGE'] as const;
export type ApplicationOperation = (typeof APPLICATION_OPERATIONS)[number];

const appBase = {
  ...base,
  /** 異動希望日 'YYYY-MM-DD' (JST). */
  desiredDate: isoDateSchema,
  options: applicationOptionsSchema.default(applicationOptionsSchema.parse({})),
};

export const applicationInputSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('RECONNECTION'), ...appBase, customer: customerSchema }).strict(),
    z
      .object({ kind: z.literal('DISCONTINUATION'), ...appBase, withRemoval: z.boolean({ error: 'withRemoval must be true (撤去あり) or false' }) })
      .strict(),
    z
      .object({
        kind: z.literal('AMPERE_CHANGE'),
        ...appBase,
        amperes: z.number({ error: 'amperes must be a number' }).refine((a) => (AMPERE_STEPS as readonly number[]).includes(a), {
          message: `amperes must be one of ${AMPERE_STEPS.join(', ')} A`,
        }),
      })
      .strict(),
    z
      .object({
        kind: z.literal('CUSTOMER_INFO_CHANGE'),
        ...appBase,
        changes: customerSchema
          .partial()
          .strict()
          .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'changes must name at least one changed field (name, kana, address, phone)' }),
      })
      .strict(),
  ],
  { error: `kind must be one of ${APPLICATION_OPERATIONS.join(', ')}` },
);
export type ApplicationInput = z.input<typeof applicationInputSchema>;
export type ApplicationParsed = z.output<typeof applicationInputSchema>;

const KIND_SLUG: Readonly<Record<ApplicationOperation, string>> = {
  RECONNECTION: 'reconnection',
  DISCONTINUATION: 'discontinuation',
  AMPERE_CHANGE: 'ampere-change',
  CUSTOMER_INFO_CHANGE: 'customer-info-change',
};

export function facilityQueryWorkflowId(company: string, supplyPointId: string, reference: string): string {
  return `occto-facility/${company}/${supplyPointId}/${reference}`;
}
export function usageQueryWorkflowId(company: string, supplyPointId: string, reference: string): string {
  return `occto-usage/${company}/${supplyPointId}/${reference}`;
}
export function applicationWorkflowId(company: string, kind: ApplicationOperation, supplyPointId: string, reference: string): string {
  return `occto-application/${company}/${KIND_SLUG[kind]}/${supplyPointId}/${reference}`;
}

/**
 * Refuses an operation the switching support system does not offer for the category (docs/external-systems/occto-switching.md §2.5)
 * or the point's area (アンペア変更, §5.3) — before any call. Undefined when it is offered.
 */
export function operationRefusal(op: OcctoOperation, category: Category, supplyPointId: string): DomainRuleViolation | undefined {
  const area = pointIdProblem(supplyPointId) ? undefined : areaOfSupplyPoint(supplyPointId);
  const a = operationAvailability(op, category, area);
  if (a.ok) return undefined;
  return { field: a.rule === 'area' ? 'supplyPointId' : 'category', rule: a.rule === 'area' ? 'operation-area' : 'operation-category', message: a.message };
}
