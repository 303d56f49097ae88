// The stage a lifecycle is in, as the Web UI filters it: DenkiStage, DenkiAwaitingHuman and, while a
// person is awaited, DenkiDecisionDue. One upsert shape for every workflow.
import { upsertSearchAttributes } from '@temporalio/workflow';
import { SA_AWAITING_HUMAN, SA_DECISION_DUE, SA_STAGE } from '../search-attributes.js';

export function publishStage(stage: string, awaitingHuman: boolean, dueAt?: string): void {
  upsertSearchAttributes([
    { key: SA_STAGE, value: stage },
    { key: SA_AWAITING_HUMAN, value: awaitingHuman },
    { key: SA_DECISION_DUE, value: awaitingHuman && dueAt ? new Date(dueAt) : null },
  ]);
}
