// The other T&D applications (再点, 廃止・撤去, 需要者/発電者情報変更, アンペア変更), the status of
// an application of any kind (IF_x1NN20, IF_x11110) and its 取消.
//
// Each is refused before sending where the system does not offer it (systems/occto/domain/occto-operations.ts:
// category, and for アンペア変更 the supply point's area). Writes go through applyOnce: no second
// application after a lost response (own-applications.ts).
import type { ApplicationKind, KindedApplicationRef, OcctoActivities, ProcessingStatus } from './contract.js';
import type { OcctoOperation } from '../domain/occto-operations.js';
import { chunks, heartbeat, type OcctoCaller } from './caller.js';
import { customerFields, WIRE_KIND } from './mapping.js';
import { statusOp, submitOp, type OwnApplications } from './own-applications.js';
import { STATUS_LIST_MAX, toWireDate, UPDATE_FLAG } from './provisional-wire-format.js';

export type ApplicationActivities = Pick<
  OcctoActivities,
  'applyReconnection' | 'applyDiscontinuation' | 'applyCustomerInfoChange' | 'applyAmpereChange' | 'checkApplicationStatus' | 'cancelApplication' | 'checkProcessingStatusBatch'
>;

/** The availability-matrix row of each application kind (systems/occto/domain/occto-operations.ts). */
export const OPERATION_OF_KIND: Readonly<Record<ApplicationKind, OcctoOperation>> = {
  USAGE_QUERY: 'USAGE_QUERY',
  RECONNECTION: 'RECONNECTION',
  DISCONTINUATION: 'DISCONTINUATION',
  SWITCHING_START: 'SWITCHING_IN',
  SWITCHING_STOP: 'SWITCHING_OUT',
  CUSTOMER_INFO_CHANGE: 'CUSTOMER_INFO_CHANGE',
  AMPERE_CHANGE: 'AMPERE_CHANGE',
};

export function applicationActivities(caller: OcctoCaller, apps: OwnApplications): ApplicationActivities {
  const { call, ensureOffered } = caller;

  /** Refused before sending when the kind's operation does not exist for the category / area. */
  function ensureKindOffered(input: KindedApplicationRef, status: boolean): void {
    const wire = WIRE_KIND[input.kind];
    ensureOffered(OPERATION_OF_KIND[input.kind], status ? statusOp(wire) : submitOp(wire), input, input.supplyPointId);
  }

  return {
    async applyReconnection(input) {
      ensureOffered('RECONNECTION', 'reconnect', input, input.supplyPointId);
      return apps.applyOnce('reconnection', input, async () => {
        const res = await call(
          'reconnect',
          input,
          {
            koshinFlag: UPDATE_FLAG.register,
            jigyoshaKanriNo: input.requestRef,
            kyokyuChitenTokuteiNo: input.supplyPointId,
            idoKibouBi: toWireDate(input.desiredDate),
            ...customerFields(input.customer),
          },
          { ref: input.requestRef, supplyPointId: input.supplyPointId },
        );
        return res.moshikomiNo;
      });
    },

    async applyDiscontinuation(input) {
      ensureOffered('DISCONTINUATION', 'discontinue', input, input.supplyPointId);
      // 撤去あり is its own 申込種別 (02, FIT 13): the look-up finds exactly the kind we applied for.
      return apps.applyOnce(input.withRemoval ? 'discontinuationWithRemoval' : 'discontinuation', input, async () => {
        const res = await call(
          'discontinue',
          input,
          {
            koshinFlag: UPDATE_FLAG.register,
            jigyoshaKanriNo: input.requestRef,
            kyokyuChitenTokuteiNo: input.supplyPointId,
            idoKibouBi: toWireDate(input.desiredDate),
            tekkyoUmu: input.withRemoval ? '1' : '0',
          },
          { ref: input.requestRef, supplyPointId: input.supplyPointId },
        );
        return res.moshikomiNo;
      });
    },

    async applyCustomerInfoChange(input) {
      ensureOffered('CUSTOMER_INFO_CHANGE', 'customerChange', input, input.supplyPointId);
      return apps.applyOnce('infoChange', input, async () => {
        const res = await call(
          'customerChange',
          input,
          {
            koshinFlag: UPDATE_FLAG.register,
            jigyoshaKanriNo: input.requestRef,
            kyokyuChitenTokuteiNo: input.supplyPointId,
            idoKibouBi: toWireDate(input.desiredDate),
            // Only the changed items; none at all is refused before sending by the wire schema.
            ...customerFields(input.changes),
          },
          { ref: input.requestRef, supplyPointId: input.supplyPointId },
        );
        return res.moshikomiNo;
      });
    },

    async applyAmpereChange(input) {
      ensureOffered('AMPERE_CHANGE', 'ampereChange', input, input.supplyPointId);
      return apps.applyOnce('ampereChange', input, async () => {
        const res = await call(
          'ampereChange',
          input,
          {
            koshinFlag: UPDATE_FLAG.register,
            jigyoshaKanriNo: input.requestRef,
            kyokyuChitenTokuteiNo: input.supplyPointId,
            idoKibouBi: toWireDate(input.desiredDate),
            // A value outside 10/15/20/30/40/50/60 is refused before sending by the wire schema.
            keiyakuDenryuA: String(input.amperes),
          },
          { ref: input.requestRef, supplyPointId: input.supplyPointId },
        );
        return res.moshikomiNo;
      });
    },

    async checkApplicationStatus(input) {
      ensureKindOffered(input, true);
      return apps.toStatus(await apps.statusRecord(WIRE_KIND[input.kind], input), input);
    },

    async cancelApplication(input) {
      ensureKindOffered(input, false);
      await apps.cancel(WIRE_KIND[input.kind], input);
    },

    async checkProcessingStatusBatch(input) {
      ensureOffered('STATUS', 'statusList', input);
      const wanted = [...new Set(input.applicationNos)];
      const out: ProcessingStatus[] = [];
      // ≤ 200 numbers per call (the list guideline); one paced call per chunk.
      for (const chunk of chunks(wanted, STATUS_LIST_MAX)) {
        const res = await call('statusList', input, { moshikomiNo: chunk });
        const inChunk = new Set(chunk);
        for (const r of res.kekka) if (inChunk.has(r.moshikomiNo)) out.push(apps.toStatus(r, input));
        heartbeat({ statuses: out.length });
      }
      return out;
    },
  };
}
