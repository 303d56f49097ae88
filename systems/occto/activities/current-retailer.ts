// Current retailer (現小売): incoming 廃止取次 (IS_x20310 スイッチング廃止取次照会), the 判断
// (IS_x20410) and the スイッチング廃止申請 (IF_x10710).
//
// Incoming relays carry the customer's personal data: they are returned to the workflow (whose
// payloads are encrypted) and never logged; the log lines carry counts only.
//
// A judgement is final (docs/external-systems/occto-switching.md §4.3; the system answers ERR_20070 to a second one). On a retry, and on
// ERR_20070, the relay is read back through IS_x20310 by its number: the same judgement already
// registered is success (alreadyJudged), a different one is an AlreadyJudged failure.
import type { IncomingRelay, JudgeRelayInput, JudgeRelayResult, OcctoActivities } from './contract.js';
import { attempt, heartbeat, type OcctoCaller } from './caller.js';
import { businessDetails, businessFailure, malformed, occtoFailure } from './errors.js';
import { OcctoFailure } from './contract.js';
import { incomingRelayOf, ngFlagsOf, RELAY_JUDGEMENT } from './mapping.js';
import type { OwnApplications } from './own-applications.js';
import { jstTimestamp, JUDGEMENT, RELAY_STATUS, serviceId, toWireDate, UPDATE_FLAG, type IncomingRelayRecord } from './provisional-wire-format.js';

export type CurrentRetailerActivities = Pick<OcctoActivities, 'fetchIncomingRelays' | 'judgeRelay' | 'applySwitchingStop'>;

/** Upper bound on IS_x20310 pages per fetch (200 relays each): a loop guard, far above any real inbox. */
export const MAX_INBOX_PAGES = 500;

/** The relay status a judgement leads to. */
const STATUS_OF_JUDGEMENT = { OK: RELAY_STATUS.ok, NG: RELAY_STATUS.ng } as const;

export function currentRetailerActivities(caller: OcctoCaller, apps: OwnApplications): CurrentRetailerActivities {
  const { call, ensureOffered, reused } = caller;

  /** The relay as the inbox shows it (any status), or undefined when the inbox does not have it. */
  async function inboxRecord(input: JudgeRelayInput): Promise<IncomingRelayRecord | undefined> {
    try {
      const res = await call('relayInbox', input, { haishiToritsugiNo: input.relayNo });
      return res.kekka.find((r) => r.haishiToritsugiNo === input.relayNo && r.kyokyuChitenTokuteiNo === input.supplyPointId);
    } catch (e) {
      if (businessDetails(e)?.code === 'ERR_20040') return undefined;
      throw e;
    }
  }

  /**
   * A relay that is no longer awaiting judgement: ours with the same judgement → success; judged
   * differently → AlreadyJudged; cancelled or failed → the original error (or a Business one).
   */
  function settled(input: JudgeRelayInput, record: IncomingRelayRecord, why: string, original?: unknown): JudgeRelayResult {
    const sid = serviceId('relayJudge', input.category);
    if (record.jokyoCode === STATUS_OF_JUDGEMENT[input.judgement]) {
      reused('judgement', input, input.relayNo, input.relayNo, why);
      return { alreadyJudged: true, statusCode: record.jokyoCode };
    }
    if (record.jokyoCode === RELAY_STATUS.ok || record.jokyoCode === RELAY_STATUS.ng) {
      const was = RELAY_JUDGEMENT[record.jokyoCode];
      throw occtoFailure(
        OcctoFailure.AlreadyJudged,
        `OCCTO ${sid}: relay ${input.relayNo} was already judged ${was} (状況コード ${record.jokyoCode}); a judgement cannot be changed (docs/external-systems/occto-switching.md §4.3): ${input.judgement} not registered`,
        [{ relayNo: input.relayNo, statusCode: record.jokyoCode, judgement: was, requested: input.judgement }],
      );
    }
    if (original) throw original;
    throw businessFailure(sid, 'ERR_20070', undefined, `relay ${input.relayNo} is ${RELAY_JUDGEMENT[record.jokyoCode]} (状況コード ${record.jokyoCode}) and can no longer be judged; found by look-up, not sent`);
  }

  return {
    async fetchIncomingRelays(input) {
      ensureOffered('SWITCHING_OUT', 'relayInbox', input);
      const filter: Record<string, string> = {};
      if (input.pendingOnly ?? true) filter['jokyoCode'] = RELAY_STATUS.pending;
      if (input.registeredSince !== undefined) {
        // An unreadable instant is passed on as is: the wire schema refuses it before sending.
        const ms = Date.parse(input.registeredSince);
        filter['tourokuNichijiFrom'] = Number.isNaN(ms) ? input.registeredSince : jstTimestamp(ms);
      }
      // Pages of ≤ 200 by 開始位置. A relay judged (or registered) while we page shifts the positions
      // of a filtered list, so one may be missed or seen twice in this fetch: duplicates are dropped
      // here, and a missed one is still pending at the next poll (the inbox is polled hourly).
      const seen = new Map<string, IncomingRelay>();
      let position = 1;
      for (let page = 1; ; page++) {
        const res = await call('relayInbox', input, { ...filter, kaishiIchi: String(position) });
        for (const r of res.kekka) if (!seen.has(r.haishiToritsugiNo)) seen.set(r.haishiToritsugiNo, incomingRelayOf(r, input.category));
        if (res.tsuzukiAri !== '1') break;
        if (res.kekka.length === 0) throw malformed(serviceId('relayInbox', input.category), 'tsuzukiAri=1 with an empty page', '').failure;
        if (page >= MAX_INBOX_PAGES) throw malformed(serviceId('relayInbox', input.category), `more than ${MAX_INBOX_PAGES} pages`, '').failure;
        position += res.kekka.length;
        heartbeat({ page, fetched: seen.size });
      }
      caller.log.info({ event: 'occto.inbox', company: input.company, category: input.category, count: seen.size }, 'OCCTO incoming 廃止取次 fetched');
      return [...seen.values()];
    },

    async judgeRelay(input) {
      ensureOffered('SWITCHING_OUT', 'relayJudge', input, input.supplyPointId);
      if (attempt() > 1) {
        const record = await inboxRecord(input);
        if (record && record.jokyoCode !== RELAY_STATUS.pending) return settled(input, record, 'retry');
      }
      try {
        const res = await call('relayJudge', input, {
          haishiToritsugiNo: input.relayNo,
          kyokyuChitenTokuteiNo: input.supplyPointId,
          hanteiKekka: input.judgement === 'OK' ? JUDGEMENT.ok : JUDGEMENT.ng,
          hanteiNgRiyu: input.judgement === 'NG' || input.ngReasons.length > 0 ? ngFlagsOf(input.ngReasons) : undefined,
        });
        return { alreadyJudged: false, statusCode: res.jokyoCode };
      } catch (e) {
        if (businessDetails(e)?.code !== 'ERR_20070') throw e;
        const record = await inboxRecord(input);
        if (!record || record.jokyoCode === RELAY_STATUS.pending) throw e;
        return settled(input, record, 'duplicate answer', e);
      }
    },

    async applySwitchingStop(input) {
      ensureOffered('SWITCHING_OUT', 'switchingStop', input, input.supplyPointId);
      return apps.applyOnce('switchingStop', input, async () => {
        const res = await call(
          'switchingStop',
          input,
          {
            koshinFlag: UPDATE_FLAG.register,
            jigyoshaKanriNo: input.requestRef,
            kyokyuChitenTokuteiNo: input.supplyPointId,
            haishiToritsugiNo: input.relayNo,
            idoYoteiBi: toWireDate(input.stopDate),
          },
          { ref: input.requestRef, supplyPointId: input.supplyPointId },
        );
        return res.moshikomiNo;
      });
    },
  };
}
