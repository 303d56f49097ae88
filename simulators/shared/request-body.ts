// Request bodies of a simulated API: read with a size limit (draining the rest, so the client can
// read our refusal), and multipart/form-data parsed by the web-standard Request.formData() (Node's
// built-in fetch implementation): no extra dependency.
import type { IncomingMessage } from 'node:http';

/** Reads the whole body; beyond `limit` it keeps draining (so the client can read our answer) but drops the bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<{ buf: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      tooLarge = true;
      chunks.length = 0;
      continue;
    }
    chunks.push(chunk as Buffer);
  }
  return { buf: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge };
}

export async function drain(req: IncomingMessage): Promise<void> {
  for await (const _chunk of req) {
    // discard
  }
}

export interface MultipartFile {
  name: string;
  type: string;
  size: number;
}

export interface Multipart {
  /** Text parts; a name given twice is reported in `duplicates`. */
  fields: Record<string, string>;
  /** File parts by part name. */
  files: { part: string; file: MultipartFile }[];
  duplicates: string[];
}

/** Throws when the body is not multipart/form-data of the given Content-Type (bad boundary, truncated …). */
export async function parseMultipart(buf: Buffer, contentType: string): Promise<Multipart> {
  const request = new Request('https://takusou.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body: buf });
  const form = await request.formData();
  const out: Multipart = { fields: {}, files: [], duplicates: [] };
  const seen = new Set<string>();
  for (const [part, value] of form.entries()) {
    if (seen.has(part)) out.duplicates.push(part);
    seen.add(part);
    if (typeof value === 'string') out.fields[part] = value;
    else out.files.push({ part, file: { name: value.name, type: value.type, size: value.size } });
  }
  return out;
}
