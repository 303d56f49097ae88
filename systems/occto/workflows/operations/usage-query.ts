// 使用量情報照会 (LV and HV; none for FIT — docs/external-systems/occto-switching.md §2.5): 使用量情報照会申請 (IF_x10210) → its 受付工程
// through the batched poller → the password (IF_x10220) → 使用量情報照会 (IF_x10310), 13 months.
// The password is valid for at most a month (Appendix A): a query after that applies again. The
// password is a secret: it lives only in this workflow's memory and in encrypted activity payloads —
// never in the status, the result, logs or search attributes.
import { ApplicationFailure, CancellationScope, allHandlersFinished, condition, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ProcessingStatus, UsageData, UsageQueryStatus } from '../../activities/contract.js';
import { OcctoFailure } from '../../activities/contract.js';
import { jstDate } from '../../../../domain/jst.js';
import { usageQueryInputSchema, type UsageQueryInput } from '../../domain/occto-operation-inputs.js';
import { failureType } from '../../../../workflows/shared/maintenance-guard.js';
import { StatusTracker } from '../status-tracking.js';
import { waitUntil } from '../../../../workflows/shared/timed-wait.js';
import { Abandoned, operationKit, parseOperationInput } from './operation-kit.js';
import { OPERATION_TERMINAL, cancelApplicationUpdate, requeryUsageUpdate, type UsageQueryResult } from './operation.defs.js';

const EXPIRED = Symbol('password expired');
/** Applications in a row whose password was refused as expired before we give the case to a person. */
const MAX_REAPPLY = 3;

export async function occtoUsageQueryWorkflow(raw: UsageQueryInput): Promise<UsageQueryResult> {
  const input = parseOperationInput(usageQueryInputSchema, raw, 'USAGE_QUERY', 'usage query');
  const { company, category, supplyPointId, options } = input;
  const kit = operationKit({ op: 'USAGE_QUERY', company, category, supplyPointId, reference: input.reference, options });
  const { occto, state, guard, record, step } = kit;
  const tracker = new StatusTracker({ company, category, workflowId: kit.workflowId, mode: options.statusTracking, pollIntervalMs: options.pollInterval, record });
  const ref = () => ({ company, category, supplyPointId, applicationNo: state.applicationNo! });
  const runTag = workflowInfo().runId.replace(/-/g, '').slice(0, 8);

  let password: string | undefined; // secret: never copied into `state`
  let validUntil: string | undefined;
  let lastUsage: UsageData | undefined;
  let cancelled: { requestedBy: string; reason: string } | undefined;
  let requested = 0;
  let served = 0;
  state.queries = 0;

  setHandler(
    cancelApplicationUpdate,
    async (c) => {
      kit.setStage('CANCELLING');
      try {
        await guard.run({ scope: 'area' }, () => occto.cancelApplication({ ...ref(), kind: 'USAGE_QUERY' }));
      } catch (err) {
        kit.setStage('AWAITING_PROCESSING');
        throw err;
      }
      state.cancellation = { requestedBy: c.requestedBy, reason: c.reason, at: new Date(Date.now()).toISOString() };
      cancelled = c;
      record(`使用量情報照会申請 ${state.applicationNo} cancelled (取消) by ${c.requestedBy}`);
      return { accepted: true, applicationNo: state.applicationNo! };
    },
    {
      validator: (c) => {
        if (state.stage !== 'AWAITING_PROCESSING' || !state.applicationNo) throw new Error(`only an application in progress can be cancelled (stage ${state.stage})`);
        if (!c || typeof c.requestedBy !== 'string' || !/^[\w.@-]{1,64}$/.test(c.requestedBy)) throw new Error("requestedBy must be the person's user ID (1–64 letters, digits, . @ - _)");
        if (typeof c.reason !== 'string' || !c.reason.trim() || c.reason.length > 500) throw new Error('reason is required (at most 500 characters)');
      },
    },
  );
  setHandler(
    requeryUsageUpdate,
    async () => {
      const ticket = ++requested;
      await condition(() => served >= ticket || OPERATION_TERMINAL.includes(state.stage));
      if (served < ticket || !lastUsage) throw ApplicationFailure.nonRetryable(`the usage query ended (${state.stage}) before the re-query was answered`, 'UsageQueryEnded');
      return lastUsage;
    },
    {
      validator: (r) => {
        if (state.stage !== 'HOLDING') throw new Error(`a re-query is possible only while the result is held (stage ${state.stage}${options.holdForRequery === 0 ? '; start with options.holdForRequery to keep it open' : ''})`);
        if (requested > served) throw new Error('a re-query is already in progress');
        if (!r || typeof r.requestedBy !== 'string' || !/^[\w.@-]{1,64}$/.test(r.requestedBy)) throw new Error("requestedBy must be the person's user ID (1–64 letters, digits, . @ - _)");
      },
    },
  );

  /** 使用量情報照会申請 → 受付工程 → password. A result instead when it was rejected or cancelled. */
  const obtainPassword = async (): Promise<UsageQueryResult | undefined> => {
    kit.setStage('APPLYING');
    const applied = await step(() => guard.run({ scope: 'area' }, () => occto.applyUsageQuery({ company, category, supplyPointId, requestRef: `UQ-${supplyPointId}-${runTag}-${state.applications + 1}` })));
    kit.setApplicationNo(applied.applicationNo);
    record(`使用量情報照会申請 filed: ${applied.applicationNo}${applied.alreadyApplied ? ' (found after an ambiguous failure)' : ''}`);
    kit.setStage('AWAITING_PROCESSING');
    const scope = new CancellationScope();
    void condition(() => cancelled !== undefined).then(() => scope.cancel());
    let processed: ProcessingStatus | UsageQueryStatus | undefined;
    try {
      processed = await scope.run(() =>
        step(() =>
          tracker.awaitApplication(
            { applicationNo: applied.applicationNo, kind: 'USAGE_QUERY' },
            () => guard.run({ scope: 'area' }, () => occto.checkUsageQueryStatus(ref())),
            (s) => {
              if (s.stageCode !== state.processingStage) record(`受付工程 ${s.stageCode} (${s.state})`);
              state.processingStage = s.stageCode;
              state.note = s.note;
            },
          ),
        ),
      );
    } catch (err) {
      if (!(isCancellation(err) && cancelled)) throw err;
    }
    if (cancelled || !processed) return { outcome: 'CANCELLED', applicationNo: state.applicationNo, requestedBy: cancelled!.requestedBy, reason: cancelled!.reason };
    if (processed.state === 'REJECTED') {
      record(`使用量情報照会申請 rejected (受付工程 ${processed.stageCode})${processed.note ? `: ${processed.note}` : ''}`);
      return { outcome: 'REJECTED', applicationNo: applied.applicationNo, stageCode: processed.stageCode, note: processed.note };
    }
    // The batched status (IF_x11110) carries no password: one IF_x10220 call for it.
    let full = processed as UsageQueryStatus;
    if (!full.password) {
      full = await step(async () => {
        const s = await guard.run({ scope: 'area' }, () => occto.checkUsageQueryStatus(ref()));
        if (!s.password) throw ApplicationFailure.nonRetryable(`completed 使用量情報照会申請 ${applied.applicationNo} carries no password`, OcctoFailure.MalformedResponse);
        return s;
      });
    }
    password = full.password;
    validUntil = full.passwordValidUntil;
    state.passwordValidUntil = validUntil;
    record(`password received (valid until ${validUntil ?? 'unknown'})`);
    return undefined;
  };

  const passwordValid = () => password !== undefined && (validUntil === undefined || jstDate(Date.now()) <= validUntil);

  /** One 使用量情報照会, applying (again) first when there is no valid password. */
  const query = async (): Promise<UsageData | UsageQueryResult> => {
    for (let reapplied = 0; ; reapplied++) {
      if (!passwordValid()) {
        if (password !== undefined) record(`password expired (valid until ${validUntil}): applying again`);
        password = undefined;
        const ended = await obtainPassword();
        if (ended) return ended;
      }
      kit.setStage('QUERYING');
      const r = await step(async () => {
        try {
          return await guard.run({ scope: 'area' }, () => occto.queryUsage({ company, category, supplyPointId, password: password! }));
        } catch (err) {
          if (failureType(err) === OcctoFailure.PasswordExpired && reapplied < MAX_REAPPLY) return EXPIRED;
          throw err;
        }
      });
      if (r === EXPIRED) {
        record('the system refused the password as expired: applying again');
        password = undefined;
        continue;
      }
      state.queries = (state.queries ?? 0) + 1;
      record(`使用量情報 received: ${r.months.length} months`);
      return r;
    }
  };

  const end = async (result: UsageQueryResult): Promise<UsageQueryResult> => {
    state.outcome = result.outcome;
    kit.setStage(result.outcome);
    await condition(allHandlersFinished);
    return result;
  };

  try {
    const first = await query();
    if ('outcome' in first) return await end(first);
    lastUsage = first;
    if (options.holdForRequery > 0) {
      const holdEnd = Date.now() + options.holdForRequery;
      kit.setStage('HOLDING');
      while (Date.now() < holdEnd) {
        if (!(await waitUntil(() => requested > served, holdEnd - Date.now()))) break;
        const target = requested;
        const again = await query();
        if ('outcome' in again) return await end(again);
        lastUsage = again;
        served = target;
        kit.setStage('HOLDING');
      }
    }
    return await end({ outcome: 'COMPLETED', applicationNo: state.applicationNo!, usage: lastUsage, passwordValidUntil: validUntil, queries: state.queries ?? 1, applications: state.applications });
  } catch (err) {
    if (!(err instanceof Abandoned)) throw err;
    return await end({ outcome: 'ABANDONED', reason: err.reason, decidedBy: err.decidedBy });
  }
}
