// Bulk starts from CSV (the real systems offer bulk only on their web screens; we accept a file and
// start one workflow per row).
//
// Synchronous, with a row cap, on purpose — not a durable job: each row already becomes its own
// durable workflow with an ID from its business key, so the only state a "job" would add is the
// list of per-row outcomes. If the connection drops half-way, sending the same file again is safe:
// rows already started come back as `existing`, the rest start. A job store would keep a second
// copy of the customer data outside Temporal's encrypted payloads, for no gain. The cost is a
// request that lasts rows ÷ GATEWAY_BULK_ROWS_PER_SECOND seconds (1,000 rows at 20/s: 50 s).
//
// Pacing: starts are spaced at bulkRowsPerSecond so a file does not burst the workflow task queue;
// the calls to OCCTO are paced again, independently, by the worker's rate-limited activity queue
// (occto.<company>, server-enforced 1 request/s per company), so however large the file, OCCTO never
// sees more than its limit — the workflows simply wait their turn.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DomainRuleViolation } from '../../../domain/errors.js';
import { operationRefusal } from '../../../systems/occto/domain/occto-operation-inputs.js';
import { startOcctoApplication } from '../../../systems/occto/client/occto-operations.js';
import { startSwitchingIn } from '../../../systems/occto/client/switching-in.js';
import { describeColumns, decodeCsvBody, parseCsvRows, type CsvColumn } from '../csv.js';
import { HttpError, violationsFromIssues } from '../errors.js';
import { applicationStartBody, noQuery, switchingInStartBody } from '../schemas.js';
import type { Kind } from '../visibility.js';
import { errorResponses, idempotentStart, type GatewayContext, route } from './common.js';

const duration = 'a duration such as "15 minutes", "2h", "3 days", or milliseconds';
const customerColumns = (prefix: string, note: string): CsvColumn[] => [
  { path: `${prefix}.name`, type: 'string', description: `需要者名 ${note}` },
  { path: `${prefix}.kana`, type: 'string', description: `需要者名カナ (katakana) ${note}` },
  { path: `${prefix}.address`, type: 'string', description: `需要場所住所 ${note}` },
  { path: `${prefix}.phone`, type: 'string', description: `電話番号 (0…, 10–11 digits) ${note}` },
];

export const SWITCHING_IN_COLUMNS: readonly CsvColumn[] = [
  { path: 'company', type: 'string', required: true, description: '事業者コード, 5 digits' },
  { path: 'category', type: 'string', required: true, description: 'LV, HV or FIT' },
  { path: 'supplyPointId', type: 'string', required: true, description: '供給地点特定番号, 22 digits (keep it as text in spreadsheets: leading zeros)' },
  { path: 'supplyStartDate', type: 'string', required: true, description: '供給開始日 YYYY-MM-DD' },
  { path: 'nextButOneMeterReadingDate', type: 'string', description: '次々回検針日 YYYY-MM-DD (LV and FIT)' },
  { path: 'currentRetailerCode', type: 'string', description: '現小売の事業者コード, when known' },
  ...customerColumns('customer', '(personal data)').map((c) => ({ ...c, required: !c.path.endsWith('phone') })),
  { path: 'reference', type: 'string', description: 'your own reference (no personal data)' },
  { path: 'options.pollInterval', type: 'duration', description: duration },
  { path: 'options.decisionDeadline', type: 'duration', description: duration },
  { path: 'options.reminderInterval', type: 'duration', description: duration },
  { path: 'options.unannouncedOutageRetry', type: 'duration', description: duration },
];

export const APPLICATION_COLUMNS: readonly CsvColumn[] = [
  { path: 'kind', type: 'string', required: true, description: 'RECONNECTION, DISCONTINUATION, AMPERE_CHANGE or CUSTOMER_INFO_CHANGE' },
  { path: 'company', type: 'string', required: true, description: '事業者コード, 5 digits' },
  { path: 'category', type: 'string', required: true, description: 'LV, HV or FIT' },
  { path: 'supplyPointId', type: 'string', required: true, description: '供給地点特定番号 (FIT: 受電地点特定番号), 22 digits' },
  { path: 'reference', type: 'string', required: true, description: 'your own key of this request (part of the workflow ID; no personal data)' },
  { path: 'desiredDate', type: 'string', required: true, description: '異動希望日 YYYY-MM-DD' },
  ...customerColumns('customer', '— RECONNECTION only'),
  { path: 'withRemoval', type: 'boolean', description: 'true / false — DISCONTINUATION only (撤去あり)' },
  { path: 'amperes', type: 'number', description: '10, 15, 20, 30, 40, 50 or 60 — AMPERE_CHANGE only' },
  ...customerColumns('changes', '— CUSTOMER_INFO_CHANGE only: the changed fields'),
  { path: 'options.pollInterval', type: 'duration', description: duration },
  { path: 'options.statusTracking', type: 'string', description: 'auto (batched poller, default) or own' },
  { path: 'options.decisionDeadline', type: 'duration', description: duration },
  { path: 'options.reminderInterval', type: 'duration', description: duration },
  { path: 'options.unannouncedOutageRetry', type: 'duration', description: duration },
];

const OUTCOMES = ['started', 'existing', 'conflict', 'invalid', 'failed', 'not-started'] as const;
type Outcome = (typeof OUTCOMES)[number];

const violation = z.object({ field: z.string(), rule: z.string(), message: z.string() });
export const bulkResultSchema = z
  .object({
    summary: z.object({ rows: z.number().int(), ...Object.fromEntries(OUTCOMES.map((o) => [o, z.number().int()])) } as Record<string, z.ZodNumber>),
    results: z.array(
      z.object({
        row: z.number().int().describe('Record number in the file; the header is row 1'),
        line: z.number().int().describe('Line where the record ends'),
        outcome: z.enum(OUTCOMES).describe('started (201-like), existing (same input already started), conflict (same business key, different input), invalid (see violations; nothing started), failed (Temporal refused or was unreachable), not-started (the client went away or Temporal became unreachable before this row)'),
        workflowId: z.string().optional(),
        violations: z.array(violation).optional(),
        message: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'BulkResult' });

type RowResult = { row: number; line: number; outcome: Outcome; workflowId?: string; violations?: DomainRuleViolation[]; message?: string };

interface BulkKind {
  kind: Kind;
  columns: readonly CsvColumn[];
  schema: z.ZodType;
  /** Extra row rules beyond the schema (e.g. an operation OCCTO does not offer). */
  check?: (parsed: Record<string, unknown>) => DomainRuleViolation | undefined;
  start: (ctx: GatewayContext, input: unknown) => Promise<{ workflowId: string; started: boolean }>;
}

const BULK_KINDS = {
  switchingIn: {
    kind: 'switching-in',
    columns: SWITCHING_IN_COLUMNS,
    schema: switchingInStartBody,
    start: (ctx, input) => startSwitchingIn(ctx.client, input),
  },
  applications: {
    kind: 'occto-operation',
    columns: APPLICATION_COLUMNS,
    schema: applicationStartBody,
    check: (p) => operationRefusal(p.kind as never, p.category as never, p.supplyPointId as string),
    start: (ctx, input) => startOcctoApplication(ctx.client, input),
  },
} satisfies Record<string, BulkKind>;

/** Waits so that successive calls are at least 1/rate seconds apart. */
function pacer(ratePerSecond: number): () => Promise<void> {
  const gapMs = 1000 / ratePerSecond;
  let next = 0;
  return async () => {
    const now = Date.now();
    if (next > now) await new Promise((r) => setTimeout(r, next - now));
    next = Math.max(now, next) + gapMs;
  };
}

async function runBulk(ctx: GatewayContext, k: BulkKind, text: string, isGone: () => boolean): Promise<z.infer<typeof bulkResultSchema>> {
  const rows = parseCsvRows(text, k.columns, ctx.bulkMaxRows);
  const results: RowResult[] = [];
  const valid: { result: RowResult; input: unknown }[] = [];
  for (const r of rows) {
    const result: RowResult = { row: r.row, line: r.line, outcome: 'invalid' };
    results.push(result);
    if (r.violations) {
      result.violations = r.violations;
      continue;
    }
    const parsed = k.schema.safeParse(r.input);
    if (!parsed.success) {
      result.violations = violationsFromIssues(parsed.error.issues as never, 'body', 'row');
      continue;
    }
    const refusal = k.check?.(parsed.data as Record<string, unknown>);
    if (refusal) {
      result.violations = [refusal];
      continue;
    }
    valid.push({ result, input: parsed.data });
  }
  const wait = pacer(ctx.bulkRowsPerSecond);
  let stopped: string | undefined;
  let reachedTemporal = false;
  for (const { result, input } of valid) {
    if (!stopped && isGone()) stopped = 'the client went away before this row: send the file again (started rows come back as existing)';
    if (stopped) {
      Object.assign(result, { outcome: 'not-started', message: stopped });
      continue;
    }
    await wait();
    try {
      const s = await idempotentStart(ctx, k.kind, k.schema, input, () => k.start(ctx, input));
      reachedTemporal = true;
      Object.assign(result, { outcome: s.outcome, workflowId: s.workflowId });
    } catch (err) {
      const e = err instanceof HttpError ? err : undefined;
      if (e?.status === 503) {
        if (!reachedTemporal) throw e; // nothing started: the whole request is 503
        stopped = 'Temporal became unreachable before this row: send the file again later (started rows come back as existing)';
        Object.assign(result, { outcome: 'failed', message: e.message });
      } else if (e?.code === 'CONFLICT') {
        reachedTemporal = true;
        Object.assign(result, { outcome: 'conflict', workflowId: e.workflowId, message: e.message });
      } else if (e && e.status < 500) {
        Object.assign(result, { outcome: 'invalid', violations: e.violations, message: e.message });
      } else {
        ctx.logger.error({ err: { type: (err as Error).name, message: (err as Error).message }, row: result.row }, 'bulk row failed');
        Object.assign(result, { outcome: 'failed', message: 'internal error starting this row (logged); send the file again later' });
      }
    }
  }
  const summary = { rows: results.length, ...Object.fromEntries(OUTCOMES.map((o) => [o, results.filter((r) => r.outcome === o).length])) };
  return { summary, results };
}

const csvBody = (columns: readonly CsvColumn[], maxRows: number, maxBytes: number) =>
  z
    .string()
    .min(1, 'the CSV is empty: send a header row and one row per start')
    .describe(
      `CSV (RFC 4180), UTF-8 (default; a BOM is ignored) or Shift_JIS (\`text/csv; charset=shift_jis\`). The header row names the input fields, nested ones by dot path; empty cells are left out. At most ${maxRows} rows and ${Math.round(maxBytes / 1024)} KiB. Unknown columns are refused.\n\n${describeColumns(columns)}`,
    );

export const bulkRoutes =
  (ctx: GatewayContext): FastifyPluginAsyncZod =>
  async (app) => {
    // Only CSV here: a JSON body gets 415, not a confusing type error.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: ctx.bulkMaxBytes }, (req, body, done) => {
      try {
        done(null, decodeCsvBody(body as Buffer, req.headers['content-type']));
      } catch (err) {
        done(err as Error, undefined);
      }
    });

    const bulkRoute = (url: string, operationId: string, summary: string, k: BulkKind) =>
      app.post(url, {
        bodyLimit: ctx.bulkMaxBytes,
        ...route('start', {
          tags: ['bulk'],
          operationId,
          summary,
          description:
            `One start per row, each validated on its own; the answer lists every row with its outcome. Synchronous: starts are paced at ${ctx.bulkRowsPerSecond} rows/s (GATEWAY_BULK_ROWS_PER_SECOND), and the OCCTO calls are paced again by the worker's rate-limited queue (1 request/s per company), so even the largest file never exceeds OCCTO's limit. Sending the same file again is safe: started rows come back as \`existing\`. Always 200 when the file could be read (look at each row); 400/413/415 when it could not.`,
          consumes: ['text/csv'],
          querystring: noQuery,
          body: csvBody(k.columns, ctx.bulkMaxRows, ctx.bulkMaxBytes),
          response: { 200: bulkResultSchema, ...errorResponses(413, 415) },
        }),
        // A client that goes away stops the starts; its rows are reported as not-started in the log line.
        handler: async (req) => runBulk(ctx, k, req.body, () => req.socket.destroyed),
      });

    bulkRoute('/v1/switching-in/bulk', 'bulkStartSwitchingIn', 'Start switchings (新小売) from a CSV file', BULK_KINDS.switchingIn);
    bulkRoute('/v1/occto-operations/applications/bulk', 'bulkStartOcctoApplications', 'Start OCCTO applications (再点 / 廃止・撤去 / アンペア変更 / 需要者情報変更) from a CSV file', BULK_KINDS.applications);
  };
