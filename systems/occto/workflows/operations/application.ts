// The application-type operations: 再点 (IF_x10410), 廃止・撤去 (IF_x10510), アンペア変更
// (IF_10910), 需要者情報変更 / FIT 発電者情報変更 (IF_x10810). Apply → await the 受付工程 through the
// batched poller → COMPLETED (06/08) or REJECTED (09, with the T&D's note). `cancelApplication`
// takes it back (取消) while it is in progress.
import { CancellationScope, allHandlersFinished, condition, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import type { ApplicationKind, ApplicationResult, ProcessingStatus } from '../../activities/contract.js';
import { applicationInputSchema, type ApplicationInput, type ApplicationParsed } from '../../domain/occto-operation-inputs.js';
import { StatusTracker } from '../status-tracking.js';
import { Abandoned, operationKit, parseOperationInput } from './operation-kit.js';
import { cancelApplicationUpdate, type ApplicationOutcome } from './operation.defs.js';

export async function occtoApplicationWorkflow(raw: ApplicationInput): Promise<ApplicationOutcome> {
  // The operation is named by `kind`; parse once to learn it, then refuse what is not offered.
  const kind = (raw as { kind?: unknown } | undefined)?.kind;
  const op = typeof kind === 'string' && ['RECONNECTION', 'DISCONTINUATION', 'AMPERE_CHANGE', 'CUSTOMER_INFO_CHANGE'].includes(kind) ? (kind as ApplicationParsed['kind']) : 'RECONNECTION';
  const input = parseOperationInput(applicationInputSchema, raw, op, 'application');
  const { company, category, supplyPointId, options } = input;
  const kit = operationKit({ op: input.kind, company, category, supplyPointId, reference: input.reference, options });
  const { occto, state, guard, record } = kit;
  const tracker = new StatusTracker({ company, category, workflowId: kit.workflowId, mode: options.statusTracking, pollIntervalMs: options.pollInterval, record });
  const applicationKind: ApplicationKind = input.kind;
  const ref = () => ({ company, category, supplyPointId, kind: applicationKind, applicationNo: state.applicationNo! });

  let cancelled: { requestedBy: string; reason: string } | undefined;
  setHandler(
    cancelApplicationUpdate,
    async (c) => {
      kit.setStage('CANCELLING');
      try {
        await guard.run({ scope: 'area' }, () => occto.cancelApplication(ref()));
      } catch (err) {
        kit.setStage('AWAITING_PROCESSING'); // not cancelled: keep waiting; the caller sees why
        throw err;
      }
      state.cancellation = { requestedBy: c.requestedBy, reason: c.reason, at: new Date(Date.now()).toISOString() };
      cancelled = c;
      record(`application ${state.applicationNo} cancelled (取消) by ${c.requestedBy}: ${c.reason}`);
      return { accepted: true, applicationNo: state.applicationNo! };
    },
    {
      validator: (c) => {
        if (state.stage !== 'AWAITING_PROCESSING' || !state.applicationNo) {
          throw new Error(`only an application in progress can be cancelled (stage ${state.stage}${state.applicationNo ? `, 申込番号 ${state.applicationNo}` : ''})`);
        }
        if (!c || typeof c.requestedBy !== 'string' || !/^[\w.@-]{1,64}$/.test(c.requestedBy)) throw new Error("requestedBy must be the person's user ID (1–64 letters, digits, . @ - _)");
        if (typeof c.reason !== 'string' || !c.reason.trim() || c.reason.length > 500) throw new Error('reason is required (at most 500 characters)');
      },
    },
  );

  const apply = (requestRef: string): Promise<ApplicationResult> => {
    const common = { company, category, supplyPointId, requestRef, desiredDate: input.desiredDate };
    switch (input.kind) {
      case 'RECONNECTION':
        return occto.applyReconnection({ ...common, customer: input.customer });
      case 'DISCONTINUATION':
        return occto.applyDiscontinuation({ ...common, withRemoval: input.withRemoval });
      case 'AMPERE_CHANGE':
        return occto.applyAmpereChange({ ...common, amperes: input.amperes });
      case 'CUSTOMER_INFO_CHANGE':
        return occto.applyCustomerInfoChange({ ...common, changes: input.changes });
    }
  };

  try {
    kit.setStage('APPLYING');
    // 事業者管理番号 (≤ 40 chars), unique per run: a retry finds exactly its own application.
    const runTag = workflowInfo().runId.replace(/-/g, '').slice(0, 8);
    const applied = await kit.step(() => guard.run({ scope: 'area' }, () => apply(`OP-${supplyPointId}-${runTag}`)));
    kit.setApplicationNo(applied.applicationNo);
    record(`${state.label} filed: ${applied.applicationNo}${applied.alreadyApplied ? ' (found after an ambiguous failure)' : ''}`);

    kit.setStage('AWAITING_PROCESSING');
    // The wait ends with the final 受付工程, or at once when a person cancels the application.
    const scope = new CancellationScope();
    void condition(() => cancelled !== undefined).then(() => scope.cancel());
    let processed: ProcessingStatus | undefined;
    try {
      processed = await scope.run(() =>
        kit.step(() =>
          tracker.awaitApplication(
            { applicationNo: applied.applicationNo, kind: applicationKind },
            () => guard.run({ scope: 'area' }, () => occto.checkApplicationStatus(ref())),
            (s) => {
              if (s.stageCode !== state.processingStage) record(`受付工程 ${s.stageCode} (${s.state})`);
              state.processingStage = s.stageCode;
              state.plannedDate = s.plannedDate;
              state.actualDate = s.actualDate;
              state.note = s.note;
            },
          ),
        ),
      );
    } catch (err) {
      if (!(isCancellation(err) && cancelled)) throw err;
    }
    await condition(allHandlersFinished);
    if (cancelled || !processed) {
      const c = cancelled!;
      state.outcome = 'CANCELLED';
      kit.setStage('CANCELLED');
      return { outcome: 'CANCELLED', applicationNo: state.applicationNo, requestedBy: c.requestedBy, reason: c.reason };
    }
    if (processed.state === 'REJECTED') {
      state.outcome = 'REJECTED';
      kit.setStage('REJECTED');
      record(`rejected (受付工程 ${processed.stageCode})${processed.note ? `: ${processed.note}` : ''}`);
      return { outcome: 'REJECTED', applicationNo: applied.applicationNo, stageCode: processed.stageCode, note: processed.note };
    }
    state.outcome = 'COMPLETED';
    kit.setStage('COMPLETED');
    return { outcome: 'COMPLETED', applicationNo: applied.applicationNo, stageCode: processed.stageCode, plannedDate: processed.plannedDate, actualDate: processed.actualDate };
  } catch (err) {
    if (!(err instanceof Abandoned)) throw err;
    state.outcome = 'ABANDONED';
    kit.setStage('ABANDONED');
    return { outcome: 'ABANDONED', reason: err.reason, decidedBy: err.decidedBy };
  }
}
