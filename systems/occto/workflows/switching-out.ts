// Current-retailer switching (スイッチング・現小売), docs/architecture.md §4: one workflow per incoming 廃止取次
// (started by the inbox sweep). Check the relay against our customer records → judge (a configured
// rule for clear cases, otherwise a person, with a deadline, reminders and escalation — never an
// automatic judgement without a rule) → スイッチング廃止取次判断 → on OK スイッチング廃止申請 and
// await its 受付工程 (batched poller) → done. A mistaken OK cannot be retracted by us (docs/external-systems/occto-switching.md §4.3):
// it is reported, a person is told what to do, and the workflow follows through.
//
// Relay data is for switching roles only (win-back ban, docs/external-systems/occto-switching.md Appendix A): the status, search
// attributes, summaries and the workflow ID carry no customer data; `relayDetails` does.
// The steps are in switching-out.steps.ts.
import { setHandler } from '@temporalio/workflow';
import type { SwitchingOutInput } from '../domain/switching-out.js';
import { Abandoned, NeedsDecision } from '../../../workflows/shared/needs-decision.js';
import { SwitchingOut, parseSwitchingOutInput } from './switching-out.steps.js';
import {
  judgeUpdate,
  relayDetailsQuery,
  reportMistakenOkUpdate,
  switchingOutDecideUpdate,
  switchingOutStatusQuery,
  type SwitchingOutDecisionReason,
  type SwitchingOutResult,
} from './switching-out.defs.js';

export { ruleJudgement } from './switching-out.decisions.js';

export async function switchingOutWorkflow(rawInput: SwitchingOutInput): Promise<SwitchingOutResult> {
  const switching = new SwitchingOut(parseSwitchingOutInput(rawInput));
  const { state, record } = switching;
  const { relayNo } = state;
  setHandler(switchingOutStatusQuery, () => state);
  setHandler(relayDetailsQuery, () => switching.relayDetails());
  setHandler(judgeUpdate, (d) => switching.judge(d), { validator: (d) => switching.validateJudgement(d) });
  setHandler(reportMistakenOkUpdate, (r) => switching.reportMistakenOk(r), { validator: (r) => switching.validateMistakenOk(r) });
  setHandler(switchingOutDecideUpdate, (d) => switching.decide(d), { validator: (d) => switching.validateDecision(d) });

  try {
    // 1. Our records.
    await switching.checkRecords();

    // 2. The judgement: a person may already have given it; else a rule for clear cases; else a person.
    if (!state.judgement) await switching.judgeByRule();
    if (!state.judgement) await switching.awaitJudgementByPerson();
    const judgement = state.judgement!;

    // 3. 判断 registration. Cannot be changed afterwards.
    await switching.registerJudgement(judgement);
    if (judgement.judgement === 'NG') {
      return await switching.finish({ outcome: 'COMPLETED_NG', relayNo, ngReasons: judgement.ngReasons }, 'COMPLETED_NG');
    }

    // 4. スイッチング廃止申請, then its 受付工程.
    for (;;) {
      const applicationNo = await switching.applyStop();
      const processed = await switching.awaitProcessing(applicationNo);
      if (processed.state === 'COMPLETED') {
        if (state.mistakenOk) {
          await switching.notify('ESCALATION', `the switching of 廃止取次 ${relayNo} went through although a mistaken OK was reported: contact the new retailer ${state.newRetailerCode} and the customer`);
        }
        record(`switching completed${processed.actualDate ? ` on ${processed.actualDate}` : ''}`);
        return await switching.finish(
          { outcome: 'COMPLETED', relayNo, applicationNo, stopDate: state.stopDate, actualDate: processed.actualDate, mistakenOkReported: state.mistakenOk !== undefined },
          'COMPLETED',
        );
      }
      // 09: after a reported mistaken OK this is the expected end — the new retailer cancelled the relay.
      const cancelledByNewRetailer = () => switching.finish({ outcome: 'CANCELLED_BY_NEW_RETAILER', relayNo, applicationNo, note: processed.note }, 'CANCELLED_BY_NEW_RETAILER');
      if (state.mistakenOk) {
        record(`スイッチング廃止申請 rejected (受付工程 ${processed.stageCode}) after the mistaken OK was reported: the relay was cancelled by the new retailer`);
        return await cancelledByNewRetailer();
      }
      const d = await switching.askDecision(
        new NeedsDecision<SwitchingOutDecisionReason>('PROCESSING_REJECTED', `the switching stop application was rejected (受付工程 ${processed.stageCode}${processed.note ? `: ${processed.note}` : ''}); retry files it again`, { code: processed.stageCode }),
        // A mistaken OK reported meanwhile explains the rejection: the new retailer cancelled.
        () => state.mistakenOk !== undefined,
      );
      if (!d) {
        record('the rejection follows the reported mistaken OK: the relay was cancelled by the new retailer');
        return await cancelledByNewRetailer();
      }
      if (d.action === 'abandon') throw new Abandoned(d.reason, d.decidedBy);
      // 'retry': file the stop application again (a new 事業者管理番号).
    }
  } catch (err) {
    if (err instanceof Abandoned) {
      record(`abandoned by ${err.decidedBy}: ${err.reason}`);
      return await switching.finish({ outcome: 'ABANDONED', relayNo, reason: err.reason, decidedBy: err.decidedBy }, 'ABANDONED');
    }
    throw err;
  }
}
