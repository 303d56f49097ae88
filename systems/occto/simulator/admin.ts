// Admin API: plain HTTP on 127.0.0.1, JSON in and out, for tests, benchmarks and operators of the
// local stack. Bodies are validated with zod (400 names the fields). No credentials ever appear.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { HttpError, instant, parse, readJson } from '../../../simulators/shared/admin-http.js';
import { createAdminApi } from '../../../simulators/shared/admin-api.js';
import { isAreaCode, type AreaCode } from '../../../domain/areas.js';
import { jstDate } from '../../../domain/jst.js';
import { pointIdProblem } from '../../../domain/supply-point.js';
import { faultSpecSchema } from './faults.js';
import { InjectionError, incomingRelayBulkSchema, incomingRelayInputSchema } from './incoming-relays.js';
import { nextButOneMeterReadingDate, provisionalMeterReadingDay } from './meter-reading.js';
import { patternSchema } from './patterns.js';
import type { OcctoSimulator } from './simulator.js';
import type { FaultSpec } from './types.js';
import { jstTimestamp } from '../activities/provisional-wire-format.js';

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

/** Runs an injection; its refusals become 400 / 404 / 409 naming the field. */
function injecting<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InjectionError) throw new HttpError(e.status, { error: e.message, issues: [{ field: e.field, message: e.message }] });
    throw e;
  }
}

export function createAdminHandler(sim: Sim): (req: IncomingMessage, res: ServerResponse) => void {
  return createAdminApi({
    books: sim,
    formatNow: jstTimestamp,
    // Every route also answers under /admin (e.g. POST /admin/incoming-relays).
    alsoUnder: '/admin',
    faults: { schema: faultSpecSchema, inject: (f) => sim.injectFault(f as FaultSpec) },
    routes: {
      'GET /meter-reading': (_req, url) => {
        const id = url.searchParams.get('supplyPointId') ?? '';
        const problem = pointIdProblem(id, 'supplyPointId');
        if (problem) throw new HttpError(400, { error: 'invalid query', issues: [{ field: 'supplyPointId', message: problem }] });
        const today = jstDate(sim.clock.now());
        return { supplyPointId: id, meterReadingDay: provisionalMeterReadingDay(id), today, nextButOneMeterReadingDate: nextButOneMeterReadingDate(id, today) };
      },
      'POST /patterns': async (req) => {
        const b = parse(patternBody, await readJson(req));
        sim.setPattern(b.supplyPointId, b.pattern);
        return { ok: true, supplyPointId: b.supplyPointId, pattern: b.pattern };
      },
      'POST /maintenance': async (req) => {
        const b = parse(maintenanceBody, await readJson(req));
        sim.addMaintenance({ start: b.start, end: b.end, area: b.area as AreaCode | undefined, reason: b.reason });
        return { ok: true, adHocMaintenance: sim.state().adHocMaintenance };
      },
      'POST /incoming-relays': async (req) => {
        const b = parse(incomingRelayInputSchema, await readJson(req));
        return injecting(() => sim.injectIncomingRelay(b));
      },
      'POST /incoming-relays/bulk': async (req) => {
        const b = parse(incomingRelayBulkSchema, await readJson(req));
        const created = injecting(() => sim.injectIncomingRelays(b));
        return { created: created.length, haishiToritsugiNoList: created.map((r) => r.haishiToritsugiNo), supplyPointIds: created.map((r) => r.supplyPointId) };
      },
    },
    patterns: [
      {
        method: 'POST',
        path: /^\/incoming-relays\/([^/]+)\/cancel$/,
        describe: '/incoming-relays/:haishiToritsugiNo/cancel',
        handler: (_req, m) => injecting(() => sim.cancelIncomingRelay(decodeURIComponent(m[1] ?? ''))),
      },
    ],
  });
}
