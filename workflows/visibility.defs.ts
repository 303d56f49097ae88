// One builder of visibility queries over the typed search attributes (never personal data), for
// the client library's lists, the gateway's work list and the worker's decision gauges.
import { CONSTRUCTION_KIND_SA } from '../systems/kansai-takusou/workflows/construction.defs.js';
import { OCCTO_OPERATION_KIND } from '../systems/occto/workflows/operations/operation.defs.js';
import { SWITCHING_IN_KIND } from '../systems/occto/workflows/switching-in.defs.js';
import { SWITCHING_OUT_KIND } from '../systems/occto/workflows/switching-out.defs.js';
import { SA_AREA, SA_AWAITING_HUMAN, SA_COMPANY, SA_KIND, SA_STAGE } from './search-attributes.js';
import { InvalidInputError } from '../domain/errors.js';

/** Every lifecycle kind as its workflows publish it in DenkiKind. */
export const LIFECYCLE_KINDS = [SWITCHING_IN_KIND, SWITCHING_OUT_KIND, CONSTRUCTION_KIND_SA, OCCTO_OPERATION_KIND] as const;
export type LifecycleKind = (typeof LIFECYCLE_KINDS)[number];

export interface LifecycleFilter {
  /** One kind, or every lifecycle kind when absent. */
  kind?: LifecycleKind;
  awaitingHuman?: boolean;
  /** Running executions only (default true). */
  running?: boolean;
  stage?: string;
  company?: string;
  area?: string;
}

/** A filter value as a query literal; anything but letters, digits and . : / - _ is refused (no query injection). */
export function quoteFilterValue(v: string): string {
  if (!/^[\w.:/-]+$/.test(v)) {
    throw new InvalidInputError([{ field: 'filter', rule: 'characters', message: `filter value ${JSON.stringify(v)} may hold letters, digits and . : / - _ only` }]);
  }
  return `'${v}'`;
}

export function lifecycleQuery(f: LifecycleFilter = {}): string {
  const q = quoteFilterValue;
  const parts = [f.kind ? `${SA_KIND.name} = ${q(f.kind)}` : `${SA_KIND.name} IN (${LIFECYCLE_KINDS.map(q).join(', ')})`];
  if (f.running !== false) parts.push(`ExecutionStatus = 'Running'`);
  if (f.awaitingHuman !== undefined) parts.push(`${SA_AWAITING_HUMAN.name} = ${f.awaitingHuman}`);
  if (f.stage) parts.push(`${SA_STAGE.name} = ${q(f.stage)}`);
  if (f.company) parts.push(`${SA_COMPANY.name} = ${q(f.company)}`);
  if (f.area) parts.push(`${SA_AREA.name} = ${q(f.area)}`);
  return parts.join(' AND ');
}
