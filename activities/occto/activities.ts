// The OCCTO activities (contract.ts) over the provisional SOAP wire format. Every request and
// response goes through provisional-wire-format.ts and is checked with its zod schemas; dates are
// ISO 'YYYY-MM-DD' here and YYYYMMDD on the wire.
//
// No duplicate writes after an ambiguous failure (design.md §5): a registration or application
// whose response was lost may have been recorded. On a retry (activity attempt > 1), and when the
// system answers "duplicate", we look up our own record by 事業者管理番号 (= requestRef) and treat
// it as success instead of writing again.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { OcctoClientConfig } from './config.js';
import {
  OcctoFailure,
  type ApplicationRef,
  type ApplySwitchingStartInput,
  type Category,
  type Customer,
  type OcctoActivities,
  type ProcessingState,
  type ProcessingStatus,
  type ProcessingStatusBatchInput,
  type RegisterRelayInput,
  type RelayJudgement,
  type RelayRef,
  type RelayResult,
} from './contract.js';
import { businessDetails, businessFailure, classifyTransportError, interpretResponse, isOcctoFailure, issuePaths, malformed, type Classified } from './errors.js';
import {
  APPLICATION_KIND,
  fromWireDate,
  PROCESSING_STAGE,
  RELAY_STATUS,
  REQUEST_SCHEMAS,
  RESPONSE_SCHEMAS,
  serviceId,
  toWireDate,
  UPDATE_FLAG,
  type Operation,
  type ProcessingStatusRecord,
  type RelayRecord,
} from './provisional-wire-format.js';
import { createTransport, type Transport } from './transport.js';

export interface OcctoActivityDeps {
  config: OcctoClientConfig;
  logger: Logger;
  /** Defaults to the undici mutual-TLS transport built from `config`. */
  transport?: Transport;
}

type CallOp = keyof typeof REQUEST_SCHEMAS & keyof typeof RESPONSE_SCHEMAS;
type ResponseOf<O extends CallOp> = z.output<(typeof RESPONSE_SCHEMAS)[O]>;

interface CallTarget {
  company: string;
  category: Category;
}

const RELAY_JUDGEMENT: Readonly<Record<RelayRecord['jokyoCode'], RelayJudgement>> = {
  [RELAY_STATUS.pending]: 'PENDING',
  [RELAY_STATUS.ok]: 'OK',
  [RELAY_STATUS.ng]: 'NG',
  [RELAY_STATUS.cancelled]: 'CANCELLED',
  [RELAY_STATUS.failed]: 'FAILED',
};

/** A relay that occupies the supply point (blocks another registration). */
const OPEN_RELAY: ReadonlySet<string> = new Set([RELAY_STATUS.pending, RELAY_STATUS.ok]);

/** The running activity's context, or undefined when called outside an activity (tests, scripts). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

function customerFields(c: Customer): Record<string, string | undefined> {
  return { juyoshaMei: c.name, juyoshaMeiKana: c.kana, juyoshaJusho: c.address, juyoshaDenwa: c.phone };
}

/** 判断NG理由1–9 flags that are set, as numbers 1–9. */
export function ngReasonsOf(flags: string | undefined): number[] {
  const out: number[] = [];
  for (let i = 0; i < (flags?.length ?? 0); i++) if (flags?.[i] === '1') out.push(i + 1);
  return out;
}

export function processingStateOf(stageCode: string): ProcessingState | undefined {
  switch (stageCode) {
    case PROCESSING_STAGE.inProgress:
      return 'IN_PROGRESS';
    case PROCESSING_STAGE.completed:
    case PROCESSING_STAGE.completedAlt:
      return 'COMPLETED';
    case PROCESSING_STAGE.rejected:
      return 'REJECTED';
    default:
      return undefined;
  }
}

export function createOcctoActivities(deps: OcctoActivityDeps): OcctoActivities & { close(): Promise<void> } {
  const ownsTransport = deps.transport === undefined;
  const transport = deps.transport ?? createTransport(deps.config);
  const log = deps.logger.child({ component: 'occto' });

  /**
   * One SOAP call: validates the request, sends it, classifies the answer, validates the response
   * and writes exactly one log line. Throws an ApplicationFailure of an OcctoFailure type (or the
   * activity's cancellation).
   */
  async function call<O extends CallOp>(op: O, on: CallTarget, body: Record<string, unknown>, ref?: string): Promise<ResponseOf<O>> {
    const serviceID = serviceId(op as Operation, on.category);
    const requestID = randomUUID();
    const line: Record<string, unknown> = { event: 'occto.call', op, serviceID, requestID, company: on.company, category: on.category };
    if (ref !== undefined) line['ref'] = ref;
    // durationMs is the request itself; the wait in the spacer is logged apart as spacedMs.
    let started = performance.now();
    const onDepart = (spacedMs: number) => {
      started = performance.now();
      line['spacedMs'] = spacedMs;
    };
    const done = (outcome: string, extra: Record<string, unknown> = {}) => ({
      ...line,
      outcome,
      durationMs: Math.round(performance.now() - started),
      ...extra,
    });
    const fail = (c: Classified): never => {
      const type = c.failure.type ?? 'unknown';
      const entry = done(type, c.log);
      if (type === OcctoFailure.Auth || type === OcctoFailure.MalformedResponse) log.error(entry, `OCCTO ${serviceID} failed: ${type}`);
      else log.warn(entry, `OCCTO ${serviceID} failed: ${type}`);
      throw c.failure;
    };

    // Our own input check first: what the system's 入力チェック would refuse never leaves.
    const request = REQUEST_SCHEMAS[op].safeParse(body);
    if (!request.success) {
      const fields = issuePaths(request.error.issues);
      return fail({ failure: businessFailure(serviceID, 'ERR_INPUT', undefined, `refused before sending; fields: ${fields}`), log: { sent: false, fields } });
    }

    const signal = activityContext()?.cancellationSignal;
    let res;
    try {
      res = await transport.send(on.company, serviceID, request.data as Record<string, unknown>, { signal, requestID, onDepart });
    } catch (e) {
      if (signal?.aborted) {
        log.info(done('cancelled'), `OCCTO ${serviceID} cancelled`);
        throw e;
      }
      return fail(classifyTransportError(serviceID, e));
    }
    line['httpStatus'] = res.status;

    const answer = interpretResponse(serviceID, res.status, res.xml);
    if (!answer.ok) return fail(answer);
    const parsed = RESPONSE_SCHEMAS[op].safeParse(answer.body);
    if (!parsed.success) return fail(malformed(serviceID, `response does not match the schema (${issuePaths(parsed.error.issues)})`, res.xml));
    log.info(done('ok', { resultCode: answer.result.kekkaCode }), `OCCTO ${serviceID} ok`);
    return parsed.data as ResponseOf<O>;
  }

  /** Relays of ours registered with jigyoshaKanriNo = requestRef for the point; [] when none. */
  async function findOwnRelays(input: RegisterRelayInput): Promise<RelayRecord[]> {
    try {
      const res = await call('relayResult', input, { jigyoshaKanriNo: input.requestRef }, input.requestRef);
      return res.kekka.filter(
        (r) => (r.jigyoshaKanriNo === undefined || r.jigyoshaKanriNo === input.requestRef) && r.kyokyuChitenTokuteiNo === input.supplyPointId,
      );
    } catch (e) {
      if (businessDetails(e)?.code === 'ERR_20040') return []; // no matching data
      throw e;
    }
  }

  /** Switching-start applications of ours with jigyoshaKanriNo = requestRef for the point. */
  async function findOwnStartApplications(input: ApplySwitchingStartInput): Promise<ProcessingStatusRecord[]> {
    try {
      const res = await call('statusList', input, { jigyoshaKanriNo: input.requestRef }, input.requestRef);
      return res.kekka.filter(
        (r) =>
          r.moshikomiShubetsu === APPLICATION_KIND.switchingStart &&
          r.kyokyuChitenTokuteiNo === input.supplyPointId &&
          (r.jigyoshaKanriNo === undefined || r.jigyoshaKanriNo === input.requestRef),
      );
    } catch (e) {
      if (businessDetails(e)?.code === 'ERR_20040') return [];
      throw e;
    }
  }

  function reused(kind: string, on: CallTarget, ref: string, no: string, why: string): void {
    log.info({ event: 'occto.reused', kind, company: on.company, category: on.category, ref, no, why }, `OCCTO ${kind}: our earlier write found (${why}); not sent again`);
  }

  async function relayRecord(input: RelayRef): Promise<RelayRecord> {
    const res = await call('relayResult', input, { haishiToritsugiNo: input.relayNo });
    const record = res.kekka.find((r) => r.haishiToritsugiNo === input.relayNo);
    if (!record) throw businessFailure(serviceId('relayResult', input.category), 'ERR_20040', undefined, 'relay not in the result list');
    return record;
  }

  async function statusRecord(input: ApplicationRef): Promise<ProcessingStatusRecord> {
    const record = await call('switchingStartStatus', input, { moshikomiNo: input.applicationNo });
    if (record.moshikomiNo !== input.applicationNo) {
      throw malformed(serviceId('switchingStartStatus', input.category), 'status for another application number', '').failure;
    }
    return record;
  }

  function toProcessingStatus(r: ProcessingStatusRecord, on: CallTarget): ProcessingStatus {
    let state = processingStateOf(r.uketsukeKoteiCode);
    if (!state) {
      log.warn({ event: 'occto.unknownStage', company: on.company, category: on.category, stageCode: r.uketsukeKoteiCode, applicationNo: r.moshikomiNo }, 'unknown 受付工程 code; treated as in progress');
      state = 'IN_PROGRESS';
    }
    const out: ProcessingStatus = { applicationNo: r.moshikomiNo, stageCode: r.uketsukeKoteiCode, state };
    if (r.idoYoteiBi) out.plannedDate = fromWireDate(r.idoYoteiBi);
    if (r.idoBi) out.actualDate = fromWireDate(r.idoBi);
    if (r.renrakuJiko) out.note = r.renrakuJiko;
    return out;
  }

  const activities: OcctoActivities = {
    async registerRelay(input) {
      if ((activityContext()?.info.attempt ?? 1) > 1) {
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
          input.requestRef,
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
      const r = await relayRecord(input);
      const result: RelayResult = {
        relayNo: r.haishiToritsugiNo,
        statusCode: r.jokyoCode,
        judgement: RELAY_JUDGEMENT[r.jokyoCode],
        matched: r.matchingZumi === '1',
        ngReasons: ngReasonsOf(r.hanteiNgRiyu),
      };
      return result;
    },

    async cancelRelay(input) {
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
      const reusable = (records: ProcessingStatusRecord[]) => records.find((r) => r.uketsukeKoteiCode !== PROCESSING_STAGE.rejected);
      if ((activityContext()?.info.attempt ?? 1) > 1) {
        const earlier = reusable(await findOwnStartApplications(input));
        if (earlier) {
          reused('switchingStart', input, input.requestRef, earlier.moshikomiNo, 'retry');
          return { applicationNo: earlier.moshikomiNo, alreadyApplied: true };
        }
      }
      try {
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
          input.requestRef,
        );
        return { applicationNo: res.moshikomiNo, alreadyApplied: false };
      } catch (e) {
        // ERR_20070 covers a duplicate application: ours (lost response) is success.
        if (businessDetails(e)?.code !== 'ERR_20070') throw e;
        const ours = reusable(await findOwnStartApplications(input));
        if (!ours) throw e;
        reused('switchingStart', input, input.requestRef, ours.moshikomiNo, 'duplicate answer');
        return { applicationNo: ours.moshikomiNo, alreadyApplied: true };
      }
    },

    async cancelSwitchingStart(input) {
      await cancelIdempotently(
        () =>
          call('switchingStart', input, {
            koshinFlag: UPDATE_FLAG.cancel,
            // ASSUMPTION: ApplicationRef carries no requestRef; the application number identifies it.
            jigyoshaKanriNo: input.applicationNo,
            kyokyuChitenTokuteiNo: input.supplyPointId,
            moshikomiNo: input.applicationNo,
          }),
        async () => (await statusRecord(input)).uketsukeKoteiCode === PROCESSING_STAGE.rejected,
      );
    },

    async checkSwitchingStartStatus(input) {
      return toProcessingStatus(await statusRecord(input), input);
    },

    async checkProcessingStatusBatch(input: ProcessingStatusBatchInput) {
      if (input.applicationNos.length === 0) return [];
      const res = await call('statusList', input, { moshikomiNo: input.applicationNos });
      const wanted = new Set(input.applicationNos);
      return res.kekka.filter((r) => wanted.has(r.moshikomiNo)).map((r) => toProcessingStatus(r, input));
    },
  };

  // Not enumerable: a worker given this object registers only the activities, not close().
  Object.defineProperty(activities, 'close', {
    enumerable: false,
    value: async () => {
      if (ownsTransport) await transport.close();
    },
  });
  return activities as OcctoActivities & { close(): Promise<void> };
}

/**
 * 取消 that may be repeated: a business error on the cancel is success when the record reads back
 * as already cancelled (by an earlier attempt whose response was lost, or by a person on the Web).
 */
async function cancelIdempotently(cancel: () => Promise<unknown>, isCancelled: () => Promise<boolean>): Promise<void> {
  try {
    await cancel();
  } catch (e) {
    if (!isOcctoFailure(e, OcctoFailure.Business)) throw e;
    if (await isCancelled().catch(() => false)) return;
    throw e;
  }
}
