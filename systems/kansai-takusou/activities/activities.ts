// The たくそう君 activities (contract.ts) over the provisional JSON wire format. Every request and
// response goes through provisional-wire-format.ts and is checked with its zod schemas before it
// leaves and after it arrives.
//
// No duplicate writes after an ambiguous failure (docs/architecture.md §5). A write whose response was lost
// may have been recorded; on a retry (activity attempt > 1):
//   - apply (1–4, new): our earlier application is looked up by 事業者管理番号 (= requestRef)
//     through the acceptance retrieval (11 / 12) with 更新日時 since the activity was first
//     scheduled (the wire format has no filter by our reference: the records are filtered here);
//     found → success, alreadyApplied. A 訂正 is re-sent: it replaces the items with the same ones.
//   - 集団申込完了 (5), 申込取消 (10): a refusal as "invalid state" is success when the application
//     reads back as completed / cancelled.
//   - 竣工届 (6–8): the wire format shows no 竣工届 state; on a retry, a refusal as "invalid
//     state" of an application that reads back as accepted (受付済) is taken as "already filed".
//   - FileTnpu (9): no file list exists to look up; the file is sent again (a duplicate copy is
//     harmless, a missing drawing blocks acceptance) and the log line says possibleDuplicate.
//   - お知らせ登録 (20): our notice is looked up by title and body since the first schedule.
//
// The 1-second spacing per application number and the cap of 8 in flight are NOT done here (the
// workflow sleeps durably after each response; the task queue's concurrency caps calls).
import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { ConstructionKind, FileRef } from '../domain/construction.js';
import { applyItems, personalValues, withSource } from './application-items.js';
import type { TakusouClientConfig } from './config.js';
import {
  TakusouFailure,
  type AcceptanceResult,
  type ApplyInput,
  type ContractCalculation,
  type ProcessInfo,
  type ResultNotification,
  type RetrievalInput,
  type TakusouActivities,
} from './contract.js';
import { wireDocumentType } from './document-types.js';
import {
  badFileFailure,
  classifyTransportError,
  interpretResponse,
  invalidFailure,
  isTakusouFailure,
  mapInvalidItems,
  scrub,
  serviceErrorCode,
  type Classified,
  type InvalidItem,
} from './errors.js';
import {
  ACCEPTANCE_RESULT,
  issuesToItems,
  jstDateTime,
  REQUEST_SCHEMAS,
  RETRIEVAL_MAX,
  SERVICE,
  serviceByName,
  type AcceptanceRecord,
  type ResponseOf,
  type ServiceName,
} from './provisional-wire-format.js';
import { acceptanceOf, calculationOf, groupResultOf, noticeOf, processOf, resultOf } from './records.js';
import { createTransport, type Transport } from './transport.js';

export interface TakusouActivityDeps {
  config: TakusouClientConfig;
  logger: Logger;
  /** Defaults to the undici transport built from `config`. */
  transport?: Transport;
}

/**
 * Look-ups by 更新日時 / 掲載日時 start this long before the activity was first scheduled: covers
 * clock skew between Temporal and KTD. Everything our first attempt wrote is newer than that.
 */
export const LOOKUP_MARGIN_MS = 60 * 60_000;

/** 竣工届 service by kind (6 / 7 / 8). */
export const COMPLETION_SERVICE = {
  JOJI: SERVICE.completionNotice,
  RINJI: SERVICE.completionNotice,
  GAIROTO: SERVICE.gairotoCompletionNotice,
  SHUDAN: SERVICE.shudanCompletionNotice,
} as const satisfies Record<ConstructionKind, ServiceName>;

/** Retrieval services (plain, group). */
export const RETRIEVAL_SERVICE = {
  acceptance: [SERVICE.acceptanceResult, SERVICE.shudanAcceptanceResult],
  process: [SERVICE.process, SERVICE.shudanProcess],
  calculation: [SERVICE.contractCalculation, SERVICE.shudanContractCalculation],
  result: [SERVICE.resultNotification, SERVICE.shudanResultNotification],
} as const;

export type RetrievalServiceName = (typeof RETRIEVAL_SERVICE)[keyof typeof RETRIEVAL_SERVICE][number];
type RecordOf<S extends RetrievalServiceName> = ResponseOf<S>['kekka'][number];

export function retrievalService<K extends keyof typeof RETRIEVAL_SERVICE>(what: K, group: boolean): (typeof RETRIEVAL_SERVICE)[K][number] {
  const [plain, shudan] = RETRIEVAL_SERVICE[what];
  return group ? shudan : plain;
}

/** The running activity's context, or undefined when called outside an activity (tests, scripts). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

const attemptOf = () => activityContext()?.info.attempt ?? 1;

/** 更新日時 / 掲載日時 from which a look-up for what our first attempt wrote starts. */
function lookupFrom(): string {
  const first = activityContext()?.info.scheduledTimestampMs;
  const base = typeof first === 'number' && first > 0 ? first : Date.now();
  return jstDateTime(Math.max(0, base - LOOKUP_MARGIN_MS));
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

interface CallOn {
  company: string;
  applicationNo?: string;
  applicationNos?: number;
  requestRef?: string;
}

interface CallOptions {
  /** Personal values of the request: scrubbed from whatever the service echoes. */
  personal?: readonly string[];
  /** Rewrites Invalid items (e.g. to name our input's field). */
  mapItems?: (i: InvalidItem) => InvalidItem;
  /** FileTnpu: the file to stream with the text parts. */
  file?: FileRef;
  /** Extra fields for the log line (no personal data). */
  log?: Record<string, unknown>;
}

export function createTakusouActivities(deps: TakusouActivityDeps): TakusouActivities & { close(): Promise<void> } {
  const ownsTransport = deps.transport === undefined;
  const transport = deps.transport ?? createTransport(deps.config);
  const log = deps.logger.child({ component: 'takusou' });

  /**
   * One call: validates the request, sends it, classifies the answer, validates the response and
   * writes exactly one log line. Throws an ApplicationFailure of a TakusouFailure type (or the
   * activity's cancellation).
   */
  async function call<S extends ServiceName>(service: S, on: CallOn, body: Record<string, unknown>, options: CallOptions = {}): Promise<ResponseOf<S>> {
    const spec = serviceByName(service);
    const attempt = attemptOf();
    const line: Record<string, unknown> = { event: 'takusou.call', service, serviceNo: spec?.no ?? 0, company: on.company, attempt };
    if (on.applicationNo !== undefined) line['applicationNo'] = on.applicationNo;
    if (on.applicationNos !== undefined) line['applicationNos'] = on.applicationNos;
    if (on.requestRef !== undefined) line['requestRef'] = on.requestRef;
    Object.assign(line, options.log);
    const started = performance.now();
    const done = (outcome: string, extra: Record<string, unknown> = {}) => ({ ...line, outcome, durationMs: Math.round(performance.now() - started), ...extra });
    const personal = options.personal ?? [];
    const fail = (c: Classified): never => {
      const failure = options.mapItems ? mapInvalidItems(c.failure, options.mapItems) : c.failure;
      const type = failure.type ?? 'unknown';
      const entry = done(type, c.log);
      if (type === TakusouFailure.MalformedResponse || type === TakusouFailure.NotFound || c.log['tlsProblem'] || c.log['pacingDefect']) log.error(entry, `たくそう君 ${service} failed: ${type}`);
      else log.warn(entry, `たくそう君 ${service} failed: ${type}`);
      throw failure;
    };

    // Our own check first: what the interface definition refuses never leaves.
    const request = (REQUEST_SCHEMAS[service] as (typeof REQUEST_SCHEMAS)[ServiceName]).safeParse(body);
    if (!request.success) {
      const items = issuesToItems(request.error).map((i) => ({ item: i.item, message: scrub(i.message, personal) }));
      return fail({ failure: invalidFailure(service, items, 'refused before sending'), log: { sent: false, items: items.map((i) => i.item) } });
    }

    const signal = activityContext()?.cancellationSignal;
    let res;
    try {
      res = options.file
        ? await transport.postMultipart(service, request.data as Record<string, string>, options.file, { company: on.company, ...(signal ? { signal } : {}) })
        : await transport.postJson(service, request.data, { company: on.company, ...(signal ? { signal } : {}) });
    } catch (e) {
      if (signal?.aborted) {
        log.info(done('cancelled'), `たくそう君 ${service} cancelled`);
        throw e;
      }
      return fail(classifyTransportError(service, e));
    }
    line['httpStatus'] = res.status;
    const answer = interpretResponse(service, res.status, res.body, personal);
    if (!answer.ok) return fail(answer);
    log.info(done('ok'), `たくそう君 ${service} ok`);
    return answer.body;
  }

  function reused(what: string, on: CallOn, why: string, extra: Record<string, unknown> = {}): void {
    log.info({ event: 'takusou.reused', what, ...on, why, attempt: attemptOf(), ...extra }, `たくそう君 ${what}: our earlier write found (${why}); not sent again`);
  }

  async function acceptanceRecords(company: string, group: boolean, applicationNos: readonly string[]): Promise<AcceptanceRecord[]> {
    return retrieve(retrievalService('acceptance', group), { company, group, applicationNos: [...applicationNos] });
  }

  /** Our application filed with jigyoshaKanriNo = requestRef for this kind since the first attempt (not cancelled). */
  async function findOwnApplication(input: ApplyInput): Promise<string | undefined> {
    const group = input.kind === 'SHUDAN';
    const res = await call(
      retrievalService('acceptance', group),
      { company: input.company, requestRef: input.requestRef },
      { kouriJigyoshaCode: input.company, koshinNichijiFrom: lookupFrom() },
      { log: { lookup: 'apply' } },
    );
    const ours = (res.kekka as AcceptanceRecord[]).filter(
      (r) => r.jigyoshaKanriNo === input.requestRef && r.moshikomiShubetsu === input.kind && r.uketsukeKekka !== ACCEPTANCE_RESULT.TORIKESHI_ZUMI,
    );
    if (ours.length > 1) {
      log.warn(
        { event: 'takusou.duplicateApplications', company: input.company, requestRef: input.requestRef, applicationNos: ours.map((r) => r.moshikomiNo) },
        'たくそう君: several applications carry our reference; the first is used',
      );
    }
    return [...ours].sort((a, b) => a.moshikomiNo.localeCompare(b.moshikomiNo))[0]?.moshikomiNo;
  }

  /** Re-reads one application's 受付結果; undefined when it cannot be read. */
  async function acceptanceOfOne(company: string, kind: ConstructionKind, applicationNo: string): Promise<AcceptanceRecord | undefined> {
    try {
      return (await acceptanceRecords(company, kind === 'SHUDAN', [applicationNo]))[0];
    } catch {
      return undefined;
    }
  }

  /** Records of a retrieval API for the requested numbers (≤ RETRIEVAL_MAX per call; [] without a call). */
  async function retrieve<S extends RetrievalServiceName>(service: S, input: RetrievalInput): Promise<RecordOf<S>[]> {
    const out: RecordOf<S>[] = [];
    const wanted = new Set(input.applicationNos);
    for (const part of chunks([...wanted], RETRIEVAL_MAX)) {
      const on = { company: input.company, ...(part.length === 1 ? { applicationNo: part[0] as string } : { applicationNos: part.length }) };
      const res = await call(service, on, { kouriJigyoshaCode: input.company, moshikomiNo: part });
      out.push(...(res.kekka as RecordOf<S>[]).filter((r) => wanted.has(r.moshikomiNo)));
    }
    return out;
  }

  const activities: TakusouActivities = {
    async apply(input) {
      const on: CallOn = { company: input.company, requestRef: input.requestRef, ...(input.correctionOf !== undefined ? { applicationNo: input.correctionOf } : {}) };
      const built = applyItems({ kind: input.kind, company: input.company, requestRef: input.requestRef, application: input.application, correctionOf: input.correctionOf });
      const personal = personalValues(input.application);
      if (!built.ok) {
        const items = built.items.map((i) => ({ item: i.item, message: scrub(i.message, personal) }));
        const failure = invalidFailure(built.service, items, 'refused before sending');
        log.warn({ event: 'takusou.call', service: built.service, company: input.company, requestRef: input.requestRef, attempt: attemptOf(), outcome: failure.type, sent: false, items: items.map((i) => i.item), durationMs: 0 }, `たくそう君 ${built.service} failed: ${failure.type}`);
        throw failure;
      }
      if (input.correctionOf === undefined && attemptOf() > 1) {
        const earlier = await findOwnApplication(input);
        if (earlier) {
          reused('apply', { company: input.company, requestRef: input.requestRef, applicationNo: earlier }, 'retry');
          return { applicationNo: earlier, alreadyApplied: true };
        }
      }
      const res = await call(built.service, on, built.body as Record<string, unknown>, { personal, mapItems: withSource, log: { kind: input.kind, correction: input.correctionOf !== undefined } });
      if (input.correctionOf !== undefined && res.moshikomiNo !== input.correctionOf) {
        throw invalidFailure(built.service, [{ item: 'moshikomiNo', message: `the 訂正 was answered for another application number ${res.moshikomiNo}` }], 'unexpected answer');
      }
      return { applicationNo: res.moshikomiNo, alreadyApplied: false };
    },

    async attachFile(input) {
      const documentType = wireDocumentType(input.file.documentType);
      const attempt = attemptOf();
      const res = await call(
        SERVICE.fileAttach,
        { company: input.company, applicationNo: input.applicationNo },
        { kouriJigyoshaCode: input.company, moshikomiNo: input.applicationNo, shoruiShubetsu: documentType },
        { file: input.file, log: { documentType, sizeBytes: input.file.sizeBytes, ...(attempt > 1 ? { possibleDuplicate: true } : {}) } },
      );
      if (res.moshikomiNo !== input.applicationNo) {
        throw badFileFailure(SERVICE.fileAttach, `the attachment was answered for another application number ${res.moshikomiNo}`);
      }
      return { fileId: res.fileId };
    },

    async completeGroupApplication(input) {
      if (input.kind !== 'SHUDAN') {
        throw invalidFailure(SERVICE.shudanApplyComplete, [{ item: 'kind', message: `集団申込完了 is for 集団 (SHUDAN) applications only, not ${input.kind}` }], 'refused before sending');
      }
      const on = { company: input.company, applicationNo: input.applicationNo };
      try {
        await call(SERVICE.shudanApplyComplete, on, { kouriJigyoshaCode: input.company, moshikomiNo: input.applicationNo });
      } catch (e) {
        if (serviceErrorCode(e) !== 'INVALID_STATE') throw e;
        const r = (await acceptanceOfOne(input.company, 'SHUDAN', input.applicationNo)) as (AcceptanceRecord & { kanryoFlag?: string }) | undefined;
        if (r?.kanryoFlag !== '1') throw e;
        reused('completeGroupApplication', on, 'already complete');
      }
    },

    async fileCompletionNotice(input) {
      const service = COMPLETION_SERVICE[input.kind];
      const on = { company: input.company, applicationNo: input.applicationNo };
      try {
        await call(service, on, { kouriJigyoshaCode: input.company, moshikomiNo: input.applicationNo, shunkoBi: input.completedOn, shunkoShoruiFileId: input.fileIds }, { log: { kind: input.kind } });
      } catch (e) {
        if (attemptOf() <= 1 || serviceErrorCode(e) !== 'INVALID_STATE') throw e;
        const r = await acceptanceOfOne(input.company, input.kind, input.applicationNo);
        if (r?.uketsukeKekka !== ACCEPTANCE_RESULT.UKETSUKE_ZUMI) throw e;
        reused('fileCompletionNotice', on, 'retry refused as already filed; the application is accepted');
      }
    },

    async cancelApplication(input) {
      const on = { company: input.company, applicationNo: input.applicationNo };
      try {
        await call(SERVICE.cancel, on, { kouriJigyoshaCode: input.company, moshikomiNo: input.applicationNo, torikeshiRiyu: input.reason });
      } catch (e) {
        if (!isTakusouFailure(e, TakusouFailure.Invalid) || serviceErrorCode(e) === undefined) throw e;
        const r = await acceptanceOfOne(input.company, input.kind, input.applicationNo);
        if (r?.uketsukeKekka !== ACCEPTANCE_RESULT.TORIKESHI_ZUMI) throw e;
        reused('cancelApplication', on, 'already cancelled');
      }
    },

    async getAcceptanceResults(input): Promise<AcceptanceResult[]> {
      return (await acceptanceRecords(input.company, input.group, [...new Set(input.applicationNos)])).map(acceptanceOf);
    },

    async getProcessInfo(input): Promise<ProcessInfo[]> {
      return (await retrieve(retrievalService('process', input.group), input)).map(processOf);
    },

    async getContractCalculations(input): Promise<ContractCalculation[]> {
      const records = await retrieve(retrievalService('calculation', input.group), input);
      const byNo = new Map(records.map((r) => [r.moshikomiNo, r]));
      return [...new Set(input.applicationNos)].map((no) => calculationOf(no, byNo.get(no)));
    },

    async getResultNotifications(input): Promise<ResultNotification[]> {
      const unique = [...new Set(input.applicationNos)];
      if (input.group) {
        const byNo = new Map((await retrieve(SERVICE.shudanResultNotification, input)).map((r) => [r.moshikomiNo, r]));
        return unique.map((no) => groupResultOf(no, byNo.get(no)));
      }
      const byNo = new Map((await retrieve(SERVICE.resultNotification, input)).map((r) => [r.moshikomiNo, r]));
      return unique.map((no) => resultOf(no, byNo.get(no)));
    },

    async getNotices(input) {
      const res = await call(SERVICE.noticeList, { company: input.company }, { kouriJigyoshaCode: input.company });
      return res.oshirase.map(noticeOf);
    },

    async registerNotice(input) {
      const on = { company: input.company };
      if (attemptOf() > 1) {
        const res = await call(SERVICE.noticeList, on, { kouriJigyoshaCode: input.company, keisaiNichijiFrom: lookupFrom() }, { log: { lookup: 'registerNotice' } });
        const ours = res.oshirase.find((n) => n.oshiraseShubetsu === 'JIGYOSHA' && n.kenmei === input.title && n.honbun === input.body);
        if (ours) {
          reused('registerNotice', on, 'retry', { noticeId: ours.oshiraseId });
          return { id: ours.oshiraseId };
        }
      }
      const res = await call(SERVICE.noticeRegister, on, { kouriJigyoshaCode: input.company, kenmei: input.title, honbun: input.body });
      return { id: res.oshiraseId };
    },

    async markNoticesRead(input) {
      for (const part of chunks([...new Set(input.ids)], 100)) {
        await call(SERVICE.noticeRead, { company: input.company }, { kouriJigyoshaCode: input.company, oshiraseId: part }, { log: { notices: part.length } });
      }
    },
  };

  // Not enumerable: a worker given this object registers only the activities, not close().
  Object.defineProperty(activities, 'close', {
    enumerable: false,
    value: async () => {
      if (ownsTransport) await transport.close();
    },
  });
  return activities as TakusouActivities & { close(): Promise<void> };
}
