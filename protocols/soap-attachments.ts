// SOAP messages carried as multipart/related (SOAP with Attachments): what 各種申込WEB asks for
// (Content-Type `multipart/related; type="text/xml"`, docs/external-systems/kansai-kakushu-web.md §5).
// The root part is the envelope (protocols/soap.ts), named by the `start` parameter; attachments
// follow, each with its Content-ID. Parsing uses @remix-run/multipart-parser, which reads any
// multipart/* type with size limits; building is plain framing.
import { randomBytes } from 'node:crypto';
import { getMultipartBoundary, MultipartParseError, parseMultipart } from '@remix-run/multipart-parser';
import { WireFormatError } from './soap.js';

export interface SoapAttachment {
  /** Without angle brackets. */
  contentId: string;
  contentType: string;
  content: Uint8Array;
}

export interface SoapWithAttachments {
  envelope: string;
  attachments: SoapAttachment[];
}

const ROOT_ID = 'soap-envelope';
const CRLF = '\r\n';
/** Attachments larger than this are refused when parsing (the systems publish no limit; ours). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** The multipart/related body and its Content-Type header. */
export function buildSoapWithAttachments(envelope: string, attachments: SoapAttachment[] = [], boundary = `denki-${randomBytes(12).toString('hex')}`): { contentType: string; body: Buffer } {
  const parts: Buffer[] = [];
  const part = (headers: Record<string, string>, content: Uint8Array) => {
    const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join(CRLF);
    parts.push(Buffer.from(`--${boundary}${CRLF}${head}${CRLF}${CRLF}`, 'utf8'), Buffer.from(content), Buffer.from(CRLF, 'utf8'));
  };
  part({ 'Content-Type': 'text/xml; charset=UTF-8', 'Content-Transfer-Encoding': '8bit', 'Content-ID': `<${ROOT_ID}>` }, Buffer.from(envelope, 'utf8'));
  for (const a of attachments) {
    if (/[<>\r\n]/.test(a.contentId) || a.contentId === ROOT_ID) throw new RangeError(`attachment contentId '${a.contentId}' is not a valid Content-ID`);
    part({ 'Content-Type': a.contentType, 'Content-Transfer-Encoding': 'binary', 'Content-ID': `<${a.contentId}>` }, a.content);
  }
  parts.push(Buffer.from(`--${boundary}--${CRLF}`, 'utf8'));
  return { contentType: `multipart/related; type="text/xml"; boundary="${boundary}"; start="<${ROOT_ID}>"`, body: Buffer.concat(parts) };
}

/** A parameter of a Content-Type header (quoted or not). */
function param(contentType: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}=(?:"([^"]*)"|([^;\\s]*))`, 'i').exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

const stripAngles = (id: string) => id.trim().replace(/^<(.*)>$/, '$1');

/** Parses a multipart/related SOAP message. Throws WireFormatError naming what is wrong. */
export function parseSoapWithAttachments(body: Uint8Array, contentType: string): SoapWithAttachments {
  if (!/^multipart\/related\s*(;|$)/i.test(contentType.trim())) throw new WireFormatError(`Content-Type must be multipart/related (got '${contentType.slice(0, 100)}')`);
  const type = param(contentType, 'type');
  if (type !== undefined && type.toLowerCase() !== 'text/xml') throw new WireFormatError(`multipart/related type must be text/xml (got '${type}')`);
  const boundary = getMultipartBoundary(contentType.replace(/^multipart\/related/i, 'multipart/form-data'));
  if (!boundary) throw new WireFormatError('multipart/related without a boundary parameter');
  const start = param(contentType, 'start');
  const parts: SoapAttachment[] = [];
  try {
    for (const p of parseMultipart(body, { boundary, maxFileSize: MAX_ATTACHMENT_BYTES, maxParts: 100 })) {
      parts.push({ contentId: stripAngles(p.headers['content-id'] ?? ''), contentType: p.headers['content-type'] ?? 'application/octet-stream', content: p.bytes });
    }
  } catch (e) {
    if (e instanceof MultipartParseError) throw new WireFormatError(`malformed multipart/related body: ${e.message.slice(0, 200)}`);
    throw e;
  }
  const rootIndex = start ? parts.findIndex((p) => p.contentId === stripAngles(start)) : 0;
  const root = parts[rootIndex];
  if (!root) throw new WireFormatError(start ? `no part with the start Content-ID ${start}` : 'multipart/related body without parts');
  if (!/^text\/xml\b/i.test(root.contentType)) throw new WireFormatError(`the root part must be text/xml (got '${root.contentType}')`);
  return { envelope: Buffer.from(root.content).toString('utf8'), attachments: parts.filter((_, i) => i !== rootIndex) };
}
