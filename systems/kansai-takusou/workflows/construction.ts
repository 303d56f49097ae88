// Low-voltage construction application through たくそう君 (docs/external-systems/kansai-takusou.md §11), one workflow
// per application:
//   常時/臨時/街路灯: 申込 → ファイル添付 → 受付結果 → 工程 / 契約算定 → a person confirms completion
//                    → 竣工届 → 結果通知 → done
//   集団:            集団申込 → ファイル添付 → 集団申込完了 → the same with the group APIs → 集団竣工届
// A person can correct (訂正, re-sent through the same apply API) or cancel (申込取消) at any stage.
// Every write on the application number is spaced ≥ 1 s after the previous response (durable
// timer); no call is made inside a known maintenance window; a 503 is an unannounced window.
// The steps are in construction.steps.ts.
import { isCancellation, setHandler } from '@temporalio/workflow';
import type { ConstructionInput } from '../domain/construction.js';
import { NeedsDecision } from '../../../workflows/shared/needs-decision.js';
import { endedByCancellation } from '../../../workflows/shared/cancellation.js';
import { CancelRequested, Construction, parseConstructionInput } from './construction.steps.js';
import {
  cancelApplicationUpdate,
  confirmCompletionUpdate,
  constructionStatusQuery,
  correctApplicationUpdate,
  type CancelRequest,
  type ConstructionResult,
} from './construction.defs.js';

type Step = 'apply' | 'files' | 'group' | 'acceptance' | 'progress' | 'completion' | 'result';

export async function constructionWorkflow(rawInput: ConstructionInput): Promise<ConstructionResult> {
  const application = new Construction(parseConstructionInput(rawInput));
  await application.subscribeToMaintenanceNotices();
  setHandler(constructionStatusQuery, () => application.state);
  setHandler(correctApplicationUpdate, (c) => application.correct(c), { validator: (c) => application.validateCorrection(c) });
  setHandler(confirmCompletionUpdate, (c) => application.confirmCompletion(c), { validator: (c) => application.validateConfirmation(c) });
  setHandler(cancelApplicationUpdate, (c) => application.cancelApplication(c), { validator: (c) => application.validateCancel(c) });

  try {
    let step: Step = 'apply';
    for (;;) {
      try {
        if (step === 'apply') {
          await application.apply();
          step = 'files';
        }
        if (step === 'files') {
          await application.attach(application.input.files);
          step = application.group ? 'group' : 'acceptance';
        }
        if (step === 'group') {
          await application.completeGroupApplication();
          step = 'acceptance';
        }
        if (step === 'acceptance') {
          const r = await application.awaitAcceptance();
          if (r.status === 'NEEDS_CORRECTION') throw new NeedsDecision('NEEDS_CORRECTION', r.reason ?? 'KTD asks for a correction', { items: r.items });
          if (r.status === 'REJECTED') throw new NeedsDecision('REJECTED', r.reason ?? 'KTD rejected the application (却下)', { items: r.items });
          step = 'progress';
        }
        if (step === 'progress') {
          await application.followProgress();
          step = 'completion';
        }
        if (step === 'completion') {
          await application.awaitCompletion();
          await application.fileCompletion();
          step = 'result';
        }
        await application.awaitResult();
        return application.completed();
      } catch (err) {
        if (isCancellation(err) || err instanceof CancelRequested) throw err;
        const need = await application.decideAfter(err);
        // After a correction: a new/corrected application is accepted anew; an error retries its step.
        if (need.reason === 'NEEDS_CORRECTION' || need.reason === 'REJECTED') step = 'acceptance';
      }
    }
  } catch (err) {
    const request: CancelRequest | undefined =
      err instanceof CancelRequested ? err.request : isCancellation(err) ? { requestedBy: 'system', reason: 'workflow cancelled' } : undefined;
    if (!request) throw err;
    await application.cancel(request);
    if (isCancellation(err)) throw endedByCancellation(err);
    return { outcome: 'CANCELLED', applicationNo: application.state.applicationNo, reason: request.reason, by: request.requestedBy };
  }
}
