// New-retailer switching (スイッチング・新小売), docs/architecture.md §4:
// validate → 廃止取次登録 → await 判断 → (NG or error: a person corrects and resubmits, retries, or
// abandons) → スイッチング開始申請 → await 受付工程 06/08 → done. Cancelling the workflow at any
// point compensates what was registered (取消).
import {
  ApplicationFailure,
  CancellationScope,
  ActivityFailure,
  TimeoutFailure,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  ApplySwitchingStartResult,
  NotificationActivities,
  NotifyInput,
  OcctoActivities,
  ProcessingStatus,
  RelayResult,
} from '../../activities/occto/contract.js';
import { OcctoFailure } from '../../activities/occto/contract.js';
import { areaOfSupplyPoint } from '../../domain/supply-point.js';
import { jstDate } from '../../domain/jst.js';
import { OCCTO_DEFAULT_MAINTENANCE } from '../../domain/maintenance.js';
import { checkSupplyStartDate } from '../../domain/start-date-rules.js';
import { violationsFromZodError, formatViolations } from '../../domain/errors.js';
import {
  switchingInCorrectionSchema,
  switchingInInputSchema,
  type SwitchingInCorrection,
  type SwitchingInInput,
  type SwitchingInParsed,
} from '../../domain/switching-in.js';
import { NOTIFY_TASK_QUEUE, occtoTaskQueue } from '../../domain/task-queues.js';
import { SA_AREA, SA_COMPANY, SA_KIND, SA_SUPPLY_POINT } from '../search-attributes.js';
import { publishStage } from '../shared/stage-attributes.js';
import { MaintenanceGuard, failureType } from '../shared/maintenance-guard.js';
import { eventRecorder, maintenanceNotes } from '../shared/journal.js';
import { maintenanceAnnouncedSignal } from '../shared/messages.js';
import { StatusTracker } from './status-tracking.js';
import {
  ALLOWED_ACTIONS,
  SWITCHING_IN_KIND,
  switchingInDecideUpdate,
  switchingInStatusQuery,
  type DecisionAccepted,
  type DecisionReason,
  type SwitchingInDecision,
  type SwitchingInResult,
  type SwitchingInStage,
  type SwitchingInStatus,
} from './switching-in.defs.js';

const EVENTS_KEPT = 50;

/** Thrown inside the flow when a person must decide; carries what they are told. */
class NeedsDecision extends Error {
  constructor(
    readonly reason: DecisionReason,
    message: string,
    readonly code?: string,
    readonly ngReasons?: number[],
  ) {
    super(message);
  }
}

export async function switchingInWorkflow(rawInput: SwitchingInInput): Promise<SwitchingInResult> {
  const parsed = switchingInInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    // Bad input is refused with every field named; nothing was registered, so nothing is lost.
    throw ApplicationFailure.nonRetryable(
      `invalid switching-in input: ${formatViolations(violationsFromZodError(parsed.error))}`,
      'InvalidInput',
      violationsFromZodError(parsed.error),
    );
  }
  let input: SwitchingInParsed = parsed.data;
  const { company, category, supplyPointId, options } = input;
  const area = areaOfSupplyPoint(supplyPointId);
  const { workflowId } = workflowInfo();

  const occto = proxyActivities<OcctoActivities>({
    taskQueue: occtoTaskQueue(company),
    startToCloseTimeout: '2 minutes',
    // Queue time counts: a backlog behind the 1 req/s cap is normal, hours of failures are not.
    scheduleToCloseTimeout: '6 hours',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  const notify = proxyActivities<NotificationActivities>({
    taskQueue: NOTIFY_TASK_QUEUE,
    startToCloseTimeout: '30 seconds',
    retry: { maximumInterval: '1 minute' },
  });

  // ---- state ------------------------------------------------------------------------------------
  const state: SwitchingInStatus = {
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
  };
  let relayOpen = false; // a registration of ours that 取消 would have to undo
  let applicationOpen = false;
  let decision: SwitchingInDecision | undefined;
  let failedStage: SwitchingInStage = 'REGISTERING_RELAY'; // where 'retry' resumes

  const record = eventRecorder(state.events, EVENTS_KEPT, () => state.stage);
  const setStage = (stage: SwitchingInStage) => {
    state.stage = stage;
    publishStage(stage, stage === 'AWAITING_DECISION', state.decision?.dueAt);
    setCurrentDetails(describe());
  };
  const describe = () =>
    [
      `**${state.stage}** · submission ${state.submission}`,
      state.relayNo ? `廃止取次番号 ${state.relayNo} (${state.relayJudgement ?? 'registered'})` : undefined,
      state.applicationNo ? `申込番号 ${state.applicationNo} 受付工程 ${state.processingStage ?? '-'}` : undefined,
      state.decision ? `awaiting decision: ${state.decision.reason} — ${state.decision.message} (due ${state.decision.dueAt})` : undefined,
      state.waitingForMaintenanceUntil ? `waiting for maintenance until ${state.waitingForMaintenanceUntil}` : undefined,
    ]
      .filter(Boolean)
      .join('\n\n');

  upsertSearchAttributes([
    { key: SA_KIND, value: SWITCHING_IN_KIND },
    { key: SA_COMPANY, value: company },
    { key: SA_AREA, value: area },
    { key: SA_SUPPLY_POINT, value: supplyPointId },
  ]);

  const guard = new MaintenanceGuard({
    system: 'occto',
    maintenance: options.maintenance ?? OCCTO_DEFAULT_MAINTENANCE,
    area: area,
    unannouncedRetryMs: options.unannouncedOutageRetry,
    maintenanceFailureType: OcctoFailure.Maintenance,
    hooks: maintenanceNotes(state, record, () => setCurrentDetails(describe())),
  });

  // Batched status tracking (one poller per company and category) replaced per-workflow polling.
  // patched(): histories recorded before it keep polling on their own when replayed. Decided once,
  // at the first wait, so a workflow never mixes the two.
  const tracker = new StatusTracker({ company, category, workflowId, mode: 'auto', pollIntervalMs: options.pollInterval, record });
  let batchedTracking: boolean | undefined;
  const useBatchedTracking = () => (batchedTracking ??= patched('batched-status-tracking'));

  // ---- handlers ---------------------------------------------------------------------------------
  setHandler(switchingInStatusQuery, () => state);
  setHandler(maintenanceAnnouncedSignal, (w) => {
    guard.announce(w);
    record(`maintenance window announced ${new Date(w.start).toISOString()} – ${new Date(w.end).toISOString()}`);
  });
  setHandler(
    switchingInDecideUpdate,
    (d): DecisionAccepted => {
      decision = d;
      record(`decision by ${d.decidedBy}: ${d.action}`);
      const nextStage = d.action === 'abandon' ? 'ABANDONED' : d.action === 'resubmit' ? 'REGISTERING_RELAY' : failedStage;
      return { accepted: true, action: d.action, nextStage };
    },
    { validator: (d) => validateDecision(d, state, input) },
  );

  // ---- steps ------------------------------------------------------------------------------------
  // 事業者管理番号 (≤ 40 chars): unique per run and submission, so a retry finds exactly its own write.
  const runTag = workflowInfo().runId.replace(/-/g, '').slice(0, 8);
  const requestRef = () => `SI-${supplyPointId}-${runTag}-${state.submission}`;

  const register = async () => {
    setStage('REGISTERING_RELAY');
    const startCheck = checkSupplyStartDate({
      category,
      supplyStartDate: input.supplyStartDate,
      today: jstDate(Date.now()),
      nextButOneMeterReadingDate: input.nextButOneMeterReadingDate,
    });
    if (!startCheck.ok) throw new NeedsDecision('BUSINESS_ERROR', startCheck.message, startCheck.rule);
    const r = await guard.run({ scope: 'system-wide' }, () =>
      occto.registerRelay({
        company,
        category,
        supplyPointId,
        supplyStartDate: input.supplyStartDate,
        currentRetailerCode: input.currentRetailerCode,
        customer: input.customer,
        requestRef: requestRef(),
      }),
    );
    state.relayNo = r.relayNo;
    state.relayJudgement = 'PENDING';
    relayOpen = true;
    record(`廃止取次 registered: ${r.relayNo}${r.alreadyRegistered ? ' (found after an ambiguous failure, not registered twice)' : ''}`);
  };

  const awaitJudgement = async (): Promise<RelayResult> => {
    setStage('AWAITING_JUDGEMENT');
    if (useBatchedTracking()) {
      const relayNo = state.relayNo!;
      const r = await tracker.awaitRelay(
        { relayNo },
        () => guard.run({ scope: 'system-wide' }, () => occto.queryRelayResult({ company, category, relayNo, supplyPointId })),
        (u) => {
          state.relayJudgement = u.judgement;
        },
      );
      record(`判断: ${r.judgement}${r.ngReasons.length ? ` (NG理由 ${r.ngReasons.join(',')})` : ''}`);
      return r;
    }
    for (;;) {
      const r = await guard.run({ scope: 'system-wide' }, () => occto.queryRelayResult({ company, category, relayNo: state.relayNo!, supplyPointId }));
      state.relayJudgement = r.judgement;
      if (r.judgement !== 'PENDING') {
        record(`判断: ${r.judgement}${r.ngReasons.length ? ` (NG理由 ${r.ngReasons.join(',')})` : ''}`);
        return r;
      }
      await sleep(options.pollInterval);
    }
  };

  const applyStart = async (): Promise<ApplySwitchingStartResult> => {
    setStage('APPLYING_START');
    const r = await guard.run({ scope: 'area' }, () =>
      occto.applySwitchingStart({
        company,
        category,
        supplyPointId,
        relayNo: state.relayNo!,
        supplyStartDate: input.supplyStartDate,
        customer: input.customer,
        requestRef: requestRef(),
      }),
    );
    state.applicationNo = r.applicationNo;
    applicationOpen = true;
    record(`スイッチング開始申請 filed: ${r.applicationNo}${r.alreadyApplied ? ' (found after an ambiguous failure)' : ''}`);
    return r;
  };

  const awaitProcessing = async (): Promise<ProcessingStatus> => {
    setStage('AWAITING_PROCESSING');
    if (useBatchedTracking()) {
      const applicationNo = state.applicationNo!;
      return tracker.awaitApplication(
        { applicationNo, kind: 'SWITCHING_START' },
        () => guard.run({ scope: 'area' }, () => occto.checkSwitchingStartStatus({ company, category, applicationNo, supplyPointId })),
        (s) => {
          if (s.stageCode !== state.processingStage) record(`受付工程 ${s.stageCode} (${s.state})`);
          state.processingStage = s.stageCode;
          state.plannedDate = s.plannedDate;
          state.actualDate = s.actualDate;
        },
      );
    }
    for (;;) {
      const s = await guard.run({ scope: 'area' }, () =>
        occto.checkSwitchingStartStatus({ company, category, applicationNo: state.applicationNo!, supplyPointId }),
      );
      if (s.stageCode !== state.processingStage) record(`受付工程 ${s.stageCode} (${s.state})`);
      state.processingStage = s.stageCode;
      state.plannedDate = s.plannedDate;
      state.actualDate = s.actualDate;
      if (s.state !== 'IN_PROGRESS') return s;
      await sleep(options.pollInterval);
    }
  };

  /** 取消 of whatever of ours is still open. Safe to repeat: the activities treat "already cancelled" as done. */
  const compensate = async () => {
    if (!relayOpen && !applicationOpen) return;
    const previous = state.stage;
    setStage('COMPENSATING');
    if (applicationOpen && state.applicationNo) {
      await guard.run({ scope: 'area' }, () => occto.cancelSwitchingStart({ company, category, applicationNo: state.applicationNo!, supplyPointId }));
      applicationOpen = false;
      record(`スイッチング開始申請 ${state.applicationNo} cancelled (取消)`);
    }
    if (relayOpen && state.relayNo) {
      await guard.run({ scope: 'system-wide' }, () => occto.cancelRelay({ company, category, relayNo: state.relayNo!, supplyPointId }));
      relayOpen = false;
      record(`廃止取次 ${state.relayNo} cancelled (取消)`);
    }
    state.stage = previous;
  };

  const sendNotice = async (n: Omit<NotifyInput, 'workflowId' | 'stage'>) => {
    await notify.notifyPerson({ ...n, workflowId, stage: state.stage });
  };

  /** Waits for a person, with reminders, until the deadline; returns their decision (or abandons). */
  const askPerson = async (need: NeedsDecision): Promise<SwitchingInDecision> => {
    const now = Date.now();
    const dueAt = now + options.decisionDeadline;
    state.decision = {
      reason: need.reason,
      code: need.code,
      message: need.message,
      ngReasons: need.ngReasons,
      allowedActions: ALLOWED_ACTIONS[need.reason],
      askedAt: new Date(now).toISOString(),
      dueAt: new Date(dueAt).toISOString(),
      remindersSent: 0,
    };
    state.awaitingHuman = true;
    decision = undefined;
    setStage('AWAITING_DECISION');
    record(`awaiting a decision: ${need.reason}${need.code ? ` ${need.code}` : ''} — ${need.message}`);
    await sendNotice({ kind: 'INFO', message: `decision needed: ${need.reason} — ${need.message}`, dueAt: state.decision.dueAt });
    for (;;) {
      const remaining = dueAt - Date.now();
      if (remaining <= 0) break;
      if (await condition(() => decision !== undefined, Math.min(options.reminderInterval, remaining))) break;
      if (dueAt - Date.now() > 0) {
        state.decision.remindersSent += 1;
        await sendNotice({ kind: 'REMINDER', message: `decision still needed: ${need.reason}`, dueAt: state.decision.dueAt });
      }
    }
    const d: SwitchingInDecision =
      decision ?? { action: 'abandon', decidedBy: 'system', reason: `no decision before the deadline ${state.decision.dueAt}` };
    if (!decision) {
      await sendNotice({ kind: 'ESCALATION', message: `no decision by ${state.decision.dueAt}: switching abandoned`, dueAt: state.decision.dueAt });
    }
    state.decision = undefined;
    state.awaitingHuman = false;
    return d;
  };

  // ---- the flow ---------------------------------------------------------------------------------
  try {
    let step: 'register' | 'judgement' | 'apply' | 'processing' = 'register';
    for (;;) {
      try {
        if (step === 'register') {
          await register();
          step = 'judgement';
        }
        if (step === 'judgement') {
          const judged = await awaitJudgement();
          if (judged.judgement === 'NG') {
            relayOpen = false; // 判断済み(NG) blocks nothing; a corrected relay is a new registration
            throw new NeedsDecision('RELAY_NG', `the current retailer judged the 廃止取次 NG (判断NG理由 ${judged.ngReasons.join(', ') || '-'})`, 'NG', judged.ngReasons);
          }
          if (judged.judgement !== 'OK') {
            relayOpen = false;
            throw new NeedsDecision('RELAY_CANCELLED', `the 廃止取次 is ${judged.judgement} (状況コード ${judged.statusCode})`, judged.statusCode);
          }
          step = 'apply';
        }
        if (step === 'apply') {
          await applyStart();
          step = 'processing';
        }
        const processed = await awaitProcessing();
        if (processed.state === 'REJECTED') {
          applicationOpen = false;
          throw new NeedsDecision('PROCESSING_REJECTED', `the switching start application was rejected (受付工程 ${processed.stageCode})`, processed.stageCode);
        }
        applicationOpen = false;
        relayOpen = false;
        const result: SwitchingInResult = {
          outcome: 'COMPLETED',
          relayNo: state.relayNo!,
          applicationNo: state.applicationNo!,
          switchingDate: processed.actualDate,
          plannedDate: processed.plannedDate,
        };
        state.outcome = result;
        setStage('COMPLETED');
        record(`switching completed${processed.actualDate ? ` on ${processed.actualDate}` : ''}`);
        return result;
      } catch (err) {
        if (isCancellation(err)) throw err;
        failedStage = state.stage;
        const need = err instanceof NeedsDecision ? err : toNeedsDecision(err);
        const d = await askPerson(need);
        if (d.action === 'abandon') {
          await CancellationScope.nonCancellable(compensate);
          const result: SwitchingInResult = { outcome: 'ABANDONED', reason: d.reason, decidedBy: d.decidedBy };
          state.outcome = result;
          setStage('ABANDONED');
          record(`abandoned: ${d.reason}`);
          return result;
        }
        if (d.action === 'resubmit') {
          // A corrected 廃止取次 is a new registration; whatever of ours is still open goes first.
          await compensate();
          input = applyCorrections(input, d.corrections);
          state.supplyStartDate = input.supplyStartDate;
          state.submission += 1;
          state.relayNo = undefined;
          state.relayJudgement = undefined;
          state.applicationNo = undefined;
          state.processingStage = undefined;
          step = 'register';
        }
        // 'retry' repeats the step that failed, with the same data.
      }
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled by a person or the business app: undo what was registered, then end as cancelled.
    await CancellationScope.nonCancellable(async () => {
      record('cancel requested: compensating');
      await compensate();
      state.awaitingHuman = false;
      state.decision = undefined;
      setStage('CANCELLED');
    });
    throw err;
  }
}

/** Maps a non-retryable activity failure to the decision a person has to take. */
function toNeedsDecision(err: unknown): NeedsDecision {
  const type = failureType(err);
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { code?: string; meaning?: string } | undefined) : undefined;
  const message = cause instanceof Error ? cause.message : String(err);
  switch (type) {
    case OcctoFailure.Business:
      return new NeedsDecision('BUSINESS_ERROR', message, details?.code);
    case OcctoFailure.DuplicateRelay:
      return new NeedsDecision('DUPLICATE_RELAY', message, details?.code);
    case OcctoFailure.Auth:
      return new NeedsDecision('AUTH_ERROR', `${message} — check the client certificate and credentials, then retry`);
    case OcctoFailure.MalformedResponse:
      return new NeedsDecision('MALFORMED_RESPONSE', message);
    default:
      if (cause instanceof TimeoutFailure || type === OcctoFailure.Transient || type === OcctoFailure.RateLimited) {
        return new NeedsDecision('UNREACHABLE', `OCCTO unreachable for too long: ${message}`);
      }
      throw err; // a bug of ours: let the workflow task fail and be fixed, not hidden
  }
}

function validateDecision(d: SwitchingInDecision, state: SwitchingInStatus, input: SwitchingInParsed): void {
  if (state.stage !== 'AWAITING_DECISION' || !state.decision) {
    throw new Error(`no decision is awaited: the switching is in stage ${state.stage}`);
  }
  if (!d || typeof d !== 'object') throw new Error('decision must be an object with an action');
  if (typeof d.decidedBy !== 'string' || !/^[\w.@-]{1,64}$/.test(d.decidedBy)) {
    throw new Error('decidedBy must be the deciding person\'s user ID (1–64 letters, digits, . @ - _)');
  }
  if (!state.decision.allowedActions.includes(d.action)) {
    throw new Error(`action must be one of ${state.decision.allowedActions.join(', ')} for ${state.decision.reason} (got ${JSON.stringify(d.action)})`);
  }
  if (d.action === 'abandon' && (typeof d.reason !== 'string' || d.reason.trim() === '')) {
    throw new Error('reason is required to abandon');
  }
  if (d.action === 'resubmit') {
    const parsed = switchingInCorrectionSchema.safeParse(d.corrections ?? {});
    if (!parsed.success) throw new Error(`corrections: ${formatViolations(violationsFromZodError(parsed.error, 'corrections'))}`);
    if (Object.keys(parsed.data).length === 0) throw new Error('corrections must name at least one corrected field to resubmit');
    const corrected = applyCorrections(input, parsed.data);
    const check = checkSupplyStartDate({
      category: corrected.category,
      supplyStartDate: corrected.supplyStartDate,
      today: jstDate(Date.now()),
      nextButOneMeterReadingDate: corrected.nextButOneMeterReadingDate,
    });
    if (!check.ok) throw new Error(`corrections.${check.field}: ${check.message}`);
  }
}

function applyCorrections(input: SwitchingInParsed, c: SwitchingInCorrection): SwitchingInParsed {
  const parsed = switchingInCorrectionSchema.parse(c);
  return {
    ...input,
    supplyStartDate: parsed.supplyStartDate ?? input.supplyStartDate,
    nextButOneMeterReadingDate: parsed.nextButOneMeterReadingDate ?? input.nextButOneMeterReadingDate,
    currentRetailerCode: parsed.currentRetailerCode ?? input.currentRetailerCode,
    customer: { ...input.customer, ...parsed.customer },
  };
}
