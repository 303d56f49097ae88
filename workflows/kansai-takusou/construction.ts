// Low-voltage construction application through たくそう君 (docs/external-systems/kansai-takusou.md §11), one workflow
// per application:
//   常時/臨時/街路灯: 申込 → ファイル添付 → 受付結果 → 工程 / 契約算定 → a person confirms completion
//                    → 竣工届 → 結果通知 → done
//   集団:            集団申込 → ファイル添付 → 集団申込完了 → the same with the group APIs → 集団竣工届
// A person can correct (訂正, re-sent through the same apply API) or cancel (申込取消) at any stage.
// Every write on the application number is spaced ≥ 1 s after the previous response (durable
// timer); no call is made inside a known maintenance window; a 503 is an unannounced window.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  condition,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { NotificationActivities } from '../../activities/occto/contract.js';
import type { TakusouActivities, AcceptanceResult } from '../../activities/kansai-takusou/contract.js';
import type { FleetActivities } from '../../activities/fleet/fleet.js';
import { TakusouFailure } from '../../activities/kansai-takusou/contract.js';
import {
  completionConfirmationSchema,
  constructionCancelSchema,
  constructionCorrectionSchema,
  constructionInputSchema,
  type ConstructionInput,
  type ConstructionParsed,
  type FileRef,
} from '../../domain/construction.js';
import { formatViolations, violationsFromZodError } from '../../domain/errors.js';
import { jstDate } from '../../domain/jst.js';
import { KANSAI_TD_DEFAULT_MAINTENANCE } from '../../domain/maintenance.js';
import { NOTIFY_TASK_QUEUE, takusouTaskQueue } from '../../domain/task-queues.js';
import { SA_APPLICATION_NO, SA_AREA, SA_COMPANY, SA_CONSTRUCTION_KIND, SA_KIND } from '../search-attributes.js';
import { publishStage } from '../shared/stage-attributes.js';
import { MaintenanceGuard, failureType } from '../shared/maintenance-guard.js';
import { eventRecorder, maintenanceNotes } from '../shared/journal.js';
import { maintenanceAnnouncedSignal } from '../shared/messages.js';
import { ApplicationSpacing } from './application-spacing.js';
import { noticeWatcherWorkflowId } from './notice-watcher.defs.js';
import {
  CONSTRUCTION_KIND_SA,
  cancelApplicationUpdate,
  confirmCompletionUpdate,
  constructionStatusQuery,
  correctApplicationUpdate,
  type CancelRequest,
  type CompletionConfirmation,
  type ConstructionCorrection,
  type ConstructionResult,
  type ConstructionStage,
  type ConstructionStatus,
  type DecisionNeeded,
} from './construction.defs.js';

const KANSAI_AREA = '06';
const EVENTS_KEPT = 60;
/** Ends the flow when a person cancels; handled at the top. */
class CancelRequested extends Error {
  constructor(readonly request: CancelRequest) {
    super('cancel requested');
  }
}

/** Moves the flow to AWAITING_DECISION. */
class NeedsDecision extends Error {
  constructor(
    readonly reason: DecisionNeeded['reason'],
    message: string,
    readonly items?: { item: string; message: string }[],
  ) {
    super(message);
  }
}

export async function constructionWorkflow(rawInput: ConstructionInput): Promise<ConstructionResult> {
  const parsed = constructionInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    const v = violationsFromZodError(parsed.error);
    throw ApplicationFailure.nonRetryable(`invalid construction input: ${formatViolations(v)}`, 'InvalidInput', v);
  }
  let input: ConstructionParsed = parsed.data;
  const { company, kind, reference, options } = input;
  const group = kind === 'SHUDAN';
  const { workflowId } = workflowInfo();

  const ktd = proxyActivities<TakusouActivities>({
    taskQueue: takusouTaskQueue(company),
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '6 hours',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  const notify = proxyActivities<NotificationActivities>({ taskQueue: NOTIFY_TASK_QUEUE, startToCloseTimeout: '30 seconds' });
  const fleet = proxyActivities<FleetActivities>({ taskQueue: NOTIFY_TASK_QUEUE, startToCloseTimeout: '30 seconds' });

  const state: ConstructionStatus = {
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
  };
  const corrections: ConstructionCorrection[] = [];
  let cancelRequest: CancelRequest | undefined;
  let confirmation: CompletionConfirmation | undefined;
  let completionFiled = false;

  const record = eventRecorder(state.events, EVENTS_KEPT, () => state.stage);
  const describe = () =>
    [
      `**${state.stage}** · ${kind} · 申込番号 ${state.applicationNo ?? '-'}`,
      state.acceptance ? `受付結果 ${state.acceptance}` : undefined,
      state.processSteps.length ? `工程 ${state.processSteps.map((s) => s.name).join(' → ')}` : undefined,
      state.decision ? `awaiting a decision: ${state.decision.reason} — ${state.decision.message}` : undefined,
      state.waitingForMaintenanceUntil ? `waiting for maintenance until ${state.waitingForMaintenanceUntil}` : undefined,
    ]
      .filter(Boolean)
      .join('\n\n');
  const setStage = (stage: ConstructionStage, dueAt?: string) => {
    state.stage = stage;
    state.awaitingHuman = stage === 'AWAITING_DECISION' || stage === 'AWAITING_COMPLETION';
    publishStage(stage, state.awaitingHuman, dueAt);
    setCurrentDetails(describe());
  };
  upsertSearchAttributes([
    { key: SA_KIND, value: CONSTRUCTION_KIND_SA },
    { key: SA_CONSTRUCTION_KIND, value: kind },
    { key: SA_COMPANY, value: company },
    { key: SA_AREA, value: KANSAI_AREA },
  ]);

  const guard = new MaintenanceGuard({
    system: 'kansai-takusou',
    maintenance: options.maintenance ?? KANSAI_TD_DEFAULT_MAINTENANCE,
    area: KANSAI_AREA,
    unannouncedRetryMs: options.unannouncedOutageRetry,
    maintenanceFailureType: TakusouFailure.Maintenance,
    hooks: maintenanceNotes(state, record, () => setCurrentDetails(describe())),
  });
  // Windows announced in お知らせ before this workflow started (the watcher signals later ones).
  for (const w of await fleet.subscribeToMaintenance({ watcherWorkflowId: noticeWatcherWorkflowId(company), subscriberWorkflowId: workflowId })) {
    guard.announce(w);
  }
  const spacing = new ApplicationSpacing();
  /** A write on the application number: outside maintenance, ≥ 1 s after the previous response. */
  const spaced = <T>(call: () => Promise<T>) => guard.run({ scope: 'area' }, () => spacing.run(call));
  const unspaced = <T>(call: () => Promise<T>) => guard.run({ scope: 'area' }, call);

  // ---- handlers ---------------------------------------------------------------------------------
  const terminal = () => state.stage === 'COMPLETED' || state.stage === 'CANCELLED' || state.stage === 'CANCELLING';
  setHandler(constructionStatusQuery, () => state);
  setHandler(maintenanceAnnouncedSignal, (w) => {
    guard.announce(w);
    record(`maintenance window announced ${new Date(w.start).toISOString()} – ${new Date(w.end).toISOString()}`);
  });
  setHandler(
    correctApplicationUpdate,
    (c) => {
      corrections.push(c);
      record(`correction requested by ${c.correctedBy}`);
      return { accepted: true };
    },
    {
      validator: (c) => {
        if (terminal() || completionFiled) throw new Error(`a correction is no longer possible: the application is in stage ${state.stage}${completionFiled ? ' (竣工届 filed)' : ''}`);
        const r = constructionCorrectionSchema.safeParse(c);
        if (!r.success) throw new Error(`correction: ${formatViolations(violationsFromZodError(r.error))}`);
        const retryOnly = state.decision && (state.decision.reason === 'UNREACHABLE' || state.decision.reason === 'MALFORMED_RESPONSE');
        if (!retryOnly && !r.data.files?.length && !Object.keys(r.data.changes ?? {}).length) {
          throw new Error('correction must change at least one item or attach at least one file');
        }
        if (r.data.changes) {
          const merged = constructionInputSchema.safeParse(mergeCorrection(input, r.data as ConstructionCorrection));
          if (!merged.success) throw new Error(`correction: ${formatViolations(violationsFromZodError(merged.error))}`);
        }
      },
    },
  );
  setHandler(
    confirmCompletionUpdate,
    (c) => {
      confirmation = c;
      record(`completion confirmed by ${c.confirmedBy} (completed on ${c.completedOn})`);
      return { accepted: true };
    },
    {
      validator: (c) => {
        if (state.stage !== 'AWAITING_COMPLETION' && state.stage !== 'IN_PROGRESS') {
          throw new Error(`completion can be confirmed once the application is accepted (stage now ${state.stage})`);
        }
        if (confirmation) throw new Error('completion was already confirmed');
        const r = completionConfirmationSchema.safeParse(c);
        if (!r.success) throw new Error(formatViolations(violationsFromZodError(r.error)));
        if (r.data.completedOn > jstDate(Date.now())) throw new Error(`completedOn ${r.data.completedOn} is in the future`);
      },
    },
  );
  setHandler(
    cancelApplicationUpdate,
    (c) => {
      cancelRequest = c;
      record(`cancellation requested by ${c.requestedBy}`);
      return { accepted: true };
    },
    {
      validator: (c) => {
        if (terminal()) throw new Error(`the application is already ${state.stage}`);
        if (state.stage === 'AWAITING_RESULT') throw new Error('the 竣工届 is filed: the application can no longer be cancelled through the API');
        const r = constructionCancelSchema.safeParse(c);
        if (!r.success) throw new Error(formatViolations(violationsFromZodError(r.error)));
      },
    },
  );

  // ---- steps ------------------------------------------------------------------------------------
  const sendNotice = (kind2: 'INFO' | 'REMINDER' | 'ESCALATION', message: string, dueAt?: string) =>
    notify.notifyPerson({ kind: kind2, workflowId, stage: state.stage, message, dueAt });

  /** Sleeps up to `ms`, waking for a person's correction or cancellation, which it then applies. */
  const pause = async (ms: number, alsoWakeOn: () => boolean = () => false) => {
    await condition(() => cancelRequest !== undefined || corrections.length > 0 || alsoWakeOn(), ms);
    await applyPending();
  };

  const attachedRefs = new Map<string, string>(); // file ref → file ID, for the current application
  const attach = async (files: FileRef[]) => {
    setStage('ATTACHING_FILES');
    const ids: string[] = [];
    for (const file of files) {
      // A step repeated after a failure or correction does not attach the same file twice.
      const done = attachedRefs.get(file.ref);
      if (done) {
        ids.push(done);
        continue;
      }
      const r = await unspaced(() => ktd.attachFile({ company, applicationNo: state.applicationNo!, file }));
      attachedRefs.set(file.ref, r.fileId);
      state.attachedFiles.push({ documentType: file.documentType, fileId: r.fileId });
      ids.push(r.fileId);
      record(`file attached: ${file.documentType} → ${r.fileId}`);
    }
    return ids;
  };

  const applyPending = async () => {
    if (cancelRequest) throw new CancelRequested(cancelRequest);
    while (corrections.length > 0) {
      const c = corrections.shift()!;
      const resume = state.stage;
      input = mergeCorrection(input, c);
      if (c.changes && Object.keys(c.changes).length > 0) {
        setStage('APPLYING');
        // A rejected application is dead at KTD: the corrected one is a new application.
        const correctionOf = state.acceptance === 'REJECTED' ? undefined : state.applicationNo;
        // A 訂正 names the same application (same 事業者管理番号); a new application gets its own.
        const ref = correctionOf ? requestRef() : `${runTag}-N${state.corrections + 1}-${reference}`.slice(-40);
        const r = await spaced(() => ktd.apply({ company, kind, requestRef: ref, application: applicationData(input), correctionOf }));
        if (!correctionOf) {
          state.applicationNo = r.applicationNo;
          upsertSearchAttributes([{ key: SA_APPLICATION_NO, value: r.applicationNo }]);
          record(`new application ${r.applicationNo} after 却下`);
          // The new application needs every document again, and a group its 集団申込完了.
          state.attachedFiles = [];
          attachedRefs.clear();
          await attach(input.files);
          if (group) await spaced(() => ktd.completeGroupApplication({ company, kind, applicationNo: state.applicationNo! }));
          state.corrections += 1;
          state.acceptance = undefined;
          setStage('AWAITING_ACCEPTANCE');
          continue;
        }
        record(`訂正 sent for ${correctionOf}`);
      }
      if (c.files?.length) await attach(c.files);
      state.corrections += 1;
      state.acceptance = undefined;
      setStage(resume === 'AWAITING_DECISION' ? 'AWAITING_ACCEPTANCE' : resume);
    }
  };

  const runTag = workflowInfo().runId.replace(/-/g, '').slice(0, 8);
  // 事業者管理番号 (≤ 40 chars): unique per run, ending with the business reference.
  const requestRef = () => `${runTag}-${reference}`.slice(-40);

  const retrieval = () => ({ company, group, applicationNos: [state.applicationNo!] });

  const awaitAcceptance = async (): Promise<AcceptanceResult> => {
    setStage('AWAITING_ACCEPTANCE');
    for (;;) {
      const [r] = await unspaced(() => ktd.getAcceptanceResults(retrieval()));
      if (r && r.status !== 'PENDING') {
        state.acceptance = r.status;
        record(`受付結果: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
        return r;
      }
      await pause(options.pollInterval);
    }
  };

  const followProgress = async () => {
    setStage('IN_PROGRESS');
    for (;;) {
      const [p] = await unspaced(() => ktd.getProcessInfo(retrieval()));
      if (p && p.steps.length !== state.processSteps.length) {
        state.processSteps = p.steps;
        record(`工程: ${p.steps.map((s) => s.name).join(' → ')}`);
        setCurrentDetails(describe());
      }
      if (!state.contractCalculation) {
        const [c] = await unspaced(() => ktd.getContractCalculations(retrieval()));
        if (c?.available) {
          state.contractCalculation = { contractCapacity: c.contractCapacity, amountYen: c.amountYen };
          record(`契約算定: ${c.contractCapacity ?? '-'}${c.amountYen !== undefined ? `, ${c.amountYen} 円` : ''}`);
        }
      }
      if (state.contractCalculation && (p?.workDone || confirmation)) return;
      await pause(options.pollInterval);
    }
  };

  /** Waits for the person's confirmation, with reminders; escalates at the deadline and keeps waiting. */
  const awaitCompletion = async () => {
    const dueAt = new Date(Date.now() + options.decisionDeadline).toISOString();
    state.completionDueAt = dueAt;
    setStage('AWAITING_COMPLETION', dueAt);
    if (!confirmation) await sendNotice('INFO', 'confirm completion of the work with the completion documents', dueAt);
    let escalated = false;
    while (!confirmation) {
      const before = Date.now();
      await pause(options.reminderInterval, () => confirmation !== undefined);
      if (confirmation) break;
      if (Date.now() - before >= options.reminderInterval) {
        if (!escalated && Date.now() >= Date.parse(dueAt)) {
          escalated = true;
          await sendNotice('ESCALATION', `completion not confirmed by ${dueAt}`, dueAt);
        } else await sendNotice('REMINDER', 'completion still to be confirmed', dueAt);
      }
    }
  };

  const fileCompletion = async () => {
    const c = confirmation!;
    const fileIds = await attach(c.documents);
    setStage('FILING_COMPLETION');
    await spaced(() => ktd.fileCompletionNotice({ company, kind, applicationNo: state.applicationNo!, completedOn: c.completedOn, fileIds }));
    completionFiled = true;
    record(`竣工届 filed (completed on ${c.completedOn})`);
  };

  const awaitResult = async () => {
    setStage('AWAITING_RESULT');
    for (;;) {
      const [r] = await unspaced(() => ktd.getResultNotifications(retrieval()));
      if (r?.available) {
        state.result = { supplyStartDate: r.supplyStartDate, supplyPointId: r.supplyPointId };
        record(`結果通知: 供給開始日 ${r.supplyStartDate ?? '-'}`);
        return;
      }
      await pause(options.pollInterval);
    }
  };

  /** A person decides: correct (訂正 / new files / retry) or cancel. Reminders; escalation at the deadline. */
  const askPerson = async (need: NeedsDecision) => {
    const dueAt = new Date(Date.now() + options.decisionDeadline).toISOString();
    state.decision = { reason: need.reason, message: need.message, items: need.items, askedAt: new Date(Date.now()).toISOString(), dueAt, remindersSent: 0 };
    setStage('AWAITING_DECISION', dueAt);
    record(`awaiting a decision: ${need.reason} — ${need.message}`);
    await sendNotice('INFO', `decision needed: ${need.reason} — ${need.message}`, dueAt);
    let escalated = false;
    while (corrections.length === 0 && !cancelRequest) {
      const woke = await condition(() => corrections.length > 0 || cancelRequest !== undefined, options.reminderInterval);
      if (woke) break;
      state.decision.remindersSent += 1;
      if (!escalated && Date.now() >= Date.parse(dueAt)) {
        escalated = true;
        await sendNotice('ESCALATION', `no decision by ${dueAt}: ${need.reason}`, dueAt);
      } else await sendNotice('REMINDER', `decision still needed: ${need.reason}`, dueAt);
    }
    state.decision = undefined;
    await applyPending();
  };

  // ---- the flow ---------------------------------------------------------------------------------
  try {
    let step: 'apply' | 'files' | 'group' | 'acceptance' | 'progress' | 'completion' | 'result' = 'apply';
    for (;;) {
      try {
        if (step === 'apply') {
          setStage('APPLYING');
          const r = await guard.run({ scope: 'area' }, () => spacing.run(() => ktd.apply({ company, kind, requestRef: requestRef(), application: applicationData(input) })));
          state.applicationNo = r.applicationNo;
          upsertSearchAttributes([{ key: SA_APPLICATION_NO, value: r.applicationNo }]);
          record(`申込 filed: ${r.applicationNo}${r.alreadyApplied ? ' (found after an ambiguous failure, not applied twice)' : ''}`);
          step = 'files';
        }
        if (step === 'files') {
          await attach(input.files);
          step = group ? 'group' : 'acceptance';
        }
        if (step === 'group') {
          setStage('COMPLETING_GROUP');
          await spaced(() => ktd.completeGroupApplication({ company, kind, applicationNo: state.applicationNo! }));
          record('集団申込完了 sent');
          step = 'acceptance';
        }
        if (step === 'acceptance') {
          const r = await awaitAcceptance();
          if (r.status === 'NEEDS_CORRECTION') throw new NeedsDecision('NEEDS_CORRECTION', r.reason ?? 'KTD asks for a correction', r.items);
          if (r.status === 'REJECTED') throw new NeedsDecision('REJECTED', r.reason ?? 'KTD rejected the application (却下)', r.items);
          step = 'progress';
        }
        if (step === 'progress') {
          await followProgress();
          step = 'completion';
        }
        if (step === 'completion') {
          await awaitCompletion();
          await fileCompletion();
          step = 'result';
        }
        await awaitResult();
        setStage('COMPLETED');
        return { outcome: 'COMPLETED', applicationNo: state.applicationNo!, ...state.result };
      } catch (err) {
        if (isCancellation(err) || err instanceof CancelRequested) throw err;
        let need = err instanceof NeedsDecision ? err : toNeedsDecision(err);
        // Applying the person's answer can fail in turn (a refused 訂正): ask again, never fail.
        for (;;) {
          try {
            await askPerson(need);
            break;
          } catch (again) {
            if (isCancellation(again) || again instanceof CancelRequested) throw again;
            need = again instanceof NeedsDecision ? again : toNeedsDecision(again);
          }
        }
        // After a correction: a new/corrected application is accepted anew; an error retries its step.
        if (need.reason === 'NEEDS_CORRECTION' || need.reason === 'REJECTED') step = 'acceptance';
      }
    }
  } catch (err) {
    const request: CancelRequest | undefined =
      err instanceof CancelRequested ? err.request : isCancellation(err) ? { requestedBy: 'system', reason: 'workflow cancelled' } : undefined;
    if (!request) throw err;
    await CancellationScope.nonCancellable(async () => {
      setStage('CANCELLING');
      if (state.applicationNo && state.acceptance !== 'REJECTED') {
        await spaced(() => ktd.cancelApplication({ company, kind, applicationNo: state.applicationNo!, reason: request.reason }));
        record(`申込取消 sent for ${state.applicationNo}`);
      }
      state.decision = undefined;
      setStage('CANCELLED');
    });
    if (isCancellation(err)) throw err;
    return { outcome: 'CANCELLED', applicationNo: state.applicationNo, reason: request.reason, by: request.requestedBy };
  }
}

function applicationData(input: ConstructionParsed) {
  const { options: _o, files: _f, company: _c, ...rest } = input;
  return rest;
}

function mergeCorrection(input: ConstructionParsed, c: ConstructionCorrection): ConstructionParsed {
  const ch = c.changes ?? {};
  return {
    ...input,
    ...(ch.contractAmperes !== undefined ? { contractAmperes: ch.contractAmperes } : {}),
    ...(ch.desiredDate !== undefined ? { desiredDate: ch.desiredDate } : {}),
    ...(ch.temporaryUntil !== undefined ? { temporaryUntil: ch.temporaryUntil } : {}),
    ...(ch.equipment !== undefined ? { equipment: ch.equipment as ConstructionParsed['equipment'] } : {}),
    site: { ...input.site, ...ch.site },
    files: [...input.files, ...(c.files ?? [])],
  };
}

function toNeedsDecision(err: unknown): NeedsDecision {
  const type = failureType(err);
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(err);
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { items?: { item: string; message: string }[] } | undefined) : undefined;
  switch (type) {
    case TakusouFailure.Invalid:
      return new NeedsDecision('INVALID_REQUEST', message, details?.items);
    case TakusouFailure.BadFile:
      return new NeedsDecision('BAD_FILE', message);
    case TakusouFailure.MalformedResponse:
      return new NeedsDecision('MALFORMED_RESPONSE', message);
    default:
      if (cause instanceof TimeoutFailure || type === TakusouFailure.Transient) return new NeedsDecision('UNREACHABLE', `たくそう君 unreachable for too long: ${message}`);
      throw err; // NotFound and unknown failures are defects of ours: fail the workflow task visibly
  }
}
