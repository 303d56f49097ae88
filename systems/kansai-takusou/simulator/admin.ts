// Admin API: plain HTTP on 127.0.0.1, JSON in and out, for tests, benchmarks and operators of the
// local stack. Bodies are validated with zod (400 names the fields).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { instant, parse, readJson } from '../../../simulators/shared/admin-http.js';
import { createAdminApi } from '../../../simulators/shared/admin-api.js';
import { jstDateTime } from '../activities/provisional-wire-format.js';
import { faultSpecSchema } from './faults.js';
import { patternSchema } from './patterns.js';
import type { TakusouSimulator } from './simulator.js';
import type { FaultSpec } from './types.js';


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

export function createAdminHandler(sim: Sim): (req: IncomingMessage, res: ServerResponse) => void {
  return createAdminApi({
    books: sim,
    formatNow: jstDateTime,
    faults: { schema: faultSpecSchema, inject: (f) => sim.injectFault(f as FaultSpec) },
    routes: {
      'POST /patterns': async (req) => {
        const b = parse(patternBody, await readJson(req));
        sim.setPattern(b.jigyoshaKanriNo, b.pattern);
        return { ok: true, jigyoshaKanriNo: b.jigyoshaKanriNo, pattern: b.pattern };
      },
      'POST /maintenance': async (req) => {
        const b = parse(maintenanceBody, await readJson(req));
        const oshiraseId = sim.addMaintenance(b);
        return { ok: true, ...(oshiraseId ? { oshiraseId } : {}), adHocMaintenance: sim.state().adHocMaintenance };
      },
      'POST /force-maintenance': async (req) => {
        const b = parse(forceBody, await readJson(req));
        sim.forceMaintenance(b.on);
        return { ok: true, forcedMaintenance: b.on };
      },
      'POST /notices': async (req) => {
        const b = parse(noticeBody, await readJson(req));
        return { ok: true, oshiraseId: sim.addNotice(b) };
      },
    },
  });
}
