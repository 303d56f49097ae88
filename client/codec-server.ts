// Remote codec endpoint for the Temporal Web UI (POST /decode, /encode), so an operator's browser
// shows decrypted payloads while the Temporal database only ever holds ciphertext. The local stack
// binds it to 127.0.0.1; authentication and roles come with the gateway (issue #5).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Payload } from '@temporalio/common';
import { z } from 'zod';
import { AesGcmPayloadCodec, type CodecKeys } from '../worker/payload-codec.js';

const jsonPayloads = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })),
});
type JsonPayload = z.infer<typeof jsonPayloads>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: p.data ? Buffer.from(p.data, 'base64') : undefined,
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
});

export interface CodecServerOptions {
  keys: CodecKeys;
  port?: number;
  host?: string;
  /** Origins allowed by CORS (the Web UI's), e.g. http://localhost:8233. */
  allowedOrigins: string[];
}

export async function startCodecServer(o: CodecServerOptions): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const codec = new AesGcmPayloadCodec(o.keys);
  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const origin = req.headers.origin;
    res.setHeader('Vary', 'Origin');
    if (origin && o.allowedOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const op = req.url?.replace(/\/+$/, '');
    if (req.method !== 'POST' || (op !== '/decode' && op !== '/encode')) {
      return void res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'POST /decode or /encode' }));
    }
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const parsed = jsonPayloads.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      if (!parsed.success) {
        return void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `payloads: ${parsed.error.issues[0]?.message}` }));
      }
      const payloads = parsed.data.payloads.map(fromJson);
      const out = op === '/decode' ? await codec.decode(payloads) : await codec.encode(payloads);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ payloads: out.map(toJson) }));
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
    }
  }
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve));
  const addr = server.address() as { port: number };
  return {
    url: `http://${o.host ?? '127.0.0.1'}:${addr.port}`,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
