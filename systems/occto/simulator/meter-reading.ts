// PROVISIONAL meter-reading schedule of the simulated T&D side. The real 定例検針日 of a point is
// T&D data (docs/external-systems/occto-switching.md §12 asks for a configurable schedule); the simulator derives a deterministic
// day of month per point so that the LV/FIT 供給開始日 rule (≤ 次々回検針日, docs/external-systems/occto-switching.md §5.1) can be
// checked, and clients/tests can compute the same limit.
import { addDays, daysInMonth } from '../../../domain/jst.js';

/** 1 + (sum of the point ID's digits % 28): always 1–28, so every month has it. */
export function provisionalMeterReadingDay(supplyPointId: string): number {
  let sum = 0;
  for (const ch of supplyPointId) if (ch >= '0' && ch <= '9') sum += Number(ch);
  return 1 + (sum % 28);
}

function meterReadingDateAfter(date: string, day: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (d < day && day <= daysInMonth(y, m)) return `${date.slice(0, 8)}${String(day).padStart(2, '0')}`;
  const ny = m === 12 ? y + 1 : y;
  const nm = m === 12 ? 1 : m + 1;
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 次回検針日 seen on `today` ('YYYY-MM-DD' JST): the first meter-reading day strictly after today. */
export function nextMeterReadingDate(supplyPointId: string, today: string): string {
  return meterReadingDateAfter(addDays(today, 0), provisionalMeterReadingDay(supplyPointId));
}

/**
 * 次々回検針日 seen on `today` ('YYYY-MM-DD' JST): the second meter-reading day strictly after
 * today (assumption: a reading on today itself counts as done).
 */
export function nextButOneMeterReadingDate(supplyPointId: string, today: string): string {
  return meterReadingDateAfter(nextMeterReadingDate(supplyPointId, today), provisionalMeterReadingDay(supplyPointId));
}
