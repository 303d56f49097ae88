// The steps of a construction application (construction.ts reads them as the business process):
// its state and status, the messages people send (correct, confirmCompletion, cancelApplication),
// and each call to たくそう君 — outside maintenance windows and, for writes on the application
// number, ≥ 1 s after the previous response.
import { ApplicationFailure, CancellationScope, condition, isCancellation, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { NotificationActivities } from '../../../activities/notifications/contract.js';
import type { AcceptanceResult, TakusouActivities } from '../activities/contract.js';
import type { FleetActivities } from '../../../activities/fleet/fleet.js';
import { TakusouFailure } from '../activities/contract.js';
import {
  completionConfirmationSchema,
  constructionCancelSchema,
  constructionCorrectionSchema,
  constructionInputSchema,
  type ConstructionInput,
  type ConstructionParsed,
  type FileRef,
} from '../domain/construction.js';
import { formatViolations, violationsFromZodError } from '../../../domain/errors.js';
import { jstDate } from '../../../domain/jst.js';
import { KANSAI_TD_DEFAULT_MAINTENANCE } from '../../../domain/maintenance.js';
import { NOTIFY_TASK_QUEUE, takusouTaskQueue } from '../../../domain/task-queues.js';
import { SA_APPLICATION_NO, SA_AREA, SA_COMPANY, SA_CONSTRUCTION_KIND, SA_KIND } from '../../../workflows/search-attributes.js';
import { askPerson } from '../../../workflows/shared/ask-person.js';
import { waitForPerson } from '../../../workflows/shared/human-wait.js';
import { Lifecycle } from '../../../workflows/shared/lifecycle.js';
import type { MaintenanceGuard } from '../../../workflows/shared/maintenance-guard.js';
import { needsDecisionFrom, type NeedsDecision } from '../../../workflows/shared/needs-decision.js';
import { ApplicationSpacing } from './application-spacing.js';
import { applicationData, constructionNeed, mergeCorrection, type ConstructionDecisionReason } from './construction.decisions.js';
import { noticeWatcherWorkflowId } from './notice-watcher.defs.js';
import {
  CONSTRUCTION_KIND_SA,
  type CancelRequest,
  type CompletionConfirmation,
  type ConstructionCorrection,
  type ConstructionResult,
  type ConstructionStage,
  type ConstructionStatus,
} from './construction.defs.js';

const KANSAI_AREA = '06';
const EVENTS_KEPT = 60;

/** Ends the flow when a person cancels; handled at the top. */
export class CancelRequested extends Error {
  constructor(readonly request: CancelRequest) {
    super('cancel requested');
  }
}

export function parseConstructionInput(raw: ConstructionInput): ConstructionParsed {
  const parsed = constructionInputSchema.safeParse(raw);
  if (!parsed.success) {
    const v = violationsFromZodError(parsed.error);
    throw ApplicationFailure.nonRetryable(`invalid construction input: ${formatViolations(v)}`, 'InvalidInput', v);
  }
  return parsed.data;
}

export class Construction {
  readonly state: ConstructionStatus;
  /** 集団: the group APIs. */
  readonly group: boolean;
  private readonly lc: Lifecycle<ConstructionStage, ConstructionStatus>;
  private readonly guard: MaintenanceGuard;
  private readonly spacing = new ApplicationSpacing();
  private readonly ktd: TakusouActivities;
  private readonly fleet: FleetActivities;
  private readonly corrections: ConstructionCorrection[] = [];
  private cancelRequest: CancelRequest | undefined;
  private confirmation: CompletionConfirmation | undefined;
  private completionFiled = false;
  /** File ref → file ID, for the current application. */
  private readonly attachedRefs = new Map<string, string>();
  private readonly runTag = workflowInfo().runId.replace(/-/g, '').slice(0, 8);

  constructor(public input: ConstructionParsed) {
    const { company, kind, reference, options } = input;
    this.group = kind === 'SHUDAN';
    const { workflowId } = workflowInfo();
    this.ktd = proxyActivities<TakusouActivities>({
      taskQueue: takusouTaskQueue(company),
      startToCloseTimeout: '2 minutes',
      scheduleToCloseTimeout: '6 hours',
      retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
    });
    const notify = proxyActivities<NotificationActivities>({ taskQueue: NOTIFY_TASK_QUEUE, startToCloseTimeout: '30 seconds' });
    this.fleet = proxyActivities<FleetActivities>({ taskQueue: NOTIFY_TASK_QUEUE, startToCloseTimeout: '30 seconds' });
    const state: ConstructionStatus = (this.state = {
      workflowId,
      kind,
      company,
      reference,
      stage: 'VALIDATING',
      attachedFiles: [],
      processSteps: [],
      corrections: 0,
      awaitingHuman: false,
      events: [],
    });
    this.lc = new Lifecycle<ConstructionStage, ConstructionStatus>(state, {
      eventsKept: EVENTS_KEPT,
      awaitingHumanIn: ['AWAITING_DECISION', 'AWAITING_COMPLETION'],
      notify,
      details: () => [
        `**${state.stage}** · ${kind} · 申込番号 ${state.applicationNo ?? '-'}`,
        state.acceptance && `受付結果 ${state.acceptance}`,
        state.processSteps.length > 0 && `工程 ${state.processSteps.map((s) => s.name).join(' → ')}`,
        state.decision && `awaiting a decision: ${state.decision.reason} — ${state.decision.message}`,
        state.waitingForMaintenanceUntil && `waiting for maintenance until ${state.waitingForMaintenanceUntil}`,
      ],
    });
    this.lc.identify([
      { key: SA_KIND, value: CONSTRUCTION_KIND_SA },
      { key: SA_CONSTRUCTION_KIND, value: kind },
      { key: SA_COMPANY, value: company },
      { key: SA_AREA, value: KANSAI_AREA },
    ]);
    this.guard = this.lc.maintenanceGuard({
      system: 'kansai-takusou',
      maintenance: options.maintenance ?? KANSAI_TD_DEFAULT_MAINTENANCE,
      area: KANSAI_AREA,
      unannouncedRetryMs: options.unannouncedOutageRetry,
      maintenanceFailureType: TakusouFailure.Maintenance,
    });
  }

  /** Windows announced in お知らせ before this workflow started; the watcher signals later ones. */
  async subscribeToMaintenanceNotices(): Promise<void> {
    const { company } = this.input;
    for (const w of await this.fleet.subscribeToMaintenance({ watcherWorkflowId: noticeWatcherWorkflowId(company), subscriberWorkflowId: this.state.workflowId })) {
      this.guard.announce(w);
    }
    this.lc.acceptMaintenanceAnnouncements(this.guard);
  }

  // ---- messages from people ---------------------------------------------------------------------
  private terminal(): boolean {
    return this.state.stage === 'COMPLETED' || this.state.stage === 'CANCELLED' || this.state.stage === 'CANCELLING';
  }

  correct(c: ConstructionCorrection): { accepted: true } {
    this.corrections.push(c);
    this.lc.record(`correction requested by ${c.correctedBy}`);
    return { accepted: true };
  }

  validateCorrection(c: ConstructionCorrection): void {
    const { state } = this;
    if (this.terminal() || this.completionFiled) throw new Error(`a correction is no longer possible: the application is in stage ${state.stage}${this.completionFiled ? ' (竣工届 filed)' : ''}`);
    const r = constructionCorrectionSchema.safeParse(c);
    if (!r.success) throw new Error(`correction: ${formatViolations(violationsFromZodError(r.error))}`);
    const retryOnly = state.decision && (state.decision.reason === 'UNREACHABLE' || state.decision.reason === 'MALFORMED_RESPONSE');
    if (!retryOnly && !r.data.files?.length && !Object.keys(r.data.changes ?? {}).length) {
      throw new Error('correction must change at least one item or attach at least one file');
    }
    if (r.data.changes) {
      const merged = constructionInputSchema.safeParse(mergeCorrection(this.input, r.data as ConstructionCorrection));
      if (!merged.success) throw new Error(`correction: ${formatViolations(violationsFromZodError(merged.error))}`);
    }
  }

  confirmCompletion(c: CompletionConfirmation): { accepted: true } {
    this.confirmation = c;
    this.lc.record(`completion confirmed by ${c.confirmedBy} (completed on ${c.completedOn})`);
    return { accepted: true };
  }

  validateConfirmation(c: CompletionConfirmation): void {
    const { stage } = this.state;
    if (stage !== 'AWAITING_COMPLETION' && stage !== 'IN_PROGRESS') {
      throw new Error(`completion can be confirmed once the application is accepted (stage now ${stage})`);
    }
    if (this.confirmation) throw new Error('completion was already confirmed');
    const r = completionConfirmationSchema.safeParse(c);
    if (!r.success) throw new Error(formatViolations(violationsFromZodError(r.error)));
    if (r.data.completedOn > jstDate(Date.now())) throw new Error(`completedOn ${r.data.completedOn} is in the future`);
  }

  cancelApplication(c: CancelRequest): { accepted: true } {
    this.cancelRequest = c;
    this.lc.record(`cancellation requested by ${c.requestedBy}`);
    return { accepted: true };
  }

  validateCancel(c: CancelRequest): void {
    if (this.terminal()) throw new Error(`the application is already ${this.state.stage}`);
    if (this.state.stage === 'AWAITING_RESULT') throw new Error('the 竣工届 is filed: the application can no longer be cancelled through the API');
    const r = constructionCancelSchema.safeParse(c);
    if (!r.success) throw new Error(formatViolations(violationsFromZodError(r.error)));
  }

  // ---- steps ------------------------------------------------------------------------------------
  /** 申込 (常時/臨時/街路灯/集団). */
  async apply(): Promise<void> {
    const { company, kind } = this.input;
    this.lc.setStage('APPLYING');
    const r = await this.spaced(() => this.ktd.apply({ company, kind, requestRef: this.requestRef(), application: applicationData(this.input) }));
    this.setApplicationNo(r.applicationNo);
    this.lc.record(`申込 filed: ${r.applicationNo}${r.alreadyApplied ? ' (found after an ambiguous failure, not applied twice)' : ''}`);
  }

  /** ファイル添付; a step repeated after a failure or correction does not attach the same file twice. */
  async attach(files: FileRef[]): Promise<string[]> {
    const { company } = this.input;
    this.lc.setStage('ATTACHING_FILES');
    const ids: string[] = [];
    for (const file of files) {
      const done = this.attachedRefs.get(file.ref);
      if (done) {
        ids.push(done);
        continue;
      }
      const r = await this.unspaced(() => this.ktd.attachFile({ company, applicationNo: this.state.applicationNo!, file }));
      this.attachedRefs.set(file.ref, r.fileId);
      this.state.attachedFiles.push({ documentType: file.documentType, fileId: r.fileId });
      ids.push(r.fileId);
      this.lc.record(`file attached: ${file.documentType} → ${r.fileId}`);
    }
    return ids;
  }

  /** 集団申込完了. */
  async completeGroupApplication(): Promise<void> {
    this.lc.setStage('COMPLETING_GROUP');
    await this.spaced(() => this.ktd.completeGroupApplication({ company: this.input.company, kind: this.input.kind, applicationNo: this.state.applicationNo! }));
    this.lc.record('集団申込完了 sent');
  }

  /** 受付結果, polled until KTD decides. */
  async awaitAcceptance(): Promise<AcceptanceResult> {
    this.lc.setStage('AWAITING_ACCEPTANCE');
    for (;;) {
      const [r] = await this.unspaced(() => this.ktd.getAcceptanceResults(this.retrieval()));
      if (r && r.status !== 'PENDING') {
        this.state.acceptance = r.status;
        this.lc.record(`受付結果: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
        return r;
      }
      await this.pause(this.input.options.pollInterval);
    }
  }

  /** 工程 and 契約算定, until the contract is calculated and the work is done (or confirmed done). */
  async followProgress(): Promise<void> {
    const { state } = this;
    this.lc.setStage('IN_PROGRESS');
    for (;;) {
      const [p] = await this.unspaced(() => this.ktd.getProcessInfo(this.retrieval()));
      if (p && p.steps.length !== state.processSteps.length) {
        state.processSteps = p.steps;
        this.lc.record(`工程: ${p.steps.map((s) => s.name).join(' → ')}`);
        this.lc.refresh();
      }
      if (!state.contractCalculation) {
        const [c] = await this.unspaced(() => this.ktd.getContractCalculations(this.retrieval()));
        if (c?.available) {
          state.contractCalculation = { contractCapacity: c.contractCapacity, amountYen: c.amountYen };
          this.lc.record(`契約算定: ${c.contractCapacity ?? '-'}${c.amountYen !== undefined ? `, ${c.amountYen} 円` : ''}`);
        }
      }
      if (state.contractCalculation && (p?.workDone || this.confirmation)) return;
      await this.pause(this.input.options.pollInterval);
    }
  }

  /** The person's confirmation, with reminders; escalates once at the deadline and keeps waiting. Corrections are applied meanwhile. */
  async awaitCompletion(): Promise<void> {
    const { options } = this.input;
    const dueAt = new Date(Date.now() + options.decisionDeadline).toISOString();
    this.state.completionDueAt = dueAt;
    this.lc.setStage('AWAITING_COMPLETION', dueAt);
    if (!this.confirmation) await this.lc.notify('INFO', 'confirm completion of the work with the completion documents', dueAt);
    await waitForPerson(() => this.confirmation !== undefined, {
      cadence: 'steady',
      timers: 'cancelled',
      dueAt: Date.parse(dueAt),
      reminderInterval: options.reminderInterval,
      wakeOn: () => this.cancelRequest !== undefined || this.corrections.length > 0,
      afterWake: () => this.applyPending(),
      remind: () => this.lc.notify('REMINDER', 'completion still to be confirmed', dueAt),
      escalate: () => this.lc.notify('ESCALATION', `completion not confirmed by ${dueAt}`, dueAt),
    });
  }

  /** 竣工届, with the completion documents. */
  async fileCompletion(): Promise<void> {
    const c = this.confirmation!;
    const fileIds = await this.attach(c.documents);
    this.lc.setStage('FILING_COMPLETION');
    await this.spaced(() => this.ktd.fileCompletionNotice({ company: this.input.company, kind: this.input.kind, applicationNo: this.state.applicationNo!, completedOn: c.completedOn, fileIds }));
    this.completionFiled = true;
    this.lc.record(`竣工届 filed (completed on ${c.completedOn})`);
  }

  /** 結果通知. */
  async awaitResult(): Promise<void> {
    this.lc.setStage('AWAITING_RESULT');
    for (;;) {
      const [r] = await this.unspaced(() => this.ktd.getResultNotifications(this.retrieval()));
      if (r?.available) {
        this.state.result = { supplyStartDate: r.supplyStartDate, supplyPointId: r.supplyPointId };
        this.lc.record(`結果通知: 供給開始日 ${r.supplyStartDate ?? '-'}`);
        return;
      }
      await this.pause(this.input.options.pollInterval);
    }
  }

  completed(): ConstructionResult {
    this.lc.setStage('COMPLETED');
    return { outcome: 'COMPLETED', applicationNo: this.state.applicationNo!, ...this.state.result };
  }

  /** A person decides after `err`; applying their answer can fail in turn (a refused 訂正): ask again, never fail. */
  async decideAfter(err: unknown): Promise<NeedsDecision<ConstructionDecisionReason>> {
    let need = needsDecisionFrom(err, constructionNeed);
    for (;;) {
      try {
        await this.askPerson(need);
        return need;
      } catch (again) {
        if (isCancellation(again) || again instanceof CancelRequested) throw again;
        need = needsDecisionFrom(again, constructionNeed);
      }
    }
  }

  /** 申込取消 (unless KTD rejected the application: nothing to cancel), then CANCELLED. */
  async cancel(request: CancelRequest): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      const { state } = this;
      this.lc.setStage('CANCELLING');
      if (state.applicationNo && state.acceptance !== 'REJECTED') {
        await this.spaced(() => this.ktd.cancelApplication({ company: this.input.company, kind: this.input.kind, applicationNo: state.applicationNo!, reason: request.reason }));
        this.lc.record(`申込取消 sent for ${state.applicationNo}`);
      }
      state.decision = undefined;
      this.lc.setStage('CANCELLED');
    });
  }

  /** A person decides: correct (訂正 / new files / retry) or cancel. Reminders; escalation at the deadline. */
  private async askPerson(need: NeedsDecision<ConstructionDecisionReason>): Promise<void> {
    const { reason, message, facts } = need;
    await askPerson(this.lc, {
      stage: 'AWAITING_DECISION',
      deadlineMs: this.input.options.decisionDeadline,
      open: ({ askedAt, dueAt }) => (this.state.decision = { reason, message, items: facts.items, askedAt, dueAt, remindersSent: 0 }),
      asked: `awaiting a decision: ${reason} — ${message}`,
      notice: `decision needed: ${reason} — ${message}`,
      answered: () => this.corrections.length > 0 || this.cancelRequest !== undefined,
      wait: { reminderInterval: this.input.options.reminderInterval, cadence: 'steady', timers: 'cancelled' },
      reminder: () => `decision still needed: ${reason}`,
      onEscalation: (q) => {
        q.remindersSent += 1;
      },
      escalation: (q) => `no decision by ${q.dueAt}: ${reason}`,
    });
    this.state.decision = undefined;
    await this.applyPending();
  }

  /** Sleeps up to `ms`, waking for a person's correction or cancellation, which it then applies. */
  private async pause(ms: number): Promise<void> {
    await condition(() => this.cancelRequest !== undefined || this.corrections.length > 0, ms);
    await this.applyPending();
  }

  /** A cancellation ends the flow; corrections are sent (訂正, or a new application after 却下) and their files attached. */
  private async applyPending(): Promise<void> {
    const { state } = this;
    if (this.cancelRequest) throw new CancelRequested(this.cancelRequest);
    while (this.corrections.length > 0) {
      const c = this.corrections.shift()!;
      const resume = state.stage;
      this.input = mergeCorrection(this.input, c);
      if (c.changes && Object.keys(c.changes).length > 0) {
        const { company, kind, reference } = this.input;
        this.lc.setStage('APPLYING');
        // A rejected application is dead at KTD: the corrected one is a new application.
        const correctionOf = state.acceptance === 'REJECTED' ? undefined : state.applicationNo;
        // A 訂正 names the same application (same 事業者管理番号); a new application gets its own.
        const ref = correctionOf ? this.requestRef() : `${this.runTag}-N${state.corrections + 1}-${reference}`.slice(-40);
        const r = await this.spaced(() => this.ktd.apply({ company, kind, requestRef: ref, application: applicationData(this.input), correctionOf }));
        if (!correctionOf) {
          this.setApplicationNo(r.applicationNo);
          this.lc.record(`new application ${r.applicationNo} after 却下`);
          // The new application needs every document again, and a group its 集団申込完了.
          state.attachedFiles = [];
          this.attachedRefs.clear();
          await this.attach(this.input.files);
          if (this.group) await this.spaced(() => this.ktd.completeGroupApplication({ company, kind, applicationNo: state.applicationNo! }));
          state.corrections += 1;
          state.acceptance = undefined;
          this.lc.setStage('AWAITING_ACCEPTANCE');
          continue;
        }
        this.lc.record(`訂正 sent for ${correctionOf}`);
      }
      if (c.files?.length) await this.attach(c.files);
      state.corrections += 1;
      state.acceptance = undefined;
      this.lc.setStage(resume === 'AWAITING_DECISION' ? 'AWAITING_ACCEPTANCE' : resume);
    }
  }

  private setApplicationNo(no: string): void {
    this.state.applicationNo = no;
    upsertSearchAttributes([{ key: SA_APPLICATION_NO, value: no }]);
  }

  /** A write on the application number: outside maintenance, ≥ 1 s after the previous response. */
  private spaced<T>(call: () => Promise<T>): Promise<T> {
    return this.guard.run({ scope: 'area' }, () => this.spacing.run(call));
  }

  private unspaced<T>(call: () => Promise<T>): Promise<T> {
    return this.guard.run({ scope: 'area' }, call);
  }

  /** 事業者管理番号 (≤ 40 chars): unique per run, ending with the business reference. */
  private requestRef(): string {
    return `${this.runTag}-${this.input.reference}`.slice(-40);
  }

  private retrieval() {
    return { company: this.input.company, group: this.group, applicationNos: [this.state.applicationNo!] };
  }
}
