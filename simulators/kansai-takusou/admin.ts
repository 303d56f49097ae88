// Admin API: plain HTTP on 127.0.0.1, JSON in and out, for tests, benchmarks and operators of the
// local stack. Bodies are validated with zod (400 names the fields).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { HttpError, instant, parse, readJson } from '../shared/admin-http.js';
import { jstDateTime } from '../../activities/kansai-takusou/provisional-wire-format.js';
import { faultSpecSchema } from './faults.js';
import { patternSchema } from './patterns.js';
import type { TakusouSimulator } from './simulator.js';
import type { FaultSpec } from './types.js';


const clockBody = z
  .object({
    now: instant('now').optional(),
    advanceMs: z.number({ error: 'advanceMs must be a number of ms' }).int({ error: 'advanceMs must be an integer' }).optional(),
  })
  .strict()
  .refine((b) => b.now !== undefined || b.advanceMs !== undefined, { message: 'one of now, advanceMs is required', path: ['now'] });

const patternBody = z.object({ jigyoshaKanriNo: z.string().min(1, 'jigyoshaKanriNo must not be empty').max(40), pattern: patternSchema }).strict();

const maintenanceBody = z
  .object({ start: instant('start'), end: instant('end'), reason: z.string().max(200).optional(), announce: z.boolean().optional() })
  .strict()
  .refine((w) => w.start < w.end, { message: 'end must be after start', path: ['end'] });

const forceBody = z.object({ on: z.boolean({ error: 'on must be true or false' }) }).strict();

const noticeBody = z
  .object({
    kenmei: z.string().min(1).max(100),
    honbun: z.string().min(1).max(4000),
    oshiraseShubetsu: z.enum(['INFO', 'MAINTENANCE']).optional(),
    teishiKaishi: instant('teishiKaishi').optional(),
    teishiShuryo: instant('teishiShuryo').optional(),
  })
  .strict();

type Sim = Omit<TakusouSimulator, 'url' | 'adminUrl' | 'close'>;

const ROUTES = [
  'GET /calls',
  'GET /violations',
  'GET /state',
  'GET /summary',
  'GET /clock',
  'POST /clock',
  'POST /patterns',
  'POST /faults',
  'POST /maintenance',
  'POST /force-maintenance',
  'POST /notices',
  'POST /reset',
];

function clockView(sim: Sim) {
  const nowMs = sim.clock.now();
  return { nowMs, nowJst: jstDateTime(nowMs) };
}

async function route(sim: Sim, req: IncomingMessage, url: URL): Promise<unknown> {
  const key = `${req.method} ${url.pathname}`;
  switch (key) {
    case 'GET /calls':
      return sim.calls();
    case 'GET /violations':
      return sim.violations();
    case 'GET /state':
      return sim.state();
    case 'GET /summary':
      return sim.summary();
    case 'GET /clock':
      return clockView(sim);
    case 'POST /clock': {
      const b = parse(clockBody, await readJson(req));
      if (b.now !== undefined) sim.clock.set(b.now);
      if (b.advanceMs !== undefined) sim.clock.advance(b.advanceMs);
      return clockView(sim);
    }
    case 'POST /patterns': {
      const b = parse(patternBody, await readJson(req));
      sim.setPattern(b.jigyoshaKanriNo, b.pattern);
      return { ok: true, jigyoshaKanriNo: b.jigyoshaKanriNo, pattern: b.pattern };
    }
    case 'POST /faults': {
      const f = parse(faultSpecSchema, await readJson(req)) as FaultSpec;
      sim.injectFault(f);
      return { ok: true, pendingFaults: sim.state().pendingFaults };
    }
    case 'POST /maintenance': {
      const b = parse(maintenanceBody, await readJson(req));
      const oshiraseId = sim.addMaintenance(b);
      return { ok: true, ...(oshiraseId ? { oshiraseId } : {}), adHocMaintenance: sim.state().adHocMaintenance };
    }
    case 'POST /force-maintenance': {
      const b = parse(forceBody, await readJson(req));
      sim.forceMaintenance(b.on);
      return { ok: true, forcedMaintenance: b.on };
    }
    case 'POST /notices': {
      const b = parse(noticeBody, await readJson(req));
      return { ok: true, oshiraseId: sim.addNotice(b) };
    }
    case 'POST /reset':
      sim.reset();
      return { ok: true };
    default:
      throw new HttpError(404, { error: `no admin route ${key}`, routes: ROUTES });
  }
}

export function createAdminHandler(sim: Sim): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    route(sim, req, url)
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
