// Around gateway tests: one API key per role, a gateway built on a given Temporal client and
// listening on a loopback port (real HTTP), and a small fetch helper.
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type pino from 'pino';
import { ApiKeyStore, generateApiKey, ROLES, type Role } from '../../client/gateway/api-keys.js';
import { buildGateway, type GatewayOptions } from '../../client/gateway/server.js';
import { createLogger } from '../../platform/logging.js';

export const KEYS = Object.fromEntries(ROLES.map((r) => [r, generateApiKey(`test-${r}`, r)])) as Record<Role, ReturnType<typeof generateApiKey>>;
export const API_KEYS = new ApiKeyStore(ROLES.map((r) => KEYS[r].entry));
export const auth = (role: Role) => ({ authorization: `Bearer ${KEYS[role].key}` });

export interface TestGateway {
  app: FastifyInstance;
  url: string;
  /** Every log line the gateway wrote (JSON strings). */
  logs: string[];
  close(): Promise<void>;
}

export async function startGateway(client: Client, extra: Partial<GatewayOptions> = {}): Promise<TestGateway> {
  const logs: string[] = [];
  const stream = { write: (s: string) => void logs.push(s) };
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'info', 'gateway-test', stream as unknown as pino.DestinationStream);
  const app = await buildGateway({ client, apiKeys: API_KEYS, logger, defaultMetrics: false, ...extra });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, logs, close: () => app.close() };
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** One HTTP request; a JS value body is sent as JSON, a string as it is. */
export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  o: { role?: Role; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...(o.role ? auth(o.role) : {}), ...(o.headers ?? {}) };
  let body: string | Buffer | undefined;
  if (typeof o.body === 'string' || Buffer.isBuffer(o.body)) body = o.body as string | Buffer;
  else if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, headers: res.headers, text };
}

export const enc = encodeURIComponent;

export interface ErrorShape {
  error: { code: string; message: string; violations: { field: string; rule: string; message: string }[]; workflowId?: string };
}

/** True when `b` has exactly the gateway's error shape. */
export function isErrorShape(b: unknown): b is ErrorShape {
  const e = (b as ErrorShape | undefined)?.error;
  return (
    !!e &&
    typeof e.code === 'string' &&
    typeof e.message === 'string' &&
    e.message.length > 0 &&
    Array.isArray(e.violations) &&
    e.violations.every((v) => typeof v.field === 'string' && v.field.length > 0 && typeof v.rule === 'string' && typeof v.message === 'string')
  );
}

/** Polls `fn` until `pred` holds. */
export async function until<T>(what: string, fn: () => Promise<T>, pred: (v: T) => boolean, timeoutMs = 30_000, everyMs = 300): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await fn();
    if (pred(last)) return last;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
}
