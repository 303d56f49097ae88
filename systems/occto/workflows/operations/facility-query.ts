// 設備情報照会 (IF_x10110; LV and FIT, no HV — docs/external-systems/occto-switching.md §2.5): one call that answers directly.
import { setCurrentDetails } from '@temporalio/workflow';
import { facilityQueryInputSchema, type FacilityQueryInput } from '../../domain/occto-operation-inputs.js';
import { Abandoned, operationKit, parseOperationInput } from './operation-kit.js';
import type { FacilityQueryResult } from './operation.defs.js';

export async function occtoFacilityQueryWorkflow(raw: FacilityQueryInput): Promise<FacilityQueryResult> {
  const input = parseOperationInput(facilityQueryInputSchema, raw, 'FACILITY_QUERY', 'facility query');
  const { company, category, supplyPointId } = input;
  const kit = operationKit({ op: 'FACILITY_QUERY', company, category, supplyPointId, reference: input.reference, options: input.options });
  kit.setStage('QUERYING');
  try {
    const facility = await kit.step(() => kit.guard.run({ scope: 'area' }, () => kit.occto.queryFacility({ company, category, supplyPointId })));
    kit.record(`設備情報 received (検針日 ${facility.meterReadingDay}, 次々回検針日 ${facility.nextButOneMeterReadingDate})`);
    kit.state.outcome = 'COMPLETED';
    kit.setStage('COMPLETED');
    return { outcome: 'COMPLETED', facility };
  } catch (err) {
    if (!(err instanceof Abandoned)) throw err;
    kit.state.outcome = 'ABANDONED';
    kit.setStage('ABANDONED');
    setCurrentDetails(kit.describe());
    return { outcome: 'ABANDONED', reason: err.reason, decidedBy: err.decidedBy };
  }
}
