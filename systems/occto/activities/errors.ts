// What an OCCTO answer (or the absence of one) means, as an ApplicationFailure whose `type` is one
// of OcctoFailure (docs/architecture.md §5). Layers are read in the order the system documents
// (docs/external-systems/occto-switching.md Appendix A): SOAP Fault → HTTP status → 連携成否ステータス.
//
// Failure messages and details carry codes, meanings, HTTP statuses and serviceIDs only — never
// customer data, passwords, certificates or a raw response body. A raw excerpt (PII redacted) is
// returned separately for the log line of a malformed response.
import { ApplicationFailure } from '@temporalio/common';
import { areaLabel, isAreaCode } from '../../../domain/areas.js';
import { OcctoFailure, type BusinessErrorDetails, type OcctoFailureType } from './contract.js';
import {
  AUTH_FAULT_CODE,
  ERROR_CODES,
  LINK_STATUS,
  parseEnvelope,
  RATE_LIMIT_FAULT_CODE,
  REQUEST_FAULT_CODE,
  resultPartSchema,
  WireFormatError,
  type ErrorCode,
  type ResultPart,
} from './provisional-wire-format.js';

const NON_RETRYABLE: Readonly<Record<OcctoFailureType, boolean>> = {
  [OcctoFailure.Business]: true,
  [OcctoFailure.DuplicateRelay]: true,
  [OcctoFailure.Auth]: true,
  [OcctoFailure.Maintenance]: true,
  [OcctoFailure.RateLimited]: false,
  [OcctoFailure.Transient]: false,
  [OcctoFailure.MalformedResponse]: true,
  [OcctoFailure.NotOffered]: true,
  [OcctoFailure.AlreadyJudged]: true,
  [OcctoFailure.PasswordExpired]: true,
};

/** Result codes that are not a plain Business failure. Everything else (ERR_PASSWORD_INVALID included) is Business. */
const FAILURE_OF_CODE: Readonly<Partial<Record<string, OcctoFailureType>>> = {
  ERR_SW_DUPLICATE: OcctoFailure.DuplicateRelay,
  ERR_PASSWORD_EXPIRED: OcctoFailure.PasswordExpired,
  ERR_AMPERE_AREA: OcctoFailure.NotOffered,
};

/** What the call was about, for messages that need it (the area of an ERR_AMPERE_AREA). No personal data. */
export interface CallContext {
  /** Two-digit area code of the supply point. */
  area?: string;
}

export function occtoFailure(type: OcctoFailureType, message: string, details?: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: NON_RETRYABLE[type], ...(details ? { details } : {}) });
}

export function isOcctoFailure(e: unknown, type?: OcctoFailureType): e is ApplicationFailure {
  return e instanceof ApplicationFailure && (type === undefined ? Object.values(OcctoFailure).includes(e.type as OcctoFailureType) : e.type === type);
}

/** Failure types that carry BusinessErrorDetails (a result code) as details[0]. */
const WITH_RESULT_CODE: readonly OcctoFailureType[] = [OcctoFailure.Business, OcctoFailure.DuplicateRelay, OcctoFailure.PasswordExpired, OcctoFailure.NotOffered];

/** The BusinessErrorDetails of a failure answered with a result code (Business, DuplicateRelay, PasswordExpired, NotOffered by ERR_AMPERE_AREA), if it is one. */
export function businessDetails(e: unknown): BusinessErrorDetails | undefined {
  if (!isOcctoFailure(e) || !WITH_RESULT_CODE.includes(e.type as OcctoFailureType)) return undefined;
  const d = e.details?.[0] as Partial<BusinessErrorDetails> | undefined;
  return typeof d?.code === 'string' ? (d as BusinessErrorDetails) : undefined;
}

function isKnownCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/**
 * A business error (連携成否ステータス '1', an input-check fault, or our own pre-send check).
 * ERR_SW_DUPLICATE becomes DuplicateRelay, ERR_PASSWORD_EXPIRED PasswordExpired, ERR_AMPERE_AREA
 * NotOffered (naming the area when `context` has it); every other code is Business.
 * `systemMessage` is the service's 結果名 for codes that are not in the table (system text, not
 * customer data; truncated).
 */
export function businessFailure(serviceID: string, code: string, systemMessage?: string, extra?: string, context: CallContext = {}): ApplicationFailure {
  const known = isKnownCode(code) ? ERROR_CODES[code] : undefined;
  const details: BusinessErrorDetails = {
    code,
    message: known?.message ?? (systemMessage ?? '').slice(0, 200),
    meaning: known?.meaning ?? 'unknown result code (not in the provisional error table)',
  };
  const type = FAILURE_OF_CODE[code] ?? OcctoFailure.Business;
  const notes = [extra];
  if (code === 'ERR_AMPERE_AREA') notes.unshift(context.area && isAreaCode(context.area) ? `area ${areaLabel(context.area)}` : 'area of the supply point');
  const note = notes.filter(Boolean).join('; ');
  return occtoFailure(type, `OCCTO ${serviceID} ${code}: ${details.meaning}${note ? ` (${note})` : ''}`, [details]);
}

/** Details of a NotOffered refusal made before sending (no result code: nothing was sent). */
export interface NotOfferedDetails {
  operation: string;
  category: string;
  area?: string;
  rule: 'category' | 'area';
}

/** The operation does not exist for the category / area: refused before any call. */
export function notOfferedFailure(what: string, reason: string, details: NotOfferedDetails): ApplicationFailure {
  return occtoFailure(OcctoFailure.NotOffered, `OCCTO ${what}: refused before sending: ${reason}`, [details]);
}

// ---------------------------------------------------------------------------------------------
// Network / TLS errors thrown by the transport
// ---------------------------------------------------------------------------------------------

/** Node/OpenSSL codes of a TLS handshake refused or a certificate not accepted (either side). */
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT)/;
export const isTlsErrorCode = (code: string | undefined): boolean => code !== undefined && TLS_CODE.test(code);
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_ABORTED',
  'OCCTO_TIMEOUT',
]);

/** Error codes along the cause chain, outermost first. */
function codesOf(e: unknown): string[] {
  const codes: string[] = [];
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    for (const inner of (cur as { errors?: unknown }).errors instanceof Array ? ((cur as { errors: unknown[] }).errors) : []) {
      const c = (inner as { code?: unknown } | null)?.code;
      if (typeof c === 'string') codes.push(c);
    }
  }
  return codes;
}

export interface Classified {
  failure: ApplicationFailure;
  /** Extra fields for the call's log line (no PII). */
  log: Record<string, unknown>;
}

/** Classifies an error thrown while sending (no HTTP response was read). */
export function classifyTransportError(serviceID: string, e: unknown): Classified {
  if (e instanceof ApplicationFailure) return { failure: e, log: {} };
  const codes = codesOf(e);
  const tls = codes.find((c) => c === 'OCCTO_TLS_REFUSED' || TLS_CODE.test(c));
  if (tls) {
    return {
      failure: occtoFailure(OcctoFailure.Auth, `OCCTO ${serviceID}: TLS handshake refused or certificate not accepted (${tls}); check the client certificate, its registration and the CA`),
      log: { errorCode: tls },
    };
  }
  if (codes.includes('OCCTO_UNKNOWN_COMPANY')) {
    return { failure: occtoFailure(OcctoFailure.Auth, `OCCTO ${serviceID}: ${(e as Error).message}`), log: { errorCode: 'OCCTO_UNKNOWN_COMPANY' } };
  }
  if (codes.includes('UND_ERR_RES_EXCEEDED_MAX_SIZE')) {
    return { failure: occtoFailure(OcctoFailure.MalformedResponse, `OCCTO ${serviceID}: response body too large`), log: { errorCode: 'UND_ERR_RES_EXCEEDED_MAX_SIZE' } };
  }
  const transient = codes.find((c) => TRANSIENT_CODES.has(c));
  const code = transient ?? codes[0] ?? (e instanceof Error ? e.name : 'unknown');
  const what = code === 'OCCTO_TIMEOUT' || code.endsWith('_TIMEOUT') ? 'no response in time' : 'network error';
  // Unknown errors are retried as transient: Temporal's default, and the retry policy bounds it.
  return { failure: occtoFailure(OcctoFailure.Transient, `OCCTO ${serviceID}: ${what} (${code})`), log: { errorCode: code } };
}

// ---------------------------------------------------------------------------------------------
// HTTP responses
// ---------------------------------------------------------------------------------------------

export type Interpreted =
  | { ok: true; body: Record<string, unknown>; result: ResultPart }
  | ({ ok: false } & Classified);

/**
 * Reads an HTTP response: success gives the Body's element content (the result part is checked;
 * the operation's own schema is checked by the caller, see `malformed`).
 */
export function interpretResponse(serviceID: string, status: number, xml: string, context: CallContext = {}): Interpreted {
  let env: ReturnType<typeof parseEnvelope> | undefined;
  let parseError: string | undefined;
  try {
    env = parseEnvelope(xml);
  } catch (e) {
    if (!(e instanceof WireFormatError)) throw e;
    parseError = e.message;
  }
  const fault = env?.fault;
  const base = { httpStatus: status, ...(fault ? { faultcode: fault.faultcode } : {}) };
  const fail = (type: OcctoFailureType, message: string, log: Record<string, unknown> = {}): Interpreted => ({
    ok: false,
    failure: occtoFailure(type, `OCCTO ${serviceID}: ${message}`),
    log: { ...base, ...log },
  });

  if (status === 401 || status === 403 || fault?.faultcode === AUTH_FAULT_CODE) {
    return fail(OcctoFailure.Auth, `authentication refused (HTTP ${status}${fault ? `, ${fault.faultcode}` : ''}); check login ID, password, certificate and source IP`);
  }
  if (status === 503) return fail(OcctoFailure.Maintenance, 'service unavailable (HTTP 503): maintenance');
  if (status === 429 || fault?.faultcode === RATE_LIMIT_FAULT_CODE) {
    return fail(OcctoFailure.RateLimited, `load limit reached (HTTP ${status}); our pacing let requests through too fast`, { pacingDefect: true });
  }
  if (fault && fault.faultcode.startsWith(REQUEST_FAULT_CODE)) {
    // Input-check refusal. The faultstring may echo input values: only a known code taken from it is kept.
    const code = /ERR_[A-Z0-9_]+/.exec(fault.faultstring)?.[0];
    const failure = businessFailure(serviceID, code && isKnownCode(code) ? code : 'ERR_INPUT', undefined, undefined, context);
    return { ok: false, failure, log: { ...base, resultCode: businessDetails(failure)?.code } };
  }
  if (status >= 500) return fail(OcctoFailure.Transient, `server error (HTTP ${status}${fault ? `, ${fault.faultcode}` : ''})`);
  if (status === 400) {
    const failure = businessFailure(serviceID, 'ERR_INPUT', undefined, 'HTTP 400');
    return { ok: false, failure, log: { ...base, resultCode: 'ERR_INPUT' } };
  }
  if (status !== 200) return malformed(serviceID, `unexpected HTTP status ${status}`, xml, base);
  // The parser's message quotes the body: it goes to the log, redacted, never into the failure.
  if (!env) return malformed(serviceID, 'not a well-formed SOAP envelope', xml, { ...base, parseError: redactedExcerpt(parseError ?? 'unreadable', 200) });
  if (fault) return malformed(serviceID, `unexpected SOAP fault ${fault.faultcode} with HTTP 200`, xml, base);
  if (env.bodyName !== `${serviceID}Response`) return malformed(serviceID, `unexpected body element ${env.bodyName}`, xml, base);

  const result = resultPartSchema.safeParse(env.body);
  if (!result.success) return malformed(serviceID, `result part does not match the schema (${issuePaths(result.error.issues)})`, xml, base);
  if (result.data.renkeiSeihiStatus === LINK_STATUS.failure) {
    const failure = businessFailure(serviceID, result.data.kekkaCode, result.data.kekkaMei, undefined, context);
    return { ok: false, failure, log: { ...base, resultCode: result.data.kekkaCode } };
  }
  return { ok: true, body: env.body, result: result.data };
}

/** A response we cannot use: non-retryable, with a redacted excerpt for the log only. */
export function malformed(serviceID: string, reason: string, xml: string, log: Record<string, unknown> = {}): Interpreted & { ok: false } {
  return {
    ok: false,
    failure: occtoFailure(OcctoFailure.MalformedResponse, `OCCTO ${serviceID}: malformed response: ${reason}`),
    log: { ...log, reason, excerpt: redactedExcerpt(xml) },
  };
}

/** Zod issue paths only (messages of the wire schemas name fields, but paths are enough and never carry values). */
export function issuePaths(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((i) => (i.path.length ? i.path.map(String).join('.') : '(root)'))
    .join(', ');
}

// ---------------------------------------------------------------------------------------------
// Redaction for log excerpts
// ---------------------------------------------------------------------------------------------

/** Elements whose text is personal data or a secret (provisional names; see the wire module). */
const SECRET_ELEMENTS = ['juyoshaMei', 'juyoshaMeiKana', 'juyoshaJusho', 'juyoshaDenwa', 'password', 'shokaiPassword', 'loginID'];
const SECRET_ELEMENT_RE = new RegExp(`(<(?:[\\w.-]+:)?(?:${SECRET_ELEMENTS.join('|')})\\b[^>]*>)[^<]*`, 'g');
const PHONE_RE = /\+?\d{2,4}[-\s(]\d{2,4}[-\s)]\d{3,4}/g;
/** Runs of non-ASCII text: names and addresses in unknown fields. Structure stays readable. */
const NON_ASCII_RE = /[^\x20-\x7e\t\r\n]+/g;

/** First ~300 characters of a body with personal data and secrets masked. */
export function redactedExcerpt(raw: string, max = 300): string {
  const redacted = raw
    .slice(0, 4 * max)
    .replace(SECRET_ELEMENT_RE, '$1[REDACTED]')
    .replace(PHONE_RE, '[PHONE]')
    .replace(NON_ASCII_RE, (m) => `[text:${m.length}]`);
  return redacted.length > max ? `${redacted.slice(0, max)}…` : redacted;
}
