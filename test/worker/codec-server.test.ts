// client/codec-server.ts: the remote codec endpoint of the Temporal Web UI (POST /decode, /encode),
// over real HTTP on an ephemeral port.
import { DefaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCodecServer } from '../../client/codec-server.js';
import { AesGcmPayloadCodec, ENCODING, KEY_ID_METADATA, generateCodecKeySpec, parseCodecKeys } from '../../worker/payload-codec.js';

const WEB_UI = 'http://localhost:8233';
const keys = parseCodecKeys(`${generateCodecKeySpec('k1')},${generateCodecKeySpec('k2')}`);
const codec = new AesGcmPayloadCodec(keys);
const converter = new DefaultPayloadConverter();

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');
const unb64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64');
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v ?? new Uint8Array())])),
  ...(p.data ? { data: b64(p.data) } : {}),
});
const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(unb64(v))])),
  data: p.data === undefined ? undefined : new Uint8Array(unb64(p.data)),
});
const toPayload = (value: unknown): Payload => {
  const p = converter.toPayload(value);
  if (!p) throw new Error('no payload');
  return p;
};

let server: Awaited<ReturnType<typeof startCodecServer>>;
beforeAll(async () => {
  server = await startCodecServer({ keys, allowedOrigins: [WEB_UI], port: 0 });
});
afterAll(async () => {
  await server?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('startCodecServer', () => {
  it('listens on 127.0.0.1 on an ephemeral port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
  });

  it('POST /decode turns payloads encoded by the codec back into the plaintext payloads', async () => {
    const customer = { name: '山田 太郎', kana: 'ヤマダ タロウ', address: '大阪府大阪市北区1-1-1' };
    const originals = [toPayload({ customer }), toPayload('2026-04-01')];
    const encrypted = await codec.encode(originals);
    const res = await post('/decode', { payloads: encrypted.map(toJson) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as { payloads: JsonPayload[] };
    expect(body.payloads).toHaveLength(2);
    expect(unb64(body.payloads[0]?.metadata?.[METADATA_ENCODING_KEY]).toString()).toBe('json/plain');
    expect(unb64(body.payloads[0]?.data).equals(Buffer.from(originals[0]!.data!))).toBe(true);
    expect(body.payloads.map((p) => converter.fromPayload(fromJson(p)))).toEqual([{ customer }, '2026-04-01']);
  });

  it('POST /encode encrypts with the active key, and /decode round-trips the result', async () => {
    const plain = toJson(toPayload({ amount: 1234 }));
    const encRes = await post('/encode', { payloads: [plain] });
    expect(encRes.status).toBe(200);
    const encoded = ((await encRes.json()) as { payloads: JsonPayload[] }).payloads;
    expect(encoded).toHaveLength(1);
    expect(unb64(encoded[0]?.metadata?.[METADATA_ENCODING_KEY]).toString()).toBe(ENCODING);
    expect(unb64(encoded[0]?.metadata?.[KEY_ID_METADATA]).toString()).toBe('k2');
    expect(encoded[0]?.data).not.toBe(plain.data);
    // What the server encoded, the codec library decodes (same keys, same format) …
    const [viaLibrary] = await codec.decode([fromJson(encoded[0]!)]);
    expect(converter.fromPayload(viaLibrary as Payload)).toEqual({ amount: 1234 });
    // … and so does the server itself.
    const decRes = await post('/decode', { payloads: encoded });
    const decoded = ((await decRes.json()) as { payloads: JsonPayload[] }).payloads;
    expect(decoded.map((p) => converter.fromPayload(fromJson(p)))).toEqual([{ amount: 1234 }]);
  });

  it('decodes payloads written with an older (non-active) key', async () => {
    const [old] = await new AesGcmPayloadCodec({ activeKeyId: 'k1', keys: keys.keys }).encode([toPayload('old')]);
    const res = await post('/decode', { payloads: [toJson(old!)] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { payloads: JsonPayload[] };
    expect(converter.fromPayload(fromJson(body.payloads[0]!))).toBe('old');
  });

  it('passes plaintext payloads through /decode unchanged', async () => {
    const plain = toJson(toPayload('public'));
    const res = await post('/decode', { payloads: [plain] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { payloads: JsonPayload[] }).payloads).toEqual([plain]);
  });

  it('accepts a trailing slash and an empty payload list', async () => {
    const res = await post('/decode/', { payloads: [] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payloads: [] });
  });

  it('answers a CORS preflight from an allowed origin with 204 and the CORS headers', async () => {
    const res = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: WEB_UI, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(WEB_UI);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    expect(await res.text()).toBe('');
  });

  it('gives no CORS headers to another origin, on preflight or POST', async () => {
    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();

    const res = await post('/decode', { payloads: [] }, { Origin: 'http://localhost:8234' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends the allowed origin back on POST responses too', async () => {
    const res = await post('/decode', { payloads: [] }, { Origin: WEB_UI });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(WEB_UI);
  });

  it('answers 404 for other paths and methods', async () => {
    for (const [method, path] of [['POST', '/'], ['POST', '/other'], ['POST', '/decode/extra'], ['GET', '/decode'], ['PUT', '/encode']] as const) {
      const res = await fetch(`${server.url}${path}`, { method, ...(method === 'GET' ? {} : { body: '{"payloads":[]}' }) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { error: string }).error).toBe('POST /decode or /encode');
    }
  });

  it.each([
    ['not JSON', '{not json'],
    ['an empty body', ''],
    ['payloads not an array', '{"payloads":"x"}'],
    ['a payload with a numeric data field', '{"payloads":[{"data":42}]}'],
    ['metadata values that are not strings', '{"payloads":[{"metadata":{"encoding":1}}]}'],
    ['a JSON array', '[]'],
  ])('answers 400 (not 500) for %s', async (_what, body) => {
    const res = await post('/decode', body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string };
    expect(typeof json.error).toBe('string');
    expect(json.error.length).toBeGreaterThan(0);
  });

  it('answers 400 for an encrypted payload it cannot decrypt, and stays up', async () => {
    const [enc] = await codec.encode([toPayload('x')]);
    const tampered = Buffer.from(enc!.data!);
    tampered[15] = (tampered[15] ?? 0) ^ 0xff;
    const res = await post('/decode', { payloads: [toJson({ ...enc, data: tampered })] });
    expect(res.status).toBe(400);
    const unknownKey: JsonPayload = {
      metadata: { [METADATA_ENCODING_KEY]: b64(ENCODING), [KEY_ID_METADATA]: b64('k9') },
      data: b64(new Uint8Array(40)),
    };
    const res2 = await post('/decode', { payloads: [unknownKey] });
    expect(res2.status).toBe(400);
    expect(((await res2.json()) as { error: string }).error).toContain("no payload key 'k9' configured");
    // Still serving.
    expect((await post('/decode', { payloads: [] })).status).toBe(200);
  });
});

describe('startCodecServer lifecycle', () => {
  it('refuses keys the codec refuses, before listening', async () => {
    await expect(startCodecServer({ keys: { activeKeyId: 'k1', keys: { k1: new Uint8Array(16) } }, allowedOrigins: [] })).rejects.toThrow('must be 32 bytes');
  });

  it('stops accepting connections after close()', async () => {
    const s = await startCodecServer({ keys, allowedOrigins: [], port: 0 });
    expect((await fetch(`${s.url}/decode`, { method: 'POST', body: '{"payloads":[]}' })).status).toBe(200);
    await s.close();
    await expect(fetch(`${s.url}/decode`, { method: 'POST', body: '{"payloads":[]}' })).rejects.toThrow();
  });
});
