// protocols/soap.ts: the SOAP plumbing any SOAP system's client and simulator configure (OCCTO's
// provisional module is one dialect; the next system brings its own namespace and header element).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SOAP_ENV_NS, WireFormatError, listOf, soapDialect } from '../../protocols/soap.js';

const other = soapDialect({ namespace: 'urn:example:other-system:v1', prefix: 'ks', headerElement: 'SoapHeader' });

describe('soapDialect', () => {
  it('round-trips a request: header and body fields in the dialect namespace, values as strings, undefined left out', () => {
    const xml = other.envelope({ requestID: 'R1', loginID: 'u' }, 'ApplyRequest', { moshikomi: { no: 12, kubun: '01' }, items: [{ a: '1' }, { a: '2' }], skipped: undefined });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope')).toBe(true);
    expect(xml).toContain(`xmlns:soapenv="${SOAP_ENV_NS}"`);
    expect(xml).toContain('xmlns:ks="urn:example:other-system:v1"');
    expect(xml).toContain('<soapenv:Header><ks:SoapHeader><ks:requestID>R1</ks:requestID>');
    expect(xml).not.toContain('skipped');
    const parsed = other.parse(xml);
    expect(parsed.header).toEqual({ requestID: 'R1', loginID: 'u' });
    expect(parsed.bodyName).toBe('ApplyRequest');
    // "01" stays a string; 12 became "12" on the wire.
    expect(parsed.body).toEqual({ moshikomi: { no: '12', kubun: '01' }, items: [{ a: '1' }, { a: '2' }] });
  });

  it('builds and parses faults', () => {
    const parsed = other.parse(other.fault('soapenv:Server.Busy', 'try later'));
    expect(parsed).toEqual({ bodyName: 'Fault', body: {}, fault: { faultcode: 'soapenv:Server.Busy', faultstring: 'try later' } });
  });

  it('refuses what is not an envelope with WireFormatError', () => {
    expect(() => other.parse('<html><body>502 Bad Gateway</body></html>')).toThrow(WireFormatError);
    expect(() => other.parse(`<soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}"><soapenv:Body></soapenv:Body></soapenv:Envelope>`)).toThrow(/no SOAP Envelope\/Body|empty SOAP Body/);
    expect(() => other.parse('<a><b></a>')).toThrow(/not well-formed XML/);
  });

  it('names the SOAPAction after the namespace and operation', () => {
    expect(other.action('IF_10110')).toBe('"urn:example:other-system:v1#IF_10110"');
  });
});

describe('listOf', () => {
  it('reads no element, one element and several as arrays', () => {
    const s = listOf(z.object({ a: z.string() }));
    expect(s.parse(undefined)).toEqual([]);
    expect(s.parse('')).toEqual([]);
    expect(s.parse({ a: '1' })).toEqual([{ a: '1' }]);
    expect(s.parse([{ a: '1' }, { a: '2' }])).toEqual([{ a: '1' }, { a: '2' }]);
  });
});
