// The 21 services on validated input: each returns the 200 body or throws TakusouError.
import {
  APPLY_SERVICE_KIND,
  jstDateTime,
  parseJstDateTime,
  serviceByName,
  type CancelRequest,
  type CompletionNoticeRequest,
  type FileAttachFields,
  type RetrievalRequest,
  type ServiceName,
} from '../activities/provisional-wire-format.js';
import type { ApplicationStore, OpContext, SimApplication } from './applications.js';
import type { NoticeStore } from './notices.js';
import type { MultipartFile } from '../../../simulators/shared/request-body.js';

export interface Books {
  apps: ApplicationStore;
  notices: NoticeStore;
}

type Body = Record<string, unknown>;
type RecordOf = (app: SimApplication, now: number) => { at: number; record: object } | undefined;

/** The application a single-application request is about, for patterns and the call log. */
export function applicationRefOf(books: Books, service: ServiceName, input: Body): string | undefined {
  if (APPLY_SERVICE_KIND[service]) return typeof input['jigyoshaKanriNo'] === 'string' ? input['jigyoshaKanriNo'] : undefined;
  const no = input['moshikomiNo'];
  return typeof no === 'string' ? books.apps.refOf(no) : undefined;
}

function retrieve(books: Books, service: ServiceName, ctx: OpContext, req: RetrievalRequest, recordOf: RecordOf): Body {
  const group = serviceByName(service)?.group ?? false;
  const from = req.koshinNichijiFrom !== undefined ? parseJstDateTime(req.koshinNichijiFrom) : undefined;
  const kekka: object[] = [];
  for (const app of books.apps.retrievable(ctx.company, group, req.moshikomiNo)) {
    const r = recordOf(app, ctx.now);
    // 更新日時 is shown to the second: compare on that.
    if (r && (from === undefined || Math.floor(r.at / 1000) * 1000 >= from)) kekka.push(r.record);
  }
  return { kekka };
}

export function runService(books: Books, service: ServiceName, ctx: OpContext, input: Body, file?: MultipartFile): Body {
  const { apps, notices } = books;
  const kind = APPLY_SERVICE_KIND[service];
  if (kind) {
    const app = apps.apply(kind, ctx, input as never);
    return { moshikomiNo: app.no, jigyoshaKanriNo: app.ref, uketsukeNichiji: jstDateTime(ctx.now) };
  }
  switch (service) {
    case 'ShdnmshkmKnry': {
      const { app, at } = apps.completeGroup(ctx, input['moshikomiNo'] as string);
      return { moshikomiNo: app.no, kanryoNichiji: jstDateTime(at) };
    }
    case 'ShnkoTdk':
    case 'GirtShnkoTdk':
    case 'ShdnShnkoTdk': {
      const app = apps.completionNotice(service, ctx, input as CompletionNoticeRequest & { heyaBango?: string[] });
      return { moshikomiNo: app.no, uketsukeNichiji: jstDateTime(ctx.now) };
    }
    case 'FileTnpu': {
      if (!file) throw new Error('FileTnpu without a file part');
      const f = apps.attachFile(ctx, input as FileAttachFields, file);
      return { fileId: f.fileId, moshikomiNo: input['moshikomiNo'], shoruiShubetsu: f.docType, fileMei: f.name, size: f.size };
    }
    case 'MshkmTrkesh': {
      const app = apps.cancel(ctx, input as CancelRequest);
      return { moshikomiNo: app.no, torikeshiNichiji: jstDateTime(app.cancelledAt as number) };
    }
    case 'UktskKkaJohShtk':
    case 'ShdnUktskKkaJohShtk':
      return retrieve(books, service, ctx, input as RetrievalRequest, (a, now) => apps.acceptanceRecord(a, now));
    case 'KoteiJohShtk':
    case 'ShdnKoteiJohShtk':
      return retrieve(books, service, ctx, input as RetrievalRequest, (a, now) => apps.processRecord(a, now));
    case 'KeiykSntiJohShtk':
    case 'ShdnKeiykSntiJohShtk':
      return retrieve(books, service, ctx, input as RetrievalRequest, (a, now) => apps.calculationRecord(a, now));
    case 'KkaTschiJohShtk':
    case 'ShdnKkaTschiJohShtk':
      return retrieve(books, service, ctx, input as RetrievalRequest, (a, now) => apps.resultRecord(a, now));
    case 'OshrsJohShtk': {
      const from = typeof input['keisaiNichijiFrom'] === 'string' ? parseJstDateTime(input['keisaiNichijiFrom']) : undefined;
      return { oshirase: notices.list(ctx.company, ctx.now, { unreadOnly: input['midokuNomi'] === '1', ...(from !== undefined ? { from } : {}) }) };
    }
    case 'OshrsJohTrk': {
      const n = notices.post({ kind: 'JIGYOSHA', kenmei: input['kenmei'] as string, honbun: input['honbun'] as string, postedAt: ctx.now, postedBy: ctx.company });
      return { oshiraseId: n.id, keisaiNichiji: jstDateTime(n.postedAt) };
    }
    case 'OshrsJohKdkTschi':
      return { oshiraseId: notices.markRead(ctx.company, input['oshiraseId'] as string[], ctx.now) };
    default:
      throw new Error(`service ${service} has no operation`);
  }
}
