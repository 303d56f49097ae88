// The current retailer's switching (スイッチング・現小売): one workflow per incoming 廃止取次.
// Schemas of its input (the relay as OCCTO delivered it), the judgement a person or a rule makes,
// and who may read the relay's customer data (win-back ban, docs/external-systems/occto-switching.md Appendix A).
import { z } from 'zod';
import { categorySchema } from '../../../domain/categories.js';
import { companyCodeField } from '../../../domain/company.js';
import { durationAtLeast } from '../../../domain/durations.js';
import { isoDateSchema } from '../../../domain/jst.js';
import { maintenanceConfigSchema } from '../../../domain/maintenance.js';
import { supplyPointIdSchema } from '../../../domain/supply-point.js';

/** 廃止取次番号: kept to characters that are safe in a workflow ID. */
export const relayNoSchema = z
  .string({ error: 'relayNo must be a string' })
  .regex(/^[A-Za-z0-9-]{1,32}$/, 'relayNo must be 1–32 letters, digits or hyphens');

/**
 * 需要者情報 as OCCTO delivered it. Lenient on form (it is the other retailer's input), strict on
 * presence and size. Personal data: never in workflow IDs, search attributes, status or logs.
 */
export const incomingCustomerSchema = z
  .object({
    name: z.string({ error: 'customer.name must be a string' }).max(200, 'customer.name must be at most 200 characters'),
    kana: z.string({ error: 'customer.kana must be a string' }).max(200, 'customer.kana must be at most 200 characters'),
    address: z.string({ error: 'customer.address must be a string' }).max(400, 'customer.address must be at most 400 characters'),
    phone: z.string().max(40, 'customer.phone must be at most 40 characters').optional(),
  })
  .strict();

/** contract.ts IncomingRelay (IS_x20310). For FIT, supplyPointId is the 受電地点特定番号 (same 22 digits). */
export const incomingRelaySchema = z
  .object({
    relayNo: relayNoSchema,
    category: categorySchema,
    supplyPointId: supplyPointIdSchema,
    newRetailerCode: companyCodeField('relay.newRetailerCode'),
    supplyStartDate: isoDateSchema,
    registeredAt: z.string({ error: 'registeredAt must be an ISO timestamp' }).min(1, 'registeredAt is required'),
    statusCode: z.string({ error: 'statusCode must be a string' }).regex(/^\d{2}$/, 'statusCode must be a two-digit 状況コード'),
    customer: incomingCustomerSchema,
  })
  .strict();

/** A list of 判断NG理由 (1–9, distinct, at least one), checked field by field so every problem shows at once. */
const ngReasonList = (field: string) =>
  z
    .array(z.unknown(), { error: `${field} must be a list of 判断NG理由 numbers 1–9` })
    .superRefine((r, ctx) => {
      const problem = ngReasonsProblem(r);
      if (problem) ctx.addIssue({ code: 'custom', message: `${field} ${problem}` });
    })
    .transform((r) => r as number[]);

/** A clear case the business lets a rule judge; everything else goes to a person. */
export const autoJudgeRuleSchema = z
  .object({
    /** Records say MATCH → OK without a person. */
    okWhenMatch: z.boolean({ error: 'autoJudge.okWhenMatch must be true or false' }).default(false),
    /** No record of the point → NG without a person. */
    ngWhenNotFound: z.boolean({ error: 'autoJudge.ngWhenNotFound must be true or false' }).default(false),
    ngReasonsWhenNotFound: ngReasonList('ngReasonsWhenNotFound').default([1]),
    /** The point's contract with us is not active → NG without a person. */
    ngWhenNotActive: z.boolean({ error: 'autoJudge.ngWhenNotActive must be true or false' }).default(false),
    ngReasonsWhenNotActive: ngReasonList('ngReasonsWhenNotActive').default([1]),
  })
  .strict();
export type AutoJudgeRule = z.output<typeof autoJudgeRuleSchema>;
export type AutoJudgeRuleInput = z.input<typeof autoJudgeRuleSchema>;

/** Default: nothing is judged without a person. */
export const NO_AUTO_JUDGE: AutoJudgeRule = autoJudgeRuleSchema.parse({});

/** Why a list is not a set of 判断NG理由 flags (1–9, distinct, at least one), or undefined. */
export function ngReasonsProblem(reasons: unknown): string | undefined {
  if (!Array.isArray(reasons)) return 'must be a list of 判断NG理由 numbers 1–9';
  if (reasons.length === 0) return 'must name at least one 判断NG理由 (1–9)';
  const bad = reasons.find((r) => !Number.isInteger(r) || (r as number) < 1 || (r as number) > 9);
  if (bad !== undefined) return `must hold integers 1–9 only (got ${JSON.stringify(bad)})`;
  if (new Set(reasons).size !== reasons.length) return 'must not repeat a reason';
  return undefined;
}

export const STATUS_TRACKING_MODES = ['auto', 'own'] as const;

export const switchingOutOptionsSchema = z
  .object({
    /** A rule for clear cases; absent = the worker's configured rule (default: everything to a person). */
    autoJudge: autoJudgeRuleSchema.optional(),
    /** How long a person has to judge before the case is escalated (we keep waiting afterwards). */
    judgementDeadline: durationAtLeast(60_000, '1 minute').default(86_400_000),
    /** Reminder cadence while a judgement or decision is awaited. */
    reminderInterval: durationAtLeast(60_000, '1 minute').default(4 * 3_600_000),
    /** After the deadline: how often the escalation is repeated. */
    escalationInterval: durationAtLeast(60_000, '1 minute').default(86_400_000),
    /** Own polling of the processing stage (only without the batched poller). */
    pollInterval: durationAtLeast(1_000, '1 second').default(15 * 60_000),
    /** 'auto' = the batched poller (falls back to own polling if it is unavailable); 'own' = always poll ourselves. */
    statusTracking: z.enum(STATUS_TRACKING_MODES, { error: "statusTracking must be 'auto' or 'own'" }).default('auto'),
    unannouncedOutageRetry: durationAtLeast(1_000, '1 second').default(15 * 60_000),
    maintenance: maintenanceConfigSchema.optional(),
  })
  .strict();
export type SwitchingOutOptions = z.output<typeof switchingOutOptionsSchema>;
export type SwitchingOutOptionsInput = z.input<typeof switchingOutOptionsSchema>;

export const switchingOutInputSchema = z
  .object({
    company: companyCodeField('company'),
    relay: incomingRelaySchema,
    options: switchingOutOptionsSchema.default(switchingOutOptionsSchema.parse({})),
  })
  .strict();
export type SwitchingOutInput = z.input<typeof switchingOutInputSchema>;
export type SwitchingOutParsed = z.output<typeof switchingOutInputSchema>;

const userIdSchema = (field: string) =>
  z.string({ error: `${field} must be the person's user ID` }).regex(/^[\w.@-]{1,64}$/, `${field} must be a user ID of 1–64 letters, digits, . @ - _`);

/** A person's 判断 (Update `judge`). */
export const judgeDecisionSchema = z.discriminatedUnion(
  'judgement',
  [
    z
      .object({
        judgement: z.literal('OK'),
        ngReasons: z.array(z.number()).max(0, 'ngReasons must be empty for an OK judgement').optional(),
        decidedBy: userIdSchema('decidedBy'),
        comment: z.string().max(500, 'comment must be at most 500 characters').optional(),
      })
      .strict(),
    z
      .object({
        judgement: z.literal('NG'),
        ngReasons: z.array(z.unknown(), { error: 'ngReasons is required for NG: one or more 判断NG理由 1–9' }).superRefine((r, ctx) => {
          const problem = ngReasonsProblem(r);
          if (problem) ctx.addIssue({ code: 'custom', message: `ngReasons ${problem}` });
        }),
        decidedBy: userIdSchema('decidedBy'),
        comment: z.string().max(500, 'comment must be at most 500 characters').optional(),
      })
      .strict(),
  ],
  { error: "judgement must be 'OK' or 'NG'" },
);
export type JudgeDecision = { judgement: 'OK'; decidedBy: string; comment?: string; ngReasons?: [] } | { judgement: 'NG'; ngReasons: number[]; decidedBy: string; comment?: string };

/** Update `reportMistakenOk`: the OK we registered was wrong (it cannot be retracted by us, docs/external-systems/occto-switching.md §4.3). */
export const mistakenOkReportSchema = z
  .object({
    reportedBy: userIdSchema('reportedBy'),
    note: z.string().max(500, 'note must be at most 500 characters').optional(),
  })
  .strict();
export type MistakenOkReport = z.infer<typeof mistakenOkReportSchema>;

/** Update `decide` after a business error: try the failed step again, or give up. */
export const switchingOutDecisionSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('retry'), decidedBy: userIdSchema('decidedBy'), comment: z.string().max(500).optional() }).strict(),
    z
      .object({
        action: z.literal('abandon'),
        decidedBy: userIdSchema('decidedBy'),
        reason: z.string({ error: 'reason is required to abandon' }).trim().min(1, 'reason is required to abandon').max(500, 'reason must be at most 500 characters'),
      })
      .strict(),
  ],
  { error: "action must be 'retry' or 'abandon'" },
);
export type SwitchingOutDecision = z.infer<typeof switchingOutDecisionSchema>;

/**
 * Roles that process switching and may see a relay's customer data. Everyone else (sales,
 * retention) must not: a current retailer may not use a pending switch to win the customer back.
 */
export const SWITCHING_ROLES = ['switching-operator', 'switching-approver', 'switching-admin'] as const;
export type SwitchingRole = (typeof SWITCHING_ROLES)[number];
export function isSwitchingRole(role: unknown): role is SwitchingRole {
  return typeof role === 'string' && (SWITCHING_ROLES as readonly string[]).includes(role);
}

/** One workflow per company and 廃止取次番号 (no personal data in the ID). */
export function switchingOutWorkflowId(company: string, relayNo: string): string {
  return `switching-out/${company}/${relayNo}`;
}
