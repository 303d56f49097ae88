// Injected faults (errors, resets, malformed bodies, latency): each applies to the next `count`
// requests (of `serviceId`, when given), first injected first.
import { z } from 'zod';
import type { FaultSpec } from './types.js';

const count = z.number().int().positive({ error: 'count must be a positive integer' }).default(1);
const serviceId = z
  .string()
  .regex(/^I[SF]_[KF]?\d{5}$/, 'serviceId must look like IS_20110 or IF_K10610')
  .optional();

export const faultSpecSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('status'),
      status: z.literal([500, 502, 503, 504], { error: 'status must be one of 500, 502, 503, 504' }),
      count,
      serviceId,
    }),
    z.object({ kind: z.literal('reset'), count, serviceId }),
    z.object({ kind: z.literal('malformed'), count, serviceId }),
    z.object({
      kind: z.literal('delay'),
      ms: z.number().int().nonnegative({ error: 'ms must be a non-negative integer' }).max(600_000, 'ms must be at most 600000'),
      count,
      serviceId,
    }),
  ],
  { error: "kind must be one of 'status', 'reset', 'malformed', 'delay'" },
);

export class FaultQueue {
  private faults: FaultSpec[] = [];

  add(f: FaultSpec): void {
    this.faults.push({ ...faultSpecSchema.parse(f) } as FaultSpec);
  }

  /** Takes one use of the first fault that applies to this request. */
  take(serviceIdOfRequest: string | undefined): FaultSpec | undefined {
    const i = this.faults.findIndex((f) => f.serviceId === undefined || f.serviceId === serviceIdOfRequest);
    const f = this.faults[i];
    if (!f) return undefined;
    f.count--;
    if (f.count <= 0) this.faults.splice(i, 1);
    return { ...f };
  }

  pending(): FaultSpec[] {
    return this.faults.map((f) => ({ ...f }));
  }

  reset(): void {
    this.faults = [];
  }
}
