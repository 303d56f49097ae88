// SOAP 1.1 plumbing shared by every SOAP system's client and simulator (OCCTO today, 各種申込WEB
// next): envelopes in one namespace with a request header, faults, and parsing into plain fields.
// What is particular to a system — its namespace, header element, body element names, fault codes
// — stays in that system's provisional wire-format module, which configures a dialect here.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** The standard SOAP 1.1 fault code classes (a system refines them, e.g. 'soapenv:Server.Overload'). */
export const SOAP_FAULT = { server: 'soapenv:Server', client: 'soapenv:Client' } as const;

export type Fields = Record<string, unknown>;

/** The message is not the SOAP we exchange: not XML, no Envelope/Body, an empty Body. */
export class WireFormatError extends Error {
  override name = 'WireFormatError';
}

export interface ParsedEnvelope {
  /** The request header's fields, when the envelope has one. */
  header?: Fields;
  /** The local name of the Body's first element ('Fault' for a fault). */
  bodyName: string;
  body: Fields;
  fault?: { faultcode: string; faultstring: string };
}

export interface SoapDialect {
  /** An envelope with the header (when given) and one body element, every field in the namespace. */
  envelope(header: Fields | undefined, bodyName: string, body: Fields): string;
  /** A Fault envelope. */
  fault(faultcode: string, faultstring: string): string;
  /** Parses any envelope of this dialect. Throws WireFormatError. */
  parse(xml: string): ParsedEnvelope;
  /** The SOAPAction header value of an operation. */
  action(operation: string): string;
}

const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: true });
const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false, // keep "01", "0012…" as strings
  trimValues: true,
  processEntities: true,
});
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** XML gives one element for a one-item list and an empty string for none: normalise to arrays. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
}

/**
 * A system's SOAP: its namespace (`prefix`:`namespace` on every field) and the element that holds
 * the request header inside soapenv:Header.
 */
export function soapDialect(d: { namespace: string; prefix: string; headerElement: string }): SoapDialect {
  const prefixed = (fields: Fields): Fields => {
    const out: Fields = {};
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) out[`${d.prefix}:${k}`] = v.map((e) => (typeof e === 'object' && e !== null ? prefixed(e as Fields) : e));
      else if (typeof v === 'object' && v !== null) out[`${d.prefix}:${k}`] = prefixed(v as Fields);
      else out[`${d.prefix}:${k}`] = String(v);
    }
    return out;
  };
  return {
    envelope(header, bodyName, body) {
      const env: Fields = { '@_xmlns:soapenv': SOAP_ENV_NS, [`@_xmlns:${d.prefix}`]: d.namespace };
      if (header) env['soapenv:Header'] = { [`${d.prefix}:${d.headerElement}`]: prefixed(header) };
      env['soapenv:Body'] = { [`${d.prefix}:${bodyName}`]: prefixed(body) };
      return `${XML_DECLARATION}${builder.build({ 'soapenv:Envelope': env })}`;
    },
    fault(faultcode, faultstring) {
      const xml = builder.build({
        'soapenv:Envelope': { '@_xmlns:soapenv': SOAP_ENV_NS, 'soapenv:Body': { 'soapenv:Fault': { faultcode, faultstring } } },
      });
      return `${XML_DECLARATION}${xml}`;
    },
    parse(xml) {
      let doc: Fields;
      try {
        doc = parser.parse(xml, true) as Fields;
      } catch (e) {
        throw new WireFormatError(`not well-formed XML: ${(e as Error).message.slice(0, 200)}`);
      }
      const env = doc['Envelope'] as Fields | undefined;
      const body = env?.['Body'] as Fields | undefined;
      if (!env || !body || typeof body !== 'object') throw new WireFormatError('no SOAP Envelope/Body');
      const header = (env['Header'] as Fields | undefined)?.[d.headerElement] as Fields | undefined;
      const [bodyName, content] = Object.entries(body)[0] ?? [];
      if (!bodyName) throw new WireFormatError('empty SOAP Body');
      if (bodyName === 'Fault') {
        const f = content as Fields;
        return { bodyName, body: {}, fault: { faultcode: String(f['faultcode'] ?? ''), faultstring: String(f['faultstring'] ?? '') } };
      }
      return { header, bodyName, body: typeof content === 'object' && content !== null ? (content as Fields) : {} };
    },
    action: (operation) => `"${d.namespace}#${operation}"`,
  };
}
