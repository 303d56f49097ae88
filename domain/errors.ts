// One shape for every refusal in domain/: callers (workflows, the gateway, operators) need to
// know WHICH field broke WHICH rule, not just that something was wrong.
import type { z } from 'zod';

export interface DomainRuleViolation {
  /** The input field at fault, e.g. 'supplyStartDate' or 'maintenance.weekly.0.end'. */
  field: string;
  /** A short stable rule id, e.g. 'lv-next-but-one-meter-reading'; safe to branch on. */
  rule: string;
  /** A human sentence naming the field, the value and the limit. */
  message: string;
}

/** "field [rule]: message" lines joined by "; " — for failure messages and logs. */
export function formatViolations(violations: readonly DomainRuleViolation[]): string {
  if (violations.length === 0) return 'no violations';
  return violations.map((v) => `${v.field} [${v.rule}]: ${v.message}`).join('; ');
}

/**
 * Turns a zod error into violations so that schema refusals and rule refusals look alike.
 * `rootField` names the value when the issue has no path (a top-level string schema).
 */
export function violationsFromZodError(error: z.ZodError, rootField = 'input'): DomainRuleViolation[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : rootField,
    rule: issue.code,
    message: issue.message,
  }));
}

/** Bad input, with every field and rule named. Nothing was started. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(readonly violations: DomainRuleViolation[]) {
    super(`invalid input: ${formatViolations(violations)}`);
  }
}
