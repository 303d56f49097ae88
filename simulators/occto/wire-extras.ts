// Things the simulator needs that activities/occto/provisional-wire-format.ts does not define.
// ASSUMPTIONS like the rest of the provisional format; to be moved there (or replaced by the real
// 外部インターフェース仕様書) by the module's owner.
import { jstParts } from '../../domain/jst.js';

/** 503 during a maintenance window (assumption: the real code is not public, spec §13 Q5). */
export const MAINTENANCE_FAULT_CODE = 'soapenv:Server.Maintenance';
/** 500-class server failure. */
export const SERVER_FAULT_CODE = 'soapenv:Server';

/** Date-time items (登録日時, 判断日時): ISO 8601 in JST, like the header's timeStamp (assumption). */
export function jstTimestamp(ms: number): string {
  const p = jstParts(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${p.date}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}+09:00`;
}

/** A response that is not well-formed XML: the real one cut in the middle of an element. */
export function malformedXml(xml: string): string {
  return `${xml.slice(0, Math.max(60, Math.floor(xml.length / 2)))}<sw:`;
}
