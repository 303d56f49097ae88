// 廃止取次 (switching discontinuation relay), the OCCTO-internal workflow (docs/external-systems/occto-switching.md §4, §5.1, §6.4).
// The (simulated) current retailer judges each relay `judgementDelayMs` of simulated time after its
// registration, as its pattern says. Everything is computed on read from the simulated clock, so no
// timers exist and clock jumps just work. Relays are indexed by number, point and our reference.
import {
  NG_REASON_COUNT,
  RELAY_STATUS,
  fromWireDate,
  toWireDate,
  type RelayRecord,
  type RelayRegisterRequest,
  type RelayResultRequest,
  type WireCategory,
} from '../activities/provisional-wire-format.js';
import { isoDateProblem, jstDate } from '../../../domain/jst.js';
import { checkSupplyStartDate } from '../domain/start-date-rules.js';
import { BusinessError, inputError } from './business-error.js';
import { nextButOneMeterReadingDate } from './meter-reading.js';
import { numberer, pushTo, type Numberer } from './numbering.js';
import { NG_REASONS, type Pattern } from './patterns.js';
import { jstTimestamp } from '../activities/provisional-wire-format.js';

export type Judgement = { kind: 'ok' } | { kind: 'ng'; reasons: number[] } | { kind: 'never' };

export interface Relay {
  no: string;
  company: string;
  category: WireCategory;
  pointId: string;
  jigyoshaKanriNo: string;
  /** 'YYYY-MM-DD'. */
  kyokyuKaishiBi: string;
  genKouriJigyoshaCode?: string;
  registeredAt: number;
  /** When the current retailer's judgement becomes visible; undefined = never. */
  decisionAt?: number;
  judgement: Judgement;
  cancelledAt?: number;
  pattern: Pattern;
}

export interface RelayOpContext {
  company: string;
  category: WireCategory;
  now: number;
  pattern: Pattern;
  judgementDelayMs: number;
}

export class RelayStore {
  private relays: Relay[] = [];
  private readonly byNumber = new Map<string, Relay>();
  private readonly byPoint = new Map<string, Relay[]>();
  private readonly byRef = new Map<string, Relay[]>();

  /**
   * @param nextNo relay numbers ('H' + 11 digits), shared with the incoming relays so numbers never collide
   * @param openElsewhere whether another book (the relays addressed to our companies) has an open relay for the point
   */
  constructor(
    private readonly nextNo: Numberer = numberer('H'),
    private readonly openElsewhere: (pointId: string, t: number) => boolean = () => false,
  ) {}

  all(): readonly Relay[] {
    return this.relays;
  }

  byNo(no: string): Relay | undefined {
    return this.byNumber.get(no);
  }

  forPoint(pointId: string): readonly Relay[] {
    return this.byPoint.get(pointId) ?? [];
  }

  /** 状況コード at simulated time t. */
  jokyo(relay: Relay, t: number): string {
    if (relay.cancelledAt !== undefined) return RELAY_STATUS.cancelled;
    if (relay.decisionAt === undefined || t < relay.decisionAt) return RELAY_STATUS.pending;
    return relay.judgement.kind === 'ng' ? RELAY_STATUS.ng : RELAY_STATUS.ok;
  }

  /** Open = pending or judged OK (matched included): blocks a new registration for the point. */
  openForPoint(pointId: string, t: number): Relay | undefined {
    return this.forPoint(pointId).find((r) => isOpen(this.jokyo(r, t)));
  }

  own(ctx: Pick<RelayOpContext, 'company' | 'category'>, no: string): Relay | undefined {
    const r = this.byNo(no);
    return r && r.company === ctx.company && r.category === ctx.category ? r : undefined;
  }

  /** 更新フラグ 1 登録. */
  register(ctx: RelayOpContext, req: RelayRegisterRequest): Relay {
    for (const field of ['kyokyuKaishiBi', 'juyoshaMei', 'juyoshaMeiKana', 'juyoshaJusho'] as const) {
      if (!req[field]) throw inputError(field, 'required', `${field} is required when koshinFlag is 1 (登録)`);
    }
    const start = this.checkedStartDate(ctx, req.kyokyuChitenTokuteiNo, req.kyokyuKaishiBi as string);
    if (ctx.pattern === 'duplicate') {
      throw new BusinessError('ERR_SW_DUPLICATE', 'a 廃止取次 of another retailer is open for this supply point (simulated pattern duplicate)');
    }
    if (this.openForPoint(req.kyokyuChitenTokuteiNo, ctx.now) || this.openElsewhere(req.kyokyuChitenTokuteiNo, ctx.now)) {
      throw new BusinessError('ERR_SW_DUPLICATE', 'a 廃止取次 that is pending or judged OK already exists for this supply point');
    }
    const relay: Relay = {
      no: this.nextNo(),
      company: ctx.company,
      category: ctx.category,
      pointId: req.kyokyuChitenTokuteiNo,
      jigyoshaKanriNo: req.jigyoshaKanriNo,
      kyokyuKaishiBi: start,
      genKouriJigyoshaCode: req.genKouriJigyoshaCode,
      registeredAt: ctx.now,
      decisionAt: ctx.pattern === 'never-judged' ? undefined : ctx.now + ctx.judgementDelayMs,
      judgement: this.judgementFor(ctx.pattern, req.kyokyuChitenTokuteiNo),
      pattern: ctx.pattern,
    };
    this.add(relay);
    return relay;
  }

  /** Replaces the book with saved relays (a simulator restarted from its state file). */
  load(relays: readonly Relay[]): void {
    this.reset();
    for (const r of relays) this.add(r);
  }

  private add(relay: Relay): void {
    this.relays.push(relay);
    this.byNumber.set(relay.no, relay);
    pushTo(this.byPoint, relay.pointId, relay);
    pushTo(this.byRef, refKey(relay.company, relay.jigyoshaKanriNo), relay);
  }

  /** 更新フラグ 2 訂正: only while pending (the judgement cannot be changed afterwards). Rules unknown (docs/external-systems/occto-switching.md §4.2): assumption. */
  correct(ctx: RelayOpContext, req: RelayRegisterRequest): Relay {
    const relay = this.referenced(ctx, req);
    if (this.jokyo(relay, ctx.now) !== RELAY_STATUS.pending) {
      throw new BusinessError('ERR_20070', `haishiToritsugiNo ${relay.no} is ${this.jokyo(relay, ctx.now)}, only a pending (01) 廃止取次 can be corrected`);
    }
    if (req.kyokyuKaishiBi) relay.kyokyuKaishiBi = this.checkedStartDate(ctx, relay.pointId, req.kyokyuKaishiBi);
    if (relay.jigyoshaKanriNo !== req.jigyoshaKanriNo) {
      const old = this.byRef.get(refKey(relay.company, relay.jigyoshaKanriNo)) ?? [];
      if (old.includes(relay)) old.splice(old.indexOf(relay), 1);
      relay.jigyoshaKanriNo = req.jigyoshaKanriNo;
      pushTo(this.byRef, refKey(relay.company, relay.jigyoshaKanriNo), relay);
    }
    return relay;
  }

  /** 更新フラグ 3 取消: own relay pending or judged OK → cancelled; already cancelled → success (idempotent). */
  cancel(ctx: RelayOpContext, req: RelayRegisterRequest): Relay {
    const relay = this.referenced(ctx, req);
    const status = this.jokyo(relay, ctx.now);
    if (status === RELAY_STATUS.cancelled) return relay;
    if (status !== RELAY_STATUS.pending && status !== RELAY_STATUS.ok) {
      throw new BusinessError('ERR_20070', `haishiToritsugiNo ${relay.no} has status ${status}; only 01 (pending) or 02 (judged OK) can be cancelled`);
    }
    relay.cancelledAt = ctx.now;
    return relay;
  }

  /**
   * IS_x20210: the caller's own relays of the category matching every given criterion
   * (haishiToritsugiNoList: any of the numbers). Starts from the narrowest index, never a full scan.
   */
  query(ctx: Pick<RelayOpContext, 'company' | 'category'>, req: RelayResultRequest): Relay[] {
    const list = req.haishiToritsugiNoList?.length ? new Set(req.haishiToritsugiNoList) : undefined;
    let candidates: readonly Relay[];
    if (req.haishiToritsugiNo !== undefined) candidates = [this.byNo(req.haishiToritsugiNo)].filter((r): r is Relay => r !== undefined);
    else if (list) candidates = [...list].map((no) => this.byNo(no)).filter((r): r is Relay => r !== undefined);
    else if (req.kyokyuChitenTokuteiNo !== undefined) candidates = this.forPoint(req.kyokyuChitenTokuteiNo);
    else if (req.jigyoshaKanriNo !== undefined) candidates = this.byRef.get(refKey(ctx.company, req.jigyoshaKanriNo)) ?? [];
    else candidates = [];
    return candidates.filter(
      (r) =>
        r.company === ctx.company &&
        r.category === ctx.category &&
        (req.haishiToritsugiNo === undefined || r.no === req.haishiToritsugiNo) &&
        (list === undefined || list.has(r.no)) &&
        (req.kyokyuChitenTokuteiNo === undefined || r.pointId === req.kyokyuChitenTokuteiNo) &&
        (req.jigyoshaKanriNo === undefined || r.jigyoshaKanriNo === req.jigyoshaKanriNo),
    );
  }

  record(relay: Relay, t: number, matched: boolean): RelayRecord {
    const jokyoCode = this.jokyo(relay, t) as RelayRecord['jokyoCode'];
    const judged = relay.decisionAt !== undefined && t >= relay.decisionAt;
    return {
      haishiToritsugiNo: relay.no,
      kyokyuChitenTokuteiNo: relay.pointId,
      jigyoshaKanriNo: relay.jigyoshaKanriNo,
      jokyoCode,
      matchingZumi: matched ? '1' : '0',
      kyokyuKaishiBi: toWireDate(relay.kyokyuKaishiBi),
      tourokuNichiji: jstTimestamp(relay.registeredAt),
      hanteiNichiji: judged ? jstTimestamp(relay.decisionAt as number) : undefined,
      hanteiNgRiyu: judged && relay.judgement.kind === 'ng' ? ngFlags(relay.judgement.reasons) : undefined,
    };
  }

  reset(): void {
    this.relays = [];
    this.byNumber.clear();
    this.byPoint.clear();
    this.byRef.clear();
  }

  private referenced(ctx: RelayOpContext, req: RelayRegisterRequest): Relay {
    if (!req.haishiToritsugiNo) {
      throw inputError('haishiToritsugiNo', 'required', `haishiToritsugiNo is required when koshinFlag is ${req.koshinFlag}`);
    }
    const relay = this.own(ctx, req.haishiToritsugiNo);
    if (!relay || relay.pointId !== req.kyokyuChitenTokuteiNo) {
      throw new BusinessError('ERR_20040', `no 廃止取次 ${req.haishiToritsugiNo} of this retailer for this supply point and category`);
    }
    return relay;
  }

  private judgementFor(pattern: Pattern, pointId: string): Judgement {
    if (pattern === 'never-judged') return { kind: 'never' };
    if (pattern === 'ng') return { kind: 'ng', reasons: NG_REASONS.ng };
    if (pattern === 'ng-once' && this.forPoint(pointId).length === 0) return { kind: 'ng', reasons: NG_REASONS['ng-once'] };
    return { kind: 'ok' };
  }

  /** 供給開始日 rules (docs/external-systems/occto-switching.md §5.1) against the simulated today; returns 'YYYY-MM-DD'. */
  private checkedStartDate(ctx: RelayOpContext, pointId: string, wire: string): string {
    const start = fromWireDate(wire);
    const problem = isoDateProblem(start);
    if (problem) throw inputError('kyokyuKaishiBi', 'date', `kyokyuKaishiBi ${wire} ${problem}`);
    const today = jstDate(ctx.now);
    const check = checkSupplyStartDate({
      category: ctx.category,
      supplyStartDate: start,
      today,
      nextButOneMeterReadingDate: ctx.category === 'HV' ? undefined : nextButOneMeterReadingDate(pointId, today),
    });
    if (!check.ok) throw inputError('kyokyuKaishiBi', check.rule, check.message.replaceAll('supplyStartDate', 'kyokyuKaishiBi'));
    return start;
  }
}

const refKey = (company: string, ref: string): string => `${company}\u0000${ref}`;

export const isOpen = (status: string): boolean => status === RELAY_STATUS.pending || status === RELAY_STATUS.ok;

export function ngFlags(reasons: number[]): string {
  return Array.from({ length: NG_REASON_COUNT }, (_, i) => (reasons.includes(i + 1) ? '1' : '0')).join('');
}
