// New retailer (新小売): 廃止取次 登録 / 結果照会 / 取消 (IS_x20110, IS_x20210) and the
// スイッチング開始申請 (IF_x10610 / 10620).
//
// A registration whose response was lost may have been recorded: on a retry, and when the system
// answers "duplicate", we look up our own relay by 事業者管理番号 (= requestRef) and treat it as
// success instead of registering again.
import type { OcctoActivities, RegisterRelayInput, RelayRef, RelayResult } from './contract.js';
import { OcctoFailure } from './contract.js';
import { attempt, chunks, heartbeat, type OcctoCaller } from './caller.js';
import { businessDetails, businessFailure, isOcctoFailure } from './errors.js';
import { customerFields, relayResultOf } from './mapping.js';
import { cancelIdempotently, type OwnApplications } from './own-applications.js';
import { RELAY_STATUS, serviceId, STATUS_LIST_MAX, toWireDate, UPDATE_FLAG, type RelayRecord } from './provisional-wire-format.js';

/** A relay that occupies the supply point (blocks another registration). */
const OPEN_RELAY: ReadonlySet<string> = new Set([RELAY_STATUS.pending, RELAY_STATUS.ok]);

export type SwitchingInActivities = Pick<
  OcctoActivities,
  'registerRelay' | 'queryRelayResult' | 'cancelRelay' | 'queryRelayResultsBatch' | 'applySwitchingStart' | 'cancelSwitchingStart' | 'checkSwitchingStartStatus'
>;

export function switchingInActivities(caller: OcctoCaller, apps: OwnApplications): SwitchingInActivities {
  const { call, ensureOffered, reused } = caller;

  /** Relays of ours registered with jigyoshaKanriNo = requestRef for the point; [] when none. */
  async function findOwnRelays(input: RegisterRelayInput): Promise<RelayRecord[]> {
    try {
      const res = await call('relayResult', input, { jigyoshaKanriNo: input.requestRef }, { ref: input.requestRef });
      return res.kekka.filter(
        (r) => (r.jigyoshaKanriNo === undefined || r.jigyoshaKanriNo === input.requestRef) && r.kyokyuChitenTokuteiNo === input.supplyPointId,
      );
    } catch (e) {
      if (businessDetails(e)?.code === 'ERR_20040') return []; // no matching data
      throw e;
    }
  }

  async function relayRecord(input: RelayRef): Promise<RelayRecord> {
    const res = await call('relayResult', input, { haishiToritsugiNo: input.relayNo });
    const record = res.kekka.find((r) => r.haishiToritsugiNo === input.relayNo);
    if (!record) throw businessFailure(serviceId('relayResult', input.category), 'ERR_20040', undefined, 'relay not in the result list');
    return record;
  }

  return {
    async registerRelay(input) {
      ensureOffered('SWITCHING_IN', 'relayRegister', input, input.supplyPointId);
      if (attempt() > 1) {
        const earlier = (await findOwnRelays(input)).find((r) => r.jokyoCode !== RELAY_STATUS.cancelled);
        if (earlier) {
          reused('relay', input, input.requestRef, earlier.haishiToritsugiNo, 'retry');
          return { relayNo: earlier.haishiToritsugiNo, alreadyRegistered: true };
        }
      }
      try {
        const res = await call(
          'relayRegister',
          input,
          {
            koshinFlag: UPDATE_FLAG.register,
            jigyoshaKanriNo: input.requestRef,
            kyokyuChitenTokuteiNo: input.supplyPointId,
            kyokyuKaishiBi: toWireDate(input.supplyStartDate),
            genKouriJigyoshaCode: input.currentRetailerCode,
            ...customerFields(input.customer),
          },
          { ref: input.requestRef },
        );
        return { relayNo: res.haishiToritsugiNo, alreadyRegistered: false };
      } catch (e) {
        if (!isOcctoFailure(e, OcctoFailure.DuplicateRelay)) throw e;
        const ours = (await findOwnRelays(input)).find((r) => OPEN_RELAY.has(r.jokyoCode));
        if (!ours) throw e;
        reused('relay', input, input.requestRef, ours.haishiToritsugiNo, 'duplicate answer');
        return { relayNo: ours.haishiToritsugiNo, alreadyRegistered: true };
      }
    },

    async queryRelayResult(input) {
      ensureOffered('SWITCHING_IN', 'relayResult', input, input.supplyPointId);
      return relayResultOf(await relayRecord(input));
    },

    async queryRelayResultsBatch(input) {
      ensureOffered('SWITCHING_IN', 'relayResult', input);
      const wanted = [...new Set(input.relayNos)];
      const out: RelayResult[] = [];
      // ≤ 200 relays per call (the list guideline); one paced call per chunk.
      for (const chunk of chunks(wanted, STATUS_LIST_MAX)) {
        const res = await call('relayResult', input, { haishiToritsugiNoList: chunk });
        const inChunk = new Set(chunk);
        for (const r of res.kekka) if (inChunk.has(r.haishiToritsugiNo)) out.push(relayResultOf(r));
        heartbeat({ results: out.length });
      }
      return out;
    },

    async cancelRelay(input) {
      ensureOffered('SWITCHING_IN', 'relayRegister', input, input.supplyPointId);
      await cancelIdempotently(
        () =>
          call('relayRegister', input, {
            koshinFlag: UPDATE_FLAG.cancel,
            // ASSUMPTION: RelayRef carries no requestRef; the relay number identifies the record.
            jigyoshaKanriNo: input.relayNo,
            kyokyuChitenTokuteiNo: input.supplyPointId,
            haishiToritsugiNo: input.relayNo,
          }),
        async () => (await relayRecord(input)).jokyoCode === RELAY_STATUS.cancelled,
      );
    },

    async applySwitchingStart(input) {
      ensureOffered('SWITCHING_IN', 'switchingStart', input, input.supplyPointId);
      return apps.applyOnce('switchingStart', input, async () => {
        const res = await call(
          'switchingStart',
          input,
          {
            koshinFlag: UPDATE_FLAG.register,
            jigyoshaKanriNo: input.requestRef,
            kyokyuChitenTokuteiNo: input.supplyPointId,
            haishiToritsugiNo: input.relayNo,
            idoYoteiBi: toWireDate(input.supplyStartDate),
            ...customerFields(input.customer),
          },
          { ref: input.requestRef, supplyPointId: input.supplyPointId },
        );
        return res.moshikomiNo;
      });
    },

    async cancelSwitchingStart(input) {
      ensureOffered('SWITCHING_IN', 'switchingStart', input, input.supplyPointId);
      await apps.cancel('switchingStart', input);
    },

    async checkSwitchingStartStatus(input) {
      ensureOffered('SWITCHING_IN', 'switchingStartStatus', input, input.supplyPointId);
      return apps.toStatus(await apps.statusRecord('switchingStart', input), input);
    },
  };
}
