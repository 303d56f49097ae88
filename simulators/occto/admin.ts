// Admin API: plain HTTP on 127.0.0.1, JSON in and out, for tests, benchmarks and operators of the
// local stack. Bodies are validated with zod (400 names the fields). No credentials ever appear.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { HttpError, instant, parse, readJson } from '../shared/admin-http.js';
import { isAreaCode, type AreaCode } from '../../domain/areas.js';
import { jstDate } from '../../domain/jst.js';
import { pointIdProblem } from '../../domain/supply-point.js';
import { faultSpecSchema } from './faults.js';
import { InjectionError, incomingRelayBulkSchema, incomingRelayInputSchema } from './incoming-relays.js';
import { nextButOneMeterReadingDate, provisionalMeterReadingDay } from './meter-reading.js';
import { patternSchema } from './patterns.js';
import type { OcctoSimulator } from './simulator.js';
import type { FaultSpec } from './types.js';
import { jstTimestamp } from '../../activities/occto/provisional-wire-format.js';

const clockBody = z
  .object({
    now: instant('now').optional(),
    advanceMs: z.number({ error: 'advanceMs must be a number of ms' }).int({ error: 'advanceMs must be an integer' }).optional(),
  })
  .strict()
  .refine((b) => b.now !== undefined || b.advanceMs !== undefined, { message: 'one of now, advanceMs is required', path: ['now'] });

const patternBody = z
  .object({
    supplyPointId: z.string({ error: 'supplyPointId must be a string of 22 digits' }).superRefine((s, ctx) => {
      const problem = pointIdProblem(s, 'supplyPointId');
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    pattern: patternSchema,
  })
  .strict();

const maintenanceBody = z
  .object({
    start: instant('start'),
    end: instant('end'),
    area: z.string().refine(isAreaCode, 'area must be a two-digit area code 01–10').optional(),
    reason: z.string().max(200).optional(),
  })
  .strict()
  .refine((w) => w.start < w.end, { message: 'end must be after start', path: ['end'] });

type Sim = Omit<OcctoSimulator, 'url' | 'endpoint' | 'adminUrl' | 'close'>;

function clockView(sim: Sim) {
  const nowMs = sim.clock.now();
  return { nowMs, nowJst: jstTimestamp(nowMs) };
}

const ROUTES = [
  'GET /calls',
  'GET /violations',
  'GET /state',
  'GET /summary',
  'GET /clock',
  'GET /meter-reading?supplyPointId=',
  'POST /clock',
  'POST /patterns',
  'POST /faults',
  'POST /maintenance',
  'POST /incoming-relays',
  'POST /incoming-relays/bulk',
  'POST /incoming-relays/:haishiToritsugiNo/cancel',
  'POST /reset',
];

/** Runs an injection; its refusals become 400 / 404 / 409 naming the field. */
function injecting<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InjectionError) throw new HttpError(e.status, { error: e.message, issues: [{ field: e.field, message: e.message }] });
    throw e;
  }
}

async function route(sim: Sim, req: IncomingMessage, url: URL): Promise<unknown> {
  // Every route also answers under /admin (e.g. POST /admin/incoming-relays).
  const path = url.pathname.startsWith('/admin/') ? url.pathname.slice('/admin'.length) : url.pathname;
  const cancel = /^\/incoming-relays\/([^/]+)\/cancel$/.exec(path);
  if (req.method === 'POST' && cancel) {
    const no = decodeURIComponent(cancel[1] ?? '');
    return injecting(() => sim.cancelIncomingRelay(no));
  }
  const key = `${req.method} ${path}`;
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
    case 'GET /meter-reading': {
      const id = url.searchParams.get('supplyPointId') ?? '';
      const problem = pointIdProblem(id, 'supplyPointId');
      if (problem) throw new HttpError(400, { error: 'invalid query', issues: [{ field: 'supplyPointId', message: problem }] });
      const today = jstDate(sim.clock.now());
      return { supplyPointId: id, meterReadingDay: provisionalMeterReadingDay(id), today, nextButOneMeterReadingDate: nextButOneMeterReadingDate(id, today) };
    }
    case 'POST /clock': {
      const b = parse(clockBody, await readJson(req));
      if (b.now !== undefined) sim.clock.set(b.now);
      if (b.advanceMs !== undefined) sim.clock.advance(b.advanceMs);
      return clockView(sim);
    }
    case 'POST /patterns': {
      const b = parse(patternBody, await readJson(req));
      sim.setPattern(b.supplyPointId, b.pattern);
      return { ok: true, supplyPointId: b.supplyPointId, pattern: b.pattern };
    }
    case 'POST /faults': {
      const f = parse(faultSpecSchema, await readJson(req)) as FaultSpec;
      sim.injectFault(f);
      return { ok: true, pendingFaults: sim.state().pendingFaults };
    }
    case 'POST /maintenance': {
      const b = parse(maintenanceBody, await readJson(req));
      sim.addMaintenance({ start: b.start, end: b.end, area: b.area as AreaCode | undefined, reason: b.reason });
      return { ok: true, adHocMaintenance: sim.state().adHocMaintenance };
    }
    case 'POST /incoming-relays': {
      const b = parse(incomingRelayInputSchema, await readJson(req));
      return injecting(() => sim.injectIncomingRelay(b));
    }
    case 'POST /incoming-relays/bulk': {
      const b = parse(incomingRelayBulkSchema, await readJson(req));
      const created = injecting(() => sim.injectIncomingRelays(b));
      return { created: created.length, haishiToritsugiNoList: created.map((r) => r.haishiToritsugiNo), supplyPointIds: created.map((r) => r.supplyPointId) };
    }
    case 'POST /reset':
      sim.reset();
      return { ok: true };
    default:
      throw new HttpError(404, { error: `no admin route ${req.method} ${url.pathname}`, routes: ROUTES });
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
