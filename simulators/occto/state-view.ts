// GET /state: relays and applications as seen at the simulated now. Only what the simulator made
// up or what identifies records (numbers, point IDs, dates) — customer data is never kept.
import { APPLICATION_KIND } from '../../activities/occto/provisional-wire-format.js';
import type { Books } from './operations.js';
import type { Timing } from './soap-handler.js';
import type { ApplicationView, RelayView, SimulatorState } from './types.js';
import { jstTimestamp } from '../../activities/occto/provisional-wire-format.js';

/** The simulated current retailer when the registration did not name one (genKouriJigyoshaCode). */
export const SIMULATED_CURRENT_RETAILER = '99999';

export function buildState(
  { relays, apps }: Books,
  now: number,
  timing: Pick<Timing, 'processingDelayMs'>,
): Pick<SimulatorState, 'nowMs' | 'nowJst' | 'relays' | 'applications'> {
  const relayViews: RelayView[] = relays.all().map((r) => ({
    haishiToritsugiNo: r.no,
    company: r.company,
    category: r.category,
    supplyPointId: r.pointId,
    jigyoshaKanriNo: r.jigyoshaKanriNo,
    kyokyuKaishiBi: r.kyokyuKaishiBi,
    jokyoCode: relays.jokyo(r, now),
    matchingZumi: apps.matched(r, now),
    registeredAtMs: r.registeredAt,
    judgedAtMs: r.decisionAt,
    cancelledAtMs: r.cancelledAt,
    ngReasons: r.judgement.kind === 'ng' ? [...r.judgement.reasons] : [],
    pattern: r.pattern,
  }));

  const applications: ApplicationView[] = [];
  for (const a of apps.all()) {
    const rec = apps.record(a, now, timing.processingDelayMs);
    const start: ApplicationView = {
      moshikomiNo: a.no,
      kind: 'start',
      moshikomiShubetsu: APPLICATION_KIND.switchingStart,
      company: a.company,
      category: a.category,
      supplyPointId: a.pointId,
      haishiToritsugiNo: a.relayNo,
      jigyoshaKanriNo: a.jigyoshaKanriNo,
      uketsukeKoteiCode: rec.uketsukeKoteiCode,
      idoYoteiBi: a.idoYoteiBi,
      idoBi: rec.idoBi ? a.idoYoteiBi : undefined,
      createdAtMs: a.createdAt,
      cancelledAtMs: a.cancelledAt,
    };
    applications.push(start);
    // The simulated current retailer's スイッチング廃止申請, filed when our start application
    // exists for a relay it judges OK.
    const relay = relays.byNo(a.relayNo);
    if (relay && relay.judgement.kind === 'ok' && relay.decisionAt !== undefined && a.cancelledAt === undefined && now >= a.createdAt) {
      applications.push({
        ...start,
        moshikomiNo: `${a.no}S`,
        kind: 'stop',
        moshikomiShubetsu: APPLICATION_KIND.switchingStop,
        company: relay.genKouriJigyoshaCode ?? SIMULATED_CURRENT_RETAILER,
        jigyoshaKanriNo: undefined,
      });
    }
  }
  return { nowMs: now, nowJst: jstTimestamp(now), relays: relayViews, applications };
}
