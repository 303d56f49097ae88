// Typed search attributes for the Web UI and the awaiting-human lists. Never personal data.
// Registered on the dev server by scripts/stack.sh and by the tests (see SEARCH_ATTRIBUTES).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SA_KIND = defineSearchAttributeKey('DenkiKind', SearchAttributeType.KEYWORD);
export const SA_STAGE = defineSearchAttributeKey('DenkiStage', SearchAttributeType.KEYWORD);
export const SA_COMPANY = defineSearchAttributeKey('DenkiCompany', SearchAttributeType.KEYWORD);
export const SA_AREA = defineSearchAttributeKey('DenkiArea', SearchAttributeType.KEYWORD);
export const SA_SUPPLY_POINT = defineSearchAttributeKey('DenkiSupplyPointId', SearchAttributeType.KEYWORD);
export const SA_AWAITING_HUMAN = defineSearchAttributeKey('DenkiAwaitingHuman', SearchAttributeType.BOOL);
export const SA_DECISION_DUE = defineSearchAttributeKey('DenkiDecisionDue', SearchAttributeType.DATETIME);

/** たくそう君 申込番号 and 常時/臨時/街路灯/集団. */
export const SA_APPLICATION_NO = defineSearchAttributeKey('DenkiApplicationNo', SearchAttributeType.KEYWORD);
export const SA_CONSTRUCTION_KIND = defineSearchAttributeKey('DenkiConstructionKind', SearchAttributeType.KEYWORD);

/** OCCTO 廃止取次番号 (current-retailer side) and which OCCTO operation a workflow performs. */
export const SA_RELAY_NO = defineSearchAttributeKey('DenkiRelayNo', SearchAttributeType.KEYWORD);
export const SA_OPERATION = defineSearchAttributeKey('DenkiOperation', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [
  SA_KIND,
  SA_STAGE,
  SA_COMPANY,
  SA_AREA,
  SA_SUPPLY_POINT,
  SA_AWAITING_HUMAN,
  SA_DECISION_DUE,
  SA_APPLICATION_NO,
  SA_CONSTRUCTION_KIND,
  SA_RELAY_NO,
  SA_OPERATION,
];
