// Construction applications (工事申込) and their progress over SIMULATED time. Like the OCCTO
// simulator, nothing is scheduled: every answer is computed on read from the clock ("lazy").
//
// Life of an application (assumptions of the simulator; the real rules are not public):
//   submitted (1–3; 集団: 4 … 5 集団申込完了) ── acceptanceDelayMs ──▶ 受付結果
//     - pattern rejected → 却下 (final); never-accepted → stays 審査中;
//     - pattern needs-correction → 要訂正 until one 訂正 (re-sent through the same apply API with
//       teiseiFlag '1'), which restarts the review;
//     - a required document (REQUIRED_DOCUMENTS: 図面, 街路灯 位置図) not attached → 要訂正 naming it,
//       until FileTnpu attaches it (then 受付済 at once);
//     - else 受付済.
//   受付済 at A ──▶ 工程 調査 A+1·step, 設計 A+2·step, 工事 A+3·step, 工事完了 A+4·step
//           ──▶ 契約算定 at A + calculationDelayMs
//   竣工届 (6/7/8, needs 受付済) at C ──▶ 結果通知 at max(C + resultDelayMs, 契約算定)
//   申込取消 (10) at any stage before the 結果通知 (not after 却下); a second one is a no-op.
// Customer data (names, addresses, phone numbers) is validated and never kept.
import { randomInt } from 'node:crypto';
import {
  ACCEPTANCE_RESULT,
  APPLICATION_KIND_JA,
  DOCUMENT_TYPE_JA,
  PROCESS_STAGE_JA,
  PROCESS_STAGE_ORDER,
  REQUIRED_DOCUMENTS,
  formatFileId,
  formatMoshikomiNo,
  jstDateTime,
  type AcceptanceRecord,
  type AcceptanceResultCode,
  type ApplicationKind,
  type CalculationRecord,
  type CancelRequest,
  type CompletionNoticeRequest,
  type DocumentType,
  type DwellingUnit,
  type Equipment,
  type FileAttachFields,
  type GairotoApplyRequest,
  type JojiApplyRequest,
  type ProcessRecord,
  type ProcessStageCode,
  type ResultRecord,
  type RinjiApplyRequest,
  type ServiceName,
  type ShudanApplyRequest,
  type SupplyType,
} from '../activities/provisional-wire-format.js';
import { jstDate } from '../../../domain/jst.js';
import { CORRECTION_ITEM, REJECTION_REASON, type Pattern } from './patterns.js';
import { TakusouError, invalidState, notFound, type ItemMessage } from './takusou-error.js';
import type { ApplicationView, Timing } from './types.js';

/** The seeded application "submitted through the web screens": never visible through the API (L3). */
export const WEB_SUBMITTED_MOSHIKOMI_NO = 'T9000000001';

type CapacityUnit = 'A' | 'kVA' | 'kW';

interface Contract {
  keiyakuShubetsu: string;
  keiyakuDenryoku?: number;
  keiyakuDenryokuTani?: CapacityUnit;
  /** Sum of 台数 × 容量 of the equipment list (kW). */
  equipmentKw: number;
}

interface SimUnit extends Contract {
  heyaBango: string;
}

export interface SimFile {
  fileId: string;
  docType: DocumentType;
  name: string;
  mime: string;
  size: number;
  attachedAt: number;
}

export interface SimApplication {
  no: string;
  kind: ApplicationKind;
  company: string;
  ref: string;
  channel: 'api' | 'web';
  pattern: Pattern;
  supplyType: SupplyType;
  contract: Contract;
  /** 'YYYY-MM-DD'. */
  kibouKyokyuKaishiBi: string;
  tatemonoMei?: string;
  units?: SimUnit[];
  createdAt: number;
  /** Start of the current review: the submission, or the last 訂正 before acceptance. */
  submittedAt: number;
  corrections: number;
  groupCompletedAt?: number;
  files: SimFile[];
  completionNoticeAt?: number;
  completionUnits?: string[];
  cancelledAt?: number;
  cancelReason?: string;
  /** Last change made by a request (for 更新日時 before the review answers). */
  changedAt: number;
}

export interface Progress {
  acceptance: { code: AcceptanceResultCode; at: number; teiseiKomoku?: ItemMessage[]; kyakkaRiyu?: string };
  acceptedAt?: number;
  stages?: { code: ProcessStageCode; plannedAt: number; doneAt?: number }[];
  processAt?: number;
  calculatedAt?: number;
  resultAt?: number;
}

export interface OpContext {
  company: string;
  now: number;
  pattern: Pattern;
}

type ApplyRequest = JojiApplyRequest | RinjiApplyRequest | GairotoApplyRequest | ShudanApplyRequest;

const APPLY_SERVICE: Record<ApplicationKind, ServiceName> = { JOJI: 'JoJmshkm', RINJI: 'Rnjmshkm', GAIROTO: 'Girtmshkm', SHUDAN: 'Shdnmshkm' };
const COMPLETION_SERVICE: Record<ApplicationKind, ServiceName> = { JOJI: 'ShnkoTdk', RINJI: 'ShnkoTdk', GAIROTO: 'GirtShnkoTdk', SHUDAN: 'ShdnShnkoTdk' };

const equipmentKw = (list: readonly Equipment[] | undefined): number => (list ?? []).reduce((kw, e) => kw + e.daisu * (e.yoryoKw ?? 0), 0);

function contractOf(r: { keiyakuShubetsu: string; keiyakuDenryoku?: number; keiyakuDenryokuTani?: CapacityUnit; setsubi?: Equipment[] }): Contract {
  return {
    keiyakuShubetsu: r.keiyakuShubetsu,
    ...(r.keiyakuDenryoku !== undefined ? { keiyakuDenryoku: r.keiyakuDenryoku } : {}),
    ...(r.keiyakuDenryokuTani !== undefined ? { keiyakuDenryokuTani: r.keiyakuDenryokuTani } : {}),
    equipmentKw: equipmentKw(r.setsubi),
  };
}

const unitOf = (u: DwellingUnit): SimUnit => ({ heyaBango: u.heyaBango, ...contractOf(u) });

function duplicateUnits(units: readonly { heyaBango: string }[], existing: readonly SimUnit[] = []): ItemMessage[] {
  const seen = new Set(existing.map((u) => u.heyaBango));
  const items: ItemMessage[] = [];
  units.forEach((u, i) => {
    if (seen.has(u.heyaBango)) items.push({ item: `juko.${i}.heyaBango`, message: `heyaBango ${u.heyaBango} is already in the application` });
    seen.add(u.heyaBango);
  });
  return items;
}

/** 契約算定 (deterministic, arbitrary amounts): the requested capacity, else the equipment total. */
function calculated(c: Contract, supplyType: SupplyType): Pick<CalculationRecord, 'keiyakuShubetsu' | 'keiyakuDenryoku' | 'keiyakuDenryokuTani'> {
  if (c.keiyakuDenryoku !== undefined) return { keiyakuShubetsu: c.keiyakuShubetsu, keiyakuDenryoku: c.keiyakuDenryoku, keiyakuDenryokuTani: c.keiyakuDenryokuTani ?? (supplyType === 'DENRYOKU' ? 'kW' : 'kVA') };
  if (c.equipmentKw > 0) return { keiyakuShubetsu: c.keiyakuShubetsu, keiyakuDenryoku: Math.ceil(c.equipmentKw), keiyakuDenryokuTani: supplyType === 'DENRYOKU' ? 'kW' : 'kVA' };
  return { keiyakuShubetsu: c.keiyakuShubetsu };
}

export class ApplicationStore {
  private apps: SimApplication[] = [];
  private files = new Map<string, SimFile & { no: string }>();
  private readonly base = randomInt(1000, 9000);
  private counter = 0;
  private fileCounter = 0;

  constructor(private readonly timing: Timing) {
    this.seedWeb();
  }

  all(): readonly SimApplication[] {
    return this.apps;
  }

  /** An application this supplier filed through the API (web-submitted ones are never found: L3). */
  own(company: string, no: string): SimApplication | undefined {
    return this.apps.find((a) => a.no === no && a.channel === 'api' && a.company === company);
  }

  /** The reference of an application, whoever filed it (for patterns). */
  refOf(no: string): string | undefined {
    return this.apps.find((a) => a.no === no && a.channel === 'api')?.ref;
  }

  // ---- 1–4 --------------------------------------------------------------------------------------

  apply(kind: ApplicationKind, ctx: OpContext, req: ApplyRequest): SimApplication {
    if (req.teiseiFlag === '1') return this.correct(kind, ctx, req);
    if (kind === 'SHUDAN' && (req as ShudanApplyRequest).tsuikaFlag === '1') return this.addUnits(ctx, req as ShudanApplyRequest);
    if (kind === 'SHUDAN') {
      const dup = duplicateUnits((req as ShudanApplyRequest).juko);
      if (dup.length > 0) throw new TakusouError('INVALID_ITEM', 'heyaBango must be unique within the application', dup);
    }
    const app: SimApplication = {
      no: formatMoshikomiNo(this.base * 1_000_000 + (++this.counter % 1_000_000)),
      kind,
      company: ctx.company,
      ref: req.jigyoshaKanriNo,
      channel: 'api',
      pattern: ctx.pattern,
      supplyType: req.kyokyuShubetsu,
      contract: kind === 'SHUDAN' ? { keiyakuShubetsu: '', equipmentKw: 0 } : contractOf(req as JojiApplyRequest),
      kibouKyokyuKaishiBi: req.kibouKyokyuKaishiBi,
      createdAt: ctx.now,
      submittedAt: ctx.now,
      corrections: 0,
      files: [],
      changedAt: ctx.now,
      ...(kind === 'SHUDAN' ? { tatemonoMei: (req as ShudanApplyRequest).tatemonoMei, units: (req as ShudanApplyRequest).juko.map(unitOf) } : {}),
    };
    this.apps.push(app);
    return app;
  }

  /** 訂正: the whole application again, with its number. Before acceptance it restarts the review. */
  private correct(kind: ApplicationKind, ctx: OpContext, req: ApplyRequest): SimApplication {
    const no = req.moshikomiNo as string;
    const app = this.own(ctx.company, no);
    if (!app) throw notFound('moshikomiNo', no);
    if (app.kind !== kind) throw invalidState(`${no} is a ${APPLICATION_KIND_JA[app.kind]} application: correct it through ${APPLY_SERVICE[app.kind]}`);
    if (app.ref !== req.jigyoshaKanriNo) throw invalidState(`jigyoshaKanriNo must stay ${app.ref} in a 訂正 of ${no}`, 'jigyoshaKanriNo');
    this.assertOpen(app, ctx.now, '訂正');
    if (app.completionNoticeAt !== undefined) throw invalidState(`${no}: the 竣工届 is filed; a 訂正 is no longer possible`);
    if (kind === 'SHUDAN' && app.groupCompletedAt !== undefined && req.kyokyuShubetsu !== app.supplyType) {
      throw invalidState('kyokyuShubetsu of a completed 集団 application cannot change', 'kyokyuShubetsu');
    }
    const p = this.progress(app, ctx.now);
    if (p.acceptedAt === undefined) app.submittedAt = ctx.now;
    app.corrections++;
    app.supplyType = req.kyokyuShubetsu;
    app.kibouKyokyuKaishiBi = req.kibouKyokyuKaishiBi;
    if (kind === 'SHUDAN') {
      const r = req as ShudanApplyRequest;
      const dup = duplicateUnits(r.juko);
      if (dup.length > 0) throw new TakusouError('INVALID_ITEM', 'heyaBango must be unique within the application', dup);
      app.tatemonoMei = r.tatemonoMei;
      app.units = r.juko.map(unitOf);
    } else {
      app.contract = contractOf(req as JojiApplyRequest);
    }
    app.changedAt = ctx.now;
    return app;
  }

  /** 集団 追加: more dwelling units before 集団申込完了. */
  private addUnits(ctx: OpContext, req: ShudanApplyRequest): SimApplication {
    const no = req.moshikomiNo as string;
    const app = this.own(ctx.company, no);
    if (!app) throw notFound('moshikomiNo', no);
    if (app.kind !== 'SHUDAN') throw invalidState(`${no} is not a 集団 application`);
    if (app.ref !== req.jigyoshaKanriNo) throw invalidState(`jigyoshaKanriNo must stay ${app.ref} in an 追加 to ${no}`, 'jigyoshaKanriNo');
    this.assertOpen(app, ctx.now, '追加');
    if (app.groupCompletedAt !== undefined) throw invalidState(`${no}: 集団申込完了 was sent; units can no longer be added`);
    if (req.kyokyuShubetsu !== app.supplyType) throw invalidState(`kyokyuShubetsu must be ${app.supplyType} (one supply type per application)`, 'kyokyuShubetsu');
    const dup = duplicateUnits(req.juko, app.units);
    if (dup.length > 0) throw new TakusouError('INVALID_ITEM', 'heyaBango must be unique within the application', dup);
    app.units = [...(app.units ?? []), ...req.juko.map(unitOf)];
    app.changedAt = ctx.now;
    return app;
  }

  // ---- 5 ----------------------------------------------------------------------------------------

  /** 集団申込完了: the review starts. Sending it twice answers the first time again. */
  completeGroup(ctx: OpContext, no: string): { app: SimApplication; at: number } {
    const app = this.own(ctx.company, no);
    if (!app) throw notFound('moshikomiNo', no);
    if (app.kind !== 'SHUDAN') throw invalidState(`${no} is a ${APPLICATION_KIND_JA[app.kind]} application, not 集団`);
    if (app.groupCompletedAt !== undefined) return { app, at: app.groupCompletedAt };
    this.assertOpen(app, ctx.now, '集団申込完了');
    app.groupCompletedAt = ctx.now;
    app.changedAt = ctx.now;
    return { app, at: ctx.now };
  }

  // ---- 9 ----------------------------------------------------------------------------------------

  attachFile(ctx: OpContext, fields: FileAttachFields, file: { name: string; type: string; size: number }): SimFile {
    const app = this.own(ctx.company, fields.moshikomiNo);
    if (!app) throw notFound('moshikomiNo', fields.moshikomiNo);
    if (app.cancelledAt !== undefined) throw invalidState(`${app.no} is cancelled (申込取消)`);
    const f: SimFile = {
      fileId: formatFileId(++this.fileCounter),
      docType: fields.shoruiShubetsu,
      name: file.name,
      mime: file.type,
      size: file.size,
      attachedAt: ctx.now,
    };
    app.files.push(f);
    this.files.set(f.fileId, { ...f, no: app.no });
    return f;
  }

  // ---- 6 / 7 / 8 --------------------------------------------------------------------------------

  completionNotice(service: ServiceName, ctx: OpContext, req: CompletionNoticeRequest & { heyaBango?: string[] }): SimApplication {
    const app = this.own(ctx.company, req.moshikomiNo);
    if (!app) throw notFound('moshikomiNo', req.moshikomiNo);
    if (COMPLETION_SERVICE[app.kind] !== service) {
      throw invalidState(`${app.no} is a ${APPLICATION_KIND_JA[app.kind]} application: its 竣工届 goes through ${COMPLETION_SERVICE[app.kind]}`);
    }
    this.assertOpen(app, ctx.now, '竣工届');
    if (app.completionNoticeAt !== undefined) throw invalidState(`${app.no}: the 竣工届 was already filed at ${jstDateTime(app.completionNoticeAt)}`);
    const code = this.progress(app, ctx.now).acceptance.code;
    if (code !== ACCEPTANCE_RESULT.UKETSUKE_ZUMI) throw invalidState(`${app.no}: 受付結果 is ${code}; a 竣工届 needs an accepted (10 受付済) application`);
    const missingFiles = req.shunkoShoruiFileId
      .map((id, i) => ({ id, i }))
      .filter(({ id }) => this.files.get(id)?.no !== app.no)
      .map(({ id, i }) => ({ item: `shunkoShoruiFileId.${i}`, message: `file ${id} is not attached to ${app.no}` }));
    if (missingFiles.length > 0) throw new TakusouError('NOT_FOUND', 'completion documents must be attached (FileTnpu) to this application first', missingFiles);
    if (req.heyaBango) {
      const known = new Set((app.units ?? []).map((u) => u.heyaBango));
      const bad = req.heyaBango.map((h, i) => ({ h, i })).filter(({ h }) => !known.has(h));
      if (bad.length > 0) throw new TakusouError('INVALID_ITEM', 'unknown heyaBango', bad.map(({ h, i }) => ({ item: `heyaBango.${i}`, message: `no unit ${h} in ${app.no}` })));
    }
    app.completionNoticeAt = ctx.now;
    if (req.heyaBango) app.completionUnits = [...new Set(req.heyaBango)];
    app.changedAt = ctx.now;
    return app;
  }

  // ---- 10 ---------------------------------------------------------------------------------------

  cancel(ctx: OpContext, req: CancelRequest): SimApplication {
    const app = this.own(ctx.company, req.moshikomiNo);
    if (!app) throw notFound('moshikomiNo', req.moshikomiNo);
    if (app.cancelledAt !== undefined) return app;
    const p = this.progress(app, ctx.now);
    if (p.acceptance.code === ACCEPTANCE_RESULT.KYAKKA) throw invalidState(`${app.no} was rejected (却下); there is nothing to cancel`);
    if (p.resultAt !== undefined) throw invalidState(`${app.no}: the 結果通知 was issued at ${jstDateTime(p.resultAt)}; it can no longer be cancelled`);
    app.cancelledAt = ctx.now;
    app.cancelReason = req.torikeshiRiyu;
    app.changedAt = ctx.now;
    return app;
  }

  private assertOpen(app: SimApplication, now: number, what: string): void {
    if (app.cancelledAt !== undefined) throw invalidState(`${app.no} is cancelled (申込取消); no ${what}`);
    if (this.progress(app, now).acceptance.code === ACCEPTANCE_RESULT.KYAKKA) throw invalidState(`${app.no} was rejected (却下); no ${what}`);
  }

  // ---- progress ---------------------------------------------------------------------------------

  progress(app: SimApplication, now: number): Progress {
    if (app.cancelledAt !== undefined && app.cancelledAt <= now) {
      const before = this.progressAt(app, app.cancelledAt);
      return { ...before, acceptance: { code: ACCEPTANCE_RESULT.TORIKESHI_ZUMI, at: app.cancelledAt } };
    }
    return this.progressAt(app, now);
  }

  private progressAt(app: SimApplication, t: number): Progress {
    const { acceptanceDelayMs, processStepMs, calculationDelayMs, resultDelayMs } = this.timing;
    const pending: Progress = { acceptance: { code: ACCEPTANCE_RESULT.SHINSA_CHU, at: app.changedAt } };
    const reviewStart = app.kind === 'SHUDAN' ? (app.groupCompletedAt === undefined ? undefined : Math.max(app.submittedAt, app.groupCompletedAt)) : app.submittedAt;
    if (reviewStart === undefined) return pending;
    const judgedAt = reviewStart + acceptanceDelayMs;
    if (t < judgedAt || app.pattern === 'never-accepted') return pending;
    if (app.pattern === 'rejected') return { acceptance: { code: ACCEPTANCE_RESULT.KYAKKA, at: judgedAt, kyakkaRiyu: REJECTION_REASON } };
    if (app.pattern === 'needs-correction' && app.corrections === 0) {
      return { acceptance: { code: ACCEPTANCE_RESULT.YO_TEISEI, at: judgedAt, teiseiKomoku: [CORRECTION_ITEM] } };
    }
    let docsAt = judgedAt;
    const missing: DocumentType[] = [];
    for (const d of REQUIRED_DOCUMENTS[app.kind]) {
      const first = Math.min(...app.files.filter((f) => f.docType === d && f.attachedAt <= t).map((f) => f.attachedAt));
      if (first === Infinity) missing.push(d);
      else docsAt = Math.max(docsAt, first);
    }
    if (missing.length > 0) {
      const teiseiKomoku = missing.map((d) => ({ item: d, message: `${DOCUMENT_TYPE_JA[d]} (${d}) が添付されていません。ファイル添付API (FileTnpu) で添付してください` }));
      return { acceptance: { code: ACCEPTANCE_RESULT.YO_TEISEI, at: judgedAt, teiseiKomoku } };
    }
    const acceptedAt = docsAt;
    const stages = PROCESS_STAGE_ORDER.map((code, i) => {
      const plannedAt = acceptedAt + (i + 1) * processStepMs;
      return { code, plannedAt, ...(plannedAt <= t ? { doneAt: plannedAt } : {}) };
    });
    const lastDone = stages.filter((s) => s.doneAt !== undefined).pop()?.doneAt ?? acceptedAt;
    const notice = app.completionNoticeAt !== undefined && app.completionNoticeAt <= t ? app.completionNoticeAt : undefined;
    const calcAt = acceptedAt + calculationDelayMs;
    const resultAt = notice === undefined ? undefined : Math.max(notice + resultDelayMs, calcAt);
    return {
      acceptance: { code: ACCEPTANCE_RESULT.UKETSUKE_ZUMI, at: acceptedAt },
      acceptedAt,
      stages,
      processAt: Math.max(lastDone, notice ?? 0),
      ...(calcAt <= t ? { calculatedAt: calcAt } : {}),
      ...(resultAt !== undefined && resultAt <= t ? { resultAt } : {}),
    };
  }

  // ---- 11–18 ------------------------------------------------------------------------------------

  /** Applications this supplier filed through the API, of the service's group-ness, by number and/or 更新日時. */
  retrievable(company: string, group: boolean, numbers: string[] | undefined): SimApplication[] {
    const wanted = numbers ? new Set(numbers) : undefined;
    return this.apps.filter((a) => a.channel === 'api' && a.company === company && (a.kind === 'SHUDAN') === group && (!wanted || wanted.has(a.no)));
  }

  private key(app: SimApplication, at: number) {
    return { moshikomiNo: app.no, jigyoshaKanriNo: app.ref, moshikomiShubetsu: app.kind, koshinNichiji: jstDateTime(at) };
  }

  acceptanceRecord(app: SimApplication, now: number): { at: number; record: AcceptanceRecord & { tatemonoMei?: string; kosu?: number; kanryoFlag?: '0' | '1' } } {
    const a = this.progress(app, now).acceptance;
    const record: AcceptanceRecord & { tatemonoMei?: string; kosu?: number; kanryoFlag?: '0' | '1' } = {
      ...this.key(app, a.at),
      uketsukeKekka: a.code,
      ...(a.teiseiKomoku ? { teiseiKomoku: a.teiseiKomoku } : {}),
      ...(a.kyakkaRiyu ? { kyakkaRiyu: a.kyakkaRiyu } : {}),
      ...(a.code === ACCEPTANCE_RESULT.UKETSUKE_ZUMI ? { uketsukeNichiji: jstDateTime(a.at) } : {}),
      ...(app.cancelReason !== undefined && a.code === ACCEPTANCE_RESULT.TORIKESHI_ZUMI ? { torikeshiRiyu: app.cancelReason } : {}),
    };
    if (app.kind === 'SHUDAN') Object.assign(record, { tatemonoMei: app.tatemonoMei ?? '', kosu: app.units?.length ?? 0, kanryoFlag: app.groupCompletedAt !== undefined ? '1' : '0' });
    return { at: a.at, record };
  }

  processRecord(app: SimApplication, now: number): { at: number; record: ProcessRecord & { tatemonoMei?: string } } | undefined {
    const p = this.progress(app, now);
    if (!p.stages || p.processAt === undefined) return undefined;
    const at = Math.max(p.processAt, p.acceptance.code === ACCEPTANCE_RESULT.TORIKESHI_ZUMI ? p.acceptance.at : 0);
    const record: ProcessRecord & { tatemonoMei?: string } = {
      ...this.key(app, at),
      kotei: p.stages.map((s) => ({
        koteiCode: s.code,
        koteiMei: PROCESS_STAGE_JA[s.code],
        yoteiBi: jstDate(s.plannedAt),
        ...(s.doneAt !== undefined ? { jissekiBi: jstDate(s.doneAt) } : {}),
      })),
      ...(app.completionNoticeAt !== undefined && app.completionNoticeAt <= now ? { shunkoTodokeNichiji: jstDateTime(app.completionNoticeAt) } : {}),
    };
    if (app.kind === 'SHUDAN') record.tatemonoMei = app.tatemonoMei ?? '';
    return { at, record };
  }

  calculationRecord(app: SimApplication, now: number): { at: number; record: Record<string, unknown> } | undefined {
    const at = this.progress(app, now).calculatedAt;
    if (at === undefined) return undefined;
    const base = { ...this.key(app, at), kyokyuShubetsu: app.supplyType, santeiBi: jstDate(at) };
    if (app.kind !== 'SHUDAN') {
      const kojiHiFutankin = app.kind === 'GAIROTO' ? 0 : app.supplyType === 'DENRYOKU' ? 55_000 : 0;
      return { at, record: { ...base, ...calculated(app.contract, app.supplyType), kojiHiFutankin } };
    }
    const units = app.units ?? [];
    const juko = units.map((u) => ({ heyaBango: u.heyaBango, ...calculated(u, app.supplyType) }));
    return { at, record: { ...base, keiyakuShubetsu: units[0]?.keiyakuShubetsu ?? '', kojiHiFutankin: 11_000 * units.length, tatemonoMei: app.tatemonoMei ?? '', juko } };
  }

  resultRecord(app: SimApplication, now: number): { at: number; record: Record<string, unknown> } | undefined {
    const at = this.progress(app, now).resultAt;
    if (at === undefined) return undefined;
    const digits = app.no.slice(1);
    const tsuchiBi = jstDate(at);
    const kyokyuKaishiBi = app.kibouKyokyuKaishiBi > tsuchiBi ? app.kibouKyokyuKaishiBi : tsuchiBi;
    const base = { ...this.key(app, at), kyokyuShubetsu: app.supplyType, tsuchiBi };
    if (app.kind !== 'SHUDAN') {
      const record: Omit<ResultRecord, 'keiyakuShubetsu'> & Record<string, unknown> = {
        ...base,
        kyokyuKaishiBi,
        kyokyuChitenTokuteiNo: `06${digits}${'0'.repeat(9)}1`,
        juyoBashoNo: `${digits}0001`,
        ...calculated(app.contract, app.supplyType),
        keikiBango: `K${digits}`,
      };
      return { at, record };
    }
    const done = app.completionUnits ? new Set(app.completionUnits) : undefined;
    const juko = (app.units ?? [])
      .map((u, i) => ({ u, i }))
      .filter(({ u }) => !done || done.has(u.heyaBango))
      .map(({ u, i }) => ({
        heyaBango: u.heyaBango,
        kyokyuKaishiBi,
        kyokyuChitenTokuteiNo: `06${digits}${String(i + 1).padStart(10, '0')}`,
        juyoBashoNo: `${digits}${String(i + 1).padStart(4, '0')}`,
        ...calculated(u, app.supplyType),
      }));
    return { at, record: { ...base, tatemonoMei: app.tatemonoMei ?? '', juko } };
  }

  // ---- views ------------------------------------------------------------------------------------

  views(now: number): ApplicationView[] {
    return this.apps.map((a) => {
      const p = this.progress(a, now);
      const done = p.stages?.filter((s) => s.doneAt !== undefined).pop();
      return {
        moshikomiNo: a.no,
        kind: a.kind,
        company: a.company,
        jigyoshaKanriNo: a.ref,
        channel: a.channel,
        pattern: a.pattern,
        kyokyuShubetsu: a.supplyType,
        uketsukeKekka: p.acceptance.code,
        ...(done ? { koteiCode: done.code } : {}),
        calculated: p.calculatedAt !== undefined,
        resultNotified: p.resultAt !== undefined,
        documents: a.files.map((f) => f.docType),
        corrections: a.corrections,
        ...(a.units ? { units: a.units.map((u) => u.heyaBango) } : {}),
        ...(a.groupCompletedAt !== undefined ? { groupCompletedAtMs: a.groupCompletedAt } : {}),
        createdAtMs: a.createdAt,
        ...(p.acceptedAt !== undefined ? { acceptedAtMs: p.acceptedAt } : {}),
        ...(a.completionNoticeAt !== undefined ? { completionNoticeAtMs: a.completionNoticeAt } : {}),
        ...(a.cancelledAt !== undefined ? { cancelledAtMs: a.cancelledAt } : {}),
      };
    });
  }

  reset(): void {
    this.apps = [];
    this.files.clear();
    this.seedWeb();
  }

  /** What a restarted simulator needs to go on (its state file): applications and the numbering. */
  saved(): { applications: SimApplication[]; counter: number; fileCounter: number } {
    return { applications: this.apps.filter((a) => a.channel === 'api'), counter: this.counter, fileCounter: this.fileCounter };
  }

  /** Replaces the book with saved applications. Numbers go on from the saved counters (file IDs stay unique). */
  load(s: { applications: readonly SimApplication[]; counter: number; fileCounter: number }): void {
    this.reset();
    for (const a of s.applications) {
      this.apps.push(a);
      for (const f of a.files) this.files.set(f.fileId, { ...f, no: a.no });
    }
    this.counter = s.counter;
    this.fileCounter = s.fileCounter;
  }

  /** L3: one application as if filed on the web screens, accepted long ago, for every supplier. */
  private seedWeb(): void {
    this.apps.push({
      no: WEB_SUBMITTED_MOSHIKOMI_NO,
      kind: 'JOJI',
      company: '*',
      ref: 'WEB-000',
      channel: 'web',
      pattern: 'accepted',
      supplyType: 'DENTO',
      contract: { keiyakuShubetsu: '従量電灯A', equipmentKw: 0 },
      kibouKyokyuKaishiBi: '2000-01-01',
      createdAt: 0,
      submittedAt: 0,
      corrections: 0,
      files: [{ fileId: formatFileId(0), docType: 'ZUMEN', name: 'web.pdf', mime: 'application/pdf', size: 1, attachedAt: 0 }],
      changedAt: 0,
    });
  }
}
