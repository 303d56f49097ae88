// 事業者一覧取得 (IS_x30110): the configured companies plus the simulated retailers — the seeded ones
// (start option `simulatedRetailers`, by default SIMULATED_RETAILERS) and any new-retailer code an
// injected 廃止取次 used. Names are made up; OCCTO prepares such operator data for tests (docs/external-systems/occto-switching.md §12).
import { companyCodeProblem } from '../../../domain/company.js';
import type { SimCompany } from './types.js';

export interface SimulatedRetailer {
  code: string;
  name: string;
}

/** The simulated current retailer of our own relays when the registration did not name one (genKouriJigyoshaCode). */
export const SIMULATED_CURRENT_RETAILER = '99999';
/** The default simulated new retailer of injected 廃止取次 (bulk generator). */
export const SIMULATED_NEW_RETAILER = '99991';

export const SIMULATED_RETAILERS: readonly SimulatedRetailer[] = [
  { code: SIMULATED_NEW_RETAILER, name: '模擬新電力株式会社' },
  { code: '99992', name: '模擬エナジー株式会社' },
  { code: SIMULATED_CURRENT_RETAILER, name: '模擬現小売電気事業者株式会社' },
];

export const companyName = (c: Pick<SimCompany, 'code' | 'name'>): string => c.name ?? `登録小売電気事業者${c.code}`;

/** Validates the start option: 5-digit codes, not configured companies, named, each once. */
export function checkedSimulatedRetailers(list: readonly SimulatedRetailer[], companies: ReadonlyMap<string, SimCompany>): SimulatedRetailer[] {
  const seen = new Set<string>();
  return list.map((r, i) => {
    const problem = companyCodeProblem(r.code, `simulatedRetailers[${i}].code`);
    if (problem) throw new RangeError(`startOcctoSimulator: ${problem}`);
    if (companies.has(r.code)) throw new RangeError(`startOcctoSimulator: simulatedRetailers[${i}].code ${r.code} is a configured company`);
    if (!r.name) throw new RangeError(`startOcctoSimulator: simulatedRetailers[${i}] needs a name`);
    if (seen.has(r.code)) throw new RangeError(`startOcctoSimulator: simulated retailer ${r.code} is listed twice`);
    seen.add(r.code);
    return { code: r.code, name: r.name };
  });
}

export function operatorList(
  companies: ReadonlyMap<string, SimCompany>,
  simulated: readonly SimulatedRetailer[],
  seenNewRetailers: Iterable<string>,
): Array<{ jigyoshaCode: string; jigyoshaMei: string }> {
  const all = new Map<string, string>();
  for (const c of companies.values()) all.set(c.code, companyName(c));
  for (const r of simulated) if (!all.has(r.code)) all.set(r.code, r.name);
  for (const code of seenNewRetailers) if (!all.has(code)) all.set(code, `模擬小売電気事業者${code}`);
  return [...all].sort(([a], [b]) => a.localeCompare(b)).map(([jigyoshaCode, jigyoshaMei]) => ({ jigyoshaCode, jigyoshaMei }));
}
