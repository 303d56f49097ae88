// 供給開始日 (supply start date) of a 廃止取次 (docs/external-systems/occto-switching.md §5.1). Checked before registration so that an
// impossible date is refused with a reason instead of coming back from OCCTO as an error.
//
// ASSUMPTIONS (the sources are silent, docs/external-systems/occto-switching.md §13 Q9):
// - every date is a JST calendar day; `today` is jstDate(nowMs) of the caller;
// - no category accepts a start date before today (today itself is allowed);
// - 低圧FIT電源 follows the low-voltage rule;
// - HV "365 days ahead (366 in a leap year)" counts from today: limit = today + 365 days, or
//   today + 366 when the span (today, today + 366] contains a Feb 29;
// - the next-but-one meter reading day is an input (from the CIS / 設備情報照会), not computed.
import { CATEGORIES, isCategory, type Category } from '../../../domain/categories.js';
import type { DomainRuleViolation } from '../../../domain/errors.js';
import { addDays, isLeapYear, isoDateProblem } from '../../../domain/jst.js';

export interface SupplyStartDateInput {
  category: Category;
  /** 'YYYY-MM-DD' JST. */
  supplyStartDate: string;
  /** 'YYYY-MM-DD' JST: the caller's current day (jstDate(nowMs)). */
  today: string;
  /** 次々回検針日 'YYYY-MM-DD': required for LV and FIT. */
  nextButOneMeterReadingDate?: string;
}

export type SupplyStartDateCheck = { ok: true } | ({ ok: false } & DomainRuleViolation);

function refuse(field: string, rule: string, message: string): SupplyStartDateCheck {
  return { ok: false, field, rule, message };
}

/** True when some Feb 29 lies in (from, to] — both 'YYYY-MM-DD', from ≤ to. */
function containsFeb29(from: string, to: string): boolean {
  const firstYear = Number(from.slice(0, 4));
  const lastYear = Number(to.slice(0, 4));
  for (let y = firstYear; y <= lastYear; y++) {
    if (!isLeapYear(y)) continue;
    const feb29 = `${String(y).padStart(4, '0')}-02-29`;
    if (feb29 > from && feb29 <= to) return true;
  }
  return false;
}

/** The latest HV 供給開始日 allowed on `today`: +365 days, or +366 when the span crosses a Feb 29. */
export function hvLatestSupplyStartDate(today: string): string {
  const problem = isoDateProblem(today);
  if (problem) throw new RangeError(`today ${problem}`);
  const plus366 = addDays(today, 366);
  return containsFeb29(today, plus366) ? plus366 : addDays(today, 365);
}

export function checkSupplyStartDate(input: SupplyStartDateInput): SupplyStartDateCheck {
  const { category, supplyStartDate, today, nextButOneMeterReadingDate } = input;

  if (!isCategory(category)) {
    return refuse('category', 'category', `category must be one of ${CATEGORIES.join(', ')} (got ${JSON.stringify(category)})`);
  }
  const todayProblem = isoDateProblem(today);
  if (todayProblem) return refuse('today', 'iso-date', `today ${todayProblem}`);
  const startProblem = isoDateProblem(supplyStartDate);
  if (startProblem) return refuse('supplyStartDate', 'iso-date', `supplyStartDate ${startProblem}`);

  // ISO dates compare correctly as strings.
  if (supplyStartDate < today) {
    return refuse(
      'supplyStartDate',
      'not-in-past',
      `supplyStartDate ${supplyStartDate} is before today ${today} (rule: 供給開始日 must not be in the past)`,
    );
  }

  if (category === 'HV') {
    const limit = hvLatestSupplyStartDate(today);
    if (supplyStartDate > limit) {
      const days = limit === addDays(today, 366) ? 366 : 365;
      return refuse(
        'supplyStartDate',
        'hv-max-days-ahead',
        `supplyStartDate ${supplyStartDate} is after the latest allowed date ${limit} (HV rule: 供給開始日 ≤ today ${today} + ${days} days; 366 when the span contains Feb 29)`,
      );
    }
    return { ok: true };
  }

  // LV and FIT.
  if (nextButOneMeterReadingDate === undefined || nextButOneMeterReadingDate === '') {
    return refuse(
      'nextButOneMeterReadingDate',
      'required',
      `nextButOneMeterReadingDate (次々回検針日) is required for category ${category}: the ${category} rule limits 供給開始日 to the next-but-one meter reading day`,
    );
  }
  const readingProblem = isoDateProblem(nextButOneMeterReadingDate);
  if (readingProblem) return refuse('nextButOneMeterReadingDate', 'iso-date', `nextButOneMeterReadingDate ${readingProblem}`);
  if (nextButOneMeterReadingDate <= today) {
    return refuse(
      'nextButOneMeterReadingDate',
      'after-today',
      `nextButOneMeterReadingDate ${nextButOneMeterReadingDate} must be after today ${today} (a next-but-one meter reading day is in the future; stale CIS data?)`,
    );
  }
  if (supplyStartDate > nextButOneMeterReadingDate) {
    return refuse(
      'supplyStartDate',
      'lv-next-but-one-meter-reading',
      `supplyStartDate ${supplyStartDate} is after the next-but-one meter reading day ${nextButOneMeterReadingDate} (${category} rule: 供給開始日 ≤ 次々回検針日)`,
    );
  }
  return { ok: true };
}
