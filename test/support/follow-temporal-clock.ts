// Keeps a simulator's clock on Temporal's: in a time-skipping test the workflow's "now" jumps
// ahead, and the simulator must see each request at the time the workflow sent it (maintenance
// windows, progress of applications).
import { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';

export function followTemporalClock(sim: { clock: { set(ms: number): void } }) {
  let last = 0;
  return (): { inbound: ActivityInboundCallsInterceptor } => ({
    inbound: {
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
        const t = Context.current().info.currentAttemptScheduledTimestampMs;
        if (t > last) {
          last = t;
          sim.clock.set(t);
        }
        return next(input);
      },
    },
  });
}
