// The skeleton every simulator's admin API shares (plain HTTP, JSON): the books (calls, violations,
// state, summary), the simulated clock, reset, one error shape, and a 404 that lists the routes.
// A simulator adds its own routes (patterns, faults, maintenance, injections) as a table.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { HttpError, instant, parse, readJson } from './admin-http.js';

/** What every simulator keeps and the skeleton serves. */
export interface SimulatorBooks {
  clock: { now(): number; set(ms: number): void; advance(ms: number): void };
  calls(): unknown;
  violations(): unknown;
  state(): unknown;
  summary(): unknown;
  reset(): void;
}

/** A route's handler: its JSON answer (200), or an HttpError thrown for another status. */
export type AdminHandler = (req: IncomingMessage, url: URL) => unknown;

export interface AdminApiOptions {
  books: SimulatorBooks;
  /** How the clock's instant is shown beside epoch ms (the system's own time format). */
  formatNow: (ms: number) => string;
  /** The system's own routes, keyed 'METHOD /path'. */
  routes: Record<string, AdminHandler>;
  /** Routes with a parameter in the path: tried in order when no exact route matches. */
  patterns?: Array<{ method: string; path: RegExp; describe: string; handler: (req: IncomingMessage, match: RegExpExecArray) => unknown }>;
  /** POST /faults: the system's fault specification and how to queue one. */
  faults: { schema: z.ZodType; inject(spec: unknown): void };
  /** A path prefix that is also accepted (e.g. '/admin': POST /admin/faults = POST /faults). */
  alsoUnder?: string;
}

const clockBody = z
  .object({
    now: instant('now').optional(),
    advanceMs: z.number({ error: 'advanceMs must be a number of ms' }).int({ error: 'advanceMs must be an integer' }).optional(),
  })
  .strict()
  .refine((b) => b.now !== undefined || b.advanceMs !== undefined, { message: 'one of now, advanceMs is required', path: ['now'] });

export function createAdminApi(o: AdminApiOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { books } = o;
  const clockView = () => {
    const nowMs = books.clock.now();
    return { nowMs, nowJst: o.formatNow(nowMs) };
  };
  const gets: Record<string, AdminHandler> = {
    'GET /calls': () => books.calls(),
    'GET /violations': () => books.violations(),
    'GET /state': () => books.state(),
    'GET /summary': () => books.summary(),
    'GET /clock': clockView,
  };
  const routes: Record<string, AdminHandler> = {
    ...gets,
    ...Object.fromEntries(Object.entries(o.routes).filter(([k]) => k.startsWith('GET '))),
    'POST /clock': async (req) => {
      const b = parse(clockBody, await readJson(req));
      if (b.now !== undefined) books.clock.set(b.now);
      if (b.advanceMs !== undefined) books.clock.advance(b.advanceMs);
      return clockView();
    },
    ...Object.fromEntries(Object.entries(o.routes).filter(([k]) => !k.startsWith('GET '))),
    'POST /faults': async (req) => {
      o.faults.inject(parse(o.faults.schema, await readJson(req)));
      return { ok: true, pendingFaults: (books.state() as { pendingFaults?: unknown }).pendingFaults };
    },
    'POST /reset': () => {
      books.reset();
      return { ok: true };
    },
  };
  const listing = [...Object.keys(routes), ...(o.patterns ?? []).map((p) => `${p.method} ${p.describe}`)];

  const route = async (req: IncomingMessage, url: URL): Promise<unknown> => {
    const prefix = o.alsoUnder;
    const path = prefix && url.pathname.startsWith(`${prefix}/`) ? url.pathname.slice(prefix.length) : url.pathname;
    const handler = routes[`${req.method} ${path}`];
    if (handler) return handler(req, url);
    for (const p of o.patterns ?? []) {
      const m = req.method === p.method ? p.path.exec(path) : null;
      if (m) return p.handler(req, m);
    }
    throw new HttpError(404, { error: `no admin route ${req.method} ${url.pathname}`, routes: listing });
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    Promise.resolve()
      .then(() => route(req, url))
      .then((payload) => reply(res, 200, payload))
      .catch((e: unknown) => {
        if (e instanceof HttpError) return reply(res, e.status, e.payload);
        reply(res, 500, { error: e instanceof Error ? e.message : 'internal error' });
      });
  };
}

function reply(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(payload));
}
