// The HTTPS endpoint: one request through the layers of the service, in this order —
//   service name (404) → method (405, simulator-defined) → auth hook (off by default) → body →
//   L2 / L1 accounting (recorded; the 9th in flight refused; L1 refused only with violationStatus) → latency → injected faults
//   → maintenance (503) → query string, Content-Type, JSON / multipart, strict schema (400 naming
//   the item) → HTTP-level patterns (500) → the operation (200, or 400 with a business code).
// Then timeout-once / malformed / slow. Every request is a CallRecord; every answer is
// `application/json; charset=UTF-8` (except injected 502/504, which come from "a proxy").
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pino from 'pino';
import {
  APPLY_SERVICE_KIND,
  CONTENT_TYPE_JSON,
  ERROR_CODES,
  MAX_FILE_BYTES,
  MIN_SPACING_AFTER_RESPONSE_MS,
  MAX_IN_FLIGHT,
  applicationNumberOf,
  buildJsonBody,
  fileProblem,
  jstDateTime,
  serviceByName,
  validateRequest,
  type ErrorCode,
  type ServiceName,
  type ServiceSpec,
} from '../activities/provisional-wire-format.js';
import type { SimClock } from '../../../simulators/shared/clock.js';
import type { Sleeper } from '../../../simulators/shared/sleeper.js';
import type { ApplicationStore } from './applications.js';
import type { FaultQueue } from './faults.js';
import type { CallLog } from './limits.js';
import type { MaintenanceSchedule } from './maintenance.js';
import type { NoticeStore } from './notices.js';
import { applicationRefOf, runService } from './operations.js';
import type { Pattern, PatternTable } from './patterns.js';
import { MAX_JSON_BYTES, MAX_MULTIPART_BYTES } from './request-body.js';
import { drain, parseMultipart, readBody, type MultipartFile } from '../../../simulators/shared/request-body.js';
import { TakusouError, type ItemMessage } from './takusou-error.js';
import type { AuthHook, CallRecord, Timing, Violation } from './types.js';

export interface HandlerDeps {
  basePath: string;
  clock: SimClock;
  log: CallLog;
  patterns: PatternTable;
  apps: ApplicationStore;
  notices: NoticeStore;
  faults: FaultQueue;
  maintenance: MaintenanceSchedule;
  timing: Timing;
  sleeper: Sleeper;
  logger: pino.Logger;
  violationStatus?: number;
  auth?: AuthHook;
  /** References that already had their one 500 / their one held response. */
  once: { http500: Set<string>; held: Set<string> };
}

interface Reply {
  status: number;
  body: string;
  contentType?: string;
  errorCode?: string;
  headers?: Record<string, string>;
}

type Outcome = Reply | 'destroy';

function errorReply(status: number, code: ErrorCode | string, message?: string, items: ItemMessage[] = [], simulatorDefined = false, headers?: Record<string, string>): Reply {
  const errorMessage = message ?? (ERROR_CODES as Record<string, string>)[code] ?? code;
  return {
    status,
    body: buildJsonBody({ errorCode: code, errorMessage, ...(items.length > 0 ? { items } : {}), ...(simulatorDefined ? { simulatorDefined: true } : {}) }),
    errorCode: code,
    headers,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createTakusouHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const arrivedAt = Date.now();
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const record = deps.log.arrive(arrivedAt, deps.clock.now(), req.method ?? '', url.pathname);
    const spec = url.pathname.startsWith(deps.basePath) ? serviceByName(url.pathname.slice(deps.basePath.length)) : undefined;
    let concurrency: Violation | undefined;
    if (spec) {
      record.service = spec.name as ServiceName;
      record.serviceNo = spec.no;
      if (spec.counted && req.method === 'POST') {
        concurrency = deps.log.enter(record, spec.name as ServiceName);
        res.once('close', () => deps.log.leave());
      }
    }
    res.once('finish', () => {
      record.respondedAtMs = Date.now();
      // L1: the response time per application number (a new application's number comes from its response).
      if (spec?.spaced && record.moshikomiNo) deps.log.responded(record.moshikomiNo, record.seq, record.respondedAtMs);
    });
    evaluate(deps, req, url, spec, record, concurrency)
      .then((outcome) => {
        if (outcome === 'destroy' || deps.sleeper.isClosed) return destroy(deps, res, record);
        send(deps, res, record, outcome);
      })
      .catch((e: unknown) => {
        deps.logger.error({ err: e, seq: record.seq }, 'takusou simulator: handler failed');
        if (!res.headersSent) send(deps, res, record, errorReply(500, 'INTERNAL', 'internal simulator error'));
        else res.destroy();
      });
  };
}

function send(deps: HandlerDeps, res: ServerResponse, record: CallRecord, reply: Reply): void {
  record.httpStatus = reply.status;
  record.errorCode = reply.errorCode;
  res.writeHead(reply.status, { 'content-type': reply.contentType ?? CONTENT_TYPE_JSON, ...reply.headers });
  res.end(reply.body);
  record.durationMs = Date.now() - record.receivedAtMs;
  log(deps, record);
}

function destroy(deps: HandlerDeps, res: ServerResponse, record: CallRecord): void {
  record.httpStatus = 0;
  res.socket?.destroy();
  res.destroy();
  record.durationMs = Date.now() - record.receivedAtMs;
  log(deps, record);
}

function log(deps: HandlerDeps, r: CallRecord): void {
  deps.logger.info(
    { seq: r.seq, service: r.service || r.path, moshikomiNo: r.moshikomiNo, httpStatus: r.httpStatus, errorCode: r.errorCode, inFlight: r.inFlightAtArrival, inMaintenance: r.inMaintenance, durationMs: r.durationMs },
    'takusou call',
  );
}

type Parsed =
  | { kind: 'json'; ok: true; value: unknown }
  | { kind: 'json'; ok: false; message: string }
  | { kind: 'multipart'; ok: true; value: Awaited<ReturnType<typeof parseMultipart>> }
  | { kind: 'multipart'; ok: false; message: string };

async function parseBody(spec: ServiceSpec, buf: Buffer, contentType: string): Promise<Parsed> {
  if (spec.contentType === 'json') {
    try {
      return { kind: 'json', ok: true, value: JSON.parse(buf.toString('utf8')) as unknown };
    } catch (e) {
      return { kind: 'json', ok: false, message: `body is not JSON: ${(e as Error).message.slice(0, 120)}` };
    }
  }
  try {
    return { kind: 'multipart', ok: true, value: await parseMultipart(buf, contentType) };
  } catch (e) {
    return { kind: 'multipart', ok: false, message: `body is not multipart/form-data: ${(e as Error).message.slice(0, 120)}` };
  }
}

function contentTypeProblem(spec: ServiceSpec, header: string): string | undefined {
  const [mediaType = '', ...params] = header.toLowerCase().split(';').map((s) => s.trim());
  const expected = spec.contentType === 'json' ? 'application/json' : 'multipart/form-data';
  if (mediaType !== expected) return `Content-Type must be ${expected} for ${spec.name} (got '${header || '(none)'}')`;
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replaceAll('"', '');
  if (charset !== undefined && charset !== 'utf-8') return `charset must be UTF-8 (got '${charset}')`;
  return undefined;
}

async function evaluate(deps: HandlerDeps, req: IncomingMessage, url: URL, spec: ServiceSpec | undefined, record: CallRecord, concurrency: Violation | undefined): Promise<Outcome> {
  // ---- URL and method ----
  if (!spec) {
    await drain(req);
    return errorReply(404, 'UNKNOWN_SERVICE', `no service at ${url.pathname} (services are ${deps.basePath}<service name>, spelled exactly)`);
  }
  const service = spec.name as ServiceName;
  if (req.method !== 'POST') {
    await drain(req);
    return errorReply(405, 'METHOD_NOT_ALLOWED', `method ${req.method ?? ''} not allowed: every たくそう君 API is POST`, [], true, { allow: 'POST' });
  }
  if (deps.auth) {
    const decision = deps.auth({ service, headers: req.headers, remoteAddress: req.socket.remoteAddress });
    if (decision) {
      await drain(req);
      return errorReply(decision.status, decision.errorCode, decision.errorMessage);
    }
  }

  // ---- body (read first: L1 needs the application number) ----
  const contentType = req.headers['content-type'] ?? '';
  const { buf, tooLarge } = await readBody(req, spec.contentType === 'json' ? MAX_JSON_BYTES : MAX_MULTIPART_BYTES);
  const parsed = tooLarge ? undefined : await parseBody(spec, buf, contentType);
  const jsonInput = parsed?.kind === 'json' && parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
  if (jsonInput && typeof jsonInput['moshikomiNo'] === 'string') record.moshikomiNo = jsonInput['moshikomiNo'];
  if (parsed?.kind === 'multipart' && parsed.ok && parsed.value.fields['moshikomiNo']) record.moshikomiNo = parsed.value.fields['moshikomiNo'];

  // ---- L1 / L2 ----
  const l1No = jsonInput ? applicationNumberOf(service, jsonInput) : undefined;
  const spacing = l1No ? deps.log.checkSpacing(record, service, l1No) : undefined;
  // The 9th request in flight is refused (and logged); the status is simulator-defined (429 unless
  // violationStatus says otherwise) because KTD's reaction is not public.
  if (concurrency?.kind === 'concurrency') {
    return errorReply(deps.violationStatus ?? 429, 'CONCURRENCY_LIMIT', `${concurrency.inFlight} requests in flight across APIs 1–18; at most ${MAX_IN_FLIGHT} are allowed (simulator-defined refusal)`, [], true);
  }
  if (deps.violationStatus !== undefined) {
    if (spacing?.kind === 'spacing') {
      const message = `${spacing.gapMs} ms after the previous response on ${spacing.moshikomiNo}; wait ${MIN_SPACING_AFTER_RESPONSE_MS} ms (simulator-defined refusal)`;
      return errorReply(deps.violationStatus, 'SPACING_LIMIT', message, [{ item: 'moshikomiNo', message }], true);
    }
  }
  if (deps.timing.latencyMs > 0 && !(await deps.sleeper.sleep(deps.timing.latencyMs))) return 'destroy';

  // ---- injected faults ----
  const injected = deps.faults.take(service);
  if (injected?.kind === 'reset') return 'destroy';
  if (injected?.kind === 'status') {
    if (injected.status === 502 || injected.status === 504) {
      const text = injected.status === 502 ? 'Bad Gateway' : 'Gateway Timeout';
      return { status: injected.status, body: `<html><body><h1>${injected.status} ${text}</h1></body></html>`, contentType: 'text/html', errorCode: String(injected.status) };
    }
    return injected.status === 503 ? errorReply(503, 'MAINTENANCE', 'service unavailable (injected)') : errorReply(500, 'INTERNAL', 'internal server error (injected)');
  }
  if (injected?.kind === 'delay' && !(await deps.sleeper.sleep(injected.ms))) return 'destroy';

  // ---- maintenance ----
  const now = deps.clock.now();
  const window = deps.maintenance.active(now);
  if (window) {
    record.inMaintenance = true;
    const retryAfterS = Math.max(1, Math.ceil((window.end - now) / 1000));
    return errorReply(503, 'MAINTENANCE', `service stopped until ${jstDateTime(window.end)}: ${window.reason}`, [], false, { 'retry-after': String(retryAfterS) });
  }

  // ---- request checks (400) ----
  const queryItems = [...url.searchParams.keys()].map((k) => ({ item: k, message: k === 'callback' ? 'JSONP is not supported' : 'query parameters are not in the interface definition' }));
  if (queryItems.length > 0) return errorReply(400, 'UNKNOWN_ITEM', 'items must be sent in the body, not the URL', queryItems);
  const ctProblem = contentTypeProblem(spec, contentType);
  if (ctProblem) return errorReply(400, 'UNSUPPORTED_MEDIA_TYPE', ctProblem);
  if (tooLarge || !parsed) {
    return spec.contentType === 'json'
      ? errorReply(400, 'INVALID_ITEM', `body larger than ${MAX_JSON_BYTES} bytes`, [{ item: '(body)', message: `larger than ${MAX_JSON_BYTES} bytes` }])
      : errorReply(400, 'FILE_TOO_LARGE', `file larger than ${MAX_FILE_BYTES} bytes`, [{ item: 'file', message: `the maximum is ${MAX_FILE_BYTES} bytes` }]);
  }
  if (!parsed.ok) return errorReply(400, parsed.kind === 'json' ? 'INVALID_JSON' : 'INVALID_ITEM', parsed.message);

  let input: Record<string, unknown>;
  let file: MultipartFile | undefined;
  if (parsed.kind === 'json') {
    if (!jsonInput) return errorReply(400, 'INVALID_ITEM', 'the body must be a JSON object', [{ item: '(body)', message: 'must be a JSON object' }]);
    const v = validateRequest(service, jsonInput);
    if (!v.ok) return errorReply(400, v.errorCode, ERROR_CODES[v.errorCode], v.items);
    input = v.value as Record<string, unknown>;
  } else {
    const mp = parsed.value;
    const items: ItemMessage[] = mp.duplicates.map((d) => ({ item: d, message: 'part sent more than once' }));
    const foreignFiles = mp.files.filter((f) => f.part !== 'file');
    const unknown = foreignFiles.map((f) => ({ item: f.part, message: 'item not in the interface definition (IFにない項目)' }));
    if (unknown.length > 0) return errorReply(400, 'UNKNOWN_ITEM', ERROR_CODES.UNKNOWN_ITEM, unknown);
    const v = validateRequest(service, mp.fields);
    if (!v.ok) return errorReply(400, v.errorCode, ERROR_CODES[v.errorCode], [...v.items, ...items]);
    if (items.length > 0) return errorReply(400, 'INVALID_ITEM', 'each part must be sent once', items);
    const fileParts = mp.files.filter((f) => f.part === 'file');
    if (fileParts.length !== 1) return errorReply(400, 'INVALID_ITEM', 'exactly one file part is required', [{ item: 'file', message: fileParts.length === 0 ? 'no file part' : 'more than one file part' }]);
    file = (fileParts[0] as { file: MultipartFile }).file;
    const problem = fileProblem(file);
    if (problem) return errorReply(400, problem.errorCode, problem.message, [{ item: 'file', message: problem.message }]);
    input = v.value as Record<string, unknown>;
  }

  // ---- HTTP-level patterns ----
  const ref = spec.no <= 10 ? applicationRefOf(deps, service, input) : undefined;
  if (ref !== undefined) record.jigyoshaKanriNo = ref;
  const pattern: Pattern = ref !== undefined ? deps.patterns.of(ref) : 'accepted';
  if (ref !== undefined && (pattern === 'http-500' || (pattern === 'http-500-once' && !deps.once.http500.has(ref)))) {
    deps.once.http500.add(ref);
    return errorReply(500, 'INTERNAL', 'internal server error (simulated pattern)');
  }

  // ---- the operation ----
  let reply: Reply;
  const company = String(input['kouriJigyoshaCode']);
  try {
    const out = runService(deps, service, { company, now: deps.clock.now(), pattern }, input, file);
    if (typeof out['moshikomiNo'] === 'string') record.moshikomiNo = out['moshikomiNo'];
    reply = { status: 200, body: buildJsonBody(out) };
  } catch (e) {
    if (!(e instanceof TakusouError)) throw e;
    reply = errorReply(e.status, e.errorCode, e.detail, e.items);
  }

  // ---- how the response travels ----
  const created = APPLY_SERVICE_KIND[service] !== undefined && input['moshikomiNo'] === undefined && reply.status === 200;
  if (pattern === 'timeout-once' && created && ref !== undefined && !deps.once.held.has(ref)) {
    deps.once.held.add(ref);
    await deps.sleeper.sleep(deps.timing.hangMs);
    return 'destroy';
  }
  if (pattern === 'malformed' || injected?.kind === 'malformed') reply = { ...reply, body: reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) };
  if (pattern === 'slow' && !(await deps.sleeper.sleep(deps.timing.slowMs))) return 'destroy';
  return reply;
}
