// 設備情報照会 (IF_x10110; LV and FIT only, no HV function, docs/external-systems/occto-switching.md §6.3): answers directly. No personal data.
import type { OcctoActivities } from './contract.js';
import type { OcctoCaller } from './caller.js';
import { malformed } from './errors.js';
import { facilityInfoOf } from './mapping.js';
import { serviceId } from './provisional-wire-format.js';

export type FacilityActivities = Pick<OcctoActivities, 'queryFacility'>;

export function facilityActivities(caller: OcctoCaller): FacilityActivities {
  const { call, ensureOffered } = caller;
  return {
    async queryFacility(input) {
      ensureOffered('FACILITY_QUERY', 'facilityQuery', input, input.supplyPointId);
      const res = await call('facilityQuery', input, { kyokyuChitenTokuteiNo: input.supplyPointId }, { supplyPointId: input.supplyPointId });
      if (res.setsubi.kyokyuChitenTokuteiNo !== input.supplyPointId) throw malformed(serviceId('facilityQuery', input.category), 'facility data of another supply point', '').failure;
      return facilityInfoOf(res);
    },
  };
}
