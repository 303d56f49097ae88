// Remote codec endpoint for the Temporal Web UI and CLI (POST /decode, /encode, also under
// /<namespace>/… for the CLI's --codec-endpoint templating): authorised operators see decrypted
// payloads while the Temporal database only ever holds ciphertext (docs/data-protection.md).
//
// Who may decode: a caller whose API key's role has the 'decode' permission (operator), presented
// as `Authorization: Bearer <key>` / `X-API-Key` (CLI, scripts) or, for the browser, through a
// session cookie set by /login (the Web UI sends it when "Include cross-origin credentials" is on).
// CORS answers only the Web UI's origins, with credentials. Every decode is audit-logged with the
// caller's name and the payload count — never payload content.
//
// A Fastify plugin: the gateway mounts it under /codec; startCodecServer() runs it on its own port.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ValueError, type Payload } from '@temporalio/common';
import type pino from 'pino';
import { z } from 'zod';
import { createLogger } from '../platform/logging.js';
import { AesGcmPayloadCodec, type CodecKeys } from '../platform/payload-codec.js';
import { can, presentedKey, type ApiKeyStore, type Caller } from './gateway/api-keys.js';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64 (standard alphabet)');
const jsonPayloadSchema = z.object({
  metadata: z.record(z.string(), base64).optional(),
  data: base64.optional(),
});
/** The Temporal codec protocol body: { payloads: [{ metadata: { key: base64 }, data: base64 }] }. */
export const codecBodySchema = z.object({ payloads: z.array(jsonPayloadSchema) });
type JsonPayload = z.infer<typeof jsonPayloadSchema>;
const errorSchema = z.object({ error: z.string() });

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: p.data !== undefined ? Buffer.from(p.data, 'base64') : undefined,
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  ...(p.data ? { data: Buffer.from(p.data).toString('base64') } : {}),
});

/** What the audit and refusal lines need from a logger (pino or Fastify's). */
export interface CodecAuditLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface CodecRoutesOptions {
  keys: CodecKeys;
  /** Origins allowed by CORS (the Web UI's), e.g. http://localhost:8233. Exact match. */
  allowedOrigins: string[];
  apiKeys: ApiKeyStore;
  /** Audit log; default the Fastify instance's logger. */
  logger?: pino.Logger | CodecAuditLogger;
  /** Session lifetime after /login; default 8 hours. */
  sessionTtlMs?: number;
}

export const SESSION_COOKIE = 'denki_codec_session';
const DEFAULT_SESSION_TTL_MS = 8 * 3_600_000;
const MAX_SESSIONS = 10_000;
/** A whole history's payloads can be several MB (Temporal allows 2 MB per payload). */
const BODY_LIMIT = 16 * 1024 * 1024;
const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization, X-API-Key';

type Auth = { caller: Caller; via: 'api-key' | 'session' };
interface Session {
  caller: Caller;
  expiresAt: number;
}

/** The codec routes with API-key / session authentication. Encapsulated: its hooks touch only its routes. */
export async function registerCodecRoutes(app: FastifyInstance, opts: CodecRoutesOptions): Promise<void> {
  if (!opts.apiKeys) throw new Error('registerCodecRoutes: apiKeys is required (operators authenticate to decode)');
  await registerCodec(app, { ...opts, auth: opts.apiKeys });
}

async function registerCodec(app: FastifyInstance, opts: Omit<CodecRoutesOptions, 'apiKeys'> & { auth: ApiKeyStore | 'none' }): Promise<void> {
  const codec = new AesGcmPayloadCodec(opts.keys); // refuses bad keys now, not at the first decode
  const allowed = new Set(opts.allowedOrigins);
  const ttl = opts.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const sessions = new Map<string, Session>();

  await app.register(async (scope) => {
    const log: CodecAuditLogger = opts.logger ?? scope.log;
    const prefix = scope.prefix;
    const cookiePath = prefix || '/';
    scope.setValidatorCompiler(validatorCompiler);
    scope.setSerializerCompiler(serializerCompiler);
    // Forms (/login) and bodies sent without a JSON content type (curl -d) arrive as text.
    scope.addContentTypeParser(['application/x-www-form-urlencoded', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

    scope.setErrorHandler((err: FastifyError, req, reply) => {
      if (hasZodFastifySchemaValidationErrors(err)) {
        const issues = err.validation.map((v) => [err.validationContext ?? 'body', ...v.instancePath.split('/').filter(Boolean)].join('.') + `: ${v.message}`);
        return reply.code(400).send({ error: `invalid request: ${issues.join('; ')}` });
      }
      if (err instanceof ValueError) return reply.code(400).send({ error: err.message });
      const status = err.statusCode ?? 500;
      if (status >= 400 && status < 500) return reply.code(status).send({ error: err.message });
      log.warn({ event: 'codec.error', url: req.url, errorName: err.name }, 'codec endpoint: internal error');
      return reply.code(500).send({ error: 'internal error' });
    });

    // CORS: the Web UI's origins only, echoed exactly, with credentials (the session cookie).
    scope.addHook('onRequest', async (req, reply) => {
      reply.header('Vary', 'Origin');
      const origin = req.headers.origin;
      if (origin && allowed.has(origin)) {
        reply.header('Access-Control-Allow-Origin', origin);
        reply.header('Access-Control-Allow-Credentials', 'true');
      }
    });
    scope.options('/*', { schema: { hide: true } }, async (req, reply) => {
      const origin = req.headers.origin;
      if (origin && allowed.has(origin)) {
        reply.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
        reply.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
        reply.header('Access-Control-Max-Age', '600');
      }
      return reply.code(204).send();
    });

    const sessionOf = (req: FastifyRequest): Session | undefined => {
      const id = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (!id) return undefined;
      const s = sessions.get(id);
      if (s && s.expiresAt <= Date.now()) sessions.delete(id);
      return s && s.expiresAt > Date.now() ? s : undefined;
    };
    /** A browser request from a page that is neither the Web UI nor this endpoint itself. */
    const foreignOrigin = (req: FastifyRequest): string | undefined => {
      const origin = req.headers.origin;
      if (!origin || allowed.has(origin) || origin === `${req.protocol}://${req.host}`) return undefined;
      return origin;
    };

    const authenticate = async (req: FastifyRequest, reply: FastifyReply): Promise<Auth | undefined> => {
      if (opts.auth === 'none') return { caller: { name: 'unauthenticated-local', role: 'operator' }, via: 'api-key' };
      const key = presentedKey(req.headers);
      let auth: Auth | undefined;
      if (key !== undefined) {
        const caller = opts.auth.authenticate(key);
        if (!caller) {
          log.warn({ event: 'codec.refused', status: 401, reason: 'unknown API key', ip: req.ip }, 'codec: unknown API key');
          void reply.code(401).header('WWW-Authenticate', 'Bearer realm="denki-flow codec"').send({ error: 'unknown API key' });
          return undefined;
        }
        auth = { caller, via: 'api-key' };
      } else {
        const s = sessionOf(req);
        if (s) {
          // A cookie rides along with any same-site page's request: only the Web UI's (or ours) count.
          const foreign = foreignOrigin(req);
          if (foreign) {
            log.warn({ event: 'codec.refused', status: 403, reason: 'origin not allowed', origin: foreign, caller: s.caller.name }, 'codec: session used from another origin');
            void reply.code(403).send({ error: `origin ${foreign} is not allowed to use a codec session` });
            return undefined;
          }
          auth = { caller: s.caller, via: 'session' };
        }
      }
      if (!auth) {
        void reply
          .code(401)
          .header('WWW-Authenticate', 'Bearer realm="denki-flow codec"')
          .send({ error: `authentication required: an operator API key as Authorization: Bearer <key> or X-API-Key, or log in at ${prefix}/login` });
        return undefined;
      }
      if (!can(auth.caller.role, 'decode')) {
        log.warn({ event: 'codec.refused', status: 403, reason: 'role', caller: auth.caller.name, role: auth.caller.role }, 'codec: role may not decode');
        void reply.code(403).send({ error: `role '${auth.caller.role}' may not decode payloads (operators only)` });
        return undefined;
      }
      return auth;
    };

    const route = (op: 'decode' | 'encode', path: string) =>
      scope.withTypeProvider<ZodTypeProvider>().route({
        method: 'POST',
        url: path,
        bodyLimit: BODY_LIMIT,
        schema: {
          summary: op === 'decode' ? 'Decrypt payloads (Temporal codec protocol; operators only)' : 'Encrypt payloads with the active key (Temporal codec protocol; operators only)',
          tags: ['codec'],
          ...(path.includes(':namespace') ? { params: z.object({ namespace: z.string().min(1) }) } : {}),
          body: codecBodySchema,
          response: { 200: codecBodySchema, 400: errorSchema, 401: errorSchema, 403: errorSchema },
        },
        // Before the body is even read: who is asking.
        onRequest: async (req, reply) => {
          const auth = await authenticate(req, reply);
          if (!auth) return reply; // answered (401/403)
          (req as FastifyRequest & { codecAuth?: Auth }).codecAuth = auth;
        },
        preValidation: async (req, reply) => {
          if (typeof req.body !== 'string') return;
          try {
            (req as { body: unknown }).body = JSON.parse(req.body) as unknown;
          } catch {
            return reply.code(400).send({ error: 'invalid request: body must be JSON {"payloads":[…]}' });
          }
        },
        handler: async (req, reply) => {
          const auth = (req as FastifyRequest & { codecAuth?: Auth }).codecAuth!;
          const payloads = req.body.payloads.map(fromJson);
          const out = op === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
          const params = req.params as { namespace?: string };
          const namespace = params.namespace ?? headerValue(req.headers['x-namespace']);
          log.info(
            { event: `codec.${op}`, caller: auth.caller.name, role: auth.caller.role, via: auth.via, payloads: payloads.length, ...(namespace ? { namespace } : {}) },
            `codec ${op}: ${payloads.length} payload(s) for ${auth.caller.name}`,
          );
          return reply.code(200).send({ payloads: out.map(toJson) });
        },
      });
    for (const op of ['decode', 'encode'] as const) {
      route(op, `/${op}`);
      route(op, `/:namespace/${op}`);
    }

    // Browser login: an operator pastes their API key once; the cookie carries a random session ID.
    const loginDoc = { schema: { tags: ['codec'], summary: 'Operator login for the Web UI (HTML form; sets the session cookie the Web UI sends with credentials)' } };
    scope.get('/login', loginDoc, async (_req, reply) => reply.type('text/html; charset=utf-8').send(loginPage(prefix)));
    scope.post('/login', loginDoc, async (req, reply) => {
      const foreign = foreignOrigin(req);
      if (foreign) return reply.code(403).type('text/html; charset=utf-8').send(loginPage(prefix, `Login from ${foreign} is not allowed.`));
      const key = loginKey(req.body) ?? presentedKey(req.headers);
      if (opts.auth === 'none') return reply.code(404).send({ error: 'this codec endpoint runs without authentication' });
      const caller = key ? opts.auth.authenticate(key) : undefined;
      if (!caller) {
        log.warn({ event: 'codec.login', outcome: 'refused', reason: key ? 'unknown API key' : 'no key', ip: req.ip }, 'codec login refused');
        return reply.code(401).type('text/html; charset=utf-8').send(loginPage(prefix, key ? 'Unknown API key.' : 'Paste your operator API key.'));
      }
      if (!can(caller.role, 'decode')) {
        log.warn({ event: 'codec.login', outcome: 'refused', reason: 'role', caller: caller.name, role: caller.role }, 'codec login refused');
        return reply.code(403).type('text/html; charset=utf-8').send(loginPage(prefix, `Role '${escapeHtml(caller.role)}' may not decode payloads (operators only).`));
      }
      const now = Date.now();
      for (const [id, s] of sessions) if (s.expiresAt <= now) sessions.delete(id);
      if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
      const id = randomBytes(32).toString('base64url');
      const expiresAt = now + ttl;
      sessions.set(id, { caller, expiresAt });
      const secure = req.protocol === 'https' ? '; Secure' : '';
      reply.header('Set-Cookie', `${SESSION_COOKIE}=${id}; Path=${cookiePath}; Max-Age=${Math.floor(ttl / 1000)}; HttpOnly; SameSite=Lax${secure}`);
      log.info({ event: 'codec.login', outcome: 'ok', caller: caller.name, role: caller.role, expiresAt: new Date(expiresAt).toISOString() }, `codec login: ${caller.name}`);
      return reply
        .type('text/html; charset=utf-8')
        .send(page('Logged in', `<p>Logged in as <b>${escapeHtml(caller.name)}</b> until ${escapeHtml(new Date(expiresAt).toISOString())}.</p><p>The Temporal Web UI now shows decoded payloads (its Codec Server setting “Include cross-origin credentials” must be on). <a href="${escapeHtml(prefix)}/logout">Log out</a></p>`));
    });
    const logout = async (req: FastifyRequest, reply: FastifyReply) => {
      const id = readCookie(req.headers.cookie, SESSION_COOKIE);
      const s = id ? sessions.get(id) : undefined;
      if (id) sessions.delete(id);
      if (s) log.info({ event: 'codec.logout', caller: s.caller.name }, `codec logout: ${s.caller.name}`);
      reply.header('Set-Cookie', `${SESSION_COOKIE}=; Path=${cookiePath}; Max-Age=0; HttpOnly; SameSite=Lax${req.protocol === 'https' ? '; Secure' : ''}`);
      return reply.type('text/html; charset=utf-8').send(page('Logged out', `<p>Logged out. <a href="${escapeHtml(prefix)}/login">Log in again</a></p>`));
    };
    scope.get('/logout', { schema: { hide: true } }, logout);
    scope.post('/logout', { schema: { hide: true } }, logout);
  });
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return (Array.isArray(h) ? h[0] : h) || undefined;
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim() || undefined;
  }
  return undefined;
}

/** The key from the login form (urlencoded) or a JSON body {apiKey}. */
function loginKey(body: unknown): string | undefined {
  if (typeof body === 'string') return new URLSearchParams(body).get('apiKey')?.trim() || undefined;
  if (body && typeof body === 'object' && typeof (body as { apiKey?: unknown }).apiKey === 'string') return (body as { apiKey: string }).apiKey.trim() || undefined;
  return undefined;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>denki-flow codec · ${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="same-origin">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}input{width:100%;padding:.4rem;font-family:monospace}button{margin-top:.8rem;padding:.4rem 1rem}.err{color:#b00}</style>
</head><body><h1>denki-flow payload codec</h1>${body}</body></html>`;
}

function loginPage(prefix: string, error?: string): string {
  return page(
    'Log in',
    `${error ? `<p class="err">${escapeHtml(error)}</p>` : ''}
<p>Operators log in here once so that the Temporal Web UI can show decoded payloads (customer data). Paste your API key (role <code>operator</code>); it is checked and not stored — the browser keeps only a session cookie for 8 hours.</p>
<form method="post" action="${escapeHtml(prefix)}/login"><label for="apiKey">API key</label><input id="apiKey" name="apiKey" type="password" autocomplete="off" required autofocus><button type="submit">Log in</button></form>`,
  );
}

export interface CodecServerOptions {
  keys: CodecKeys;
  port?: number;
  host?: string;
  /** Origins allowed by CORS (the Web UI's), e.g. http://localhost:8233. */
  allowedOrigins: string[];
  /**
   * Who may decode. Omitted = NO authentication: allowed only on a loopback address, and logged
   * loudly at start. Pass the gateway's key store (GATEWAY_API_KEYS_FILE) everywhere else.
   */
  apiKeys?: ApiKeyStore;
  logger?: pino.Logger | CodecAuditLogger;
  sessionTtlMs?: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The codec routes on their own HTTP server (setups without the gateway). */
export async function startCodecServer(o: CodecServerOptions): Promise<{ url: string; app: FastifyInstance; close(): Promise<void> }> {
  const host = o.host ?? '127.0.0.1';
  if (!o.apiKeys && !LOOPBACK.has(host)) {
    throw new Error(`startCodecServer: without apiKeys the codec endpoint would let anyone decode customer data; refusing to listen on ${host} (pass apiKeys, or bind to 127.0.0.1)`);
  }
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'POST /decode or /encode (also /<namespace>/decode, /<namespace>/encode); GET /login' }));
  const logger = o.logger ?? createLogger(process.env.LOG_LEVEL ?? 'info', 'denki-flow-codec');
  if (o.apiKeys) await registerCodecRoutes(app, { keys: o.keys, allowedOrigins: o.allowedOrigins, apiKeys: o.apiKeys, logger, sessionTtlMs: o.sessionTtlMs });
  else {
    logger.warn({ event: 'codec.unauthenticated', host }, 'codec endpoint WITHOUT authentication: anyone who can reach this port can decode customer data — pass apiKeys');
    await registerCodec(app, { keys: o.keys, allowedOrigins: o.allowedOrigins, logger, auth: 'none' });
  }
  await app.listen({ port: o.port ?? 0, host });
  const addr = app.server.address() as { port: number };
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`,
    app,
    close: () => app.close(),
  };
}
