// Task queue names. One OCCTO queue per 事業者コード so that the server-side rate limit
// (maxTaskQueueActivitiesPerSecond) holds the 1 request/s per company across all workers.
import { companyCodeProblem } from './company.js';

export const WORKFLOWS_TASK_QUEUE = 'denki-flow.workflows';

/** `occto.<事業者コード>`; throws on a malformed code so no stray queue (e.g. 'occto.undefined') is ever polled. */
export function occtoTaskQueue(company: string): string {
  const problem = companyCodeProblem(company, 'occtoTaskQueue(company)');
  if (problem) throw new RangeError(problem);
  return `occto.${company}`;
}

/** Internal activities (notifications to people): kept off the rate-limited external queues. */
export const NOTIFY_TASK_QUEUE = 'denki-flow.notify';

/** Our customer records (checked against incoming 廃止取次): served where the records live. */
export const CUSTOMER_RECORDS_TASK_QUEUE = 'denki-flow.customer-records';

/**
 * `kansai-takusou.<事業者コード>`: たくそう君 calls of one retailer. Its workers' concurrency shares
 * add up to at most 8 (the API's cap on requests in flight, APIs 1–18): docs/takusou-concurrency.md.
 */
export function takusouTaskQueue(company: string): string {
  const problem = companyCodeProblem(company, 'takusouTaskQueue(company)');
  if (problem) throw new RangeError(problem);
  return `kansai-takusou.${company}`;
}
