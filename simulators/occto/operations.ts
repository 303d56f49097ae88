// The business side of each served operation, after transport, auth, maintenance and input
// checks: returns the response body fields or throws BusinessError.
import {
  REQUEST_SCHEMAS,
  UPDATE_FLAG,
  type Operation,
  type RelayRegisterRequest,
  type RelayResultRequest,
  type SwitchingStartRequest,
  type WireCategory,
} from '../../activities/occto/provisional-wire-format.js';
import type { ApplicationStore, StatusListCriteria } from './applications.js';
import { BusinessError } from './business-error.js';
import type { Pattern } from './patterns.js';
import type { RelayStore } from './relays.js';

export type ServedOperation = keyof typeof REQUEST_SCHEMAS;

export const isServed = (op: Operation): op is ServedOperation => Object.hasOwn(REQUEST_SCHEMAS, op);

export interface OperationContext {
  company: string;
  category: WireCategory;
  now: number;
  pattern: Pattern;
  judgementDelayMs: number;
  processingDelayMs: number;
}

export interface Books {
  relays: RelayStore;
  apps: ApplicationStore;
}

/** Outcome of a successful operation: the body fields, and whether a relay was newly registered. */
export interface OperationResult {
  body: Record<string, unknown>;
  registeredRelay?: boolean;
}

export function runOperation(books: Books, op: ServedOperation, ctx: OperationContext, input: unknown): OperationResult {
  const { relays, apps } = books;
  switch (op) {
    case 'relayRegister': {
      const req = input as RelayRegisterRequest;
      const relay =
        req.koshinFlag === UPDATE_FLAG.register
          ? relays.register(ctx, req)
          : req.koshinFlag === UPDATE_FLAG.correct
            ? relays.correct(ctx, req)
            : relays.cancel(ctx, req);
      return {
        body: { haishiToritsugiNo: relay.no, jigyoshaKanriNo: relay.jigyoshaKanriNo },
        registeredRelay: req.koshinFlag === UPDATE_FLAG.register,
      };
    }
    case 'relayResult': {
      const found = relays.query(ctx, input as RelayResultRequest);
      return { body: { kekka: found.map((r) => relays.record(r, ctx.now, apps.matched(r, ctx.now))) } };
    }
    case 'switchingStart': {
      const req = input as SwitchingStartRequest;
      const app = req.koshinFlag === UPDATE_FLAG.register ? apps.apply(ctx, req) : apps.cancel(ctx, req);
      return { body: { moshikomiNo: app.no } };
    }
    case 'switchingStartStatus': {
      const { moshikomiNo } = input as { moshikomiNo: string };
      const app = apps.own(ctx, moshikomiNo);
      if (!app) throw new BusinessError('ERR_20040', `no スイッチング開始申請 ${moshikomiNo} of this retailer in this category`);
      return { body: apps.record(app, ctx.now, ctx.processingDelayMs) };
    }
    case 'statusList': {
      const found = apps.list(ctx, input as StatusListCriteria);
      return { body: { kekka: found.map((a) => apps.record(a, ctx.now, ctx.processingDelayMs)) } };
    }
  }
}

/** The supply point a request is about (for patterns, maintenance area, contract area), leniently. */
export function pointOfRequest(books: Books, op: Operation, body: Record<string, unknown>): string | undefined {
  const direct = body['kyokyuChitenTokuteiNo'];
  if (typeof direct === 'string' && /^\d{22}$/.test(direct)) return direct;
  if (op === 'switchingStartStatus' && typeof body['moshikomiNo'] === 'string') return books.apps.byNo(body['moshikomiNo'])?.pointId;
  if (op === 'relayResult' && typeof body['haishiToritsugiNo'] === 'string') return books.relays.byNo(body['haishiToritsugiNo'])?.pointId;
  return undefined;
}
