// GET /state: relays (both directions) and applications (ours of every kind, and the simulated
// counterparts' switching applications) as seen at the simulated now. Only what the simulator made
// up or what identifies records (numbers, point IDs, dates): no customer data, no passwords.
import { APPLICATION_KIND, PROCESSING_STAGE, applicationKindCode, fromWireDate, jstTimestamp, type ApplicationKindName } from '../activities/provisional-wire-format.js';
import type { Application } from './applications.js';
import type { IncomingRelay } from './incoming-relays.js';
import type { Books } from './operations.js';
import { SIMULATED_CURRENT_RETAILER } from './operators.js';
import type { ApplicationView, ApplicationViewKind, IncomingRelayView, RelayView, SimulatorState } from './types.js';

export { SIMULATED_CURRENT_RETAILER } from './operators.js';

const VIEW_KIND: Readonly<Record<ApplicationKindName, ApplicationViewKind>> = {
  switchingStart: 'start',
  switchingStop: 'stop',
  usageQuery: 'usageQuery',
  reconnection: 'reconnection',
  discontinuation: 'discontinuation',
  discontinuationWithRemoval: 'discontinuation',
  infoChange: 'infoChange',
  ampereChange: 'ampereChange',
};

export function buildState({ relays, incoming, apps }: Books, now: number): Pick<SimulatorState, 'nowMs' | 'nowJst' | 'relays' | 'incomingRelays' | 'applications'> {
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

  const incomingViews = incoming.all().map((r) => incomingRelayView({ incoming, apps }, r, now));

  const applications: ApplicationView[] = [];
  for (const a of apps.all()) {
    const view = ownView(apps, a, now);
    applications.push(view);
    // The simulated current retailer's スイッチング廃止申請, filed when our start application
    // exists for a relay it judges OK.
    const relay = a.submitOp === 'switchingStart' ? relays.byNo(a.relayNo ?? '') : undefined;
    if (relay && relay.judgement.kind === 'ok' && relay.decisionAt !== undefined && a.cancelledAt === undefined && now >= a.createdAt) {
      applications.push({
        ...view,
        moshikomiNo: `${a.no}S`,
        kind: 'stop',
        applicationKind: 'switchingStop',
        simulated: true,
        moshikomiShubetsu: applicationKindCode('switchingStop', a.category) ?? APPLICATION_KIND.switchingStop,
        company: relay.genKouriJigyoshaCode ?? SIMULATED_CURRENT_RETAILER,
        jigyoshaKanriNo: undefined,
      });
    }
  }
  // The simulated new retailer's スイッチング開始申請, filed when we judged its relay OK.
  for (const r of incoming.all()) {
    const okAt = incoming.okAt(r);
    if (okAt === undefined || now < okAt) continue;
    const ours = apps.forRelay(r.no).find((a) => a.submitOp === 'switchingStop' && a.cancelledAt === undefined);
    const ourStage = ours ? apps.stage(ours, now).code : undefined;
    const cancelled = r.cancelledAt !== undefined && now >= r.cancelledAt && ourStage !== PROCESSING_STAGE.completed;
    applications.push({
      moshikomiNo: `N${r.no}`,
      kind: 'start',
      applicationKind: 'switchingStart',
      simulated: true,
      moshikomiShubetsu: applicationKindCode('switchingStart', r.category) ?? APPLICATION_KIND.switchingStart,
      company: r.newRetailerCode,
      category: r.category,
      supplyPointId: r.pointId,
      haishiToritsugiNo: r.no,
      uketsukeKoteiCode: cancelled ? PROCESSING_STAGE.rejected : ourStage === PROCESSING_STAGE.completed ? PROCESSING_STAGE.completed : PROCESSING_STAGE.inProgress,
      idoYoteiBi: r.kyokyuKaishiBi,
      idoBi: ourStage === PROCESSING_STAGE.completed && !cancelled ? r.kyokyuKaishiBi : undefined,
      createdAtMs: okAt,
      cancelledAtMs: cancelled ? r.cancelledAt : undefined,
    });
  }
  return { nowMs: now, nowJst: jstTimestamp(now), relays: relayViews, incomingRelays: incomingViews, applications };
}

export function incomingRelayView({ incoming, apps }: Pick<Books, 'incoming' | 'apps'>, r: IncomingRelay, now: number): IncomingRelayView {
  return {
    haishiToritsugiNo: r.no,
    toCompany: r.toCompany,
    category: r.category,
    supplyPointId: r.pointId,
    newRetailerCode: r.newRetailerCode,
    kyokyuKaishiBi: r.kyokyuKaishiBi,
    jokyoCode: incoming.jokyo(r, now),
    matchingZumi: apps.matchedIncoming(r, now),
    registeredAtMs: r.registeredAt,
    judgedAtMs: r.judgedAt,
    cancelledAtMs: r.cancelledAt,
    ngReasons: r.judgement?.kind === 'ng' ? [...r.judgement.reasons] : [],
    pattern: r.pattern,
  };
}

function ownView(apps: Books['apps'], a: Application, now: number): ApplicationView {
  const rec = apps.record(a, now);
  const password = a.submitOp === 'usageApply' ? apps.usagePassword(a, now) : undefined;
  return {
    moshikomiNo: a.no,
    kind: VIEW_KIND[a.kind],
    applicationKind: a.kind,
    simulated: false,
    moshikomiShubetsu: rec.moshikomiShubetsu,
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
    passwordYukoKigen: password ? fromWireDate(password.passwordYukoKigen) : undefined,
  };
}
