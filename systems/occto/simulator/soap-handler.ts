// The SOAP endpoint: one request through the layers of the real system, in this order —
//   company from the client certificate → load limit (429) → path/method → envelope and header
//   (400) → loginID/password (403) → injected faults → maintenance (503) → HTTP-level patterns
//   (500) → interface not offered for the category (ERR_20040) → input checks (ERR_INPUT) → error
//   patterns / 託送基本契約 area (ERR_…) → business.
// Then slow / malformed / held responses. Every request is a CallRecord.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type pino from 'pino';
import {
  AUTH_FAULT_CODE,
  ERROR_CODES,
  LINK_STATUS,
  RATE_LIMIT_FAULT_CODE,
  REQUEST_FAULT_CODE,
  REQUEST_SCHEMAS,
  SOAP_ENDPOINT_PATH,
  SUCCESS_RESULT_CODE,
  buildFault,
  buildResponse,
  isForwardedToTd,
  isOffered,
  parseEnvelope,
  parseServiceId,
  requestHeaderSchema,
  soapAction,
  type ErrorCode,
} from '../activities/provisional-wire-format.js';
import { isAreaCode, type AreaCode } from '../../../domain/areas.js';
import type { z } from 'zod';
import { BusinessError } from './business-error.js';
import type { SimClock } from '../../../simulators/shared/clock.js';
import type { FaultQueue } from './faults.js';
import type { MaintenanceSchedule } from './maintenance.js';
import { pointOfRequest, runOperation, type Books } from './operations.js';
import { ERROR_PATTERN_CODES, type Pattern, type PatternTable } from './patterns.js';
import { isCompanyCode, peerCommonName } from './pki-identity.js';
import type { RateAccounting } from './rate-accounting.js';
import type { Sleeper } from '../../../simulators/shared/sleeper.js';
import type { CallRecord, SimCompany } from './types.js';
import { MAINTENANCE_FAULT_CODE, SERVER_FAULT_CODE, jstTimestamp } from '../activities/provisional-wire-format.js';
import { malformedXml } from './malformed-xml.js';

export interface Timing {
  judgementDelayMs: number;
  processingDelayMs: number;
  slowMs: number;
  hangMs: number;
}

export interface SoapHandlerDeps {
  clock: SimClock;
  companies: ReadonlyMap<string, SimCompany>;
  rates: RateAccounting;
  patterns: PatternTable;
  books: Books;
  faults: FaultQueue;
  maintenance: MaintenanceSchedule;
  timing: Timing;
  sleeper: Sleeper;
  logger: pino.Logger;
  /** Points that already had their one 500; `${operation}:${point}` that already had their one held write. */
  once: { http500: Set<string>; held: Set<string> };
}

const MAX_BODY_BYTES = 1024 * 1024;
const XML = 'text/xml; charset=utf-8';

interface Reply {
  status: number;
  body: string;
  contentType: string;
  resultCode?: string;
  headers?: Record<string, string>;
}

const fault = (status: number, code: string, message: string, headers?: Record<string, string>): Reply => ({
  status,
  body: buildFault(code, message),
  contentType: XML,
  resultCode: code,
  headers,
});

function issuesText(error: z.ZodError, prefix: string): string {
  return error.issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || 'body'}: ${i.message} [${i.code}]`).join('; ');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createSoapHandler(deps: SoapHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const arrivedAt = Date.now();
    const company = peerCommonName(req);
    const { record, overLimit } = deps.rates.arrive(company, arrivedAt, deps.clock.now());
    handle(deps, req, res, record, overLimit).catch((e: unknown) => {
      deps.logger.error({ err: e, seq: record.seq }, 'occto simulator: handler failed');
      if (!res.headersSent) send(deps, res, record, fault(500, SERVER_FAULT_CODE, 'internal simulator error'));
      else res.destroy();
    });
  };
}

function send(deps: SoapHandlerDeps, res: ServerResponse, record: CallRecord, reply: Reply): void {
  record.httpStatus = reply.status;
  record.resultCode = reply.resultCode;
  res.writeHead(reply.status, { 'content-type': reply.contentType, ...reply.headers });
  res.end(reply.body);
  record.durationMs = Date.now() - record.receivedAtMs;
  log(deps, record);
}

function destroy(deps: SoapHandlerDeps, res: ServerResponse, record: CallRecord): void {
  record.httpStatus = 0;
  res.socket?.destroy();
  res.destroy();
  record.durationMs = Date.now() - record.receivedAtMs;
  log(deps, record);
}

function log(deps: SoapHandlerDeps, r: CallRecord): void {
  deps.logger.info(
    { seq: r.seq, company: r.company, serviceId: r.serviceId, requestId: r.requestId, supplyPointId: r.supplyPointId, httpStatus: r.httpStatus, resultCode: r.resultCode, inMaintenance: r.inMaintenance, durationMs: r.durationMs },
    'occto call',
  );
}

async function handle(deps: SoapHandlerDeps, req: IncomingMessage, res: ServerResponse, record: CallRecord, overLimit: boolean): Promise<void> {
  const reply = await evaluate(deps, req, record, overLimit);
  if (reply === 'destroy') return destroy(deps, res, record);
  if (deps.sleeper.isClosed) return destroy(deps, res, record);
  send(deps, res, record, reply);
}

type Outcome = Reply | 'destroy';

async function evaluate(deps: SoapHandlerDeps, req: IncomingMessage, record: CallRecord, overLimit: boolean): Promise<Outcome> {
  const company = deps.companies.get(record.company);
  const raw = await readBody(req);

  if (!company) {
    const who = isCompanyCode(record.company) ? `company ${record.company}` : 'the client certificate subject';
    return fault(403, AUTH_FAULT_CODE, `${who} is not registered for API use`);
  }
  if (overLimit) {
    return fault(429, RATE_LIMIT_FAULT_CODE, `load limit: too many requests from company ${company.code}; slow down to 1 request/s`, { 'retry-after': '1' });
  }
  const path = (req.url ?? '').split('?')[0];
  if (path !== SOAP_ENDPOINT_PATH) return fault(404, REQUEST_FAULT_CODE, `no SOAP endpoint at ${path}; use ${SOAP_ENDPOINT_PATH}`);
  if (req.method !== 'POST') return fault(405, REQUEST_FAULT_CODE, `method ${req.method} not allowed; SOAP requests are POST`);
  if (raw === undefined) return fault(413, REQUEST_FAULT_CODE, `request body larger than ${MAX_BODY_BYTES} bytes`);

  // ---- envelope and header ----
  let env: ReturnType<typeof parseEnvelope>;
  try {
    env = parseEnvelope(raw);
  } catch (e) {
    return fault(400, REQUEST_FAULT_CODE, `Envelope: ${(e as Error).message}`);
  }
  if (env.fault) return fault(400, REQUEST_FAULT_CODE, 'Body: a request must not be a SOAP Fault');
  if (!env.header) return fault(400, REQUEST_FAULT_CODE, 'Header: soapenv:Header with RequestHeader is required');
  if (typeof env.header['serviceID'] === 'string') record.serviceId = env.header['serviceID'];
  if (typeof env.header['requestID'] === 'string') record.requestId = env.header['requestID'];
  const header = requestHeaderSchema.safeParse(env.header);
  if (!header.success) return fault(400, REQUEST_FAULT_CODE, `invalid RequestHeader: ${issuesText(header.error, 'header')}`);
  const { serviceID } = header.data;
  const parsedId = parseServiceId(serviceID);
  if (!parsedId) return fault(400, REQUEST_FAULT_CODE, `header.serviceID: unknown serviceID ${serviceID}`);
  const { op, category } = parsedId;
  record.operation = op;
  record.category = category;
  const action = req.headers['soapaction'];
  if (action !== soapAction(serviceID)) {
    return fault(400, REQUEST_FAULT_CODE, `SOAPAction: HTTP header must be ${soapAction(serviceID)} for serviceID ${serviceID}`);
  }
  if (env.bodyName !== `${serviceID}Request`) {
    return fault(400, REQUEST_FAULT_CODE, `Body: expected element ${serviceID}Request (got ${env.bodyName})`);
  }

  // ---- authentication (never echo the values) ----
  if (!sameSecret(header.data.loginID, company.loginId) || !sameSecret(header.data.password, company.password)) {
    return fault(403, AUTH_FAULT_CODE, 'loginID or password is invalid for the company of the client certificate');
  }

  // ---- injected faults ----
  const injected = deps.faults.take(serviceID);
  if (injected?.kind === 'reset') return 'destroy';
  if (injected?.kind === 'status') {
    if (injected.status === 502 || injected.status === 504) {
      const text = injected.status === 502 ? 'Bad Gateway' : 'Gateway Timeout';
      return { status: injected.status, body: `<html><body><h1>${injected.status} ${text}</h1></body></html>`, contentType: 'text/html', resultCode: String(injected.status) };
    }
    const msg = injected.status === 503 ? 'service unavailable (injected)' : 'internal server error (injected)';
    return fault(injected.status, injected.status === 503 ? MAINTENANCE_FAULT_CODE : SERVER_FAULT_CODE, msg);
  }
  if (injected?.kind === 'delay' && !(await deps.sleeper.sleep(injected.ms))) return 'destroy';

  // ---- maintenance ----
  const body = env.body;
  const point = pointOfRequest(deps.books, op, body);
  if (point) record.supplyPointId = point;
  const area: AreaCode | undefined = point && isAreaCode(point.slice(0, 2)) ? (point.slice(0, 2) as AreaCode) : undefined;
  const now = deps.clock.now();
  const window = deps.maintenance.active(op, now, area);
  if (window) {
    record.inMaintenance = true;
    const retryAfterS = Math.max(1, Math.ceil((window.end - now) / 1000));
    return fault(503, MAINTENANCE_FAULT_CODE, `maintenance until ${jstTimestamp(window.end)}: ${window.reason}`, { 'retry-after': String(retryAfterS) });
  }

  // ---- HTTP-level patterns ----
  const pattern: Pattern = point ? deps.patterns.of(point) : 'ok';
  if (pattern === 'http-500' || (pattern === 'http-500-once' && point && !deps.once.http500.has(point))) {
    if (point) deps.once.http500.add(point);
    return fault(500, SERVER_FAULT_CODE, 'internal server error (simulated pattern)');
  }

  // ---- the operation ----
  let reply: Reply;
  let wrote = false;
  const result = (r: { renkeiSeihiStatus: '0' | '1'; kekkaCode: string; kekkaMei?: string; uketsukeMessage?: string }, extra?: Record<string, unknown>): Reply => ({
    status: 200,
    body: buildResponse(serviceID, r, extra),
    contentType: XML,
    resultCode: r.kekkaCode,
  });
  const businessError = (code: ErrorCode, detail: string) =>
    result({ renkeiSeihiStatus: LINK_STATUS.failure, kekkaCode: code, kekkaMei: ERROR_CODES[code].message, uketsukeMessage: detail });

  const input = REQUEST_SCHEMAS[op].safeParse(body);
  if (!isOffered(op, category)) {
    // The function does not exist for the category (docs/external-systems/occto-switching.md §2.5): the real system answers ERR_20040 (§6.3 cause 4).
    reply = businessError('ERR_20040', `${serviceID}: ${op} is not offered for ${category} (docs/external-systems/occto-switching.md §2.5)`);
  } else if (!input.success) {
    reply = businessError('ERR_INPUT', issuesText(input.error, ''));
  } else {
    const patternCode = ERROR_PATTERN_CODES[pattern];
    try {
      if (patternCode) throw new BusinessError(patternCode, `simulated pattern ${pattern} for this supply point`);
      if (isForwardedToTd(op) && area && company.contractAreas && !company.contractAreas.includes(area)) {
        throw new BusinessError('ERR_20250', `company ${company.code} has no 託送基本契約 in area ${area}`);
      }
      const out = runOperation(deps.books, op, { company: company.code, category, now: deps.clock.now(), pattern, ...deps.timing }, input.data);
      wrote = out.wrote ?? false;
      reply = result({ renkeiSeihiStatus: LINK_STATUS.success, kekkaCode: SUCCESS_RESULT_CODE, kekkaMei: '正常終了' }, out.body);
    } catch (e) {
      if (!(e instanceof BusinessError)) throw e;
      reply = businessError(e.code, e.detail);
    }
  }

  // ---- how the response travels ----
  const heldKey = `${op}:${point ?? ''}`;
  if (pattern === 'timeout-once' && wrote && point && !deps.once.held.has(heldKey)) {
    deps.once.held.add(heldKey);
    record.resultCode = reply.resultCode;
    await deps.sleeper.sleep(deps.timing.hangMs);
    return 'destroy';
  }
  if (pattern === 'malformed' || injected?.kind === 'malformed') reply = { ...reply, body: malformedXml(reply.body) };
  if (pattern === 'slow' && !(await deps.sleeper.sleep(deps.timing.slowMs))) return 'destroy';
  return reply;
}
