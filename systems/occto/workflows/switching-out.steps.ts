// The steps of a current-retailer switching (switching-out.ts reads them as the business process):
// its state and status, the messages people send (judge, reportMistakenOk, decide), and each call
// behind the maintenance guard. Relay data is for switching roles only: the status carries none.
import { ApplicationFailure, allHandlersFinished, condition, isCancellation, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { OcctoActivities, ProcessingStatus } from '../activities/contract.js';
import { OcctoFailure } from '../activities/contract.js';
import type { CustomerRecordActivities } from '../../../activities/customer-records/contract.js';
import { formatViolations, violationsFromZodError } from '../../../domain/errors.js';
import { addDays } from '../../../domain/jst.js';
import { operationAvailability } from '../domain/occto-operations.js';
import { areaOfSupplyPoint } from '../../../domain/supply-point.js';
import {
  NO_AUTO_JUDGE,
  judgeDecisionSchema,
  mistakenOkReportSchema,
  switchingOutDecisionSchema,
  switchingOutInputSchema,
  type AutoJudgeRule,
  type JudgeDecision,
  type MistakenOkReport,
  type SwitchingOutDecision,
  type SwitchingOutInput,
} from '../domain/switching-out.js';
import { CUSTOMER_RECORDS_TASK_QUEUE } from '../../../domain/task-queues.js';
import { SA_APPLICATION_NO, SA_AREA, SA_COMPANY, SA_KIND, SA_OPERATION, SA_RELAY_NO, SA_SUPPLY_POINT } from '../../../workflows/search-attributes.js';
import { askPerson } from '../../../workflows/shared/ask-person.js';
import { Lifecycle } from '../../../workflows/shared/lifecycle.js';
import type { MaintenanceGuard } from '../../../workflows/shared/maintenance-guard.js';
import { Abandoned, needsDecisionFrom, type NeedsDecision } from '../../../workflows/shared/needs-decision.js';
import { StatusTracker } from './status-tracking.js';
import { ruleJudgement, switchingOutNeed } from './switching-out.decisions.js';
import {
  SWITCHING_OUT_KIND,
  SWITCHING_OUT_TERMINAL,
  type JudgeAccepted,
  type JudgementRecord,
  type MistakenOkAccepted,
  type RelayDetails,
  type SwitchingOutDecisionAccepted,
  type SwitchingOutDecisionReason,
  type SwitchingOutResult,
  type SwitchingOutStage,
  type SwitchingOutStatus,
} from './switching-out.defs.js';
import { occtoLifecycleActivities, occtoGuardOptions } from './occto-lifecycle.js';

const EVENTS_KEPT = 50;

type Parsed = ReturnType<typeof switchingOutInputSchema.parse>;

/** Refuses bad input, and a category OCCTO offers no switching-out for, before any call. */
export function parseSwitchingOutInput(raw: SwitchingOutInput): Parsed {
  const parsed = switchingOutInputSchema.safeParse(raw);
  if (!parsed.success) {
    const v = violationsFromZodError(parsed.error);
    throw ApplicationFailure.nonRetryable(`invalid switching-out input: ${formatViolations(v)}`, 'InvalidInput', v);
  }
  const offered = operationAvailability('SWITCHING_OUT', parsed.data.relay.category);
  if (!offered.ok) throw ApplicationFailure.nonRetryable(offered.message, OcctoFailure.NotOffered);
  return parsed.data;
}

export class SwitchingOut {
  readonly state: SwitchingOutStatus;
  private readonly lc: Lifecycle<SwitchingOutStage, SwitchingOutStatus>;
  private readonly guard: MaintenanceGuard;
  private readonly tracker: StatusTracker;
  private readonly occto: OcctoActivities;
  private readonly records: CustomerRecordActivities;
  private decision: SwitchingOutDecision | undefined;
  private readonly runTag = workflowInfo().runId.replace(/-/g, '').slice(0, 8);
  private attempt = 0;

  constructor(private readonly input: Parsed) {
    const { company, relay, options } = input;
    const { category, relayNo, supplyPointId } = relay;
    const area = areaOfSupplyPoint(supplyPointId);
    const { workflowId } = workflowInfo();
    const { occto, notify } = occtoLifecycleActivities(company);
    this.occto = occto;
    this.records = proxyActivities<CustomerRecordActivities>({
      taskQueue: CUSTOMER_RECORDS_TASK_QUEUE,
      startToCloseTimeout: '1 minute',
      // Bounded: without our records a person judges from the relay alone.
      scheduleToCloseTimeout: '10 minutes',
      retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
    });
    const state: SwitchingOutStatus = (this.state = {
      workflowId,
      kind: SWITCHING_OUT_KIND,
      stage: 'CHECKING_RECORDS',
      company,
      category,
      supplyPointId,
      pointIdLabel: category === 'FIT' ? '受電地点特定番号' : '供給地点特定番号',
      area,
      relayNo,
      newRetailerCode: relay.newRetailerCode,
      supplyStartDate: relay.supplyStartDate,
      stopDate: addDays(relay.supplyStartDate, -1),
      registeredAt: relay.registeredAt,
      awaitingHuman: false,
      events: [],
    });
    this.lc = new Lifecycle<SwitchingOutStage, SwitchingOutStatus>(state, {
      eventsKept: EVENTS_KEPT,
      awaitingHumanIn: ['AWAITING_JUDGEMENT', 'AWAITING_DECISION'],
      notify,
      details: () => [
        `**${state.stage}** · 廃止取次 ${relayNo} · ${category} · 新小売 ${state.newRetailerCode}`,
        state.recordCheck && `records: ${state.recordCheck.verdict}${state.recordCheck.mismatchedFields.length ? ` (${state.recordCheck.mismatchedFields.join(', ')})` : ''}`,
        state.judgement && `判断 ${state.judgement.judgement}${state.judgement.ngReasons.length ? ` NG理由 ${state.judgement.ngReasons.join(',')}` : ''} by ${state.judgement.decidedBy}`,
        state.pendingJudgement && `awaiting a judgement (due ${state.pendingJudgement.dueAt})`,
        state.applicationNo && `廃止申請 ${state.applicationNo} 受付工程 ${state.processingStage ?? '-'}`,
        state.decision && `awaiting a decision: ${state.decision.reason} — ${state.decision.message}`,
        state.mistakenOk && `mistaken OK reported by ${state.mistakenOk.reportedBy}`,
        state.waitingForMaintenanceUntil && `waiting for maintenance until ${state.waitingForMaintenanceUntil}`,
      ],
    });
    this.lc.identify([
      { key: SA_KIND, value: SWITCHING_OUT_KIND },
      { key: SA_OPERATION, value: 'SWITCHING_OUT' },
      { key: SA_COMPANY, value: company },
      { key: SA_AREA, value: area },
      { key: SA_SUPPLY_POINT, value: supplyPointId },
      { key: SA_RELAY_NO, value: relayNo },
    ]);
    this.guard = this.lc.maintenanceGuard(occtoGuardOptions({ area, unannouncedRetryMs: options.unannouncedOutageRetry, maintenance: options.maintenance }));
    this.tracker = new StatusTracker({ company, category, workflowId, mode: options.statusTracking, pollIntervalMs: options.pollInterval, record: this.lc.record });
    this.lc.acceptMaintenanceAnnouncements(this.guard);
  }

  get record(): (event: string) => void {
    return this.lc.record;
  }

  notify(kind: 'INFO' | 'ESCALATION', message: string): Promise<void> {
    return this.lc.notify(kind, message);
  }

  relayDetails(): RelayDetails {
    const { relay } = this.input;
    const { relayNo, category, supplyPointId, newRetailerCode, supplyStartDate, registeredAt, customer } = relay;
    return { relayNo, category, supplyPointId, newRetailerCode, supplyStartDate, registeredAt, customer };
  }

  // ---- messages from people ---------------------------------------------------------------------
  private ended(): boolean {
    return SWITCHING_OUT_TERMINAL.includes(this.state.stage);
  }

  judge(d: JudgeDecision): JudgeAccepted {
    const j = judgeDecisionSchema.parse(d);
    const ngReasons = j.judgement === 'NG' ? [...(j.ngReasons as number[])].sort((a, b) => a - b) : [];
    this.state.judgement = { judgement: j.judgement, ngReasons, decidedBy: j.decidedBy, by: 'person', decidedAt: new Date(Date.now()).toISOString(), comment: j.comment };
    this.lc.record(`判断 by ${j.decidedBy}: ${j.judgement}${ngReasons.length ? ` (NG理由 ${ngReasons.join(',')})` : ''}`);
    return { accepted: true, judgement: j.judgement, ngReasons };
  }

  validateJudgement(d: JudgeDecision): void {
    const { state } = this;
    if (this.ended()) throw new Error(`the switching has ended (${state.stage}): no judgement is awaited`);
    if (state.judgement) {
      const j = state.judgement;
      const where = j.registeredAt ? `registered with OCCTO at ${j.registeredAt}` : 'decided and being registered';
      throw new Error(
        `the judgement of 廃止取次 ${state.relayNo} is already ${j.judgement} (by ${j.decidedBy}, ${where}) and cannot be changed by the current retailer (docs/external-systems/occto-switching.md §4.3)` +
          (j.judgement === 'OK' ? `; if the OK was a mistake, use reportMistakenOk: the new retailer ${state.newRetailerCode} must cancel (取消) the relay and register it again` : ''),
      );
    }
    const r = judgeDecisionSchema.safeParse(d);
    if (!r.success) throw new Error(`judge: ${formatViolations(violationsFromZodError(r.error, 'judgement'))}`);
  }

  async reportMistakenOk(report: MistakenOkReport): Promise<MistakenOkAccepted> {
    const { state } = this;
    const r = mistakenOkReportSchema.parse(report);
    const instructions =
      `Tell the new retailer (事業者コード ${state.newRetailerCode}) that our OK on 廃止取次 ${state.relayNo} was a mistake: ` +
      `they must cancel (取消) it and register it again, and we judge the new registration. A current retailer cannot retract its own OK (docs/external-systems/occto-switching.md §4.3).`;
    state.mistakenOk = { reportedBy: r.reportedBy, reportedAt: new Date(Date.now()).toISOString(), instructions };
    this.lc.record(`mistaken OK reported by ${r.reportedBy}`);
    this.lc.refresh();
    await this.lc.notify('ESCALATION', `mistaken OK reported by ${r.reportedBy}: ${instructions}`);
    return { accepted: true, instructions };
  }

  validateMistakenOk(report: MistakenOkReport): void {
    const { state } = this;
    if (this.ended()) throw new Error(`the switching has ended (${state.stage})`);
    if (state.judgement?.judgement !== 'OK' || !state.judgement.registeredAt) {
      throw new Error(`reportMistakenOk applies only after an OK judgement was registered (judgement: ${state.judgement ? `${state.judgement.judgement}${state.judgement.registeredAt ? '' : ', not yet registered'}` : 'none yet'}); before that, judge with the judge update`);
    }
    if (state.mistakenOk) throw new Error(`a mistaken OK was already reported by ${state.mistakenOk.reportedBy} at ${state.mistakenOk.reportedAt}`);
    const r = mistakenOkReportSchema.safeParse(report);
    if (!r.success) throw new Error(`reportMistakenOk: ${formatViolations(violationsFromZodError(r.error, 'report'))}`);
  }

  decide(d: SwitchingOutDecision): SwitchingOutDecisionAccepted {
    const decision = (this.decision = switchingOutDecisionSchema.parse(d));
    this.lc.record(`decision by ${decision.decidedBy}: ${decision.action}`);
    return { accepted: true, action: decision.action };
  }

  validateDecision(d: SwitchingOutDecision): void {
    const { state } = this;
    if (state.stage !== 'AWAITING_DECISION' || !state.decision) throw new Error(`no decision is awaited: the switching is in stage ${state.stage}`);
    const r = switchingOutDecisionSchema.safeParse(d);
    if (!r.success) throw new Error(`decide: ${formatViolations(violationsFromZodError(r.error, 'decision'))}`);
    if (!state.decision.allowedActions.includes(r.data.action)) {
      throw new Error(`action must be one of ${state.decision.allowedActions.join(', ')} for ${state.decision.reason} (got '${r.data.action}')`);
    }
  }

  // ---- steps ------------------------------------------------------------------------------------
  /** Our customer records against the relay; unavailable records leave the judgement to a person. */
  async checkRecords(): Promise<void> {
    const { company, relay } = this.input;
    try {
      const check = (this.state.recordCheck = await this.records.checkRelayAgainstRecords({ company, category: relay.category, supplyPointId: relay.supplyPointId, relayNo: relay.relayNo, customer: relay.customer }));
      this.lc.record(`records: ${check.verdict}${check.mismatchedFields.length ? ` (differs: ${check.mismatchedFields.join(', ')})` : ''}`);
    } catch (err) {
      if (isCancellation(err)) throw err;
      this.lc.record(`customer records unavailable (${(err as Error).message}): a person judges from the relay alone`);
    }
  }

  /** The configured rule (the option, else the company's) judges a clear case; never without our records. */
  async judgeByRule(): Promise<void> {
    const { company, relay, options } = this.input;
    const { state } = this;
    let rule: AutoJudgeRule = NO_AUTO_JUDGE;
    if (options.autoJudge) rule = options.autoJudge;
    else if (state.recordCheck) rule = await this.records.autoJudgeRule({ company, category: relay.category }).catch(() => NO_AUTO_JUDGE);
    const byRule = ruleJudgement(rule, state.recordCheck);
    if (byRule && !state.judgement) {
      state.judgement = { ...byRule, decidedAt: new Date(Date.now()).toISOString() };
      this.lc.record(`判断 by ${byRule.decidedBy}: ${byRule.judgement}${byRule.ngReasons.length ? ` (NG理由 ${byRule.ngReasons.join(',')})` : ''}`);
    }
  }

  /** A person judges (update `judge`): reminders, then escalation at a cadence — no rule may judge in their place. */
  async awaitJudgementByPerson(): Promise<void> {
    const { state } = this;
    const { relayNo } = this.input.relay;
    await askPerson(this.lc, {
      stage: 'AWAITING_JUDGEMENT',
      deadlineMs: this.input.options.judgementDeadline,
      open: ({ askedAt, dueAt }) => (state.pendingJudgement = { askedAt, dueAt, remindersSent: 0, escalations: 0 }),
      notice: `廃止取次 ${relayNo} from 新小売 ${state.newRetailerCode} awaits a judgement (records: ${state.recordCheck?.verdict ?? 'unavailable'})`,
      answered: () => state.judgement !== undefined,
      wait: { reminderInterval: this.input.options.reminderInterval, escalationInterval: this.input.options.escalationInterval },
      reminder: () => `廃止取次 ${relayNo} still awaits a judgement`,
      onEscalation: (q) => {
        q.escalations += 1;
        this.lc.record(`judgement overdue (due ${q.dueAt}): escalated`);
      },
      escalation: (q) => `廃止取次 ${relayNo} was not judged by ${q.dueAt}: still waiting for a person (no rule may judge it)`,
    });
    state.pendingJudgement = undefined;
  }

  /** スイッチング廃止取次判断 (IS_x20410, OCCTO-internal). Cannot be changed afterwards. */
  async registerJudgement(judgement: JudgementRecord): Promise<void> {
    const { company, relay } = this.input;
    const { category, relayNo, supplyPointId } = relay;
    this.lc.setStage('REGISTERING_JUDGEMENT');
    await this.step(async () => {
      const r = await this.guard.run({ scope: 'system-wide' }, () => this.occto.judgeRelay({ company, category, relayNo, supplyPointId, judgement: judgement.judgement, ngReasons: judgement.ngReasons }));
      judgement.registeredAt = new Date(Date.now()).toISOString();
      this.lc.record(`判断 ${judgement.judgement} registered${r.alreadyJudged ? ' (found already registered after an ambiguous failure)' : ''}`);
    });
  }

  /** スイッチング廃止申請, each attempt with its own 事業者管理番号; returns the 申込番号. */
  async applyStop(): Promise<string> {
    const { company, relay } = this.input;
    const { category, relayNo, supplyPointId } = relay;
    const { state } = this;
    this.attempt += 1;
    const requestRef = `SO-${supplyPointId}-${this.runTag}-${this.attempt}`;
    this.lc.setStage('APPLYING_STOP');
    const applied = await this.step(() => this.guard.run({ scope: 'area' }, () => this.occto.applySwitchingStop({ company, category, supplyPointId, relayNo, stopDate: state.stopDate, requestRef })));
    state.applicationNo = applied.applicationNo;
    upsertSearchAttributes([{ key: SA_APPLICATION_NO, value: applied.applicationNo }]);
    this.lc.record(`スイッチング廃止申請 filed: ${applied.applicationNo}${applied.alreadyApplied ? ' (found after an ambiguous failure)' : ''}`);
    return applied.applicationNo;
  }

  /** Its 受付工程 until final (06/08 completed, 09 rejected), through the batched poller. */
  async awaitProcessing(applicationNo: string): Promise<ProcessingStatus> {
    const { company, relay } = this.input;
    const { category, supplyPointId } = relay;
    const { state } = this;
    this.lc.setStage('AWAITING_PROCESSING');
    return this.step(() =>
      this.tracker.awaitApplication(
        { applicationNo, kind: 'SWITCHING_STOP' },
        () => this.guard.run({ scope: 'area' }, () => this.occto.checkApplicationStatus({ company, category, applicationNo, supplyPointId, kind: 'SWITCHING_STOP' })),
        (s) => {
          if (s.stageCode !== state.processingStage) this.lc.record(`受付工程 ${s.stageCode} (${s.state})`);
          state.processingStage = s.stageCode;
          state.plannedDate = s.plannedDate;
          state.actualDate = s.actualDate;
          this.lc.refresh();
        },
      ),
    );
  }

  /** A person decides after a business error (retry / abandon). Undefined when `orWhen` made the question moot first. */
  async askDecision(need: NeedsDecision<SwitchingOutDecisionReason>, orWhen: () => boolean = () => false): Promise<SwitchingOutDecision | undefined> {
    const { state } = this;
    const { reason, message, facts } = need;
    const resume = state.stage;
    await askPerson(this.lc, {
      stage: 'AWAITING_DECISION',
      deadlineMs: this.input.options.judgementDeadline,
      open: ({ askedAt, dueAt }) => {
        const allowedActions: ('retry' | 'abandon')[] = reason === 'ALREADY_JUDGED' ? ['abandon'] : ['retry', 'abandon'];
        const q = (state.decision = { reason, code: facts.code, message, allowedActions, askedAt, dueAt, remindersSent: 0, escalations: 0 });
        this.decision = undefined;
        return q;
      },
      asked: `awaiting a decision: ${reason}${facts.code ? ` ${facts.code}` : ''} — ${message}`,
      notice: `decision needed: ${reason} — ${message}`,
      answered: () => this.decision !== undefined || orWhen(),
      wait: { reminderInterval: this.input.options.reminderInterval, escalationInterval: this.input.options.escalationInterval },
      reminder: () => `decision still needed: ${reason}`,
      onEscalation: (q) => {
        q.escalations += 1;
      },
      escalation: (q) => `no decision on ${reason} since ${q.askedAt}: still waiting (a customer's switch depends on it)`,
    });
    state.decision = undefined;
    this.lc.setStage(resume);
    return this.decision;
  }

  /** Ends with `result` once every handler (a mistaken-OK notice) is done. */
  async finish(result: SwitchingOutResult, stage: SwitchingOutStage): Promise<SwitchingOutResult> {
    this.state.outcome = result;
    this.state.pendingJudgement = undefined;
    this.lc.setStage(stage);
    await condition(allHandlersFinished);
    return result;
  }

  /** Runs a step; a business error goes to a person (retry / abandon), never a silent failure. */
  private async step<T>(run: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await run();
      } catch (err) {
        if (isCancellation(err)) throw err;
        const d = await this.askDecision(needsDecisionFrom(err, switchingOutNeed));
        if (d?.action === 'abandon') throw new Abandoned(d.reason, d.decidedBy);
      }
    }
  }
}
