// 事業者コード (business operator code): 5 digits = 4-digit company part issued by OCCTO + 1
// area digit that routes the request to that area's T&D system (docs/external-systems/occto-switching.md §6.2). A wrong area digit
// surfaces as ERR_20250, so we check the shape early.
import { z } from 'zod';
import type { AreaCode } from './areas.js';

export const COMPANY_CODE_LENGTH = 5;

export type CompanyCode = string;

/**
 * PROVISIONAL: the area digit → area mapping is not public (docs/external-systems/occto-switching.md §13 Q13). Assumed here: digits
 * 1–9 are areas 01–09 and 0 is area 10 (沖縄). Replace this table — and only this table — when the
 * コード定義書 is obtained.
 */
export const PROVISIONAL_AREA_DIGIT: Readonly<Record<string, AreaCode>> = {
  '1': '01',
  '2': '02',
  '3': '03',
  '4': '04',
  '5': '05',
  '6': '06',
  '7': '07',
  '8': '08',
  '9': '09',
  '0': '10',
};

/** Why a value is not a 事業者コード, with the field named; undefined when it is one. */
export function companyCodeProblem(value: unknown, field = 'companyCode'): string | undefined {
  if (typeof value !== 'string') return `${field} must be a string of ${COMPANY_CODE_LENGTH} digits (got ${typeof value})`;
  if (value.length !== COMPANY_CODE_LENGTH) return `${field} must be exactly ${COMPANY_CODE_LENGTH} digits (got ${value.length})`;
  const bad = /[^0-9]/.exec(value);
  if (bad) {
    return `${field} must contain only ASCII digits 0–9 (got '${bad[0]}' at position ${bad.index + 1}; full-width digits are not accepted)`;
  }
  const digit = value.slice(-1);
  if (PROVISIONAL_AREA_DIGIT[digit] === undefined) {
    return `${field}: last digit '${digit}' is not a known area digit`;
  }
  return undefined;
}

/** A 事業者コード field whose messages name the field (`company`, `currentRetailerCode` …). */
export function companyCodeField(field: string) {
  return z
    .string({ error: `${field} must be a string of ${COMPANY_CODE_LENGTH} digits` })
    .superRefine((s, ctx) => {
      const problem = companyCodeProblem(s, field);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

export const companyCodeSchema = companyCodeField('companyCode');

/** The T&D area a company code routes to (provisional mapping); throws if the code is malformed. */
export function areaOfCompany(code: string): AreaCode {
  const problem = companyCodeProblem(code);
  if (problem) throw new RangeError(problem);
  return PROVISIONAL_AREA_DIGIT[code.slice(-1)] as AreaCode;
}
