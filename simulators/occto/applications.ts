// スイッチング開始申請 (IF_x10610) and its 業務処理状況確認 (IF_x10620, IF_x11110), the stubbed T&D
// side. Like the relays, progress is computed on read from the simulated clock.
//
// Matching (spec §4.1 step 6, §4.4): the simulated current retailer files its スイッチング廃止申請
// as soon as a start application exists for a relay it judges (or has judged) OK. The relay shows
// マッチング済み(OK) (matchingZumi '1') only when the start application came after the OK: if it
// came before, the applications matched before the judgement and the relay never shows it (the
// FAQ's display quirk).
//
// Processing (assumption, spec §13 Q10): 受付工程 '05' until `processingDelayMs` after the
// application AND the relay's OK; then '06' with 異動日 = 異動予定日. '09' when the pattern is
// processing-rejected, when the relay is judged NG or cancelled before completion, and for a
// cancelled application.
import { randomInt } from 'node:crypto';
import {
  APPLICATION_KIND,
  PROCESSING_STAGE,
  RELAY_STATUS,
  STATUS_LIST_MAX,
  fromWireDate,
  toWireDate,
  type ProcessingStatusRecord,
  type SwitchingStartRequest,
  type WireCategory,
} from '../../activities/occto/provisional-wire-format.js';
import { isoDateProblem } from '../../domain/jst.js';
import { BusinessError, inputError } from './business-error.js';
import type { Pattern } from './patterns.js';
import type { Relay, RelayStore } from './relays.js';

export interface StartApplication {
  no: string;
  company: string;
  category: WireCategory;
  pointId: string;
  relayNo: string;
  jigyoshaKanriNo: string;
  /** 'YYYY-MM-DD'. */
  idoYoteiBi: string;
  createdAt: number;
  cancelledAt?: number;
  pattern: Pattern;
}

export interface AppOpContext {
  company: string;
  category: WireCategory;
  now: number;
  pattern: Pattern;
  processingDelayMs: number;
}

export interface Stage {
  code: string;
  idoBi?: string;
  note?: string;
}

export interface StatusListCriteria {
  moshikomiNo?: string[];
  kyokyuChitenTokuteiNo?: string;
  jigyoshaKanriNo?: string;
}

export class ApplicationStore {
  private apps: StartApplication[] = [];
  private readonly base = randomInt(10_000, 100_000);
  private counter = 0;

  constructor(private readonly relays: RelayStore) {}

  all(): readonly StartApplication[] {
    return this.apps;
  }

  byNo(no: string): StartApplication | undefined {
    return this.apps.find((a) => a.no === no);
  }

  /** 更新フラグ 1: needs an own relay for the point that is neither NG nor cancelled; one open application per point. */
  apply(ctx: AppOpContext, req: SwitchingStartRequest): StartApplication {
    const relay = this.relayFor(ctx, req);
    const open = this.apps.find((a) => a.pointId === req.kyokyuChitenTokuteiNo && this.stage(a, ctx.now, ctx.processingDelayMs).code !== PROCESSING_STAGE.rejected);
    if (open) {
      throw new BusinessError('ERR_20070', 'a スイッチング開始申請 is already open for this supply point');
    }
    let idoYoteiBi = relay.kyokyuKaishiBi;
    if (req.idoYoteiBi) {
      idoYoteiBi = fromWireDate(req.idoYoteiBi);
      const problem = isoDateProblem(idoYoteiBi);
      if (problem) throw inputError('idoYoteiBi', 'date', `idoYoteiBi ${req.idoYoteiBi} ${problem}`);
    }
    const app: StartApplication = {
      no: `M${this.base}${String(++this.counter % 1_000_000).padStart(6, '0')}`,
      company: ctx.company,
      category: ctx.category,
      pointId: req.kyokyuChitenTokuteiNo,
      relayNo: relay.no,
      jigyoshaKanriNo: req.jigyoshaKanriNo,
      idoYoteiBi,
      createdAt: ctx.now,
      pattern: ctx.pattern,
    };
    this.apps.push(app);
    return app;
  }

  /** 更新フラグ 3: own application still in progress → cancelled; already cancelled → success (idempotent). */
  cancel(ctx: AppOpContext, req: SwitchingStartRequest): StartApplication {
    if (!req.moshikomiNo) throw inputError('moshikomiNo', 'required', 'moshikomiNo is required when koshinFlag is 3 (取消)');
    const app = this.own(ctx, req.moshikomiNo);
    if (!app || app.pointId !== req.kyokyuChitenTokuteiNo) {
      throw new BusinessError('ERR_20040', `no スイッチング開始申請 ${req.moshikomiNo} of this retailer for this supply point and category`);
    }
    if (app.cancelledAt !== undefined) return app;
    const stage = this.stage(app, ctx.now, ctx.processingDelayMs);
    if (stage.code !== PROCESSING_STAGE.inProgress) {
      throw new BusinessError('ERR_20070', `moshikomiNo ${app.no} is at 受付工程 ${stage.code}; only an application in progress (05) can be cancelled`);
    }
    app.cancelledAt = ctx.now;
    return app;
  }

  own(ctx: Pick<AppOpContext, 'company' | 'category'>, no: string): StartApplication | undefined {
    const a = this.byNo(no);
    return a && a.company === ctx.company && a.category === ctx.category ? a : undefined;
  }

  /** IF_x11110: own applications of the category matching every criterion, at most STATUS_LIST_MAX. */
  list(ctx: Pick<AppOpContext, 'company' | 'category'>, c: StatusListCriteria): StartApplication[] {
    if (!c.moshikomiNo?.length && c.kyokyuChitenTokuteiNo === undefined && c.jigyoshaKanriNo === undefined) {
      throw inputError('moshikomiNo', 'one-required', 'one of moshikomiNo, kyokyuChitenTokuteiNo, jigyoshaKanriNo is required');
    }
    return this.apps
      .filter(
        (a) =>
          a.company === ctx.company &&
          a.category === ctx.category &&
          (!c.moshikomiNo?.length || c.moshikomiNo.includes(a.no)) &&
          (c.kyokyuChitenTokuteiNo === undefined || a.pointId === c.kyokyuChitenTokuteiNo) &&
          (c.jigyoshaKanriNo === undefined || a.jigyoshaKanriNo === c.jigyoshaKanriNo),
      )
      .slice(0, STATUS_LIST_MAX);
  }

  /** 受付工程 at simulated time t. */
  stage(app: StartApplication, t: number, processingDelayMs: number): Stage {
    if (app.cancelledAt !== undefined) return { code: PROCESSING_STAGE.rejected, note: '申込取消済み (cancelled by the applicant)' };
    const relay = this.relays.byNo(app.relayNo) as Relay;
    const due = app.createdAt + processingDelayMs;
    const okAt = relay.judgement.kind === 'ok' ? relay.decisionAt : undefined;
    const completesAt = okAt === undefined ? Infinity : Math.max(due, okAt);
    if (relay.cancelledAt !== undefined && relay.cancelledAt < completesAt && t >= relay.cancelledAt) {
      return { code: PROCESSING_STAGE.rejected, note: '廃止取次が取消されたため却下 (relay cancelled)' };
    }
    if (relay.judgement.kind === 'ng' && relay.decisionAt !== undefined && t >= relay.decisionAt) {
      return { code: PROCESSING_STAGE.rejected, note: '廃止取次が判断NGのため却下 (relay judged NG)' };
    }
    if (app.pattern === 'processing-rejected' && t >= due) {
      return { code: PROCESSING_STAGE.rejected, note: '送配電事業者により却下 (simulated pattern processing-rejected)' };
    }
    if (t >= completesAt) return { code: PROCESSING_STAGE.completed, idoBi: app.idoYoteiBi };
    return { code: PROCESSING_STAGE.inProgress };
  }

  /** マッチング済み(OK) of a relay at t (see the header comment for the quirk). */
  matched(relay: Relay, t: number): boolean {
    if (this.relays.jokyo(relay, t) !== RELAY_STATUS.ok || relay.decisionAt === undefined) return false;
    const okAt = relay.decisionAt;
    return this.apps.some((a) => a.relayNo === relay.no && a.cancelledAt === undefined && a.createdAt <= t && a.createdAt >= okAt);
  }

  record(app: StartApplication, t: number, processingDelayMs: number): ProcessingStatusRecord {
    const stage = this.stage(app, t, processingDelayMs);
    return {
      moshikomiNo: app.no,
      moshikomiShubetsu: APPLICATION_KIND.switchingStart,
      kyokyuChitenTokuteiNo: app.pointId,
      jigyoshaKanriNo: app.jigyoshaKanriNo,
      uketsukeKoteiCode: stage.code,
      idoYoteiBi: toWireDate(app.idoYoteiBi),
      idoBi: stage.idoBi ? toWireDate(stage.idoBi) : undefined,
      renrakuJiko: stage.note,
    };
  }

  reset(): void {
    this.apps = [];
  }

  private relayFor(ctx: AppOpContext, req: SwitchingStartRequest): Relay {
    const usable = (r: Relay) => {
      const s = this.relays.jokyo(r, ctx.now);
      return s === RELAY_STATUS.pending || s === RELAY_STATUS.ok;
    };
    if (req.haishiToritsugiNo) {
      const r = this.relays.own(ctx, req.haishiToritsugiNo);
      if (!r || r.pointId !== req.kyokyuChitenTokuteiNo || !usable(r)) {
        throw new BusinessError('ERR_20070', `haishiToritsugiNo ${req.haishiToritsugiNo} is not an open 廃止取次 of this retailer for this supply point`);
      }
      return r;
    }
    const candidates = this.relays.all().filter((r) => r.company === ctx.company && r.category === ctx.category && r.pointId === req.kyokyuChitenTokuteiNo && usable(r));
    const relay = candidates[candidates.length - 1];
    if (!relay) throw new BusinessError('ERR_20070', 'no open 廃止取次 of this retailer for this supply point (register one first)');
    return relay;
  }
}
