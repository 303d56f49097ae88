// Input of the new-retailer switching (スイッチング・新小売) lifecycle: one schema used by the
// workflow, the client library, the CLI and (later) the gateway, so every boundary refuses the same
// things with the same field-level messages.
import { z } from 'zod';
import { categorySchema } from '../../../domain/categories.js';
import { companyCodeField } from '../../../domain/company.js';
import { durationAtLeast } from '../../../domain/durations.js';
import { isoDateSchema } from '../../../domain/jst.js';
import { maintenanceConfigSchema } from '../../../domain/maintenance.js';
import { supplyPointIdSchema } from '../../../domain/supply-point.js';

/** 需要者情報: personal data. Never in workflow IDs, search attributes or logs. */
export const customerSchema = z.object({
  name: z.string().trim().min(1, 'customer.name is required').max(80, 'customer.name must be at most 80 characters'),
  kana: z
    .string()
    .trim()
    .min(1, 'customer.kana is required')
    .max(80, 'customer.kana must be at most 80 characters')
    .regex(/^[\u30A0-\u30FF\uFF65-\uFF9F\s・ー]+$/u, 'customer.kana must be katakana'),
  address: z.string().trim().min(1, 'customer.address is required').max(200, 'customer.address must be at most 200 characters'),
  // Japanese numbers: 10 or 11 digits starting with 0, hyphens only between digits.
  phone: z
    .string()
    .regex(/^0\d+(-\d+)*$/, 'customer.phone must start with 0 and hold digits, with hyphens only between digits')
    .refine((v) => /^\d{10,11}$/.test(v.replaceAll('-', '')), 'customer.phone must have 10 or 11 digits')
    .optional(),
}).strict();
export type CustomerData = z.infer<typeof customerSchema>;

export const switchingInOptionsSchema = z.object({
  /** How often to read the 廃止取次 result and the processing status while waiting. */
  pollInterval: durationAtLeast(1_000, '1 second').default(15 * 60_000),
  /** How long a person has to decide after NG or an error before the switching is abandoned. */
  decisionDeadline: durationAtLeast(60_000, '1 minute').default(3 * 86_400_000),
  /** Reminder cadence while a decision is awaited. */
  reminderInterval: durationAtLeast(60_000, '1 minute').default(86_400_000),
  /** Wait before retrying after an unannounced 503 (no window known). */
  unannouncedOutageRetry: durationAtLeast(1_000, '1 second').default(15 * 60_000),
  /** Maintenance windows to avoid; default: OCCTO Sunday 00:00–06:00 JST. */
  maintenance: maintenanceConfigSchema.optional(),
}).strict();
export type SwitchingInOptions = z.output<typeof switchingInOptionsSchema>;

export const switchingInInputSchema = z
  .object({
    company: companyCodeField('company'),
    category: categorySchema,
    supplyPointId: supplyPointIdSchema,
    supplyStartDate: isoDateSchema,
    /** 次々回検針日: required for LV and FIT (the LV start-date rule). */
    nextButOneMeterReadingDate: isoDateSchema.optional(),
    /** 現小売の事業者コード, when the business app knows it. */
    currentRetailerCode: companyCodeField('currentRetailerCode').optional(),
    customer: customerSchema,
    /** The business app's own reference (contract ID …). No personal data. */
    reference: z.string().max(64, 'reference must be at most 64 characters').regex(/^[\w.:/-]*$/, 'reference may hold letters, digits and . : / - _ only').optional(),
    options: switchingInOptionsSchema.default(switchingInOptionsSchema.parse({})),
  })
  .strict();
export type SwitchingInInput = z.input<typeof switchingInInputSchema>;
export type SwitchingInParsed = z.output<typeof switchingInInputSchema>;

/** Fields a person may correct after NG before resubmitting (Update validator checks the names). */
export const switchingInCorrectionSchema = z
  .object({
    supplyStartDate: isoDateSchema.optional(),
    nextButOneMeterReadingDate: isoDateSchema.optional(),
    currentRetailerCode: companyCodeField('currentRetailerCode').optional(),
    customer: customerSchema.partial().strict().optional(),
  })
  .strict();
export type SwitchingInCorrection = z.infer<typeof switchingInCorrectionSchema>;

/** Workflow ID from the business key: one switching per company and supply point. */
export function switchingInWorkflowId(company: string, supplyPointId: string): string {
  return `switching-in/${company}/${supplyPointId}`;
}
