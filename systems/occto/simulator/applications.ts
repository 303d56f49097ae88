// The T&D applications (申込) of every kind, the stubbed T&D side: submit (IF_x1NN10, 更新フラグ 1
// 登録 / 3 取消), single status (IF_x1NN20) and the list (IF_x11110). Progress is computed on read
// from the simulated clock; records are indexed by number, point, our reference and relay.
//
// 受付工程 (assumptions, docs/external-systems/occto-switching.md §13 Q10): '05' in progress; '06' completed with 異動日 = 異動予定日 (the
// date asked for); '09' rejected: a cancelled application, the processing-rejected pattern (870)
// once `processingDelayMs` has passed, and the switching cases below.
//
// スイッチング開始申請 (ours as the NEW retailer, IF_x10610): needs an own open relay. The simulated
// current retailer files its スイッチング廃止申請 as soon as a start application exists for a relay
// it judges (or has judged) OK. The relay shows マッチング済み(OK) (matchingZumi '1') only when the
// start application came after the OK: if it came before, the applications matched before the
// judgement and the relay never shows it (the FAQ's display quirk, docs/external-systems/occto-switching.md §4.4). Completes at
// max(application + processingDelayMs, the relay's OK); 09 when the relay is judged NG or cancelled
// before that.
//
// スイッチング廃止申請 (ours as the CURRENT retailer, IF_x10710): needs a relay addressed to us that
// is neither NG nor cancelled. The simulated new retailer filed its start application when we
// judged OK, so the two match at max(application, OK); the stop completes `processingDelayMs` after
// matching. 09 when the new retailer cancels its relay before that, or when we judge it NG.
//
// Duplicates (ERR_20070): a second スイッチング開始/廃止申請 for a point whose earlier one is not 09;
// a second application of another kind for a point while one of that kind is still 05 (使用量情報照会
// 申請: per retailer).
//
// 使用量情報照会申請 completes with a random 照会パスワード (8–32 characters) valid until the JST
// date of completion + 1 month (passwordYukoKigen, inclusive); IF_x10310 needs it. The password is
// shown only by IF_x10220 — never in IF_x11110, the admin state, call records or logs.
import { randomInt, timingSafeEqual } from 'node:crypto';
import {
  PROCESSING_STAGE,
  RELAY_STATUS,
  STATUS_LIST_MAX,
  applicationKindCode,
  fromWireDate,
  toWireDate,
  type ApplicationKindName,
  type Operation,
  type ProcessingStatusRecord,
  type WireCategory,
} from '../activities/provisional-wire-format.js';
import { daysInMonth, isoDateProblem, jstDate } from '../../../domain/jst.js';
import { BusinessError, inputError } from './business-error.js';
import type { IncomingRelay, IncomingRelayStore } from './incoming-relays.js';
import { numberer, pushTo } from './numbering.js';
import type { Pattern } from './patterns.js';
import type { Relay, RelayStore } from './relays.js';

export type SubmitOperation = 'usageApply' | 'reconnect' | 'discontinue' | 'switchingStart' | 'switchingStop' | 'customerChange' | 'ampereChange';
export type StatusOperation =
  | 'usageApplyStatus'
  | 'reconnectStatus'
  | 'discontinueStatus'
  | 'switchingStartStatus'
  | 'switchingStopStatus'
  | 'customerChangeStatus'
  | 'ampereChangeStatus';

/** Status operation → the submit operation whose applications it reports. */
export const SUBMIT_OF_STATUS: Readonly<Record<StatusOperation, SubmitOperation>> = {
  usageApplyStatus: 'usageApply',
  reconnectStatus: 'reconnect',
  discontinueStatus: 'discontinue',
  switchingStartStatus: 'switchingStart',
  switchingStopStatus: 'switchingStop',
  customerChangeStatus: 'customerChange',
  ampereChangeStatus: 'ampereChange',
};
export const isSubmitOperation = (op: Operation): op is SubmitOperation => Object.values(SUBMIT_OF_STATUS).includes(op as SubmitOperation);
export const isStatusOperation = (op: Operation): op is StatusOperation => Object.hasOwn(SUBMIT_OF_STATUS, op);

/** The fields of every application request the store reads (each IF's schema has already checked its own). */
export interface ApplicationRequest {
  koshinFlag: '1' | '3';
  jigyoshaKanriNo: string;
  kyokyuChitenTokuteiNo: string;
  moshikomiNo?: string;
  haishiToritsugiNo?: string;
  idoYoteiBi?: string;
  idoKibouBi?: string;
  tekkyoUmu?: '0' | '1';
}

export interface Application {
  no: string;
  kind: ApplicationKindName;
  submitOp: SubmitOperation;
  company: string;
  category: WireCategory;
  pointId: string;
  jigyoshaKanriNo: string;
  /** 異動予定日 / 異動希望日 'YYYY-MM-DD' (none for 使用量情報照会申請). */
  idoYoteiBi?: string;
  /** Start: our relay; stop: the relay addressed to us. */
  relayNo?: string;
  createdAt: number;
  cancelledAt?: number;
  pattern: Pattern;
  /** 使用量情報照会申請: the 照会パスワード, revealed once completed. SECRET. */
  password?: string;
}

export interface AppOpContext {
  company: string;
  category: WireCategory;
  now: number;
  pattern: Pattern;
}

export interface Stage {
  code: string;
  idoBi?: string;
  note?: string;
  /** Simulated ms when it completed (06). */
  completedAt?: number;
}

export interface StatusListCriteria {
  moshikomiNo?: string[];
  kyokyuChitenTokuteiNo?: string;
  jigyoshaKanriNo?: string;
}

const KIND_OF_SUBMIT: Readonly<Record<Exclude<SubmitOperation, 'discontinue'>, ApplicationKindName>> = {
  usageApply: 'usageQuery',
  reconnect: 'reconnection',
  switchingStart: 'switchingStart',
  switchingStop: 'switchingStop',
  customerChange: 'infoChange',
  ampereChange: 'ampereChange',
};

const LABEL: Readonly<Record<SubmitOperation, string>> = {
  usageApply: '使用量情報照会申請',
  reconnect: '再点',
  discontinue: '廃止・撤去',
  switchingStart: 'スイッチング開始申請',
  switchingStop: 'スイッチング廃止申請',
  customerChange: '需要者情報変更',
  ampereChange: 'アンペア変更',
};

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

function newPassword(): string {
  const length = randomInt(12, 21);
  let s = '';
  for (let i = 0; i < length; i++) s += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return s;
}

/** 'YYYY-MM-DD' + 1 calendar month (the 31st of a shorter month becomes its last day). */
export function plusOneMonth(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const ny = m === 12 ? y + 1 : y;
  const nm = m === 12 ? 1 : m + 1;
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(Math.min(d, daysInMonth(ny, nm))).padStart(2, '0')}`;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const refKey = (company: string, ref: string): string => `${company}\u0000${ref}`;

export interface ApplicationStoreDeps {
  relays: RelayStore;
  incoming: IncomingRelayStore;
  processingDelayMs: number;
}

export class ApplicationStore {
  private apps: Application[] = [];
  private readonly byNumber = new Map<string, Application>();
  private readonly byPoint = new Map<string, Application[]>();
  private readonly byRef = new Map<string, Application[]>();
  private readonly byRelay = new Map<string, Application[]>();
  private readonly nextNo = numberer('M');

  constructor(private readonly deps: ApplicationStoreDeps) {}

  all(): readonly Application[] {
    return this.apps;
  }

  byNo(no: string): Application | undefined {
    return this.byNumber.get(no);
  }

  forRelay(relayNo: string): readonly Application[] {
    return this.byRelay.get(relayNo) ?? [];
  }

  /** 更新フラグ 1 登録 of any kind. */
  submit(ctx: AppOpContext, op: SubmitOperation, req: ApplicationRequest): Application {
    const point = req.kyokyuChitenTokuteiNo;
    let relayNo: string | undefined;
    let idoYoteiBi: string | undefined;
    if (op === 'switchingStart') {
      const relay = this.ownRelayFor(ctx, req);
      relayNo = relay.no;
      idoYoteiBi = req.idoYoteiBi ? this.checkedDate('idoYoteiBi', req.idoYoteiBi) : relay.kyokyuKaishiBi;
    } else if (op === 'switchingStop') {
      relayNo = this.incomingRelayFor(ctx, req).no;
      idoYoteiBi = this.checkedDate('idoYoteiBi', req.idoYoteiBi);
    } else if (op !== 'usageApply') {
      idoYoteiBi = this.checkedDate('idoKibouBi', req.idoKibouBi);
    }
    this.refuseDuplicate(ctx, op, point);
    const kind: ApplicationKindName = op === 'discontinue' ? (req.tekkyoUmu === '1' ? 'discontinuationWithRemoval' : 'discontinuation') : KIND_OF_SUBMIT[op];
    const app: Application = {
      no: this.nextNo(),
      kind,
      submitOp: op,
      company: ctx.company,
      category: ctx.category,
      pointId: point,
      jigyoshaKanriNo: req.jigyoshaKanriNo,
      idoYoteiBi,
      relayNo,
      createdAt: ctx.now,
      pattern: ctx.pattern,
      password: op === 'usageApply' ? newPassword() : undefined,
    };
    this.add(app);
    return app;
  }

  /** Replaces the book with saved applications (a simulator restarted from its state file). */
  load(apps: readonly Application[]): void {
    this.reset();
    for (const a of apps) this.add(a);
  }

  private add(app: Application): void {
    this.apps.push(app);
    this.byNumber.set(app.no, app);
    pushTo(this.byPoint, app.pointId, app);
    pushTo(this.byRef, refKey(app.company, app.jigyoshaKanriNo), app);
    if (app.relayNo) pushTo(this.byRelay, app.relayNo, app);
  }

  /** 更新フラグ 3 取消: own application of this kind still in progress → 09; already cancelled → success (idempotent). */
  cancel(ctx: AppOpContext, op: SubmitOperation, req: ApplicationRequest): Application {
    if (!req.moshikomiNo) throw inputError('moshikomiNo', 'required', 'moshikomiNo is required when koshinFlag is 3 (取消)');
    const app = this.own(ctx, op, req.moshikomiNo);
    if (!app || app.pointId !== req.kyokyuChitenTokuteiNo) {
      throw new BusinessError('ERR_20040', `no ${LABEL[op]} ${req.moshikomiNo} of this retailer for this supply point and category`);
    }
    if (app.cancelledAt !== undefined) return app;
    const stage = this.stage(app, ctx.now);
    if (stage.code !== PROCESSING_STAGE.inProgress) {
      throw new BusinessError('ERR_20070', `moshikomiNo ${app.no} is at 受付工程 ${stage.code}; only an application in progress (05) can be cancelled`);
    }
    app.cancelledAt = ctx.now;
    return app;
  }

  /** The caller's application of this kind (company, category, submit operation), or undefined. */
  own(ctx: Pick<AppOpContext, 'company' | 'category'>, op: SubmitOperation, no: string): Application | undefined {
    const a = this.byNo(no);
    return a && a.company === ctx.company && a.category === ctx.category && a.submitOp === op ? a : undefined;
  }

  /** IF_x11110: own applications of every kind in the category matching every criterion, at most STATUS_LIST_MAX. */
  list(ctx: Pick<AppOpContext, 'company' | 'category'>, c: StatusListCriteria): Application[] {
    let candidates: readonly Application[];
    if (c.moshikomiNo?.length) candidates = [...new Set(c.moshikomiNo)].map((no) => this.byNo(no)).filter((a): a is Application => a !== undefined);
    else if (c.kyokyuChitenTokuteiNo !== undefined) candidates = this.byPoint.get(c.kyokyuChitenTokuteiNo) ?? [];
    else if (c.jigyoshaKanriNo !== undefined) candidates = this.byRef.get(refKey(ctx.company, c.jigyoshaKanriNo)) ?? [];
    else throw inputError('moshikomiNo', 'one-required', 'one of moshikomiNo, kyokyuChitenTokuteiNo, jigyoshaKanriNo is required');
    return candidates
      .filter(
        (a) =>
          a.company === ctx.company &&
          a.category === ctx.category &&
          (c.kyokyuChitenTokuteiNo === undefined || a.pointId === c.kyokyuChitenTokuteiNo) &&
          (c.jigyoshaKanriNo === undefined || a.jigyoshaKanriNo === c.jigyoshaKanriNo),
      )
      .slice(0, STATUS_LIST_MAX);
  }

  /** 受付工程 at simulated time t. */
  stage(app: Application, t: number): Stage {
    if (app.cancelledAt !== undefined) return { code: PROCESSING_STAGE.rejected, note: '申込取消済み (cancelled by the applicant)' };
    const due = app.createdAt + this.deps.processingDelayMs;
    if (app.submitOp === 'switchingStart') return this.startStage(app, t, due);
    if (app.submitOp === 'switchingStop') return this.stopStage(app, t);
    if (app.pattern === 'processing-rejected' && t >= due) return rejectedByPattern();
    if (t >= due) return { code: PROCESSING_STAGE.completed, idoBi: app.idoYoteiBi, completedAt: due };
    return { code: PROCESSING_STAGE.inProgress };
  }

  /** マッチング済み(OK) of one of our relays at t (see the header comment for the quirk). */
  matched(relay: Relay, t: number): boolean {
    if (this.deps.relays.jokyo(relay, t) !== RELAY_STATUS.ok || relay.decisionAt === undefined) return false;
    const okAt = relay.decisionAt;
    return this.forRelay(relay.no).some((a) => a.submitOp === 'switchingStart' && a.cancelledAt === undefined && a.createdAt <= t && a.createdAt >= okAt);
  }

  /** マッチング済み(OK) of a relay addressed to us: judged OK and our stop application exists. */
  matchedIncoming(relay: IncomingRelay, t: number): boolean {
    if (this.deps.incoming.jokyo(relay, t) !== RELAY_STATUS.ok) return false;
    return this.forRelay(relay.no).some((a) => a.submitOp === 'switchingStop' && a.cancelledAt === undefined && a.createdAt <= t);
  }

  record(app: Application, t: number): ProcessingStatusRecord {
    const stage = this.stage(app, t);
    return {
      moshikomiNo: app.no,
      moshikomiShubetsu: applicationKindCode(app.kind, app.category) ?? '00',
      kyokyuChitenTokuteiNo: app.pointId,
      jigyoshaKanriNo: app.jigyoshaKanriNo,
      uketsukeKoteiCode: stage.code,
      idoYoteiBi: app.idoYoteiBi ? toWireDate(app.idoYoteiBi) : undefined,
      idoBi: stage.idoBi ? toWireDate(stage.idoBi) : undefined,
      renrakuJiko: stage.note,
    };
  }

  /** IF_x10220 extras: the 照会パスワード and its validity, once the 使用量情報照会申請 is completed. */
  usagePassword(app: Application, t: number): { shokaiPassword: string; passwordYukoKigen: string } | undefined {
    const valid = this.validUntil(app, t);
    return valid && app.password ? { shokaiPassword: app.password, passwordYukoKigen: toWireDate(valid) } : undefined;
  }

  /**
   * IF_x10310 gate: a completed 使用量情報照会申請 of the caller for the point whose password matches.
   * ERR_PASSWORD_INVALID / ERR_PASSWORD_EXPIRED otherwise (the password is never echoed).
   */
  grantUsage(ctx: Pick<AppOpContext, 'company' | 'category' | 'now'>, pointId: string, password: string): Application {
    const match = (this.byPoint.get(pointId) ?? []).find(
      (a) => a.submitOp === 'usageApply' && a.company === ctx.company && a.category === ctx.category && a.password !== undefined && sameSecret(a.password, password) && this.validUntil(a, ctx.now) !== undefined,
    );
    if (!match) throw new BusinessError('ERR_PASSWORD_INVALID', 'the 照会パスワード is not valid for this supply point and retailer');
    const until = this.validUntil(match, ctx.now) as string;
    if (jstDate(ctx.now) > until) {
      throw new BusinessError('ERR_PASSWORD_EXPIRED', `the 照会パスワード was valid until ${until} (JST); apply again (使用量情報照会申請)`);
    }
    return match;
  }

  reset(): void {
    this.apps = [];
    this.byNumber.clear();
    this.byPoint.clear();
    this.byRef.clear();
    this.byRelay.clear();
  }

  /** The last day (JST) the password may be used; undefined while not completed. */
  private validUntil(app: Application, t: number): string | undefined {
    if (app.submitOp !== 'usageApply') return undefined;
    const stage = this.stage(app, t);
    if (stage.code !== PROCESSING_STAGE.completed || stage.completedAt === undefined) return undefined;
    return plusOneMonth(jstDate(stage.completedAt));
  }

  private startStage(app: Application, t: number, due: number): Stage {
    const relay = this.deps.relays.byNo(app.relayNo ?? '') as Relay;
    const okAt = relay.judgement.kind === 'ok' ? relay.decisionAt : undefined;
    const completesAt = okAt === undefined ? Infinity : Math.max(due, okAt);
    if (relay.cancelledAt !== undefined && relay.cancelledAt < completesAt && t >= relay.cancelledAt) {
      return { code: PROCESSING_STAGE.rejected, note: '廃止取次が取消されたため却下 (relay cancelled)' };
    }
    if (relay.judgement.kind === 'ng' && relay.decisionAt !== undefined && t >= relay.decisionAt) {
      return { code: PROCESSING_STAGE.rejected, note: '廃止取次が判断NGのため却下 (relay judged NG)' };
    }
    if (app.pattern === 'processing-rejected' && t >= due) return rejectedByPattern();
    if (t >= completesAt) return { code: PROCESSING_STAGE.completed, idoBi: app.idoYoteiBi, completedAt: completesAt };
    return { code: PROCESSING_STAGE.inProgress };
  }

  private stopStage(app: Application, t: number): Stage {
    const relay = this.deps.incoming.byNo(app.relayNo ?? '') as IncomingRelay;
    const okAt = this.deps.incoming.okAt(relay);
    const completesAt = okAt === undefined ? Infinity : Math.max(app.createdAt, okAt) + this.deps.processingDelayMs;
    if (relay.cancelledAt !== undefined && relay.cancelledAt < completesAt && t >= relay.cancelledAt) {
      return { code: PROCESSING_STAGE.rejected, note: '新小売電気事業者が廃止取次を取消したため却下 (relay cancelled by the new retailer)' };
    }
    if (relay.judgement?.kind === 'ng' && relay.judgedAt !== undefined && t >= relay.judgedAt) {
      return { code: PROCESSING_STAGE.rejected, note: '廃止取次が判断NGのため却下 (relay judged NG)' };
    }
    if (app.pattern === 'processing-rejected' && t >= app.createdAt + this.deps.processingDelayMs) return rejectedByPattern();
    if (t >= completesAt) return { code: PROCESSING_STAGE.completed, idoBi: app.idoYoteiBi, completedAt: completesAt };
    return { code: PROCESSING_STAGE.inProgress };
  }

  private refuseDuplicate(ctx: AppOpContext, op: SubmitOperation, point: string): void {
    const switching = op === 'switchingStart' || op === 'switchingStop';
    const clash = (this.byPoint.get(point) ?? []).find((a) => {
      if (a.submitOp !== op || (op === 'usageApply' && a.company !== ctx.company)) return false;
      const code = this.stage(a, ctx.now).code;
      return switching ? code !== PROCESSING_STAGE.rejected : code === PROCESSING_STAGE.inProgress;
    });
    if (clash) throw new BusinessError('ERR_20070', `a ${LABEL[op]} is already ${switching ? 'open' : 'in progress'} for this supply point`);
  }

  private checkedDate(field: string, wire: string | undefined): string {
    if (!wire) throw inputError(field, 'required', `${field} is required when koshinFlag is 1 (登録)`);
    const iso = fromWireDate(wire);
    const problem = isoDateProblem(iso);
    if (problem) throw inputError(field, 'date', `${field} ${wire} ${problem}`);
    return iso;
  }

  /** スイッチング開始申請: an own relay for the point that is pending or judged OK. */
  private ownRelayFor(ctx: AppOpContext, req: ApplicationRequest): Relay {
    const usable = (r: Relay) => {
      const s = this.deps.relays.jokyo(r, ctx.now);
      return s === RELAY_STATUS.pending || s === RELAY_STATUS.ok;
    };
    if (req.haishiToritsugiNo) {
      const r = this.deps.relays.own(ctx, req.haishiToritsugiNo);
      if (!r || r.pointId !== req.kyokyuChitenTokuteiNo || !usable(r)) {
        throw new BusinessError('ERR_20070', `haishiToritsugiNo ${req.haishiToritsugiNo} is not an open 廃止取次 of this retailer for this supply point`);
      }
      return r;
    }
    const candidates = this.deps.relays.forPoint(req.kyokyuChitenTokuteiNo).filter((r) => r.company === ctx.company && r.category === ctx.category && usable(r));
    const relay = candidates[candidates.length - 1];
    if (!relay) throw new BusinessError('ERR_20070', 'no open 廃止取次 of this retailer for this supply point (register one first)');
    return relay;
  }

  /** スイッチング廃止申請: a relay addressed to the caller for the point that is neither NG nor cancelled. */
  private incomingRelayFor(ctx: AppOpContext, req: ApplicationRequest): IncomingRelay {
    const r = req.haishiToritsugiNo ? this.deps.incoming.byNo(req.haishiToritsugiNo) : undefined;
    const s = r ? this.deps.incoming.jokyo(r, ctx.now) : undefined;
    if (!r || r.toCompany !== ctx.company || r.category !== ctx.category || r.pointId !== req.kyokyuChitenTokuteiNo || r.registeredAt > ctx.now) {
      throw new BusinessError('ERR_20070', `haishiToritsugiNo ${req.haishiToritsugiNo ?? ''} is not a 廃止取次 addressed to this retailer for this supply point`);
    }
    if (s !== RELAY_STATUS.pending && s !== RELAY_STATUS.ok) {
      throw new BusinessError('ERR_20070', `廃止取次 ${r.no} has status ${s ?? ''}; a スイッチング廃止申請 needs one that is pending (01) or judged OK (02)`);
    }
    return r;
  }
}

const rejectedByPattern = (): Stage => ({ code: PROCESSING_STAGE.rejected, note: '送配電事業者により却下 (simulated pattern processing-rejected)' });
