// client/codec-server.ts: the remote codec endpoint of the Temporal Web UI and CLI — protocol,
// authentication by API key role or login session, CORS with credentials for the Web UI only,
// malformed input, rotated keys. Over real HTTP on ephemeral ports (and Fastify's inject for the
// gateway-style mount under /codec behind a TLS-terminating proxy).
import { DefaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, registerCodecRoutes, startCodecServer, type CodecAuditLogger } from '../../client/codec-server.js';
import { ApiKeyStore, generateApiKey } from '../../client/gateway/api-keys.js';
import { AesGcmPayloadCodec, ENCODING, KEY_ID_METADATA, generateCodecKeySpec, parseCodecKeys } from '../../platform/payload-codec.js';

const WEB_UI = 'http://localhost:8233';
const keys = parseCodecKeys(`${generateCodecKeySpec('k1')},${generateCodecKeySpec('k2')}`);
const codec = new AesGcmPayloadCodec(keys);
const converter = new DefaultPayloadConverter();

const operator = generateApiKey('op-alice', 'operator');
const approver = generateApiKey('approver-bob', 'approver');
const app = generateApiKey('cis-app', 'app');
const readOnly = generateApiKey('auditor', 'read-only');
const apiKeys = new ApiKeyStore([operator.entry, approver.entry, app.entry, readOnly.entry]);

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

/** Audit lines, kept for assertions. */
function memoryLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const logger: CodecAuditLogger = {
    info: (obj, msg) => lines.push({ level: 'info', obj: obj as Record<string, unknown>, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj: obj as Record<string, unknown>, msg }),
  };
  return { lines, logger };
}

const audit = memoryLogger();
let server: Awaited<ReturnType<typeof startCodecServer>>;
beforeAll(async () => {
  server = await startCodecServer({ keys, allowedOrigins: [WEB_UI], apiKeys, logger: audit.logger, port: 0 });
});
afterAll(async () => {
  await server?.close();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const post = (path: string, body: unknown, headers: Record<string, string> = bearer(operator.key)) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const payloadsOf = async (res: Response) => ((await res.json()) as { payloads: JsonPayload[] }).payloads;

describe('codec protocol', () => {
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
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const payloads = await payloadsOf(res);
    expect(payloads).toHaveLength(2);
    expect(unb64(payloads[0]?.metadata?.[METADATA_ENCODING_KEY]).toString()).toBe('json/plain');
    expect(unb64(payloads[0]?.data).equals(Buffer.from(originals[0]!.data!))).toBe(true);
    expect(payloads.map((p) => converter.fromPayload(fromJson(p)))).toEqual([{ customer }, '2026-04-01']);
  });

  it('POST /encode encrypts with the active key, and /decode round-trips the result', async () => {
    const plain = toJson(toPayload({ amount: 1234 }));
    const encRes = await post('/encode', { payloads: [plain] });
    expect(encRes.status).toBe(200);
    const encoded = await payloadsOf(encRes);
    expect(encoded).toHaveLength(1);
    expect(unb64(encoded[0]?.metadata?.[METADATA_ENCODING_KEY]).toString()).toBe(ENCODING);
    expect(unb64(encoded[0]?.metadata?.[KEY_ID_METADATA]).toString()).toBe('k2');
    expect(encoded[0]?.data).not.toBe(plain.data);
    const [viaLibrary] = await codec.decode([fromJson(encoded[0]!)]);
    expect(converter.fromPayload(viaLibrary as Payload)).toEqual({ amount: 1234 });
    const decoded = await payloadsOf(await post('/decode', { payloads: encoded }));
    expect(decoded.map((p) => converter.fromPayload(fromJson(p)))).toEqual([{ amount: 1234 }]);
  });

  it('serves /<namespace>/decode and /<namespace>/encode for the CLI\'s --codec-endpoint templating', async () => {
    const [enc] = await codec.encode([toPayload('ns')]);
    const res = await post('/default/decode', { payloads: [toJson(enc!)] });
    expect(res.status).toBe(200);
    expect(converter.fromPayload(fromJson((await payloadsOf(res))[0]!))).toBe('ns');
    expect((await post('/billing/encode', { payloads: [] })).status).toBe(200);
  });

  it('passes plaintext payloads through /decode unchanged; accepts a trailing slash and an empty list', async () => {
    const plain = toJson(toPayload('public'));
    expect(await payloadsOf(await post('/decode', { payloads: [plain] }))).toEqual([plain]);
    const res = await post('/decode/', { payloads: [] });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payloads: [] });
  });

  it('accepts a JSON body sent without a JSON content type (curl -d)', async () => {
    const [enc] = await codec.encode([toPayload('curl')]);
    const res = await fetch(`${server.url}/decode`, {
      method: 'POST',
      headers: { ...bearer(operator.key), 'content-type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify({ payloads: [toJson(enc!)] }),
    });
    expect(res.status).toBe(200);
    expect(converter.fromPayload(fromJson((await payloadsOf(res))[0]!))).toBe('curl');
  });

  it('answers 404 with the routes for other paths and methods', async () => {
    for (const [method, path] of [['POST', '/'], ['POST', '/other'], ['POST', '/decode/extra/more'], ['GET', '/decode'], ['PUT', '/encode']] as const) {
      const res = await fetch(`${server.url}${path}`, { method, headers: bearer(operator.key), ...(method === 'GET' ? {} : { body: '{"payloads":[]}' }) });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(((await res.json()) as { error: string }).error).toMatch(/POST \/decode or \/encode/);
    }
  });
});

describe('authentication and roles', () => {
  it('401 without credentials or with an unknown key (before reading the body), with WWW-Authenticate', async () => {
    const none = await post('/decode', { payloads: [] }, {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await none.json()) as { error: string }).error).toMatch(/authentication required.*\/login/);
    const unknown = await post('/decode', { payloads: [] }, bearer('dk_operator_not-a-real-key'));
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error: string }).error).toBe('unknown API key');
    // Unauthenticated garbage is refused as unauthenticated, not parsed.
    expect((await post('/decode', '{not json', {})).status).toBe(401);
  });

  it('403 for roles without the decode permission (app, approver, read-only), on decode and encode', async () => {
    for (const k of [app, approver, readOnly]) {
      for (const op of ['/decode', '/encode']) {
        const res = await post(op, { payloads: [] }, bearer(k.key));
        expect(res.status, `${k.entry.role} ${op}`).toBe(403);
        expect(((await res.json()) as { error: string }).error).toContain(`role '${k.entry.role}' may not decode`);
      }
    }
  });

  it('200 for an operator, by Bearer or X-API-Key', async () => {
    expect((await post('/decode', { payloads: [] }, bearer(operator.key))).status).toBe(200);
    expect((await post('/decode', { payloads: [] }, { 'x-api-key': operator.key })).status).toBe(200);
  });

  it('audit-logs each decode with the caller and the payload count, never payload content or keys', async () => {
    audit.lines.length = 0;
    const [enc] = await codec.encode([toPayload({ name: '監査 花子' })]);
    expect((await post('/default/decode', { payloads: [toJson(enc!), toJson(enc!)] })).status).toBe(200);
    expect((await post('/decode', { payloads: [] }, bearer(approver.key))).status).toBe(403);
    const decode = audit.lines.find((l) => l.obj.event === 'codec.decode');
    expect(decode?.obj).toMatchObject({ caller: 'op-alice', role: 'operator', via: 'api-key', payloads: 2, namespace: 'default' });
    expect(audit.lines.find((l) => l.obj.event === 'codec.refused')?.obj).toMatchObject({ status: 403, caller: 'approver-bob' });
    const text = JSON.stringify(audit.lines);
    for (const secret of ['監査', operator.key, approver.key, enc!.data ? b64(enc!.data) : 'x']) expect(text).not.toContain(secret);
  });
});

/** Cookie header value from a Set-Cookie response header. */
const sessionCookie = (res: Response) => res.headers.get('set-cookie')?.split(';')[0] ?? '';
const login = (key: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ apiKey: key }).toString(),
    redirect: 'manual',
  });

describe('browser login session', () => {
  it('GET /login shows a form posting the API key to /login', async () => {
    const res = await fetch(`${server.url}/login`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<form method="post" action="\/login">/);
    expect(html).toMatch(/name="apiKey" type="password"/);
  });

  it('an operator logs in; the HttpOnly SameSite=Lax cookie then authorises the Web UI\'s credentialed decode; logout ends it', async () => {
    const res = await login(operator.key);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/;');
    expect(setCookie).toContain(`Max-Age=${8 * 3600}`);
    expect(setCookie).not.toContain('Secure'); // plain http here; see the https case below
    expect(await res.text()).toContain('op-alice');
    const cookie = sessionCookie(res);
    expect(cookie).not.toContain(operator.key);

    const [enc] = await codec.encode([toPayload('via cookie')]);
    const decoded = await post('/decode', { payloads: [toJson(enc!)] }, { cookie, origin: WEB_UI, 'x-namespace': 'default' });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(WEB_UI);
    expect(decoded.headers.get('access-control-allow-credentials')).toBe('true');
    expect(converter.fromPayload(fromJson((await payloadsOf(decoded))[0]!))).toBe('via cookie');
    expect(audit.lines.at(-1)?.obj).toMatchObject({ event: 'codec.decode', caller: 'op-alice', via: 'session', namespace: 'default' });

    // The same cookie from a page of another (same-site) origin is refused.
    const foreign = await post('/decode', { payloads: [] }, { cookie, origin: 'http://localhost:3000' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const out = await fetch(`${server.url}/logout`, { headers: { cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=; Path=/; Max-Age=0`));
    expect((await post('/decode', { payloads: [] }, { cookie, origin: WEB_UI })).status).toBe(401);
  });

  it('refuses to log in roles without decode (403), unknown keys and an empty form (401); no cookie is set', async () => {
    for (const [key, status] of [[approver.key, 403], [readOnly.key, 403], ['dk_nope', 401], ['', 401]] as const) {
      const res = await login(key);
      expect(res.status, key).toBe(status);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(await res.text()).toMatch(/<form/);
    }
    // A made-up session ID is no session.
    expect((await post('/decode', { payloads: [] }, { cookie: `${SESSION_COOKIE}=forged`, origin: WEB_UI })).status).toBe(401);
  });

  it('refuses a login posted from a page of another origin', async () => {
    const res = await login(operator.key, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('accepts the login as JSON {apiKey} too', async () => {
    const res = await fetch(`${server.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: operator.key }) });
    expect(res.status).toBe(200);
    expect(sessionCookie(res)).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
  });

  it('a session expires after its lifetime', async () => {
    const short = await startCodecServer({ keys, allowedOrigins: [WEB_UI], apiKeys, logger: memoryLogger().logger, sessionTtlMs: 300 });
    try {
      const res = await fetch(`${short.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `apiKey=${encodeURIComponent(operator.key)}` });
      const cookie = sessionCookie(res);
      const call = () => fetch(`${short.url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: WEB_UI }, body: '{"payloads":[]}' });
      expect((await call()).status).toBe(200);
      await new Promise((r) => setTimeout(r, 400));
      expect((await call()).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('mounted under /codec behind an https proxy (gateway style): routes, form action and cookie path under the prefix, cookie Secure', async () => {
    const gw = Fastify({ trustProxy: true });
    gw.get('/health', async () => ({ ok: true }));
    await gw.register(registerCodecRoutes, { prefix: '/codec', keys, allowedOrigins: [WEB_UI], apiKeys, logger: memoryLogger().logger });
    try {
      const form = await gw.inject({ method: 'GET', url: '/codec/login' });
      expect(form.body).toContain('action="/codec/login"');
      const res = await gw.inject({
        method: 'POST',
        url: '/codec/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' },
        payload: `apiKey=${encodeURIComponent(operator.key)}`,
      });
      expect(res.statusCode).toBe(200);
      const setCookie = String(res.headers['set-cookie']);
      expect(setCookie).toContain('Path=/codec;');
      expect(setCookie).toContain('; Secure');
      const cookie = setCookie.split(';')[0]!;
      const [enc] = await codec.encode([toPayload('gw')]);
      const decoded = await gw.inject({ method: 'POST', url: '/codec/default/decode', headers: { cookie, origin: WEB_UI }, payload: { payloads: [toJson(enc!)] } });
      expect(decoded.statusCode).toBe(200);
      expect(converter.fromPayload(fromJson((decoded.json() as { payloads: JsonPayload[] }).payloads[0]!))).toBe('gw');
      // The plugin's hooks stay inside its scope: other gateway routes get no codec CORS headers.
      const health = await gw.inject({ method: 'GET', url: '/health', headers: { origin: WEB_UI } });
      expect(health.statusCode).toBe(200);
      expect(health.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await gw.close();
    }
  });
});

describe('CORS for the Web UI', () => {
  it('answers a preflight from an allowed origin with 204, the exact origin, credentials and the headers', async () => {
    const res = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: WEB_UI, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(WEB_UI);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    expect(res.headers.get('vary')).toContain('Origin');
    expect(await res.text()).toBe('');
  });

  it('answers a preflight for the namespaced path too', async () => {
    const res = await fetch(`${server.url}/default/decode`, { method: 'OPTIONS', headers: { Origin: WEB_UI, 'Access-Control-Request-Method': 'POST' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(WEB_UI);
  });

  it('gives no CORS headers to another origin, on preflight or POST (never a wildcard)', async () => {
    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    expect(preflight.headers.get('vary')).toContain('Origin');
    const res = await post('/decode', { payloads: [] }, { ...bearer(operator.key), Origin: 'http://localhost:8234' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('sends the allowed origin and credentials back on refusals too (the Web UI can show why)', async () => {
    const res = await post('/decode', { payloads: [] }, { Origin: WEB_UI });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(WEB_UI);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  });
});

describe('malformed input', () => {
  it.each([
    ['not JSON', '{not json'],
    ['an empty body', ''],
    ['payloads not an array', '{"payloads":"x"}'],
    ['no payloads field', '{}'],
    ['a payload with a numeric data field', '{"payloads":[{"data":42}]}'],
    ['data that is not base64', '{"payloads":[{"data":"@@@"}]}'],
    ['metadata values that are not strings', '{"payloads":[{"metadata":{"encoding":1}}]}'],
    ['a JSON array', '[]'],
    ['null', 'null'],
  ])('answers 400 (not 5xx) with a reason for %s', async (_what, body) => {
    const res = await post('/decode', body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string };
    expect(json.error.length).toBeGreaterThan(5);
  });

  it('names the field at fault', async () => {
    const res = await post('/encode', '{"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="}},{"data":"@@@"}]}');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/body\.payloads\.1\.data: must be base64/);
    const arr = await post('/decode', '[]');
    expect(((await arr.json()) as { error: string }).error).toBe('invalid request: body: Invalid input: expected object, received array');
  });

  it('answers 413 for a body over the limit, 415 for an unknown content type', async () => {
    const big = await post('/decode', JSON.stringify({ payloads: [{ data: 'A'.repeat(17 * 1024 * 1024) }] }));
    expect(big.status).toBe(413);
    const xml = await post('/decode', '<payloads/>', { ...bearer(operator.key), 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
  });

  it('answers 400 for an encrypted payload it cannot decrypt (tampered, unknown key, too short), and stays up', async () => {
    const [enc] = await codec.encode([toPayload('x')]);
    const tampered = Buffer.from(enc!.data!);
    tampered[15] = (tampered[15] ?? 0) ^ 0xff;
    const t = await post('/decode', { payloads: [toJson({ ...enc, data: tampered })] });
    expect(t.status).toBe(400);
    expect(((await t.json()) as { error: string }).error).toMatch(/failed authentication/);
    const meta = { [METADATA_ENCODING_KEY]: b64(ENCODING), [KEY_ID_METADATA]: b64('k9') };
    const unknownKey = await post('/decode', { payloads: [{ metadata: meta, data: b64(new Uint8Array(40)) }] });
    expect(unknownKey.status).toBe(400);
    expect(((await unknownKey.json()) as { error: string }).error).toContain("no payload key 'k9' configured");
    const short = await post('/decode', { payloads: [{ metadata: { ...meta, [KEY_ID_METADATA]: b64('k1') }, data: b64('abc') }] });
    expect(short.status).toBe(400);
    const noKeyId = await post('/decode', { payloads: [{ metadata: { [METADATA_ENCODING_KEY]: b64(ENCODING) }, data: b64(new Uint8Array(40)) }] });
    expect(noKeyId.status).toBe(400);
    expect((await post('/decode', { payloads: [] })).status).toBe(200);
  });
});

describe('key rotation', () => {
  it('decodes payloads written with an older (non-active) key, and encodes with the active one', async () => {
    const [old] = await new AesGcmPayloadCodec({ activeKeyId: 'k1', keys: keys.keys }).encode([toPayload('old')]);
    const res = await post('/decode', { payloads: [toJson(old!)] });
    expect(res.status).toBe(200);
    expect(converter.fromPayload(fromJson((await payloadsOf(res))[0]!))).toBe('old');
  });

  it('after k1 is retired, its payloads are refused with the key named; k2 payloads still decode', async () => {
    const retired = await startCodecServer({ keys: { activeKeyId: 'k2', keys: { k2: keys.keys.k2! } }, allowedOrigins: [], apiKeys, logger: memoryLogger().logger });
    try {
      const [old] = await new AesGcmPayloadCodec({ activeKeyId: 'k1', keys: keys.keys }).encode([toPayload('old')]);
      const [cur] = await codec.encode([toPayload('current')]);
      const call = (p: Payload) =>
        fetch(`${retired.url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(operator.key) }, body: JSON.stringify({ payloads: [toJson(p)] }) });
      const refused = await call(old!);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toMatch(/no payload key 'k1' configured/);
      const ok = await call(cur!);
      expect(ok.status).toBe(200);
      expect(converter.fromPayload(fromJson((await payloadsOf(ok))[0]!))).toBe('current');
    } finally {
      await retired.close();
    }
  });
});

describe('startCodecServer', () => {
  it('refuses keys the codec refuses, before listening', async () => {
    await expect(startCodecServer({ keys: { activeKeyId: 'k1', keys: { k1: new Uint8Array(16) } }, allowedOrigins: [], apiKeys })).rejects.toThrow('must be 32 bytes');
  });

  it('without apiKeys: refuses anything but loopback; on loopback serves unauthenticated and says so loudly', async () => {
    await expect(startCodecServer({ keys, allowedOrigins: [], host: '0.0.0.0' })).rejects.toThrow(/without apiKeys .* refusing to listen on 0\.0\.0\.0/);
    const log = memoryLogger();
    const open = await startCodecServer({ keys, allowedOrigins: [], logger: log.logger });
    try {
      expect(log.lines[0]).toMatchObject({ level: 'warn', obj: { event: 'codec.unauthenticated' } });
      expect(log.lines[0]?.msg).toMatch(/WITHOUT authentication/);
      const res = await fetch(`${open.url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"payloads":[]}' });
      expect(res.status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('stops accepting connections after close()', async () => {
    const s = await startCodecServer({ keys, allowedOrigins: [], apiKeys, logger: memoryLogger().logger });
    const call = () => fetch(`${s.url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(operator.key) }, body: '{"payloads":[]}' });
    expect((await call()).status).toBe(200);
    await s.close();
    await expect(call()).rejects.toThrow();
  });
});
