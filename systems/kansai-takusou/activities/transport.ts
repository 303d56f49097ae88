// HTTPS transport to the たくそう君 WebAPI: one undici Agent (keep-alive, the server verified with
// the configured CA), `POST <base>/<service>` with a JSON body, or multipart/form-data for
// FileTnpu with the file STREAMED from its path. It returns the raw HTTP status and body text;
// deciding what they mean is errors.ts's job. Network errors are thrown as they come, a timeout as
// a TransportTimeoutError, a file that may not be sent as a BadFileError (before any request).
//
// The L1 spacing (1 s per 申込番号) and the L2 cap (8 in flight) are NOT enforced here: the
// workflow sleeps durably after each response, the task queue's concurrency caps in-flight calls
// (docs/architecture.md §3).
//
// Every request that leaves is counted in the metrics (denki_external_calls_total, by service and
// outcome): the outcome is errors.ts's classification of the same answer.
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, FormData, request } from 'undici';
import { recordExternalCall, type CallOutcome } from '../../../platform/metrics.js';
import { ALLOWED_FILE_TYPES as DOMAIN_FILE_TYPES, MAX_FILE_BYTES as DOMAIN_MAX_FILE_BYTES, type FileRef } from '../domain/construction.js';
import { authHeaders, type TakusouClientConfig } from './config.js';
import { TakusouFailure } from './contract.js';
import { classifyTransportError, interpretResponse, type Classified } from './errors.js';
import { buildJsonBody, CONTENT_TYPE_JSON, FILE_PART, fileProblem, MAX_FILE_BYTES as WIRE_MAX_FILE_BYTES, serviceUrl, type ServiceName } from './provisional-wire-format.js';

export interface TransportResponse {
  status: number;
  /** Response body as text (UTF-8). */
  body: string;
  contentType: string | undefined;
}

export interface SendOptions {
  /** 事業者コード we act for: selects the auth hook's headers. */
  company: string;
  /** Aborts the request (the activity's cancellation signal). */
  signal?: AbortSignal;
}

/** The file part of a FileTnpu request, as checked before sending (no path: it may name a person). */
export interface CheckedFile {
  blob: Blob;
  /** File name sent in the part's Content-Disposition (the reference's base name). */
  name: string;
  type: string;
  size: number;
}

export interface Transport {
  postJson(service: ServiceName, body: unknown, options: SendOptions): Promise<TransportResponse>;
  /** Checks the file (BadFileError) before anything is sent, then streams it from its path. */
  postMultipart(service: ServiceName, fields: Record<string, string>, file: FileRef, options: SendOptions): Promise<TransportResponse>;
  close(): Promise<void>;
}

/** The request did not complete within timeoutMs. Ambiguous: it may have been processed. */
export class TransportTimeoutError extends Error {
  override name = 'TransportTimeoutError';
  readonly code = 'TAKUSOU_TIMEOUT';
}

/** The company is not configured in this worker. */
export class UnknownCompanyError extends Error {
  override name = 'UnknownCompanyError';
  readonly code = 'TAKUSOU_UNKNOWN_COMPANY';
}

export type BadFileReason = 'NOT_FOUND' | 'NOT_A_FILE' | 'UNREADABLE' | 'TYPE' | 'EMPTY' | 'TOO_LARGE' | 'SIZE_MISMATCH' | 'NAME';

/** A file that cannot be sent. The message names no path (a path may carry a person's name). */
export class BadFileError extends Error {
  override name = 'BadFileError';
  readonly code = 'TAKUSOU_BAD_FILE';
  constructor(
    readonly reason: BadFileReason,
    message: string,
  ) {
    super(message);
  }
}

/** Upper bound for a response body; answers are JSON lists of at most RETRIEVAL_MAX records. */
const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** The stricter of the domain's and the wire format's size limits (both 10 MiB today). */
const MAX_FILE_BYTES = Math.min(DOMAIN_MAX_FILE_BYTES, WIRE_MAX_FILE_BYTES);

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Checks the real file behind a reference — it exists, is a regular file, its extension is an
 * allowed type, its real size is > 0, ≤ the maximum and equal to the declared size — and opens it
 * as a Blob backed by the file (nothing is read until the request streams it).
 */
export async function openCheckedFile(file: FileRef): Promise<CheckedFile> {
  const ext = extname(file.ref).toLowerCase();
  const type = (DOMAIN_FILE_TYPES as Readonly<Record<string, string>>)[ext];
  if (!type) throw new BadFileError('TYPE', `file extension '${ext || '(none)'}' is not an allowed type (${Object.keys(DOMAIN_FILE_TYPES).join(', ')})`);
  let size: number;
  try {
    const st = await stat(file.ref);
    if (!st.isFile()) throw new BadFileError('NOT_A_FILE', 'the file reference does not name a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof BadFileError) throw e;
    const code = errorCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new BadFileError('NOT_FOUND', 'the referenced file does not exist');
    throw new BadFileError('UNREADABLE', `the referenced file cannot be read (${code ?? 'error'})`);
  }
  if (size === 0) throw new BadFileError('EMPTY', 'the file is empty');
  if (size > MAX_FILE_BYTES) throw new BadFileError('TOO_LARGE', `the file is ${size} bytes; the maximum is ${MAX_FILE_BYTES} bytes`);
  if (size !== file.sizeBytes) throw new BadFileError('SIZE_MISMATCH', `the file is ${size} bytes but ${file.sizeBytes} bytes were declared`);
  const name = basename(file.ref);
  // The wire format's own rule (type, extension, size, name length) has the last word.
  const problem = fileProblem({ name, type, size });
  if (problem) throw new BadFileError(problem.errorCode === 'FILE_TOO_LARGE' ? 'TOO_LARGE' : problem.errorCode === 'FILE_TYPE' ? 'TYPE' : 'NAME', problem.message);
  let blob: Blob;
  try {
    blob = await openAsBlob(file.ref, { type });
  } catch (e) {
    throw new BadFileError('UNREADABLE', `the referenced file cannot be opened (${errorCode(e) ?? 'error'})`);
  }
  // Changed between stat and open: refuse rather than send something else than declared.
  if (blob.size !== file.sizeBytes) throw new BadFileError('SIZE_MISMATCH', `the file is ${blob.size} bytes but ${file.sizeBytes} bytes were declared`);
  return { blob, name, type, size: blob.size };
}

/** The metrics outcome of one answered or failed request (status first: errors.ts folds 401/403/429 into other types). */
export function takusouOutcome(c: Classified | undefined, status?: number): CallOutcome {
  if (status === 401 || status === 403) return 'auth_error';
  if (status === 429 || c?.log['pacingDefect']) return 'rate_limited';
  if (!c) return 'ok';
  switch (c.failure.type) {
    case TakusouFailure.Invalid:
      return 'business_error';
    case TakusouFailure.NotFound:
      return 'not_found';
    case TakusouFailure.Maintenance:
      return 'maintenance';
    case TakusouFailure.MalformedResponse:
      return 'malformed_response';
    default:
      if (status !== undefined) return 'server_error';
      return /TIMEOUT/.test(String(c.log['errorCode'] ?? '')) ? 'timeout' : 'network_error';
  }
}

/** The outcome of an answer; a metrics problem never changes what the call returns. */
function answeredOutcome(service: ServiceName, status: number, text: string): CallOutcome {
  try {
    const answer = interpretResponse(service, status, text);
    return takusouOutcome(answer.ok ? undefined : answer, status);
  } catch {
    return 'malformed_response';
  }
}

export function createTransport(config: TakusouClientConfig): Transport {
  const agent = new Agent({
    connect: { ...(config.ca ? { ca: config.ca } : {}), rejectUnauthorized: true },
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    maxResponseSize: MAX_RESPONSE_BYTES,
  });
  let closed = false;

  async function post(service: ServiceName, body: string | FormData, contentType: string | undefined, options: SendOptions): Promise<TransportResponse> {
    if (closed) throw new Error('たくそう君 transport is closed');
    const auth = config.companies[options.company];
    if (!auth) throw new UnknownCompanyError(`company ${options.company} is not configured for たくそう君 in this worker`);
    const timeout = AbortSignal.timeout(config.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const started = performance.now();
    const count = (outcome: CallOutcome) => recordExternalCall({ system: 'kansai-takusou', api: service, company: options.company, outcome, durationMs: performance.now() - started });
    try {
      const res = await request(serviceUrl(config.baseUrl, service), {
        dispatcher: agent,
        method: 'POST',
        headers: {
          ...authHeaders(auth),
          // multipart: undici sets the content-type with its boundary and the content-length.
          ...(contentType ? { 'content-type': contentType } : {}),
          'accept-charset': 'UTF-8',
          accept: 'application/json',
        },
        body,
        signal,
        headersTimeout: config.timeoutMs,
        bodyTimeout: config.timeoutMs,
      });
      const text = await res.body.text();
      const ct = res.headers['content-type'];
      count(answeredOutcome(service, res.statusCode, text));
      return { status: res.statusCode, body: text, contentType: Array.isArray(ct) ? ct[0] : ct };
    } catch (e) {
      if (options.signal?.aborted) {
        count('cancelled');
        throw options.signal.reason ?? e;
      }
      const thrown = timeout.aborted ? new TransportTimeoutError(`no complete response within ${config.timeoutMs} ms`, { cause: e }) : e;
      count(takusouOutcome(classifyTransportError(service, thrown)));
      throw thrown;
    }
  }

  return {
    postJson(service, body, options) {
      return post(service, buildJsonBody(body), CONTENT_TYPE_JSON, options);
    },

    async postMultipart(service, fields, file, options) {
      if (!config.companies[options.company]) throw new UnknownCompanyError(`company ${options.company} is not configured for たくそう君 in this worker`);
      const checked = await openCheckedFile(file);
      options.signal?.throwIfAborted();
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append(FILE_PART.file, checked.blob, checked.name);
      return post(service, form, undefined, options);
    },

    async close() {
      if (closed) return;
      closed = true;
      await agent.close();
    },
  };
}
