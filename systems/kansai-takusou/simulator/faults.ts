// Injected faults (errors, resets, malformed bodies, latency): each applies to the next `count`
// requests (of `service`, when given), first injected first.
import { z } from 'zod';
import { SERVICE_NAMES, type ServiceName } from '../activities/provisional-wire-format.js';
import type { FaultSpec } from './types.js';

const count = z.number().int().positive({ error: 'count must be a positive integer' }).default(1);
const service = z
  .enum(SERVICE_NAMES as [ServiceName, ...ServiceName[]], { error: (i) => `service must be one of the 21 service names (got ${JSON.stringify(i.input)})` })
  .optional();

export const faultSpecSchema = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('status'),
        status: z.literal([500, 502, 503, 504], { error: 'status must be one of 500, 502, 503, 504' }),
        count,
        service,
      })
      .strict(),
    z.object({ kind: z.literal('reset'), count, service }).strict(),
    z.object({ kind: z.literal('malformed'), count, service }).strict(),
    z
      .object({
        kind: z.literal('delay'),
        ms: z.number().int().nonnegative({ error: 'ms must be a non-negative integer' }).max(600_000, 'ms must be at most 600000'),
        count,
        service,
      })
      .strict(),
  ],
  { error: "kind must be one of 'status', 'reset', 'malformed', 'delay'" },
);

export class FaultQueue {
  private faults: FaultSpec[] = [];

  add(f: FaultSpec): void {
    this.faults.push({ ...faultSpecSchema.parse(f) } as FaultSpec);
  }

  /** Takes one use of the first fault that applies to this request. */
  take(serviceOfRequest: ServiceName): FaultSpec | undefined {
    const i = this.faults.findIndex((f) => f.service === undefined || f.service === serviceOfRequest);
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
