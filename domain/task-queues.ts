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
