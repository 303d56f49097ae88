// Pieces of the simulators' admin APIs (plain HTTP, JSON): bounded body reading, zod validation
// with field-level 400s, and instants given as epoch ms or ISO 8601.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

export const MAX_BODY_BYTES = 64 * 1024;

/** An error the admin router answers with its status and JSON payload. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly payload: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

/** An instant field: epoch ms, or an ISO 8601 date-time with offset; yields epoch ms. */
export const instant = (field: string) =>
  z.union([
    z.number({ error: `${field} must be epoch ms or an ISO 8601 date-time with offset` }).int({ error: `${field} must be an integer epoch-ms value` }),
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, `${field} must be an ISO 8601 date-time with offset, e.g. 2026-05-11T10:00:00+09:00`)
      .refine((s) => Number.isFinite(Date.parse(s)), `${field} is not a valid date-time`)
      .transform((s) => Date.parse(s)),
  ]);

export function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  throw new HttpError(400, {
    error: 'invalid request body',
    issues: r.error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', message: i.message })),
  });
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, { error: 'body is not valid JSON' });
  }
}
