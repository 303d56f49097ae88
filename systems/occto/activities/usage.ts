// 使用量情報照会 (LV, HV): the application for a query password (IF_x10210), its status with the
// password once completed (IF_x10220), and the query itself (IF_x10310, 13 months).
//
// The password is a secret: it travels in the activity result (encrypted payloads) and in the
// IF_x10310 request body, and never into a log line or a failure message.
import type { OcctoActivities } from './contract.js';
import type { OcctoCaller } from './caller.js';
import { usageDataOf, usageQueryStatusOf } from './mapping.js';
import type { OwnApplications } from './own-applications.js';
import { malformed } from './errors.js';
import { serviceId, UPDATE_FLAG } from './provisional-wire-format.js';

export type UsageActivities = Pick<OcctoActivities, 'applyUsageQuery' | 'checkUsageQueryStatus' | 'queryUsage'>;

export function usageActivities(caller: OcctoCaller, apps: OwnApplications): UsageActivities {
  const { call, ensureOffered } = caller;
  return {
    async applyUsageQuery(input) {
      ensureOffered('USAGE_QUERY', 'usageApply', input, input.supplyPointId);
      return apps.applyOnce('usageQuery', input, async () => {
        const res = await call(
          'usageApply',
          input,
          {
            koshinFlag: UPDATE_FLAG.register,
            jigyoshaKanriNo: input.requestRef,
            kyokyuChitenTokuteiNo: input.supplyPointId,
            // The workflow starts a usage query only with the customer's consent (docs/external-systems/occto-switching.md §8.5).
            doiKakuninZumi: '1',
          },
          { ref: input.requestRef, supplyPointId: input.supplyPointId },
        );
        return res.moshikomiNo;
      });
    },

    async checkUsageQueryStatus(input) {
      ensureOffered('USAGE_QUERY', 'usageApplyStatus', input, input.supplyPointId);
      const record = await call('usageApplyStatus', input, { moshikomiNo: input.applicationNo }, { supplyPointId: input.supplyPointId });
      if (record.moshikomiNo !== input.applicationNo) throw malformed(serviceId('usageApplyStatus', input.category), 'status for another application number', '').failure;
      return usageQueryStatusOf(record, input.category, (stageCode) =>
        caller.log.warn({ event: 'occto.unknownStage', company: input.company, category: input.category, stageCode, applicationNo: record.moshikomiNo }, 'unknown 受付工程 code; treated as in progress'),
      );
    },

    async queryUsage(input) {
      ensureOffered('USAGE_QUERY', 'usageQuery', input, input.supplyPointId);
      // ERR_PASSWORD_EXPIRED → PasswordExpired (apply again); ERR_PASSWORD_INVALID → Business (errors.ts).
      const res = await call('usageQuery', input, { kyokyuChitenTokuteiNo: input.supplyPointId, shokaiPassword: input.password }, { supplyPointId: input.supplyPointId });
      return usageDataOf(input.supplyPointId, res);
    },
  };
}
