// New-retailer switching (スイッチング・新小売), docs/architecture.md §4:
// validate → 廃止取次登録 → await 判断 → (NG or error: a person corrects and resubmits, retries, or
// abandons) → スイッチング開始申請 → await 受付工程 06/08 → done. Cancelling the workflow at any
// point compensates what was registered (取消). The steps are in switching-in.steps.ts.
import { isCancellation, setHandler } from '@temporalio/workflow';
import type { SwitchingInInput } from '../domain/switching-in.js';
import { NeedsDecision } from '../../../workflows/shared/needs-decision.js';
import { endedByCancellation } from '../../../workflows/shared/cancellation.js';
import { SwitchingIn, parseSwitchingInInput } from './switching-in.steps.js';
import { switchingInDecideUpdate, switchingInStatusQuery, type SwitchingInResult } from './switching-in.defs.js';

type Step = 'register' | 'judgement' | 'apply' | 'processing';

export async function switchingInWorkflow(rawInput: SwitchingInInput): Promise<SwitchingInResult> {
  const switching = new SwitchingIn(parseSwitchingInInput(rawInput));
  setHandler(switchingInStatusQuery, () => switching.state);
  setHandler(switchingInDecideUpdate, (d) => switching.decide(d), { validator: (d) => switching.validateDecision(d) });

  try {
    let step: Step = 'register';
    for (;;) {
      try {
        if (step === 'register') {
          await switching.register();
          step = 'judgement';
        }
        if (step === 'judgement') {
          const judged = await switching.awaitJudgement();
          if (judged.judgement !== 'OK') switching.relayClosed();
          if (judged.judgement === 'NG') {
            throw new NeedsDecision('RELAY_NG', `the current retailer judged the 廃止取次 NG (判断NG理由 ${judged.ngReasons.join(', ') || '-'})`, { code: 'NG', ngReasons: judged.ngReasons });
          }
          if (judged.judgement !== 'OK') {
            throw new NeedsDecision('RELAY_CANCELLED', `the 廃止取次 is ${judged.judgement} (状況コード ${judged.statusCode})`, { code: judged.statusCode });
          }
          step = 'apply';
        }
        if (step === 'apply') {
          await switching.applyStart();
          step = 'processing';
        }
        const processed = await switching.awaitProcessing();
        if (processed.state === 'REJECTED') {
          throw new NeedsDecision('PROCESSING_REJECTED', `the switching start application was rejected (受付工程 ${processed.stageCode})`, { code: processed.stageCode });
        }
        return switching.complete(processed);
      } catch (err) {
        if (isCancellation(err)) throw err;
        const d = await switching.askPerson(err);
        if (d.action === 'abandon') return await switching.abandon(d);
        if (d.action === 'resubmit') {
          await switching.resubmit(d.corrections);
          step = 'register';
        }
        // 'retry' repeats the step that failed, with the same data.
      }
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await switching.cancelled();
    throw endedByCancellation(err);
  }
}
