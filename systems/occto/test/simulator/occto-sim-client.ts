// A bare SOAP caller for the simulator tests (the real client lives in systems/occto/activities/).
import { Agent, request } from 'undici';
import {
  buildRequest,
  parseEnvelope,
  serviceId,
  soapAction,
  type Operation,
  type WireCategory,
} from '../../activities/provisional-wire-format.js';
import type { PemPair } from '../../../../simulators/shared/dev-pki.js';

export interface Caller {
  call(op: Operation, body: Record<string, unknown>, opts?: CallOptions): Promise<CallResponse>;
  close(): Promise<void>;
}

export interface CallOptions {
  category?: WireCategory;
  loginID?: string;
  password?: string;
  /** Override the SOAPAction header. */
  soapAction?: string;
  /** Send this raw text instead of an envelope. */
  raw?: string;
}

export interface CallResponse {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed envelope body (undefined if the response is not XML). */
  body?: Record<string, unknown>;
  fault?: { faultcode: string; faultstring: string };
}

let seq = 0;

export function jstNowStamp(ms = Date.now()): string {
  return new Date(ms + 9 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+09:00');
}

export function createCaller(endpoint: string, ca: string, client: PemPair | undefined, creds: { loginID: string; password: string }): Caller {
  const agent = new Agent({ connect: { ca, ...(client ? { cert: client.cert, key: client.key } : {}) } });
  return {
    async call(op, body, opts = {}) {
      const sid = serviceId(op, opts.category ?? 'LV');
      const xml =
        opts.raw ??
        buildRequest(
          {
            requestID: `req-${Date.now()}-${++seq}`,
            serviceID: sid,
            ipAddress: '127.0.0.1',
            timeStamp: jstNowStamp(),
            loginID: opts.loginID ?? creds.loginID,
            password: opts.password ?? creds.password,
          },
          body,
        );
      const res = await request(endpoint, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: opts.soapAction ?? soapAction(sid) },
        body: xml,
      });
      const text = await res.body.text();
      let parsed: ReturnType<typeof parseEnvelope> | undefined;
      try {
        parsed = parseEnvelope(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.statusCode, text, headers: res.headers, body: parsed?.body, fault: parsed?.fault };
    },
    close: () => agent.close(),
  };
}
