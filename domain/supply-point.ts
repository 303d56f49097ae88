// 供給地点特定番号 (supply point ID) and, for 低圧FIT電源, 受電地点特定番号 (receiving point ID):
// 22 digits (docs/external-systems/occto-switching.md §6.1); the first two digits are the T&D area (Appendix A). No public check
// digit, so none is verified.
import { z } from 'zod';
import { AREA_CODES, isAreaCode, type AreaCode } from './areas.js';

export const POINT_ID_LENGTH = 22;

export type SupplyPointId = string;

/** Why a value is not a point ID, with the field named; undefined when it is one. */
export function pointIdProblem(value: unknown, field = 'supplyPointId'): string | undefined {
  if (typeof value !== 'string') return `${field} must be a string of ${POINT_ID_LENGTH} digits (got ${typeof value})`;
  if (value.length !== POINT_ID_LENGTH) return `${field} must be exactly ${POINT_ID_LENGTH} digits (got ${value.length})`;
  const bad = /[^0-9]/.exec(value);
  if (bad) {
    // Full-width digits (０–９) are the usual culprit when IDs are copied from Japanese documents.
    return `${field} must contain only ASCII digits 0–9 (got '${bad[0]}' at position ${bad.index + 1}; full-width digits are not accepted)`;
  }
  const area = value.slice(0, 2);
  if (!isAreaCode(area)) {
    return `${field}: first two digits must be an area code ${AREA_CODES[0]}–${AREA_CODES[AREA_CODES.length - 1]} (got '${area}')`;
  }
  return undefined;
}

function pointIdSchema(field: string) {
  return z.string({ error: `${field} must be a string of ${POINT_ID_LENGTH} digits` }).superRefine((s, ctx) => {
    const problem = pointIdProblem(s, field);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

export const supplyPointIdSchema = pointIdSchema('supplyPointId');
/** Same format, named for 低圧FIT電源 where the key is 受電地点特定番号. */
export const receivingPointIdSchema = pointIdSchema('receivingPointId');

/** The T&D area of a supply (or receiving) point ID; throws if the ID is malformed. */
export function areaOfSupplyPoint(id: string): AreaCode {
  const problem = pointIdProblem(id);
  if (problem) throw new RangeError(problem);
  return id.slice(0, 2) as AreaCode;
}
