// protocols/soap-attachments.ts: SOAP with Attachments (multipart/related; type="text/xml"), the
// framing 各種申込WEB asks for, built by us and parsed by @remix-run/multipart-parser.
import { describe, expect, it } from 'vitest';
import { buildSoapWithAttachments, parseSoapWithAttachments } from '../../protocols/soap-attachments.js';
import { soapDialect, WireFormatError } from '../../protocols/soap.js';

const soap = soapDialect({ namespace: 'urn:example:applications:v1', prefix: 'ap', headerElement: 'SoapHeader' });
const envelope = soap.envelope({ requestID: 'R-1', loginID: 'user' }, 'ShinkiMoshikomiRequest', { keiyakuMeigi: '関西 花子', kana: 'カンサイ ハナコ' });

describe('SOAP with attachments', () => {
  it('round-trips the envelope (UTF-8 Japanese included) and binary attachments by Content-ID', () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\r\n--not-a-boundary\r\n'), Buffer.from([0, 255, 13, 10, 45, 45])]);
    const { contentType, body } = buildSoapWithAttachments(envelope, [{ contentId: 'zumen-1', contentType: 'application/pdf', content: pdf }]);
    expect(contentType).toMatch(/^multipart\/related; type="text\/xml"; boundary="denki-[0-9a-f]{24}"; start="<soap-envelope>"$/);
    const parsed = parseSoapWithAttachments(body, contentType);
    expect(parsed.envelope).toBe(envelope);
    expect(soap.parse(parsed.envelope).body).toEqual({ keiyakuMeigi: '関西 花子', kana: 'カンサイ ハナコ' });
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]!.contentId).toBe('zumen-1');
    expect(parsed.attachments[0]!.contentType).toBe('application/pdf');
    expect(Buffer.from(parsed.attachments[0]!.content).equals(pdf)).toBe(true);
  });

  it('finds the root part by the start parameter wherever it stands', () => {
    const b = 'b1';
    const body = Buffer.from(
      [`--${b}`, 'Content-Type: application/octet-stream', 'Content-ID: <att>', '', 'xyz', `--${b}`, 'Content-Type: text/xml; charset=UTF-8', 'Content-ID: <env>', '', envelope, `--${b}--`, ''].join('\r\n'),
    );
    const parsed = parseSoapWithAttachments(body, `multipart/related; type="text/xml"; boundary=${b}; start="<env>"`);
    expect(parsed.envelope).toBe(envelope);
    expect(parsed.attachments.map((a) => a.contentId)).toEqual(['att']);
  });

  it('refuses what is not SOAP with attachments, naming the problem', () => {
    const { contentType, body } = buildSoapWithAttachments(envelope);
    expect(() => parseSoapWithAttachments(body, 'text/xml; charset=UTF-8')).toThrow(/must be multipart\/related/);
    expect(() => parseSoapWithAttachments(body, contentType.replace('type="text/xml"', 'type="application/json"'))).toThrow(/type must be text\/xml/);
    expect(() => parseSoapWithAttachments(body, 'multipart/related; type="text/xml"')).toThrow(/without a boundary/);
    expect(() => parseSoapWithAttachments(body, contentType.replace('start="<soap-envelope>"', 'start="<missing>"'))).toThrow(/no part with the start Content-ID/);
    expect(() => parseSoapWithAttachments(Buffer.from('garbage without boundaries'), contentType)).toThrow(WireFormatError);
    expect(() => buildSoapWithAttachments(envelope, [{ contentId: 'a>b', contentType: 'text/plain', content: Buffer.from('x') }])).toThrow(/not a valid Content-ID/);
  });
});
