// HTTPS transport to the OCCTO SOAP endpoint: one undici Agent per 事業者コード holding that
// company's client certificate (mutual TLS) with keep-alive, the SOAP request header, the
// per-company spacer and the request timeout. It returns the raw HTTP status and body; deciding
// what they mean is errors.ts's job. Network errors are thrown as they come (see errors.ts), a
// timeout as a TransportTimeoutError.
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { Agent, request } from 'undici';
import type { OcctoClientConfig } from './config.js';
import { isTlsErrorCode } from './errors.js';
import { buildRequest, jstTimestamp, requestHeaderSchema, SOAP_ENDPOINT_PATH, soapAction, type RequestHeader } from './provisional-wire-format.js';
import { RateSpacer } from './rate-spacer.js';

export interface TransportResponse {
  status: number;
  xml: string;
  /** The header's requestID, for correlating our log line with the service's. */
  requestID: string;
}

export interface SendOptions {
  /** The header's requestID; a fresh crypto.randomUUID() when absent. */
  requestID?: string;
  /** Aborts the spacer wait and the request (the activity's cancellation signal). */
  signal?: AbortSignal;
  /** Called when the request leaves the spacer, with the milliseconds it waited there. */
  onDepart?: (spacedMs: number) => void;
}

export interface Transport {
  send(company: string, serviceID: string, body: Record<string, unknown>, options?: SendOptions): Promise<TransportResponse>;
  close(): Promise<void>;
}

/** The request did not complete within timeoutMs (after it left the spacer). Ambiguous: it may have been processed. */
export class TransportTimeoutError extends Error {
  override name = 'TransportTimeoutError';
  readonly code = 'OCCTO_TIMEOUT';
}

/** No credentials are configured for the company in this worker. */
export class UnknownCompanyError extends Error {
  override name = 'UnknownCompanyError';
  readonly code = 'OCCTO_UNKNOWN_COMPANY';
}

/**
 * The server completed the TLS handshake and then dropped the connection without an answer: how a
 * server that checks the client certificate after the handshake (TLS 1.3, e.g. Node's own) refuses
 * it. Established by a probe connection, see `clientCertRefused`.
 */
export class ClientCertificateRefusedError extends Error {
  override name = 'ClientCertificateRefusedError';
  readonly code = 'OCCTO_TLS_REFUSED';
}

/** Upper bound for a response body; OCCTO answers are small (≤ 200 status records). */
const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;


/** Errors of a connection the server closed before any response. */
const CLOSED_WITHOUT_RESPONSE = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
/** How long a probe connection must stay open after its handshake to show the certificate was accepted. */
const PROBE_WINDOW_MS = 1_000;

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Did the server refuse our client certificate? A fresh TLS connection is opened and nothing is
 * sent: a server that refuses the certificate ends it right after the handshake (or alerts), a
 * server that accepts it waits for a request. Network errors of the probe say "don't know" (false).
 */
function clientCertRefused(tlsOptions: ConnectionOptions, windowMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    let handshaken = false;
    const socket = tlsConnect(tlsOptions);
    const finish = (refused: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(overall);
      clearTimeout(window);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(refused);
    };
    const onAbort = () => finish(false);
    const overall = setTimeout(() => finish(false), windowMs * 5);
    let window: NodeJS.Timeout | undefined;
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      handshaken = true;
      window = setTimeout(() => finish(false), windowMs);
    });
    socket.on('error', (e) => finish(isTlsErrorCode(errorCode(e))));
    socket.once('close', () => finish(handshaken));
    socket.on('data', () => finish(false));
  });
}

export function createTransport(config: OcctoClientConfig): Transport {
  const url = new URL(config.endpoint);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  // An endpoint given as a bare origin gets the provisional SOAP path.
  const target = new URL(url.pathname === '/' ? SOAP_ENDPOINT_PATH : url.pathname + url.search, url.origin).toString();
  // One request per company at a time, each ≥ 1 s after the previous response (and ≥ minSpacingMs
  // after the previous departure): the OCCTO server then never sees two within a second.
  const spacer = new RateSpacer(config.minSpacingMs, Date, config.afterResponseMs);
  const agents = new Map<string, Agent>();
  const tlsOptions = new Map<string, ConnectionOptions>();
  for (const [code, c] of Object.entries(config.companies)) {
    const tls = { cert: c.cert, key: c.key, ...(c.ca ? { ca: c.ca } : {}), rejectUnauthorized: true };
    tlsOptions.set(code, { ...tls, host, port, ...(isIP(host) ? {} : { servername: host }) });
    agents.set(
      code,
      new Agent({
        connect: tls,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 60_000,
        connections: 1, // one keep-alive connection per company: requests arrive in the order and spacing they left
        maxResponseSize: MAX_RESPONSE_BYTES,
      }),
    );
  }
  let closed = false;

  return {
    async send(company, serviceID, body, options = {}) {
      if (closed) throw new Error('OCCTO transport is closed');
      const agent = agents.get(company);
      const creds = config.companies[company];
      if (!agent || !creds) throw new UnknownCompanyError(`no OCCTO credentials configured for company ${company}`);
      const requestID = options.requestID ?? randomUUID();

      const spacedMs = await spacer.acquire(company, options.signal);
      try {
        options.onDepart?.(spacedMs);
        return await sendNow();
      } finally {
        spacer.release(company);
      }

      async function sendNow(): Promise<TransportResponse> {
        const login = creds!; // checked above

        const header: RequestHeader = requestHeaderSchema.parse({
          requestID,
          serviceID,
          ipAddress: config.sourceIp,
          timeStamp: jstTimestamp(Date.now()),
          loginID: login.loginId,
          password: login.password,
        });
        const xml = buildRequest(header, body);

        const timeout = AbortSignal.timeout(config.timeoutMs);
        const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
        try {
          const res = await request(target, {
            dispatcher: agent,
            method: 'POST',
            headers: {
              'content-type': 'text/xml; charset=utf-8',
              soapaction: soapAction(serviceID),
              accept: 'text/xml',
            },
            body: xml,
            signal,
            headersTimeout: config.timeoutMs,
            bodyTimeout: config.timeoutMs,
          });
          const text = await res.body.text();
          return { status: res.statusCode, xml: text, requestID };
        } catch (e) {
          if (options.signal?.aborted) throw options.signal.reason ?? e;
          if (timeout.aborted) throw new TransportTimeoutError(`no complete response within ${config.timeoutMs} ms`, { cause: e });
          const code = errorCode(e) ?? errorCode((e as { cause?: unknown } | null)?.cause);
          if (code && CLOSED_WITHOUT_RESPONSE.has(code) && (await clientCertRefused(tlsOptions.get(company) ?? {}, PROBE_WINDOW_MS, options.signal))) {
            throw new ClientCertificateRefusedError('the server ended the TLS connection right after the handshake: client certificate refused', { cause: e });
          }
          throw e;
        }
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...agents.values()].map((a) => a.close()));
    },
  };
}
