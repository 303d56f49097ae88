// Current-retailer switching (スイッチング・現小売), docs/architecture.md §4: one workflow per incoming 廃止取次
// (started by the inbox sweep). Check the relay against our customer records → judge (a configured
// rule for clear cases, otherwise a person, with a deadline, reminders and escalation — never an
// automatic judgement without a rule) → スイッチング廃止取次判断 → on OK スイッチング廃止申請 and
// await its 受付工程 (batched poller) → done. A mistaken OK cannot be retracted by us (docs/external-systems/occto-switching.md §4.3):
// it is reported, a person is told what to do, and the workflow follows through.
//
// Relay data is for switching roles only (win-back ban, docs/external-systems/occto-switching.md Appendix A): the status, search
// attributes, summaries and the workflow ID carry no customer data; `relayDetails` does.
import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { NotificationActivities, NotifyInput, OcctoActivities, ProcessingStatus } from '../../activities/occto/contract.js';
import { OcctoFailure } from '../../activities/occto/contract.js';
import type { CustomerRecordActivities, RecordCheckResult } from '../../activities/customer-records/contract.js';
import { formatViolations, violationsFromZodError } from '../../domain/errors.js';
import { addDays } from '../../domain/jst.js';
import { OCCTO_DEFAULT_MAINTENANCE } from '../../domain/maintenance.js';
import { operationAvailability } from '../../domain/occto-operations.js';
import { areaOfSupplyPoint } from '../../domain/supply-point.js';
import {
  NO_AUTO_JUDGE,
  judgeDecisionSchema,
  mistakenOkReportSchema,
  switchingOutDecisionSchema,
  switchingOutInputSchema,
  type AutoJudgeRule,
  type SwitchingOutDecision,
  type SwitchingOutInput,
} from '../../domain/switching-out.js';
import { CUSTOMER_RECORDS_TASK_QUEUE, NOTIFY_TASK_QUEUE, occtoTaskQueue } from '../../domain/task-queues.js';
import { SA_APPLICATION_NO, SA_AREA, SA_COMPANY, SA_KIND, SA_OPERATION, SA_RELAY_NO, SA_SUPPLY_POINT } from '../search-attributes.js';
import { publishStage } from '../shared/stage-attributes.js';
import { eventRecorder, maintenanceNotes } from '../shared/journal.js';
import { MaintenanceGuard, failureType } from '../shared/maintenance-guard.js';
import { waitForPerson } from '../shared/human-wait.js';
import { StatusTracker } from './status-tracking.js';
import { maintenanceAnnouncedSignal } from '../shared/messages.js';
import {
  SWITCHING_OUT_KIND,
  SWITCHING_OUT_TERMINAL,
  judgeUpdate,
  relayDetailsQuery,
  reportMistakenOkUpdate,
  switchingOutDecideUpdate,
  switchingOutStatusQuery,
  type JudgementRecord,
  type SwitchingOutDecisionReason,
  type SwitchingOutResult,
  type SwitchingOutStage,
  type SwitchingOutStatus,
} from './switching-out.defs.js';

const EVENTS_KEPT = 50;

/** A step failed in a way a person must look at. */
class NeedsDecision extends Error {
  constructor(
    readonly reason: SwitchingOutDecisionReason,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
/** A person abandoned the switching. */
class Abandoned extends Error {
  constructor(
    readonly reason: string,
    readonly decidedBy: string,
  ) {
    super(reason);
  }
}

/** The rule's judgement for a clear case, or undefined (a person judges). */
export function ruleJudgement(rule: AutoJudgeRule, check: RecordCheckResult | undefined): Omit<JudgementRecord, 'decidedAt'> | undefined {
  if (!check) return undefined; // never judge without having looked at our records
  if (check.verdict === 'MATCH' && rule.okWhenMatch) return { judgement: 'OK', ngReasons: [], decidedBy: 'rule:okWhenMatch', by: 'rule' };
  if (check.verdict === 'NOT_FOUND' && rule.ngWhenNotFound) {
    return { judgement: 'NG', ngReasons: [...rule.ngReasonsWhenNotFound], decidedBy: 'rule:ngWhenNotFound', by: 'rule' };
  }
  if (check.verdict === 'NOT_ACTIVE' && rule.ngWhenNotActive) {
    return { judgement: 'NG', ngReasons: [...rule.ngReasonsWhenNotActive], decidedBy: 'rule:ngWhenNotActive', by: 'rule' };
  }
  return undefined;
}

export async function switchingOutWorkflow(rawInput: SwitchingOutInput): Promise<SwitchingOutResult> {
  const parsed = switchingOutInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    const v = violationsFromZodError(parsed.error);
    throw ApplicationFailure.nonRetryable(`invalid switching-out input: ${formatViolations(v)}`, 'InvalidInput', v);
  }
  const { company, relay, options } = parsed.data;
  const { category, relayNo, supplyPointId } = relay;
  const offered = operationAvailability('SWITCHING_OUT', category);
  if (!offered.ok) throw ApplicationFailure.nonRetryable(offered.message, OcctoFailure.NotOffered);
  const area = areaOfSupplyPoint(supplyPointId);
  const { workflowId } = workflowInfo();

  const occto = proxyActivities<OcctoActivities>({
    taskQueue: occtoTaskQueue(company),
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: '6 hours',
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  const notify = proxyActivities<NotificationActivities>({ taskQueue: NOTIFY_TASK_QUEUE, startToCloseTimeout: '30 seconds', retry: { maximumInterval: '1 minute' } });
  const records = proxyActivities<CustomerRecordActivities>({
    taskQueue: CUSTOMER_RECORDS_TASK_QUEUE,
    startToCloseTimeout: '1 minute',
    // Bounded: without our records a person judges from the relay alone.
    scheduleToCloseTimeout: '10 minutes',
    retry: { initialInterval: '2 seconds', maximumInterval: '1 minute' },
  });

  // ---- state ------------------------------------------------------------------------------------
  const state: SwitchingOutStatus = {
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
  };
  let decision: SwitchingOutDecision | undefined;

  const record = eventRecorder(state.events, EVENTS_KEPT, () => state.stage);
  const describe = () =>
    [
      `**${state.stage}** · 廃止取次 ${relayNo} · ${category} · 新小売 ${state.newRetailerCode}`,
      state.recordCheck ? `records: ${state.recordCheck.verdict}${state.recordCheck.mismatchedFields.length ? ` (${state.recordCheck.mismatchedFields.join(', ')})` : ''}` : undefined,
      state.judgement ? `判断 ${state.judgement.judgement}${state.judgement.ngReasons.length ? ` NG理由 ${state.judgement.ngReasons.join(',')}` : ''} by ${state.judgement.decidedBy}` : undefined,
      state.pendingJudgement ? `awaiting a judgement (due ${state.pendingJudgement.dueAt})` : undefined,
      state.applicationNo ? `廃止申請 ${state.applicationNo} 受付工程 ${state.processingStage ?? '-'}` : undefined,
      state.decision ? `awaiting a decision: ${state.decision.reason} — ${state.decision.message}` : undefined,
      state.mistakenOk ? `mistaken OK reported by ${state.mistakenOk.reportedBy}` : undefined,
      state.waitingForMaintenanceUntil ? `waiting for maintenance until ${state.waitingForMaintenanceUntil}` : undefined,
    ]
      .filter(Boolean)
      .join('\n\n');
  const setStage = (stage: SwitchingOutStage, dueAt?: string) => {
    state.stage = stage;
    state.awaitingHuman = stage === 'AWAITING_JUDGEMENT' || stage === 'AWAITING_DECISION';
    publishStage(stage, state.awaitingHuman, dueAt);
    setCurrentDetails(describe());
  };
  upsertSearchAttributes([
    { key: SA_KIND, value: SWITCHING_OUT_KIND },
    { key: SA_OPERATION, value: 'SWITCHING_OUT' },
    { key: SA_COMPANY, value: company },
    { key: SA_AREA, value: area },
    { key: SA_SUPPLY_POINT, value: supplyPointId },
    { key: SA_RELAY_NO, value: relayNo },
  ]);

  const guard = new MaintenanceGuard({
    system: 'occto',
    maintenance: options.maintenance ?? OCCTO_DEFAULT_MAINTENANCE,
    area: area,
    unannouncedRetryMs: options.unannouncedOutageRetry,
    maintenanceFailureType: OcctoFailure.Maintenance,
    hooks: maintenanceNotes(state, record, () => setCurrentDetails(describe())),
  });
  const tracker = new StatusTracker({ company, category, workflowId, mode: options.statusTracking, pollIntervalMs: options.pollInterval, record });
  const sendNotice = (n: Omit<NotifyInput, 'workflowId' | 'stage'>) => notify.notifyPerson({ ...n, workflowId, stage: state.stage });

  // ---- handlers ---------------------------------------------------------------------------------
  const ended = () => SWITCHING_OUT_TERMINAL.includes(state.stage);
  setHandler(switchingOutStatusQuery, () => state);
  setHandler(relayDetailsQuery, () => ({
    relayNo,
    category,
    supplyPointId,
    newRetailerCode: relay.newRetailerCode,
    supplyStartDate: relay.supplyStartDate,
    registeredAt: relay.registeredAt,
    customer: relay.customer,
  }));
  setHandler(maintenanceAnnouncedSignal, (w) => {
    guard.announce(w);
    record(`maintenance window announced ${new Date(w.start).toISOString()} – ${new Date(w.end).toISOString()}`);
  });
  setHandler(
    judgeUpdate,
    (d) => {
      const j = judgeDecisionSchema.parse(d);
      const ngReasons = j.judgement === 'NG' ? [...(j.ngReasons as number[])].sort((a, b) => a - b) : [];
      state.judgement = { judgement: j.judgement, ngReasons, decidedBy: j.decidedBy, by: 'person', decidedAt: new Date(Date.now()).toISOString(), comment: j.comment };
      record(`判断 by ${j.decidedBy}: ${j.judgement}${ngReasons.length ? ` (NG理由 ${ngReasons.join(',')})` : ''}`);
      return { accepted: true, judgement: j.judgement, ngReasons };
    },
    {
      validator: (d) => {
        if (ended()) throw new Error(`the switching has ended (${state.stage}): no judgement is awaited`);
        if (state.judgement) {
          const j = state.judgement;
          const where = j.registeredAt ? `registered with OCCTO at ${j.registeredAt}` : 'decided and being registered';
          throw new Error(
            `the judgement of 廃止取次 ${relayNo} is already ${j.judgement} (by ${j.decidedBy}, ${where}) and cannot be changed by the current retailer (docs/external-systems/occto-switching.md §4.3)` +
              (j.judgement === 'OK' ? `; if the OK was a mistake, use reportMistakenOk: the new retailer ${state.newRetailerCode} must cancel (取消) the relay and register it again` : ''),
          );
        }
        const r = judgeDecisionSchema.safeParse(d);
        if (!r.success) throw new Error(`judge: ${formatViolations(violationsFromZodError(r.error, 'judgement'))}`);
      },
    },
  );
  setHandler(
    reportMistakenOkUpdate,
    async (report) => {
      const r = mistakenOkReportSchema.parse(report);
      const instructions =
        `Tell the new retailer (事業者コード ${state.newRetailerCode}) that our OK on 廃止取次 ${relayNo} was a mistake: ` +
        `they must cancel (取消) it and register it again, and we judge the new registration. A current retailer cannot retract its own OK (docs/external-systems/occto-switching.md §4.3).`;
      state.mistakenOk = { reportedBy: r.reportedBy, reportedAt: new Date(Date.now()).toISOString(), instructions };
      record(`mistaken OK reported by ${r.reportedBy}`);
      setCurrentDetails(describe());
      await sendNotice({ kind: 'ESCALATION', message: `mistaken OK reported by ${r.reportedBy}: ${instructions}` });
      return { accepted: true, instructions };
    },
    {
      validator: (report) => {
        if (ended()) throw new Error(`the switching has ended (${state.stage})`);
        if (state.judgement?.judgement !== 'OK' || !state.judgement.registeredAt) {
          throw new Error(`reportMistakenOk applies only after an OK judgement was registered (judgement: ${state.judgement ? `${state.judgement.judgement}${state.judgement.registeredAt ? '' : ', not yet registered'}` : 'none yet'}); before that, judge with the judge update`);
        }
        if (state.mistakenOk) throw new Error(`a mistaken OK was already reported by ${state.mistakenOk.reportedBy} at ${state.mistakenOk.reportedAt}`);
        const r = mistakenOkReportSchema.safeParse(report);
        if (!r.success) throw new Error(`reportMistakenOk: ${formatViolations(violationsFromZodError(r.error, 'report'))}`);
      },
    },
  );
  setHandler(
    switchingOutDecideUpdate,
    (d) => {
      decision = switchingOutDecisionSchema.parse(d);
      record(`decision by ${decision.decidedBy}: ${decision.action}`);
      return { accepted: true, action: decision.action };
    },
    {
      validator: (d) => {
        if (state.stage !== 'AWAITING_DECISION' || !state.decision) throw new Error(`no decision is awaited: the switching is in stage ${state.stage}`);
        const r = switchingOutDecisionSchema.safeParse(d);
        if (!r.success) throw new Error(`decide: ${formatViolations(violationsFromZodError(r.error, 'decision'))}`);
        if (!state.decision.allowedActions.includes(r.data.action)) {
          throw new Error(`action must be one of ${state.decision.allowedActions.join(', ')} for ${state.decision.reason} (got '${r.data.action}')`);
        }
      },
    },
  );

  // ---- a person decides after a business error ---------------------------------------------------
  /** Undefined when `orWhen` made the question moot before anyone answered. */
  const askDecision = async (need: NeedsDecision, orWhen: () => boolean = () => false): Promise<SwitchingOutDecision | undefined> => {
    const now = Date.now();
    const dueAt = now + options.judgementDeadline;
    state.decision = {
      reason: need.reason,
      code: need.code,
      message: need.message,
      allowedActions: need.reason === 'ALREADY_JUDGED' ? ['abandon'] : ['retry', 'abandon'],
      askedAt: new Date(now).toISOString(),
      dueAt: new Date(dueAt).toISOString(),
      remindersSent: 0,
      escalations: 0,
    };
    decision = undefined;
    const resume = state.stage;
    setStage('AWAITING_DECISION', state.decision.dueAt);
    record(`awaiting a decision: ${need.reason}${need.code ? ` ${need.code}` : ''} — ${need.message}`);
    await sendNotice({ kind: 'INFO', message: `decision needed: ${need.reason} — ${need.message}`, dueAt: state.decision.dueAt });
    const pending = state.decision;
    await waitForPerson(() => decision !== undefined || orWhen(), {
      dueAt,
      reminderInterval: options.reminderInterval,
      escalationInterval: options.escalationInterval,
      remind: async () => {
        pending.remindersSent += 1;
        await sendNotice({ kind: 'REMINDER', message: `decision still needed: ${need.reason}`, dueAt: pending.dueAt });
      },
      escalate: async () => {
        pending.escalations += 1;
        await sendNotice({ kind: 'ESCALATION', message: `no decision on ${need.reason} since ${pending.askedAt}: still waiting (a customer's switch depends on it)`, dueAt: pending.dueAt });
      },
    });
    state.decision = undefined;
    setStage(resume);
    return decision;
  };

  /** Runs a step; a business error goes to a person (retry / abandon), never a silent failure. */
  const step = async <T>(run: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await run();
      } catch (err) {
        if (isCancellation(err)) throw err;
        const d = await askDecision(err instanceof NeedsDecision ? err : toNeedsDecision(err));
        if (d?.action === 'abandon') throw new Abandoned(d.reason, d.decidedBy);
      }
    }
  };

  const finish = async (result: SwitchingOutResult, stage: SwitchingOutStage): Promise<SwitchingOutResult> => {
    state.outcome = result;
    state.pendingJudgement = undefined;
    setStage(stage);
    await condition(allHandlersFinished);
    return result;
  };

  // ---- the flow ---------------------------------------------------------------------------------
  try {
    // 1. Our records.
    try {
      state.recordCheck = await records.checkRelayAgainstRecords({ company, category, supplyPointId, relayNo, customer: relay.customer });
      record(`records: ${state.recordCheck.verdict}${state.recordCheck.mismatchedFields.length ? ` (differs: ${state.recordCheck.mismatchedFields.join(', ')})` : ''}`);
    } catch (err) {
      if (isCancellation(err)) throw err;
      record(`customer records unavailable (${(err as Error).message}): a person judges from the relay alone`);
    }

    // 2. The judgement: a person may already have given it; else a rule for clear cases; else a person.
    if (!state.judgement) {
      let rule: AutoJudgeRule = NO_AUTO_JUDGE;
      if (options.autoJudge) rule = options.autoJudge;
      else if (state.recordCheck) rule = await records.autoJudgeRule({ company, category }).catch(() => NO_AUTO_JUDGE);
      const byRule = ruleJudgement(rule, state.recordCheck);
      if (byRule && !state.judgement) {
        state.judgement = { ...byRule, decidedAt: new Date(Date.now()).toISOString() };
        record(`判断 by ${byRule.decidedBy}: ${byRule.judgement}${byRule.ngReasons.length ? ` (NG理由 ${byRule.ngReasons.join(',')})` : ''}`);
      }
    }
    if (!state.judgement) {
      const now = Date.now();
      const dueAt = now + options.judgementDeadline;
      const pending = { askedAt: new Date(now).toISOString(), dueAt: new Date(dueAt).toISOString(), remindersSent: 0, escalations: 0 };
      state.pendingJudgement = pending;
      setStage('AWAITING_JUDGEMENT', pending.dueAt);
      await sendNotice({ kind: 'INFO', message: `廃止取次 ${relayNo} from 新小売 ${state.newRetailerCode} awaits a judgement (records: ${state.recordCheck?.verdict ?? 'unavailable'})`, dueAt: pending.dueAt });
      await waitForPerson(() => state.judgement !== undefined, {
        dueAt,
        reminderInterval: options.reminderInterval,
        escalationInterval: options.escalationInterval,
        remind: async () => {
          pending.remindersSent += 1;
          await sendNotice({ kind: 'REMINDER', message: `廃止取次 ${relayNo} still awaits a judgement`, dueAt: pending.dueAt });
        },
        escalate: async () => {
          pending.escalations += 1;
          record(`judgement overdue (due ${pending.dueAt}): escalated`);
          await sendNotice({ kind: 'ESCALATION', message: `廃止取次 ${relayNo} was not judged by ${pending.dueAt}: still waiting for a person (no rule may judge it)`, dueAt: pending.dueAt });
        },
      });
      state.pendingJudgement = undefined;
    }
    const judgement = state.judgement!;

    // 3. 判断 registration (IS_x20410, OCCTO-internal). Cannot be changed afterwards.
    setStage('REGISTERING_JUDGEMENT');
    await step(async () => {
      const r = await guard.run({ scope: 'system-wide' }, () => occto.judgeRelay({ company, category, relayNo, supplyPointId, judgement: judgement.judgement, ngReasons: judgement.ngReasons }));
      judgement.registeredAt = new Date(Date.now()).toISOString();
      record(`判断 ${judgement.judgement} registered${r.alreadyJudged ? ' (found already registered after an ambiguous failure)' : ''}`);
    });
    if (judgement.judgement === 'NG') {
      return await finish({ outcome: 'COMPLETED_NG', relayNo, ngReasons: judgement.ngReasons }, 'COMPLETED_NG');
    }

    // 4. スイッチング廃止申請, then its 受付工程.
    const runTag = workflowInfo().runId.replace(/-/g, '').slice(0, 8);
    let attempt = 0;
    for (;;) {
      attempt += 1;
      setStage('APPLYING_STOP');
      const applied = await step(() =>
        guard.run({ scope: 'area' }, () => occto.applySwitchingStop({ company, category, supplyPointId, relayNo, stopDate: state.stopDate, requestRef: `SO-${supplyPointId}-${runTag}-${attempt}` })),
      );
      state.applicationNo = applied.applicationNo;
      upsertSearchAttributes([{ key: SA_APPLICATION_NO, value: applied.applicationNo }]);
      record(`スイッチング廃止申請 filed: ${applied.applicationNo}${applied.alreadyApplied ? ' (found after an ambiguous failure)' : ''}`);

      setStage('AWAITING_PROCESSING');
      const applicationNo = applied.applicationNo;
      const processed: ProcessingStatus = await step(() =>
        tracker.awaitApplication(
          { applicationNo, kind: 'SWITCHING_STOP' },
          () => guard.run({ scope: 'area' }, () => occto.checkApplicationStatus({ company, category, applicationNo, supplyPointId, kind: 'SWITCHING_STOP' })),
          (s) => {
            if (s.stageCode !== state.processingStage) record(`受付工程 ${s.stageCode} (${s.state})`);
            state.processingStage = s.stageCode;
            state.plannedDate = s.plannedDate;
            state.actualDate = s.actualDate;
            setCurrentDetails(describe());
          },
        ),
      );
      if (processed.state === 'COMPLETED') {
        if (state.mistakenOk) {
          await sendNotice({ kind: 'ESCALATION', message: `the switching of 廃止取次 ${relayNo} went through although a mistaken OK was reported: contact the new retailer ${state.newRetailerCode} and the customer` });
        }
        record(`switching completed${processed.actualDate ? ` on ${processed.actualDate}` : ''}`);
        return await finish(
          { outcome: 'COMPLETED', relayNo, applicationNo, stopDate: state.stopDate, actualDate: processed.actualDate, mistakenOkReported: state.mistakenOk !== undefined },
          'COMPLETED',
        );
      }
      // 09: after a reported mistaken OK this is the expected end — the new retailer cancelled the relay.
      if (state.mistakenOk) {
        record(`スイッチング廃止申請 rejected (受付工程 ${processed.stageCode}) after the mistaken OK was reported: the relay was cancelled by the new retailer`);
        return await finish({ outcome: 'CANCELLED_BY_NEW_RETAILER', relayNo, applicationNo, note: processed.note }, 'CANCELLED_BY_NEW_RETAILER');
      }
      const d = await askDecision(
        new NeedsDecision('PROCESSING_REJECTED', `the switching stop application was rejected (受付工程 ${processed.stageCode}${processed.note ? `: ${processed.note}` : ''}); retry files it again`, processed.stageCode),
        // A mistaken OK reported meanwhile explains the rejection: the new retailer cancelled.
        () => state.mistakenOk !== undefined,
      );
      if (!d) {
        record('the rejection follows the reported mistaken OK: the relay was cancelled by the new retailer');
        return await finish({ outcome: 'CANCELLED_BY_NEW_RETAILER', relayNo, applicationNo, note: processed.note }, 'CANCELLED_BY_NEW_RETAILER');
      }
      if (d.action === 'abandon') throw new Abandoned(d.reason, d.decidedBy);
      // 'retry': file the stop application again (a new 事業者管理番号).
    }
  } catch (err) {
    if (err instanceof Abandoned) {
      record(`abandoned by ${err.decidedBy}: ${err.reason}`);
      return await finish({ outcome: 'ABANDONED', relayNo, reason: err.reason, decidedBy: err.decidedBy }, 'ABANDONED');
    }
    throw err;
  }
}

/** Maps a non-retryable activity failure to the decision a person has to take. */
function toNeedsDecision(err: unknown): NeedsDecision {
  const type = failureType(err);
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as { code?: string } | undefined) : undefined;
  const message = cause instanceof Error ? cause.message : String(err);
  switch (type) {
    case OcctoFailure.Business:
      return new NeedsDecision('BUSINESS_ERROR', message, details?.code);
    case OcctoFailure.AlreadyJudged:
      return new NeedsDecision('ALREADY_JUDGED', `${message} — the judgement registered with OCCTO differs from ours and cannot be changed (docs/external-systems/occto-switching.md §4.3)`);
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
