// The business side of every operation (all IS_ and the 41 IF_ interfaces), after transport, auth,
// maintenance, availability and input checks: returns the response body fields or throws
// BusinessError.
import {
  UPDATE_FLAG,
  type Operation,
  type RelayInboxRequest,
  type RelayJudgeRequest,
  type RelayRegisterRequest,
  type RelayResultRequest,
  type WireCategory,
} from '../activities/provisional-wire-format.js';
import { isAmpereChangeAvailable, isAreaCode, areaLabel } from '../../../domain/areas.js';
import { jstDate } from '../../../domain/jst.js';
import { SUBMIT_OF_STATUS, isStatusOperation, isSubmitOperation, type ApplicationRequest, type ApplicationStore, type StatusListCriteria } from './applications.js';
import { BusinessError } from './business-error.js';
import { facilityOf, usageOf } from './facility.js';
import type { IncomingRelayStore } from './incoming-relays.js';
import { SIMULATED_CURRENT_RETAILER } from './operators.js';
import type { Pattern } from './patterns.js';
import type { RelayStore } from './relays.js';

export interface OperationContext {
  company: string;
  category: WireCategory;
  now: number;
  pattern: Pattern;
  judgementDelayMs: number;
  processingDelayMs: number;
}

export interface Books {
  /** 廃止取次 our companies registered (new-retailer side). */
  relays: RelayStore;
  /** 廃止取次 addressed to our companies (current-retailer side). */
  incoming: IncomingRelayStore;
  apps: ApplicationStore;
  /** 事業者一覧取得. */
  operators: () => Array<{ jigyoshaCode: string; jigyoshaMei: string }>;
}

/** Outcome of a successful operation: the body fields, and whether it created or decided a record (a write). */
export interface OperationResult {
  body: Record<string, unknown>;
  wrote?: boolean;
}

export function runOperation(books: Books, op: Operation, ctx: OperationContext, input: unknown): OperationResult {
  const { relays, incoming, apps } = books;
  if (isSubmitOperation(op)) {
    const req = input as ApplicationRequest;
    if (op === 'ampereChange') refuseAmpereArea(req.kyokyuChitenTokuteiNo);
    const app = req.koshinFlag === UPDATE_FLAG.register ? apps.submit(ctx, op, req) : apps.cancel(ctx, op, req);
    return { body: { moshikomiNo: app.no }, wrote: req.koshinFlag === UPDATE_FLAG.register };
  }
  if (isStatusOperation(op)) {
    const { moshikomiNo } = input as { moshikomiNo: string };
    const app = apps.own(ctx, SUBMIT_OF_STATUS[op], moshikomiNo);
    if (!app) throw new BusinessError('ERR_20040', `no application ${moshikomiNo} of this kind of this retailer in this category`);
    const record = apps.record(app, ctx.now);
    return { body: op === 'usageApplyStatus' ? { ...record, ...apps.usagePassword(app, ctx.now) } : record };
  }
  switch (op) {
    case 'relayRegister': {
      const req = input as RelayRegisterRequest;
      const relay =
        req.koshinFlag === UPDATE_FLAG.register
          ? relays.register(ctx, req)
          : req.koshinFlag === UPDATE_FLAG.correct
            ? relays.correct(ctx, req)
            : relays.cancel(ctx, req);
      return { body: { haishiToritsugiNo: relay.no, jigyoshaKanriNo: relay.jigyoshaKanriNo }, wrote: req.koshinFlag === UPDATE_FLAG.register };
    }
    case 'relayResult': {
      const found = relays.query(ctx, input as RelayResultRequest);
      return { body: { kekka: found.map((r) => relays.record(r, ctx.now, apps.matched(r, ctx.now))) } };
    }
    case 'relayInbox': {
      const page = incoming.inbox(ctx, input as RelayInboxRequest);
      return { body: { kekka: page.records.map((r) => incoming.record(r, ctx.now)), tsuzukiAri: page.more ? '1' : '0' } };
    }
    case 'relayJudge': {
      const req = input as RelayJudgeRequest;
      const reasons = [...(req.hanteiNgRiyu ?? '')].flatMap((f, i) => (f === '1' ? [i + 1] : []));
      const relay = incoming.judge(ctx, req, reasons);
      return { body: { haishiToritsugiNo: relay.no, jokyoCode: incoming.jokyo(relay, ctx.now) }, wrote: true };
    }
    case 'operatorList':
      return { body: { jigyosha: books.operators() } };
    case 'facilityQuery': {
      const { kyokyuChitenTokuteiNo: point } = input as { kyokyuChitenTokuteiNo: string };
      const addressedToUs = incoming.forPoint(point).at(-1)?.toCompany;
      return { body: { setsubi: facilityOf(point, ctx.category, jstDate(ctx.now), addressedToUs ?? SIMULATED_CURRENT_RETAILER) } };
    }
    case 'usageQuery': {
      const { kyokyuChitenTokuteiNo: point, shokaiPassword } = input as { kyokyuChitenTokuteiNo: string; shokaiPassword: string };
      apps.grantUsage(ctx, point, shokaiPassword);
      return { body: { shiyoryo: usageOf(point, ctx.category, jstDate(ctx.now)) } };
    }
    case 'statusList': {
      const found = apps.list(ctx, input as StatusListCriteria);
      return { body: { kekka: found.map((a) => apps.record(a, ctx.now)) } };
    }
    default:
      throw new Error(`operation ${op} has no business logic in the simulator`);
  }
}

/** アンペア変更 exists only in ampere-breaker areas (docs/external-systems/occto-switching.md §5.3). */
function refuseAmpereArea(pointId: string): void {
  const area = pointId.slice(0, 2);
  if (isAreaCode(area) && !isAmpereChangeAvailable(area)) {
    throw new BusinessError('ERR_AMPERE_AREA', `アンペア変更 is not offered in area ${areaLabel(area)} (no ampere-breaker contracts: 関西, 中国, 四国, 沖縄)`);
  }
}

/** The supply point a request is about (for patterns, maintenance area, contract area), leniently. */
export function pointOfRequest(books: Books, op: Operation, body: Record<string, unknown>): string | undefined {
  const direct = body['kyokyuChitenTokuteiNo'];
  if (typeof direct === 'string' && /^\d{22}$/.test(direct)) return direct;
  const moshikomiNo = body['moshikomiNo'];
  if (isStatusOperation(op) && typeof moshikomiNo === 'string') return books.apps.byNo(moshikomiNo)?.pointId;
  const relayNo = body['haishiToritsugiNo'];
  if (op === 'relayResult' && typeof relayNo === 'string') return books.relays.byNo(relayNo)?.pointId;
  if (op === 'relayInbox' && typeof relayNo === 'string') return books.incoming.byNo(relayNo)?.pointId;
  return undefined;
}
