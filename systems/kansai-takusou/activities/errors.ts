// What a たくそう君 answer (or the absence of one) means, as an ApplicationFailure whose `type` is one
// of TakusouFailure (docs/architecture.md §5):
//   400 → Invalid (non-retryable; details = the error body's items)
//   404 → NotFound (non-retryable: a wrong service name is our defect)
//   503 → Maintenance (non-retryable for the activity: the workflow waits for the window's end)
//   500 / 502 / 504 / network / timeout → Transient (retryable)
//   200 that is not JSON or not the schema → MalformedResponse (non-retryable)
//   a file that may not be sent → BadFile (non-retryable)
//
// Failure messages and details carry services, statuses, error codes and item NAMES only — never
// customer names, addresses or phone numbers, nor a raw body. The items' messages come from the
// service and are scrubbed of every personal value we sent. A redacted excerpt of a body we could
// not use goes to the log line only.
import { ApplicationFailure } from '@temporalio/common';
import { TakusouFailure } from './contract.js';
import { parseErrorBody, parseResponse, WireFormatError, type ErrorBody, type ResponseOf, type ServiceName } from './provisional-wire-format.js';

export type TakusouFailureType = (typeof TakusouFailure)[keyof typeof TakusouFailure];

const NON_RETRYABLE: Readonly<Record<TakusouFailureType, boolean>> = {
  [TakusouFailure.Invalid]: true,
  [TakusouFailure.NotFound]: true,
  [TakusouFailure.Maintenance]: true,
  [TakusouFailure.Transient]: false,
  [TakusouFailure.MalformedResponse]: true,
  [TakusouFailure.BadFile]: true,
};

/** One item the service (or our own check) refuses. */
export interface InvalidItem {
  item: string;
  message: string;
}

export function takusouFailure(type: TakusouFailureType, message: string, details?: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: NON_RETRYABLE[type], ...(details ? { details } : {}) });
}

export function isTakusouFailure(e: unknown, type?: TakusouFailureType): e is ApplicationFailure {
  return e instanceof ApplicationFailure && (type === undefined ? Object.values(TakusouFailure).includes(e.type as TakusouFailureType) : e.type === type);
}

/** The items of an Invalid failure (its details), [] for any other error. */
export function invalidItems(e: unknown): InvalidItem[] {
  return isTakusouFailure(e, TakusouFailure.Invalid) ? ((e.details ?? []) as InvalidItem[]) : [];
}

/** The service's errorCode of failures built here (in-process only; the message carries it too). */
const SERVICE_ERROR_CODE = new WeakMap<ApplicationFailure, string>();

/** The error code of the service's error body behind a failure (e.g. INVALID_STATE), if any. */
export function serviceErrorCode(e: unknown): string | undefined {
  return e instanceof ApplicationFailure ? SERVICE_ERROR_CODE.get(e) : undefined;
}

/** Item names only, for messages (at most 8). */
export function itemList(items: readonly InvalidItem[]): string {
  const names = [...new Set(items.map((i) => i.item))];
  return names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
}

/** An Invalid failure naming the items (our own pre-send check, or a 400). */
export function invalidFailure(service: string, items: InvalidItem[], why: string): ApplicationFailure {
  const list = itemList(items);
  return takusouFailure(TakusouFailure.Invalid, `たくそう君 ${service}: ${why}${list ? `: ${list}` : ''}`, items);
}

/** The same Invalid failure with its items rewritten (e.g. naming our input's fields); others unchanged. */
export function mapInvalidItems(f: ApplicationFailure, fn: (i: InvalidItem) => InvalidItem): ApplicationFailure {
  if (!isTakusouFailure(f, TakusouFailure.Invalid)) return f;
  const mapped = takusouFailure(TakusouFailure.Invalid, f.message, ((f.details ?? []) as InvalidItem[]).map(fn));
  const code = SERVICE_ERROR_CODE.get(f);
  if (code !== undefined) SERVICE_ERROR_CODE.set(mapped, code);
  return mapped;
}

export function badFileFailure(service: string, message: string): ApplicationFailure {
  return takusouFailure(TakusouFailure.BadFile, `たくそう君 ${service}: file refused before sending: ${message}`);
}

// ---------------------------------------------------------------------------------------------
// Errors thrown by the transport (no HTTP response was read)
// ---------------------------------------------------------------------------------------------

/** Node/OpenSSL codes of a TLS handshake refused or a server certificate not trusted. */
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_)|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT)/;
export const isTlsErrorCode = (code: string | undefined): boolean => code !== undefined && TLS_CODE.test(code);

/** Error codes along the cause chain (and AggregateError members), outermost first. */
function codesOf(e: unknown): string[] {
  const codes: string[] = [];
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const inner = (cur as { errors?: unknown }).errors;
    for (const x of Array.isArray(inner) ? inner : []) {
      const c = (x as { code?: unknown } | null)?.code;
      if (typeof c === 'string') codes.push(c);
    }
  }
  return codes;
}

export interface Classified {
  failure: ApplicationFailure;
  /** Extra fields for the call's log line (no personal data). */
  log: Record<string, unknown>;
}

/** Classifies an error thrown while sending (no HTTP response was read). */
export function classifyTransportError(service: string, e: unknown): Classified {
  if (e instanceof ApplicationFailure) return { failure: e, log: {} };
  const codes = codesOf(e);
  if (codes.includes('TAKUSOU_BAD_FILE')) {
    return { failure: badFileFailure(service, (e as Error).message), log: { errorCode: 'TAKUSOU_BAD_FILE', reason: (e as { reason?: string }).reason, sent: false } };
  }
  if (codes.includes('TAKUSOU_UNKNOWN_COMPANY')) {
    // A configuration defect of this worker (task queue routed to a worker without the company).
    return {
      failure: invalidFailure(service, [{ item: 'company', message: 'not configured for たくそう君 in this worker' }], 'refused before sending'),
      log: { errorCode: 'TAKUSOU_UNKNOWN_COMPANY', sent: false },
    };
  }
  if (codes.includes('UND_ERR_RES_EXCEEDED_MAX_SIZE')) {
    return { failure: takusouFailure(TakusouFailure.MalformedResponse, `たくそう君 ${service}: response body too large`), log: { errorCode: 'UND_ERR_RES_EXCEEDED_MAX_SIZE' } };
  }
  const tls = codes.find((c) => TLS_CODE.test(c));
  if (tls) {
    // The contract has no Auth type and no client certificate exists for this API: a server
    // certificate we do not trust is retried (bounded by the retry policy) and logged as an error,
    // so that fixing the CA configuration and restarting the worker resumes the workflow.
    return { failure: takusouFailure(TakusouFailure.Transient, `たくそう君 ${service}: TLS handshake failed (${tls}); check the configured CA`), log: { errorCode: tls, tlsProblem: true } };
  }
  const code = codes[0] ?? (e instanceof Error ? e.name : 'unknown');
  const what = code === 'TAKUSOU_TIMEOUT' || code.endsWith('_TIMEOUT') ? 'no response in time' : 'network error';
  // Unknown errors are retried as transient: Temporal's default, and the retry policy bounds it.
  return { failure: takusouFailure(TakusouFailure.Transient, `たくそう君 ${service}: ${what} (${code})`), log: { errorCode: code } };
}

// ---------------------------------------------------------------------------------------------
// HTTP responses
// ---------------------------------------------------------------------------------------------

/** Error codes the simulator (or a proxy) uses for breaking L1/L2: our pacing let a call through. */
const PACING_CODES = new Set(['CONCURRENCY_LIMIT', 'SPACING_LIMIT']);

export type Interpreted<S extends ServiceName> = { ok: true; body: ResponseOf<S> } | ({ ok: false } & Classified);

/**
 * Reads an HTTP response. `personal` are the personal values of the request (names, addresses,
 * phones): they are scrubbed from anything of the body that goes into a failure or a log line.
 */
export function interpretResponse<S extends ServiceName>(service: S, status: number, text: string, personal: readonly string[] = []): Interpreted<S> {
  const err = status === 200 ? undefined : parseErrorBody(text);
  const base: Record<string, unknown> = { httpStatus: status, ...(err ? { errorCode: err.errorCode } : {}) };
  const withCode = (failure: ApplicationFailure): ApplicationFailure => {
    if (err) SERVICE_ERROR_CODE.set(failure, err.errorCode);
    return failure;
  };
  const fail = (type: TakusouFailureType, message: string, log: Record<string, unknown> = {}, details?: unknown[]): Interpreted<S> => ({
    ok: false,
    failure: withCode(takusouFailure(type, `たくそう君 ${service}: ${message}`, details)),
    log: { ...base, ...log },
  });

  if (status === 200) {
    try {
      return { ok: true, body: parseResponse(service, text) };
    } catch (e) {
      if (!(e instanceof WireFormatError)) throw e;
      const paths = e.items.length ? ` (${itemList(e.items)})` : '';
      return malformed(service, e.items.length ? `response does not match the schema${paths}` : 'response is not JSON', text, personal, base);
    }
  }
  if (err && PACING_CODES.has(err.errorCode)) {
    return fail(TakusouFailure.Transient, `limit exceeded (HTTP ${status}, ${err.errorCode}); our pacing let the call through`, { pacingDefect: true, simulatorDefined: err.simulatorDefined === true });
  }
  if (status === 400) {
    const items = (err?.items ?? []).map((i) => ({ item: scrub(i.item, personal, 80), message: scrub(i.message, personal, 200) }));
    const list = itemList(items);
    const code = err?.errorCode ?? 'no error body';
    return {
      ok: false,
      failure: withCode(takusouFailure(TakusouFailure.Invalid, `たくそう君 ${service}: request refused (HTTP 400, ${code})${list ? `: ${list}` : ''}`, items)),
      log: { ...base, items: items.map((i) => i.item), ...(err ? {} : { excerpt: redactedExcerpt(text, personal) }) },
    };
  }
  if (status === 404) return fail(TakusouFailure.NotFound, `wrong service name (HTTP 404${err ? `, ${err.errorCode}` : ''}); this is a defect of the client`);
  if (status === 503) return fail(TakusouFailure.Maintenance, 'service unavailable (HTTP 503): maintenance');
  if (status >= 500 || status === 408 || status === 429) return fail(TakusouFailure.Transient, `server error or overload (HTTP ${status}${err ? `, ${err.errorCode}` : ''})`);
  if (status === 401 || status === 403) {
    // Not in the public spec (no authentication is specified): check the auth hook of this company.
    return fail(TakusouFailure.Invalid, `authentication refused (HTTP ${status}); check the company's auth configuration`, {}, []);
  }
  if (status >= 400) {
    const items = (err?.items ?? []).map((i) => ({ item: scrub(i.item, personal, 80), message: scrub(i.message, personal, 200) }));
    return fail(TakusouFailure.Invalid, `request refused (HTTP ${status}${err ? `, ${err.errorCode}` : ''})`, {}, items);
  }
  return malformed(service, `unexpected HTTP status ${status}`, text, personal, base);
}

/** A response we cannot use: non-retryable, with a redacted excerpt for the log only. */
export function malformed<S extends ServiceName>(service: S, reason: string, text: string, personal: readonly string[] = [], log: Record<string, unknown> = {}): Interpreted<S> & { ok: false } {
  return {
    ok: false,
    failure: takusouFailure(TakusouFailure.MalformedResponse, `たくそう君 ${service}: malformed response: ${reason}`),
    log: { ...log, reason, excerpt: redactedExcerpt(text, personal) },
  };
}

export type { ErrorBody };

// ---------------------------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------------------------

/** JSON items whose value is personal data or may be (provisional names; see the wire module). */
export const PERSONAL_ITEMS = ['juyoshaMei', 'juyoshaMeiKana', 'juyoshaDenwa', 'juyoBashoJusho', 'kojitenDenwa', 'secchiBasho', 'tatemonoMei', 'fileMei'] as const;
const PERSONAL_ITEM_RE = new RegExp(`("(?:${PERSONAL_ITEMS.join('|')})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'g');
const PHONE_RE = /\+?\d{2,4}[-\s(]\d{2,4}[-\s)]\d{3,4}|\b0\d{9,10}\b/g;
/** Runs of non-ASCII text: names and addresses in items we do not know. Structure stays readable. */
const NON_ASCII_RE = /[^\x20-\x7e\t\r\n]+/g;

/** Masks each known personal value and anything that looks like a phone number; truncates. */
export function scrub(text: string, personal: readonly string[], max = 200): string {
  let out = text;
  for (const v of personal) if (v.length >= 2) out = out.split(v).join('[REDACTED]');
  out = out.replace(PHONE_RE, '[PHONE]');
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

/** First ~300 characters of a body with personal items, known personal values, phones and any non-ASCII text masked. */
export function redactedExcerpt(raw: string, personal: readonly string[] = [], max = 300): string {
  let redacted = raw.slice(0, 4 * max).replace(PERSONAL_ITEM_RE, '$1"[REDACTED]"');
  for (const v of personal) if (v.length >= 2) redacted = redacted.split(v).join('[REDACTED]');
  redacted = redacted.replace(PHONE_RE, '[PHONE]').replace(NON_ASCII_RE, (m) => `[text:${m.length}]`);
  return redacted.length > max ? `${redacted.slice(0, max)}…` : redacted;
}
