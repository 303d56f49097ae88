// たくそう君 limit L1: consecutive calls on one application number (APIs 1–7 and 10) leave at
// least 1 s after the previous RESPONSE. Kept in workflow state as a durable timer, so it holds
// across worker restarts and retries — no in-memory clock can forget it.
import { sleep } from '@temporalio/workflow';

export const SPACING_AFTER_RESPONSE_MS = 1_000;

export class ApplicationSpacing {
  private lastResponseAt: number | undefined;

  /** Runs a spaced call: waits (durably) until 1 s after the last response, then records this one's. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.lastResponseAt !== undefined) {
      const wait = this.lastResponseAt + SPACING_AFTER_RESPONSE_MS - Date.now();
      if (wait > 0) await sleep(wait);
    }
    try {
      return await call();
    } finally {
      // Workflow time here is when the activity's result was recorded: after the response.
      this.lastResponseAt = Date.now();
    }
  }
}
