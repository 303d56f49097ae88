// Our document types (systems/kansai-takusou/domain/construction.ts) → the wire format's 書類種別 (DOCUMENT_TYPE). Both
// lists are provisional; this table is the only place that joins them.
import type { DocumentType as DomainDocumentType } from '../domain/construction.js';
import { DOCUMENT_TYPE, type DocumentType as WireDocumentType } from './provisional-wire-format.js';

export const WIRE_DOCUMENT_TYPE: Readonly<Record<DomainDocumentType, WireDocumentType>> = {
  DRAWING: DOCUMENT_TYPE.ZUMEN, // 図面
  WIRING_DIAGRAM: DOCUMENT_TYPE.ZUMEN, // 配線図 is a 図面 (wiring drawing)
  SITE_MAP: DOCUMENT_TYPE.ICHIZU, // 位置図
  COMPLETION_REPORT: DOCUMENT_TYPE.SHUNKO_SHORUI, // 竣工書類
  INSPECTION_RECORD: DOCUMENT_TYPE.SHUNKO_SHORUI, // 検査記録 is one of the 竣工書類
  OTHER: DOCUMENT_TYPE.SONOTA, // その他
};

export function wireDocumentType(t: DomainDocumentType): WireDocumentType {
  return WIRE_DOCUMENT_TYPE[t];
}
