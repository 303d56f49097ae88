// The steps of a new-retailer switching (switching-in.ts reads them as the business process): its
// state and status, the person's decision, and each call to OCCTO behind the maintenance guard.
import { ApplicationFailure, CancellationScope, patched, sleep, workflowInfo } from '@temporalio/workflow';
import type { ApplySwitchingStartResult, OcctoActivities, ProcessingStatus, RelayResult } from '../activities/contract.js';
import { areaOfSupplyPoint } from '../../../domain/supply-point.js';
import { jstDate } from '../../../domain/jst.js';
import { checkSupplyStartDate } from '../domain/start-date-rules.js';
import { violationsFromZodError, formatViolations } from '../../../domain/errors.js';
import { switchingInInputSchema, type SwitchingInCorrection, type SwitchingInInput, type SwitchingInParsed } from '../domain/switching-in.js';
import { SA_AREA, SA_COMPANY, SA_KIND, SA_SUPPLY_POINT } from '../../../workflows/search-attributes.js';
import { askPerson } from '../../../workflows/shared/ask-person.js';
import { Lifecycle } from '../../../workflows/shared/lifecycle.js';
import type { MaintenanceGuard } from '../../../workflows/shared/maintenance-guard.js';
import { NeedsDecision, needsDecisionFrom } from '../../../workflows/shared/needs-decision.js';
import { StatusTracker } from './status-tracking.js';
import { applyCorrections, switchingInNeed, validateDecision } from './switching-in.decisions.js';
import {
  ALLOWED_ACTIONS,
  SWITCHING_IN_KIND,
  type DecisionAccepted,
  type DecisionReason,
  type SwitchingInDecision,
  type SwitchingInResult,
  type SwitchingInStage,
  type SwitchingInStatus,
} from './switching-in.defs.js';
import { occtoLifecycleActivities, occtoGuardOptions } from './occto-lifecycle.js';

const EVENTS_KEPT = 50;

/** Bad input is refused with every field named; nothing was registered, so nothing is lost. */
export function parseSwitchingInInput(raw: SwitchingInInput): SwitchingInParsed {
  const parsed = switchingInInputSchema.safeParse(raw);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `invalid switching-in input: ${formatViolations(violationsFromZodError(parsed.error))}`,
      'InvalidInput',
      violationsFromZodError(parsed.error),
    );
  }
  return parsed.data;
}

export class SwitchingIn {
  readonly state: SwitchingInStatus;
  private readonly lc: Lifecycle<SwitchingInStage, SwitchingInStatus>;
  private readonly guard: MaintenanceGuard;
  private readonly tracker: StatusTracker;
  private readonly occto: OcctoActivities;
  /** A registration of ours that 取消 would have to undo. */
  private relayOpen = false;
  private applicationOpen = false;
  private decision: SwitchingInDecision | undefined;
  /** Where 'retry' resumes. */
  private failedStage: SwitchingInStage = 'REGISTERING_RELAY';
  /** Decided once, at the first wait, so a workflow never mixes own polling and the batched poller. */
  private batchedTracking: boolean | undefined;
  /** 事業者管理番号 (≤ 40 chars): unique per run and submission, so a retry finds exactly its own write. */
  private readonly runTag = workflowInfo().runId.replace(/-/g, '').slice(0, 8);

  constructor(private input: SwitchingInParsed) {
    const { company, category, supplyPointId, options } = input;
    const area = areaOfSupplyPoint(supplyPointId);
    const { workflowId } = workflowInfo();
    const { occto, notify } = occtoLifecycleActivities(company);
    this.occto = occto;
    const state: SwitchingInStatus = (this.state = {
      workflowId,
      kind: SWITCHING_IN_KIND,
      stage: 'VALIDATING',
      company,
      category,
      supplyPointId,
      area,
      supplyStartDate: input.supplyStartDate,
      submission: 1,
      awaitingHuman: false,
      events: [],
    });
    this.lc = new Lifecycle<SwitchingInStage, SwitchingInStatus>(state, {
      eventsKept: EVENTS_KEPT,
      awaitingHumanIn: ['AWAITING_DECISION'],
      notify,
      details: () => [
        `**${state.stage}** · submission ${state.submission}`,
        state.relayNo && `廃止取次番号 ${state.relayNo} (${state.relayJudgement ?? 'registered'})`,
        state.applicationNo && `申込番号 ${state.applicationNo} 受付工程 ${state.processingStage ?? '-'}`,
        state.decision && `awaiting decision: ${state.decision.reason} — ${state.decision.message} (due ${state.decision.dueAt})`,
        state.waitingForMaintenanceUntil && `waiting for maintenance until ${state.waitingForMaintenanceUntil}`,
      ],
    });
    this.lc.identify([
      { key: SA_KIND, value: SWITCHING_IN_KIND },
      { key: SA_COMPANY, value: company },
      { key: SA_AREA, value: area },
      { key: SA_SUPPLY_POINT, value: supplyPointId },
    ]);
    this.guard = this.lc.maintenanceGuard(occtoGuardOptions({ area, unannouncedRetryMs: options.unannouncedOutageRetry, maintenance: options.maintenance }));
    // Batched status tracking (one poller per company and category) replaced per-workflow polling.
    this.tracker = new StatusTracker({ company, category, workflowId, mode: 'auto', pollIntervalMs: options.pollInterval, record: this.lc.record });
    this.lc.acceptMaintenanceAnnouncements(this.guard);
  }

  // ---- the person's decision (update `decide`) ---------------------------------------------------
  decide(d: SwitchingInDecision): DecisionAccepted {
    this.decision = d;
    this.lc.record(`decision by ${d.decidedBy}: ${d.action}`);
    const nextStage = d.action === 'abandon' ? 'ABANDONED' : d.action === 'resubmit' ? 'REGISTERING_RELAY' : this.failedStage;
    return { accepted: true, action: d.action, nextStage };
  }

  validateDecision(d: SwitchingInDecision): void {
    validateDecision(d, this.state, this.input);
  }

  // ---- steps ------------------------------------------------------------------------------------
  /** スイッチング廃止取次登録, after the supply start date rules. */
  async register(): Promise<void> {
    const { input, state } = this;
    this.lc.setStage('REGISTERING_RELAY');
    const startCheck = checkSupplyStartDate({
      category: input.category,
      supplyStartDate: input.supplyStartDate,
      today: jstDate(Date.now()),
      nextButOneMeterReadingDate: input.nextButOneMeterReadingDate,
    });
    if (!startCheck.ok) throw new NeedsDecision('BUSINESS_ERROR', startCheck.message, { code: startCheck.rule });
    const r = await this.guard.run({ scope: 'system-wide' }, () =>
      this.occto.registerRelay({
        company: input.company,
        category: input.category,
        supplyPointId: input.supplyPointId,
        supplyStartDate: input.supplyStartDate,
        currentRetailerCode: input.currentRetailerCode,
        customer: input.customer,
        requestRef: this.requestRef(),
      }),
    );
    state.relayNo = r.relayNo;
    state.relayJudgement = 'PENDING';
    this.relayOpen = true;
    this.lc.record(`廃止取次 registered: ${r.relayNo}${r.alreadyRegistered ? ' (found after an ambiguous failure, not registered twice)' : ''}`);
  }

  /** The current retailer's 判断 of our 廃止取次. */
  async awaitJudgement(): Promise<RelayResult> {
    const { company, category, supplyPointId } = this.input;
    const relayNo = this.state.relayNo!;
    this.lc.setStage('AWAITING_JUDGEMENT');
    const query = () => this.guard.run({ scope: 'system-wide' }, () => this.occto.queryRelayResult({ company, category, relayNo, supplyPointId }));
    const r = this.useBatchedTracking()
      ? await this.tracker.awaitRelay({ relayNo }, query, (u) => {
          this.state.relayJudgement = u.judgement;
        })
      : await this.pollOnOurOwn(query, (u) => {
          this.state.relayJudgement = u.judgement;
          return u.judgement !== 'PENDING';
        });
    this.lc.record(`判断: ${r.judgement}${r.ngReasons.length ? ` (NG理由 ${r.ngReasons.join(',')})` : ''}`);
    return r;
  }

  /** The judged relay blocks nothing any more (判断済み or cancelled): a corrected one is a new registration. */
  relayClosed(): void {
    this.relayOpen = false;
  }

  /** スイッチング開始申請. */
  async applyStart(): Promise<ApplySwitchingStartResult> {
    const { input, state } = this;
    this.lc.setStage('APPLYING_START');
    const r = await this.guard.run({ scope: 'area' }, () =>
      this.occto.applySwitchingStart({
        company: input.company,
        category: input.category,
        supplyPointId: input.supplyPointId,
        relayNo: state.relayNo!,
        supplyStartDate: input.supplyStartDate,
        customer: input.customer,
        requestRef: this.requestRef(),
      }),
    );
    state.applicationNo = r.applicationNo;
    this.applicationOpen = true;
    this.lc.record(`スイッチング開始申請 filed: ${r.applicationNo}${r.alreadyApplied ? ' (found after an ambiguous failure)' : ''}`);
    return r;
  }

  /** 業務処理状況確認 until 受付工程 06/08 (completed) or 09 (rejected); the application is then closed either way. */
  async awaitProcessing(): Promise<ProcessingStatus> {
    const { company, category, supplyPointId } = this.input;
    const applicationNo = this.state.applicationNo!;
    this.lc.setStage('AWAITING_PROCESSING');
    const check = () => this.guard.run({ scope: 'area' }, () => this.occto.checkSwitchingStartStatus({ company, category, applicationNo, supplyPointId }));
    const note = (s: ProcessingStatus) => {
      if (s.stageCode !== this.state.processingStage) this.lc.record(`受付工程 ${s.stageCode} (${s.state})`);
      this.state.processingStage = s.stageCode;
      this.state.plannedDate = s.plannedDate;
      this.state.actualDate = s.actualDate;
    };
    const s = this.useBatchedTracking()
      ? await this.tracker.awaitApplication({ applicationNo, kind: 'SWITCHING_START' }, check, note)
      : await this.pollOnOurOwn(check, (u) => {
          note(u);
          return u.state !== 'IN_PROGRESS';
        });
    this.applicationOpen = false;
    return s;
  }

  complete(processed: ProcessingStatus): SwitchingInResult {
    this.relayOpen = false;
    const result: SwitchingInResult = {
      outcome: 'COMPLETED',
      relayNo: this.state.relayNo!,
      applicationNo: this.state.applicationNo!,
      switchingDate: processed.actualDate,
      plannedDate: processed.plannedDate,
    };
    this.state.outcome = result;
    this.lc.setStage('COMPLETED');
    this.lc.record(`switching completed${processed.actualDate ? ` on ${processed.actualDate}` : ''}`);
    return result;
  }

  /** Waits for a person, with reminders, until the deadline; their decision, or abandon at the deadline. */
  async askPerson(err: unknown): Promise<SwitchingInDecision> {
    this.failedStage = this.state.stage;
    const { reason, message, facts } = needsDecisionFrom<DecisionReason>(err, switchingInNeed);
    const answered = await askPerson(this.lc, {
      stage: 'AWAITING_DECISION',
      deadlineMs: this.input.options.decisionDeadline,
      open: ({ askedAt, dueAt }) => {
        this.decision = undefined;
        const allowedActions = ALLOWED_ACTIONS[reason];
        return (this.state.decision = { reason, code: facts.code, message, ngReasons: facts.ngReasons, allowedActions, askedAt, dueAt, remindersSent: 0 });
      },
      asked: `awaiting a decision: ${reason}${facts.code ? ` ${facts.code}` : ''} — ${message}`,
      notice: `decision needed: ${reason} — ${message}`,
      answered: () => this.decision !== undefined,
      wait: { reminderInterval: this.input.options.reminderInterval, timers: 'cancelled' },
      reminder: () => `decision still needed: ${reason}`,
      escalation: (q) => `no decision by ${q.dueAt}: switching abandoned`,
    });
    const dueAt = this.state.decision!.dueAt;
    this.state.decision = undefined;
    this.state.awaitingHuman = false;
    return answered && this.decision ? this.decision : { action: 'abandon', decidedBy: 'system', reason: `no decision before the deadline ${dueAt}` };
  }

  /** A corrected 廃止取次 is a new registration; whatever of ours is still open goes first. */
  async resubmit(corrections: SwitchingInCorrection): Promise<void> {
    await this.compensate();
    const { state } = this;
    this.input = applyCorrections(this.input, corrections);
    state.supplyStartDate = this.input.supplyStartDate;
    state.submission += 1;
    state.relayNo = undefined;
    state.relayJudgement = undefined;
    state.applicationNo = undefined;
    state.processingStage = undefined;
  }

  async abandon(d: { reason: string; decidedBy: string }): Promise<SwitchingInResult> {
    await CancellationScope.nonCancellable(() => this.compensate());
    const result: SwitchingInResult = { outcome: 'ABANDONED', reason: d.reason, decidedBy: d.decidedBy };
    this.state.outcome = result;
    this.lc.setStage('ABANDONED');
    this.lc.record(`abandoned: ${d.reason}`);
    return result;
  }

  /** Cancelled by a person or the business app: undo what was registered, then end as cancelled. */
  async cancelled(): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      this.lc.record('cancel requested: compensating');
      await this.compensate();
      this.state.awaitingHuman = false;
      this.state.decision = undefined;
      this.lc.setStage('CANCELLED');
    });
  }

  /** 取消 of whatever of ours is still open. Safe to repeat: the activities treat "already cancelled" as done. */
  private async compensate(): Promise<void> {
    if (!this.relayOpen && !this.applicationOpen) return;
    const { company, category, supplyPointId } = this.input;
    const { state } = this;
    const previous = state.stage;
    this.lc.setStage('COMPENSATING');
    if (this.applicationOpen && state.applicationNo) {
      await this.guard.run({ scope: 'area' }, () => this.occto.cancelSwitchingStart({ company, category, applicationNo: state.applicationNo!, supplyPointId }));
      this.applicationOpen = false;
      this.lc.record(`スイッチング開始申請 ${state.applicationNo} cancelled (取消)`);
    }
    if (this.relayOpen && state.relayNo) {
      await this.guard.run({ scope: 'system-wide' }, () => this.occto.cancelRelay({ company, category, relayNo: state.relayNo!, supplyPointId }));
      this.relayOpen = false;
      this.lc.record(`廃止取次 ${state.relayNo} cancelled (取消)`);
    }
    state.stage = previous;
  }

  private requestRef(): string {
    return `SI-${this.input.supplyPointId}-${this.runTag}-${this.state.submission}`;
  }

  /** patched(): histories recorded before the batched poller keep polling on their own when replayed. */
  private useBatchedTracking(): boolean {
    return (this.batchedTracking ??= patched('batched-status-tracking'));
  }

  /** Polls until `final` says so (the tracking of workflows older than the batched poller). */
  private async pollOnOurOwn<T>(poll: () => Promise<T>, final: (t: T) => boolean): Promise<T> {
    for (;;) {
      const t = await poll();
      if (final(t)) return t;
      await sleep(this.input.options.pollInterval);
    }
  }
}
