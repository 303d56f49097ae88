// Create a Schedule, or bring an existing one to this spec, action and policies (idempotent set-up
// at start: a changed cadence or input takes effect on the next start, the Schedule's ID stays).
import { ScheduleAlreadyRunning, type Client, type ScheduleOptions } from '@temporalio/client';

/** True when created now, false when it existed and was updated. */
export async function ensureSchedule(client: Client, options: ScheduleOptions): Promise<boolean> {
  try {
    await client.schedule.create(options);
    return true;
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    const { spec, action, policies } = options;
    await client.schedule.getHandle(options.scheduleId).update((prev) => ({ ...prev, spec, action, policies }));
    return false;
  }
}
