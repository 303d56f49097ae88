// Our construction application (systems/kansai-takusou/domain/construction.ts) → the items of the apply APIs 1–4 of the
// provisional wire format. Pure: no I/O, so it is unit-tested on its own.
//
// What the wire format needs and our input does not carry is derived here, each derivation marked
// ASSUMPTION (they are the gaps between ConstructionParsed and the API; see the helper's report):
//   - 契約種別 (keiyakuShubetsu) from the supply type (and 公衆街路灯A for street lights);
//   - 契約電力 from contractAmperes, unit 'A';
//   - 設備種別 (setsubiShubetsu): 温水器 when a waterHeater is given, else その他;
//   - 集団 建物名 (tatemonoMei) from the site address (there is no building-name field);
//   - 街路灯 設置場所 (secchiBasho) from the site address;
//   - 臨時 使用開始日 = desiredDate, 使用終了日 = temporaryUntil.
// Items of our input the API of the kind has no place for are refused, never dropped silently.
import type { ConstructionKind } from '../domain/construction.js';
import type { ApplicationData } from './contract.js';
import type { InvalidItem } from './errors.js';
import {
  CORRECTION_FLAG,
  issuesToItems,
  REQUEST_SCHEMAS,
  SERVICE,
  type Equipment,
  type RequestOf,
  type ServiceName,
  type SupplyType,
} from './provisional-wire-format.js';

/** Apply service (1–4) by kind. */
export const APPLY_SERVICE = {
  JOJI: SERVICE.jojiApply,
  RINJI: SERVICE.rinjiApply,
  GAIROTO: SERVICE.gairotoApply,
  SHUDAN: SERVICE.shudanApply,
} as const satisfies Record<ConstructionKind, ServiceName>;
export type ApplyService = (typeof APPLY_SERVICE)[ConstructionKind];

/** ASSUMPTION: 契約種別 by supply type (常時 / 集団 units). The real code list is KTD's. */
export const CONTRACT_TYPE_JOJI: Readonly<Record<SupplyType, string>> = { DENTO: '従量電灯', DENRYOKU: '低圧電力', DENTO_SHINYA: '深夜電力' };
/** ASSUMPTION: 契約種別 of 臨時 applications (電灯 or 電力 only). */
export const CONTRACT_TYPE_RINJI: Readonly<Record<'DENTO' | 'DENRYOKU', string>> = { DENTO: '臨時電灯', DENRYOKU: '臨時電力' };
/** ASSUMPTION: 契約種別 of a street light. */
export const CONTRACT_TYPE_GAIROTO = '公衆街路灯A';

const TATEMONO_MEI_MAX = 80;

type DomainEquipment = ApplicationData['equipment'][number];

/** Wire item path → our input's field, to name the right field to the person who corrects it. */
const SOURCE_OF_ITEM: readonly [RegExp, string][] = [
  [/^jigyoshaKanriNo$/, 'requestRef'],
  [/^kouriJigyoshaCode$/, 'company'],
  [/^moshikomiNo$/, 'correctionOf'],
  [/^juyoshaMei$/, 'site.customerName'],
  [/^juyoshaDenwa$/, 'site.phone'],
  [/^juyoBashoJusho$/, 'site.address'],
  [/^kibouKyokyuKaishiBi$/, 'desiredDate'],
  [/^shiyoKaishiBi$/, 'desiredDate'],
  [/^shiyoShuryoBi$/, 'temporaryUntil'],
  [/^kyokyuShubetsu$/, 'supplyTypes'],
  [/^keiyakuDenryoku$/, 'contractAmperes'],
  [/^setsubi$/, 'equipment'],
  [/^setsubi\.(\d+)\.setsubiMei$/, 'equipment.$1.name'],
  [/^setsubi\.(\d+)\.daisu$/, 'equipment.$1.quantity'],
  [/^setsubi\.(\d+)\.yoryoKw$/, 'equipment.$1.capacityKw'],
  [/^setsubi\.(\d+)\.onsuikiMaker$/, 'equipment.$1.waterHeater.maker'],
  [/^setsubi\.(\d+)\.onsuikiBunrui$/, 'equipment.$1.waterHeater.heaterClass'],
  [/^setsubi\.(\d+)\.onsuikiYoryoL$/, 'equipment.$1.waterHeater.capacityLitres'],
  [/^setsubi\.(\d+)\.katashiki$/, 'equipment.$1.waterHeater.model'],
  [/^setsubi\.(\d+)/, 'equipment.$1'],
  [/^gairoto\.toshu$/, 'lamps.0.lampType'],
  [/^gairoto\.shohiDenryokuW$/, 'lamps.0.wattage'],
  [/^gairoto\.chuBango$/, 'lamps.0.poleNo'],
  [/^gairoto\.secchiBasho$/, 'site.address'],
  [/^tatemonoMei$/, 'site.address'],
  [/^juko$/, 'units'],
  [/^juko\.(\d+)\.heyaBango$/, 'units.$1.unitNo'],
  [/^juko\.(\d+)\.keiyakuDenryoku$/, 'units.$1.contractAmperes'],
  [/^juko\.(\d+)\.setsubi\.(\d+)\.setsubiMei$/, 'units.$1.equipment.$2.name'],
  [/^juko\.(\d+)\.setsubi\.(\d+)\.daisu$/, 'units.$1.equipment.$2.quantity'],
  [/^juko\.(\d+)\.setsubi\.(\d+)\.yoryoKw$/, 'units.$1.equipment.$2.capacityKw'],
  [/^juko\.(\d+)\.setsubi\.(\d+)\.onsuikiMaker$/, 'units.$1.equipment.$2.waterHeater.maker'],
  [/^juko\.(\d+)\.setsubi\.(\d+)\.onsuikiBunrui$/, 'units.$1.equipment.$2.waterHeater.heaterClass'],
  [/^juko\.(\d+)\.setsubi\.(\d+)\.onsuikiYoryoL$/, 'units.$1.equipment.$2.waterHeater.capacityLitres'],
  [/^juko\.(\d+)\.setsubi\.(\d+)\.katashiki$/, 'units.$1.equipment.$2.waterHeater.model'],
  [/^juko\.(\d+)/, 'units.$1'],
];

/** Our input's field an item of the apply APIs comes from, if it comes from one. */
export function sourceOfItem(item: string): string | undefined {
  for (const [re, source] of SOURCE_OF_ITEM) if (re.test(item)) return item.replace(re, source);
  return undefined;
}

/** The item with our input's field named in its message (the item keeps the API's name). */
export function withSource(i: InvalidItem): InvalidItem {
  const source = sourceOfItem(i.item);
  return source && source !== i.item ? { item: i.item, message: `${i.message} [input: ${source}]` } : i;
}

function toSetsubi(e: DomainEquipment): Equipment {
  const wh = e.waterHeater;
  return {
    setsubiShubetsu: wh ? 'ONSUIKI' : 'SONOTA',
    setsubiMei: e.name,
    daisu: e.quantity,
    yoryoKw: e.capacityKw,
    ...(wh
      ? {
          onsuikiMaker: wh.maker,
          onsuikiBunrui: wh.heaterClass,
          onsuikiYoryoL: wh.capacityLitres,
          ...(wh.model !== undefined ? { katashiki: wh.model } : {}),
        }
      : {}),
  };
}

export interface ApplyItemsInput {
  kind: ConstructionKind;
  company: string;
  requestRef: string;
  application: ApplicationData;
  correctionOf?: string | undefined;
}

export type ApplyItems = { ok: true; service: ApplyService; body: RequestOf<ApplyService> } | { ok: false; service: ApplyService; items: InvalidItem[] };

/**
 * The request of the apply API for the kind (a 訂正 when correctionOf is set), validated against
 * the wire schema; or the items that make it impossible, named by API item with our field.
 */
export function applyItems(input: ApplyItemsInput): ApplyItems {
  const { kind, company, requestRef, application: a } = input;
  const service = APPLY_SERVICE[kind];
  const items: InvalidItem[] = [];
  const refuse = (item: string, message: string) => items.push({ item, message });

  if (a.kind !== kind) refuse('kind', `application.kind ${a.kind} differs from the kind ${kind} to apply for`);
  if (a.desiredDate === undefined) refuse('kibouKyokyuKaishiBi', 'desiredDate is required by the apply APIs (希望供給開始日) [input: desiredDate]');
  if (kind !== 'RINJI' && a.temporaryUntil !== undefined) refuse('shiyoShuryoBi', 'temporaryUntil is only for 臨時 (RINJI) applications [input: temporaryUntil]');

  const base = {
    kouriJigyoshaCode: company,
    jigyoshaKanriNo: requestRef,
    ...(input.correctionOf !== undefined ? { teiseiFlag: CORRECTION_FLAG.correction, moshikomiNo: input.correctionOf } : {}),
    juyoshaMei: a.site.customerName,
    ...(a.site.phone !== undefined ? { juyoshaDenwa: a.site.phone } : {}),
    juyoBashoJusho: a.site.address,
    kibouKyokyuKaishiBi: a.desiredDate ?? '',
  };

  let body: Record<string, unknown>;
  switch (kind) {
    case 'JOJI':
    case 'RINJI': {
      const supplyType = a.supplyTypes?.[0];
      if (!supplyType || (a.supplyTypes?.length ?? 0) !== 1) refuse('kyokyuShubetsu', `exactly one supply type per ${kind} application [input: supplyTypes]`);
      if (a.equipment.length === 0) refuse('setsubi', 'the apply API needs at least one equipment entry (設備) [input: equipment]');
      const contractType = kind === 'JOJI' ? CONTRACT_TYPE_JOJI[supplyType ?? 'DENTO'] : CONTRACT_TYPE_RINJI[supplyType === 'DENRYOKU' ? 'DENRYOKU' : 'DENTO'];
      body = {
        ...base,
        kyokyuShubetsu: supplyType,
        keiyakuShubetsu: contractType,
        ...(a.contractAmperes !== undefined ? { keiyakuDenryoku: a.contractAmperes, keiyakuDenryokuTani: 'A' } : {}),
        setsubi: a.equipment.map(toSetsubi),
        ...(kind === 'RINJI' ? { shiyoKaishiBi: a.desiredDate ?? '', shiyoShuryoBi: a.temporaryUntil ?? '' } : {}),
      };
      if (kind === 'RINJI' && a.temporaryUntil === undefined) refuse('shiyoShuryoBi', 'temporaryUntil is required for 臨時 [input: temporaryUntil]');
      break;
    }
    case 'GAIROTO': {
      const lamp = a.lamps?.[0];
      if (!lamp || (a.lamps?.length ?? 0) !== 1) refuse('gairoto', 'exactly one lamp per 街路灯 application [input: lamps]');
      if (a.supplyTypes && (a.supplyTypes.length !== 1 || a.supplyTypes[0] !== 'DENTO')) refuse('kyokyuShubetsu', '街路灯 is 電灯 (DENTO) only [input: supplyTypes]');
      if (a.equipment.length > 0) refuse('setsubi', '街路灯 applications have no equipment list: describe the lamp in lamps [input: equipment]');
      if (a.contractAmperes !== undefined) refuse('keiyakuDenryoku', '街路灯 applications carry no contract capacity [input: contractAmperes]');
      body = {
        ...base,
        kyokyuShubetsu: 'DENTO',
        keiyakuShubetsu: CONTRACT_TYPE_GAIROTO,
        gairoto: {
          toshu: lamp?.lampType ?? '',
          shohiDenryokuW: lamp?.wattage ?? 0,
          secchiBasho: a.site.address,
          ...(lamp?.poleNo !== undefined ? { chuBango: lamp.poleNo } : {}),
        },
      };
      break;
    }
    case 'SHUDAN': {
      const units = a.units ?? [];
      if (units.length === 0) refuse('juko', 'a 集団 application needs at least one dwelling unit [input: units]');
      const unitTypes = [...new Set(units.map((u) => u.supplyType))];
      const declared = a.supplyTypes;
      if (declared && declared.length !== 1) refuse('kyokyuShubetsu', 'one supply type per 集団 application [input: supplyTypes]');
      if (unitTypes.length > 1) refuse('kyokyuShubetsu', `all units of one 集団 application must share one supply type (got ${unitTypes.join(', ')}) [input: units.supplyType]`);
      const supplyType = declared?.[0] ?? unitTypes[0];
      if (declared?.[0] !== undefined && unitTypes.length === 1 && unitTypes[0] !== declared[0]) {
        refuse('kyokyuShubetsu', `supplyTypes ${declared[0]} differs from the units' ${String(unitTypes[0])} [input: supplyTypes]`);
      }
      if (a.equipment.length > 0) refuse('setsubi', '集団 applications list equipment per unit: use units[].equipment [input: equipment]');
      if (a.contractAmperes !== undefined) refuse('keiyakuDenryoku', '集団 applications carry the contract per unit: use units[].contractAmperes [input: contractAmperes]');
      body = {
        ...base,
        kyokyuShubetsu: supplyType,
        tatemonoMei: a.site.address.slice(0, TATEMONO_MEI_MAX),
        juko: units.map((u) => ({
          heyaBango: u.unitNo,
          keiyakuShubetsu: CONTRACT_TYPE_JOJI[u.supplyType],
          keiyakuDenryoku: u.contractAmperes,
          keiyakuDenryokuTani: 'A',
          ...(u.equipment.length > 0 ? { setsubi: u.equipment.map(toSetsubi) } : {}),
        })),
      };
      break;
    }
  }

  if (items.length > 0) return { ok: false, service, items };
  const schema = REQUEST_SCHEMAS[service];
  const r = schema.safeParse(body);
  if (!r.success) return { ok: false, service, items: issuesToItems(r.error).map(withSource) };
  return { ok: true, service, body: r.data as RequestOf<ApplyService> };
}

/** The personal values of an application (to scrub them from anything the service echoes). */
export function personalValues(a: Pick<ApplicationData, 'site'>): string[] {
  return [a.site.customerName, a.site.address, ...(a.site.phone !== undefined ? [a.site.phone] : [])].filter((v) => v.length > 0);
}
