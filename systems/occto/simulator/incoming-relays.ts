// 廃止取次 addressed to one of OUR companies (the current-retailer side, docs/external-systems/occto-switching.md §4.1 steps 2–3, 5):
// a simulated new retailer (any 5-digit code that is not a configured company) registers them —
// through the admin API, a start option (seed list) or the bulk generator. Our company reads them
// with IS_x20310 スイッチング廃止取次照会 and judges them with IS_x20410 スイッチング廃止取次判断.
//
// Rules (assumptions where the sources are silent, docs/external-systems/occto-switching.md §13 Q3):
// - 状況コード: 01 until judged, then 02 (OK) or 03 (NG); 06 once the new retailer cancelled it.
// - A judgement is final (docs/external-systems/occto-switching.md §4.3): judging a relay that is no longer 01 answers ERR_20070; a
//   relay not addressed to the caller (other company or category, unknown number, other point)
//   answers ERR_20040.
// - On OK the simulated new retailer files its スイッチング開始申請 at once (not visible to us); our
//   IF_x10710 スイッチング廃止申請 for the relay then matches it (applications.ts).
// - The new retailer may cancel a pending or judged-OK relay (admin cancel, or the point pattern
//   `new-retailer-cancels`, suffix 890: it cancels `judgementDelayMs` after our OK).
// Customer data here is synthetic (made up by whoever injected the relay); IS_x20310 returns it,
// the admin state view does not.
import { z } from 'zod';
import {
  RELAY_STATUS,
  STATUS_LIST_MAX,
  toWireDate,
  jstTimestamp,
  type IncomingRelayRecord,
  type RelayInboxRequest,
  type RelayJudgeRequest,
  type WireCategory,
} from '../activities/provisional-wire-format.js';
import { AREA_CODES, type AreaCode } from '../../../domain/areas.js';
import { companyCodeProblem } from '../../../domain/company.js';
import { addDays, isoDateProblem, jstDate } from '../../../domain/jst.js';
import { checkSupplyStartDate } from '../domain/start-date-rules.js';
import { pointIdProblem } from '../../../domain/supply-point.js';
import { BusinessError } from './business-error.js';
import { nextButOneMeterReadingDate } from './meter-reading.js';
import { pushTo, type Numberer } from './numbering.js';
import { syntheticPointId, type Pattern } from './patterns.js';

export interface IncomingCustomer {
  name: string;
  kana: string;
  address: string;
  phone?: string;
}

export interface IncomingRelay {
  no: string;
  /** Our company the relay is addressed to (the current retailer). */
  toCompany: string;
  category: WireCategory;
  pointId: string;
  newRetailerCode: string;
  /** 'YYYY-MM-DD'. */
  kyokyuKaishiBi: string;
  registeredAt: number;
  customer: IncomingCustomer;
  judgement?: { kind: 'ok' } | { kind: 'ng'; reasons: number[] };
  judgedAt?: number;
  /** When the new retailer cancels / cancelled it (explicitly, or by the pattern after our OK). */
  cancelledAt?: number;
  pattern: Pattern;
}

// ---------------------------------------------------------------------------------------------
// Input of the admin API and of the start option (validated with zod; 400 names the fields)
// ---------------------------------------------------------------------------------------------
const codeField = (field: string) =>
  z.string({ error: `${field} must be a string of 5 digits` }).superRefine((s, ctx) => {
    const problem = companyCodeProblem(s, field);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const categoryField = z.enum(['LV', 'HV', 'FIT'], { error: 'category must be one of LV, HV, FIT' });
const isoDateField = (field: string) =>
  z.string({ error: `${field} must be a date 'YYYY-MM-DD'` }).superRefine((s, ctx) => {
    const problem = isoDateProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: `${field} ${problem}` });
  });

export const incomingCustomerSchema = z
  .object({
    name: z.string({ error: 'customer.name is required' }).min(1).max(80),
    kana: z.string({ error: 'customer.kana is required' }).min(1).max(80),
    address: z.string({ error: 'customer.address is required' }).min(1).max(200),
    phone: z.string().regex(/^[0-9-]{10,13}$/, 'customer.phone must be 10–13 digits or hyphens').optional(),
  })
  .strict();

export const incomingRelayInputSchema = z
  .object({
    toCompany: codeField('toCompany'),
    category: categoryField,
    supplyPointId: z.string({ error: 'supplyPointId must be a string of 22 digits' }).superRefine((s, ctx) => {
      const problem = pointIdProblem(s, 'supplyPointId');
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    newRetailerCode: codeField('newRetailerCode'),
    /** Default: the latest allowed date (LV/FIT 次々回検針日, HV today + 30 days). */
    supplyStartDate: isoDateField('supplyStartDate').optional(),
    customer: incomingCustomerSchema,
  })
  .strict();
export type IncomingRelayInput = z.input<typeof incomingRelayInputSchema>;

export const BULK_MAX = 5_000;
export const incomingRelayBulkSchema = z
  .object({
    toCompany: codeField('toCompany'),
    category: categoryField,
    count: z.number({ error: 'count must be a number' }).int().min(1).max(BULK_MAX, `count must be at most ${BULK_MAX}`),
    area: z.enum(AREA_CODES, { error: 'area must be a two-digit area code 01–10' }).default('03'),
    newRetailerCode: codeField('newRetailerCode').optional(),
    supplyStartDate: isoDateField('supplyStartDate').optional(),
    /** Last three digits of the generated points: selects their pattern (default '000' = ok). */
    pointSuffix: z.string().regex(/^\d{3}$/, 'pointSuffix must be 3 digits').default('000'),
  })
  .strict();
export type IncomingRelayBulkInput = z.input<typeof incomingRelayBulkSchema>;

/** A refusal of an admin injection (the HTTP layer maps it to 400 / 404 / 409). */
export class InjectionError extends Error {
  override name = 'InjectionError';
  constructor(
    readonly status: 400 | 404 | 409,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Cities of the T&D head offices (docs/external-systems/occto-switching.md §1.4), for synthetic addresses. */
const AREA_CITY: Readonly<Record<AreaCode, string>> = {
  '01': '北海道札幌市中央区',
  '02': '宮城県仙台市青葉区',
  '03': '東京都千代田区',
  '04': '愛知県名古屋市東区',
  '05': '富山県富山市',
  '06': '大阪府大阪市北区',
  '07': '広島県広島市中区',
  '08': '香川県高松市',
  '09': '福岡県福岡市中央区',
  '10': '沖縄県浦添市',
};

export interface IncomingDeps {
  nextNo: Numberer;
  /** Whether one of our own relays (new-retailer side) is open for the point. */
  openElsewhere: (pointId: string, t: number) => boolean;
  isOurCompany: (code: string) => boolean;
  patternOf: (pointId: string) => Pattern;
  judgementDelayMs: number;
}

export interface InboxPage {
  records: IncomingRelay[];
  more: boolean;
}

const scopeKey = (company: string, category: WireCategory): string => `${company}|${category}`;

export class IncomingRelayStore {
  private relays: IncomingRelay[] = [];
  private readonly byNumber = new Map<string, IncomingRelay>();
  private readonly byPoint = new Map<string, IncomingRelay[]>();
  /** Per (our company, category), in registration order: the inbox. */
  private readonly byScope = new Map<string, IncomingRelay[]>();
  private bulkSerial = 0;

  constructor(private readonly deps: IncomingDeps) {}

  all(): readonly IncomingRelay[] {
    return this.relays;
  }

  byNo(no: string): IncomingRelay | undefined {
    return this.byNumber.get(no);
  }

  forPoint(pointId: string): readonly IncomingRelay[] {
    return this.byPoint.get(pointId) ?? [];
  }

  /** 状況コード at simulated time t. */
  jokyo(r: IncomingRelay, t: number): IncomingRelayRecord['jokyoCode'] {
    if (r.cancelledAt !== undefined && t >= r.cancelledAt) return RELAY_STATUS.cancelled;
    if (r.judgement && r.judgedAt !== undefined && t >= r.judgedAt) return r.judgement.kind === 'ok' ? RELAY_STATUS.ok : RELAY_STATUS.ng;
    return RELAY_STATUS.pending;
  }

  /** When the OK became visible (the new retailer files its start application then); undefined if not OK. */
  okAt(r: IncomingRelay): number | undefined {
    return r.judgement?.kind === 'ok' ? r.judgedAt : undefined;
  }

  openForPoint(pointId: string, t: number): IncomingRelay | undefined {
    return this.forPoint(pointId).find((r) => {
      const s = this.jokyo(r, t);
      return s === RELAY_STATUS.pending || s === RELAY_STATUS.ok;
    });
  }

  /** A relay registered by a simulated new retailer, addressed to one of our companies. */
  inject(raw: unknown, now: number): IncomingRelay {
    const input = incomingRelayInputSchema.parse(raw);
    if (!this.deps.isOurCompany(input.toCompany)) {
      throw new InjectionError(400, 'toCompany', `toCompany ${input.toCompany} is not a company configured in the simulator`);
    }
    if (this.deps.isOurCompany(input.newRetailerCode)) {
      throw new InjectionError(400, 'newRetailerCode', `newRetailerCode ${input.newRetailerCode} is one of our companies; a simulated new retailer needs a code that is not configured`);
    }
    const today = jstDate(now);
    const nextButOne = input.category === 'HV' ? undefined : nextButOneMeterReadingDate(input.supplyPointId, today);
    const start = input.supplyStartDate ?? nextButOne ?? addDays(today, 30);
    const check = checkSupplyStartDate({ category: input.category, supplyStartDate: start, today, nextButOneMeterReadingDate: nextButOne });
    if (!check.ok) throw new InjectionError(400, 'supplyStartDate', check.message);
    if (this.openForPoint(input.supplyPointId, now) || this.deps.openElsewhere(input.supplyPointId, now)) {
      throw new InjectionError(409, 'supplyPointId', `a 廃止取次 that is pending or judged OK already exists for supply point ${input.supplyPointId}`);
    }
    const relay: IncomingRelay = {
      no: this.deps.nextNo(),
      toCompany: input.toCompany,
      category: input.category,
      pointId: input.supplyPointId,
      newRetailerCode: input.newRetailerCode,
      kyokyuKaishiBi: start,
      registeredAt: now,
      customer: { ...input.customer },
      pattern: this.deps.patternOf(input.supplyPointId),
    };
    this.add(relay);
    return relay;
  }

  /** Replaces the book with saved relays (a simulator restarted from its state file). */
  load(relays: readonly IncomingRelay[], bulkSerial: number): void {
    this.reset();
    for (const r of relays) this.add(r);
    this.bulkSerial = bulkSerial;
  }

  /** The serial of the last synthetic point of injectBulk (saved with the relays). */
  get lastBulkSerial(): number {
    return this.bulkSerial;
  }

  private add(relay: IncomingRelay): void {
    this.relays.push(relay);
    this.byNumber.set(relay.no, relay);
    pushTo(this.byPoint, relay.pointId, relay);
    pushTo(this.byScope, scopeKey(relay.toCompany, relay.category), relay);
  }

  /** `count` relays at fresh synthetic points of `area`, with synthetic customers. */
  injectBulk(raw: unknown, now: number, defaultNewRetailer: string): IncomingRelay[] {
    const b = incomingRelayBulkSchema.parse(raw);
    const out: IncomingRelay[] = [];
    while (out.length < b.count) {
      const serial = 90_000_000_000 + ++this.bulkSerial;
      const pointId = syntheticPointId(b.area, serial, b.pointSuffix);
      if (this.forPoint(pointId).length > 0 || this.deps.openElsewhere(pointId, now)) continue;
      const n = String(this.bulkSerial);
      out.push(
        this.inject(
          {
            toCompany: b.toCompany,
            category: b.category,
            supplyPointId: pointId,
            newRetailerCode: b.newRetailerCode ?? defaultNewRetailer,
            supplyStartDate: b.supplyStartDate,
            customer: { name: `模擬 需要者${n}`, kana: `モギ ジュヨウシャ${n}`, address: `${AREA_CITY[b.area]}模擬町${n}番地`, phone: `03-0000-${n.slice(-4).padStart(4, '0')}` },
          },
          now,
        ),
      );
    }
    return out;
  }

  /** The simulated new retailer cancels (取消) its relay: pending or judged OK → 06; idempotent. */
  cancelByNewRetailer(no: string, now: number): IncomingRelay {
    const r = this.byNo(no);
    if (!r) throw new InjectionError(404, 'haishiToritsugiNo', `no 廃止取次 ${no} addressed to our companies`);
    const s = this.jokyo(r, now);
    if (s === RELAY_STATUS.cancelled) return r;
    if (s !== RELAY_STATUS.pending && s !== RELAY_STATUS.ok) {
      throw new InjectionError(409, 'haishiToritsugiNo', `廃止取次 ${no} has status ${s}; only 01 (pending) or 02 (judged OK) can be cancelled`);
    }
    r.cancelledAt = now;
    return r;
  }

  /** IS_x20310: the caller's relays of the category, filtered, one page of STATUS_LIST_MAX. */
  inbox(ctx: { company: string; category: WireCategory; now: number }, req: RelayInboxRequest): InboxPage {
    const scope =
      req.haishiToritsugiNo !== undefined
        ? [this.byNo(req.haishiToritsugiNo)].filter((r): r is IncomingRelay => r !== undefined && r.toCompany === ctx.company && r.category === ctx.category)
        : (this.byScope.get(scopeKey(ctx.company, ctx.category)) ?? []);
    const from = req.tourokuNichijiFrom === undefined ? undefined : Date.parse(req.tourokuNichijiFrom);
    const matching = scope.filter(
      (r) => r.registeredAt <= ctx.now && (from === undefined || r.registeredAt >= from) && (req.jokyoCode === undefined || this.jokyo(r, ctx.now) === req.jokyoCode),
    );
    const start = Number(req.kaishiIchi ?? '1') - 1;
    return { records: matching.slice(start, start + STATUS_LIST_MAX), more: start + STATUS_LIST_MAX < matching.length };
  }

  /** IS_x20410: final judgement by the company the relay is addressed to. */
  judge(ctx: { company: string; category: WireCategory; now: number }, req: RelayJudgeRequest, ngReasons: number[]): IncomingRelay {
    const r = this.byNo(req.haishiToritsugiNo);
    if (!r || r.toCompany !== ctx.company || r.category !== ctx.category || r.pointId !== req.kyokyuChitenTokuteiNo || r.registeredAt > ctx.now) {
      throw new BusinessError('ERR_20040', `no 廃止取次 ${req.haishiToritsugiNo} addressed to this retailer for this supply point and category`);
    }
    const s = this.jokyo(r, ctx.now);
    if (s !== RELAY_STATUS.pending) {
      throw new BusinessError('ERR_20070', `廃止取次 ${r.no} has status ${s}; a judgement is final and only a pending (01) 廃止取次 can be judged`);
    }
    r.judgedAt = ctx.now;
    if (req.hanteiKekka === '01') {
      r.judgement = { kind: 'ok' };
      if (r.pattern === 'new-retailer-cancels') r.cancelledAt = ctx.now + this.deps.judgementDelayMs;
    } else {
      r.judgement = { kind: 'ng', reasons: ngReasons };
    }
    return r;
  }

  record(r: IncomingRelay, t: number): IncomingRelayRecord {
    return {
      haishiToritsugiNo: r.no,
      kyokyuChitenTokuteiNo: r.pointId,
      shinKouriJigyoshaCode: r.newRetailerCode,
      kyokyuKaishiBi: toWireDate(r.kyokyuKaishiBi),
      tourokuNichiji: jstTimestamp(r.registeredAt),
      jokyoCode: this.jokyo(r, t),
      juyoshaMei: r.customer.name,
      juyoshaMeiKana: r.customer.kana,
      juyoshaJusho: r.customer.address,
      juyoshaDenwa: r.customer.phone,
    };
  }

  /** New-retailer codes seen in injected relays (for 事業者一覧取得). */
  newRetailerCodes(): Set<string> {
    return new Set(this.relays.map((r) => r.newRetailerCode));
  }

  reset(): void {
    this.relays = [];
    this.byNumber.clear();
    this.byPoint.clear();
    this.byScope.clear();
  }
}
