// The T&D applications (申込) every kind shares: submit without duplicates, the single-record
// status, and an idempotent 取消.
//
// No duplicate writes after an ambiguous failure (docs/architecture.md §5): every application carries
// jigyoshaKanriNo = requestRef. On a retry (activity attempt > 1), and when the system answers
// ERR_20070 (a duplicate / inconsistent change request), we look up our own application of that
// kind for the point by jigyoshaKanriNo through IF_x11110 and return it (alreadyApplied: true)
// instead of writing again. A rejected (09) application of ours is not reused: it is applied anew.
import type { ApplicationRef, ApplicationResult, ProcessingStatus } from './contract.js';
import { processingStatusOf } from './mapping.js';
import { attempt, type CallTarget, type OcctoCaller } from './caller.js';
import { businessDetails, isOcctoFailure, malformed } from './errors.js';
import { OcctoFailure } from './contract.js';
import {
  APPLICATION_OPERATIONS,
  applicationKindOf,
  PROCESSING_STAGE,
  serviceId,
  UPDATE_FLAG,
  type ApplicationKindName,
  type ProcessingStatusRecord,
} from './provisional-wire-format.js';

type SubmitOp = 'usageApply' | 'reconnect' | 'discontinue' | 'switchingStart' | 'switchingStop' | 'customerChange' | 'ampereChange';
type StatusOp = 'usageApplyStatus' | 'reconnectStatus' | 'discontinueStatus' | 'switchingStartStatus' | 'switchingStopStatus' | 'customerChangeStatus' | 'ampereChangeStatus';

export const submitOp = (kind: ApplicationKindName): SubmitOp => APPLICATION_OPERATIONS[kind].submit as SubmitOp;
export const statusOp = (kind: ApplicationKindName): StatusOp => APPLICATION_OPERATIONS[kind].status as StatusOp;

export interface OwnApplicationTarget extends CallTarget {
  supplyPointId: string;
  requestRef: string;
}

export interface OwnApplications {
  /** Our applications of `kind` for the point with jigyoshaKanriNo = requestRef (IF_x11110); [] when none. */
  find(kind: ApplicationKindName, target: OwnApplicationTarget): Promise<ProcessingStatusRecord[]>;
  /**
   * Submits an application once: on a retry looks up ours first; on ERR_20070 looks up ours and
   * returns it. `send` performs the submit call and returns the 申込番号.
   */
  applyOnce(kind: ApplicationKindName, target: OwnApplicationTarget, send: () => Promise<string>): Promise<ApplicationResult>;
  /** The single-record 業務処理状況確認 (IF_x1NN20) of one application; the answer must be about it. */
  statusRecord(kind: ApplicationKindName, ref: ApplicationRef): Promise<ProcessingStatusRecord>;
  /** 更新フラグ 3 取消; success when the application already reads back as rejected/cancelled (09). */
  cancel(kind: ApplicationKindName, ref: ApplicationRef): Promise<void>;
  /** A status record → ProcessingStatus; an unknown 受付工程 is logged and treated as in progress. */
  toStatus(r: ProcessingStatusRecord, on: CallTarget): ProcessingStatus;
}

const reusable = (records: ProcessingStatusRecord[]) => records.find((r) => r.uketsukeKoteiCode !== PROCESSING_STAGE.rejected);

export function ownApplications(caller: OcctoCaller): OwnApplications {
  const { call, reused } = caller;

  async function find(kind: ApplicationKindName, target: OwnApplicationTarget): Promise<ProcessingStatusRecord[]> {
    try {
      const res = await call('statusList', target, { jigyoshaKanriNo: target.requestRef }, { ref: target.requestRef });
      return res.kekka.filter(
        (r) =>
          applicationKindOf(r.moshikomiShubetsu, target.category) === kind &&
          r.kyokyuChitenTokuteiNo === target.supplyPointId &&
          (r.jigyoshaKanriNo === undefined || r.jigyoshaKanriNo === target.requestRef),
      );
    } catch (e) {
      if (businessDetails(e)?.code === 'ERR_20040') return []; // no matching data
      throw e;
    }
  }

  async function applyOnce(kind: ApplicationKindName, target: OwnApplicationTarget, send: () => Promise<string>): Promise<ApplicationResult> {
    if (attempt() > 1) {
      const earlier = reusable(await find(kind, target));
      if (earlier) {
        reused(kind, target, target.requestRef, earlier.moshikomiNo, 'retry');
        return { applicationNo: earlier.moshikomiNo, alreadyApplied: true };
      }
    }
    try {
      return { applicationNo: await send(), alreadyApplied: false };
    } catch (e) {
      // ERR_20070 covers a duplicate application: ours (lost response) is success.
      if (businessDetails(e)?.code !== 'ERR_20070') throw e;
      const ours = reusable(await find(kind, target));
      if (!ours) throw e;
      reused(kind, target, target.requestRef, ours.moshikomiNo, 'duplicate answer');
      return { applicationNo: ours.moshikomiNo, alreadyApplied: true };
    }
  }

  async function statusRecord(kind: ApplicationKindName, ref: ApplicationRef): Promise<ProcessingStatusRecord> {
    const op = statusOp(kind);
    const record: ProcessingStatusRecord = await call(op, ref, { moshikomiNo: ref.applicationNo }, { supplyPointId: ref.supplyPointId });
    if (record.moshikomiNo !== ref.applicationNo) {
      throw malformed(serviceId(op, ref.category), 'status for another application number', '').failure;
    }
    return record;
  }

  async function cancel(kind: ApplicationKindName, ref: ApplicationRef): Promise<void> {
    await cancelIdempotently(
      () =>
        call(
          submitOp(kind),
          ref,
          {
            koshinFlag: UPDATE_FLAG.cancel,
            // ASSUMPTION: ApplicationRef carries no requestRef; the application number identifies it.
            jigyoshaKanriNo: ref.applicationNo,
            kyokyuChitenTokuteiNo: ref.supplyPointId,
            moshikomiNo: ref.applicationNo,
          },
          { supplyPointId: ref.supplyPointId },
        ),
      async () => (await statusRecord(kind, ref)).uketsukeKoteiCode === PROCESSING_STAGE.rejected,
    );
  }

  function toStatus(r: ProcessingStatusRecord, on: CallTarget): ProcessingStatus {
    return processingStatusOf(r, on.category, (stageCode) =>
      caller.log.warn(
        { event: 'occto.unknownStage', company: on.company, category: on.category, stageCode, applicationNo: r.moshikomiNo },
        'unknown 受付工程 code; treated as in progress',
      ),
    );
  }

  return { find, applyOnce, statusRecord, cancel, toStatus };
}

/**
 * 取消 that may be repeated: a business error on the cancel is success when the record reads back
 * as already cancelled (by an earlier attempt whose response was lost, or by a person on the Web).
 */
export async function cancelIdempotently(cancel: () => Promise<unknown>, isCancelled: () => Promise<boolean>): Promise<void> {
  try {
    await cancel();
  } catch (e) {
    if (!isOcctoFailure(e, OcctoFailure.Business)) throw e;
    if (await isCancelled().catch(() => false)) return;
    throw e;
  }
}
