// A refusal answered as HTTP 200 with 連携成否ステータス '1' and an ERR code (docs/architecture.md §5: business
// errors are not transport errors).
import type { ErrorCode } from '../activities/provisional-wire-format.js';

export class BusinessError extends Error {
  override name = 'BusinessError';
  constructor(
    readonly code: ErrorCode,
    /** 受付メッセージ: which field broke which rule, or why. Never personal data or credentials. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** ERR_INPUT naming the field and the rule. */
export const inputError = (field: string, rule: string, message: string): BusinessError =>
  new BusinessError('ERR_INPUT', `${field} [${rule}]: ${message}`);
