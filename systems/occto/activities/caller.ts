// One SOAP call to OCCTO as every activity makes it: refuse what the system does not offer, check
// the request with the wire schema, send it through the paced transport, classify the answer,
// check the response with the wire schema, write exactly one log line and, for a request that left,
// count it in the metrics (denki_external_calls_total, platform/metrics.ts). Also the activity
// context helpers (attempt number, heartbeat) the business files share.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { AreaCode } from '../../../domain/areas.js';
import { operationAvailability, type OcctoOperation } from '../domain/occto-operations.js';
import { areaOfSupplyPoint, pointIdProblem } from '../../../domain/supply-point.js';
import { recordExternalCall, recordRateLimitWait, type CallOutcome } from '../../../platform/metrics.js';
import { OcctoFailure, type Category } from './contract.js';
import {
  businessFailure,
  classifyTransportError,
  interpretResponse,
  issuePaths,
  malformed,
  notOfferedFailure,
  type CallContext,
  type Classified,
} from './errors.js';
import { isOffered, REQUEST_SCHEMAS, RESPONSE_SCHEMAS, serviceId, type Operation } from './provisional-wire-format.js';
import type { Transport } from './transport.js';

export type CallOp = keyof typeof REQUEST_SCHEMAS & keyof typeof RESPONSE_SCHEMAS;
export type ResponseOf<O extends CallOp> = z.output<(typeof RESPONSE_SCHEMAS)[O]>;

export interface CallTarget {
  company: string;
  category: Category;
}

export interface CallOptions {
  /** Our reference (requestRef) for the log line. */
  ref?: string;
  /** The supply point the call is about: its area names ERR_AMPERE_AREA's area. Not logged. */
  supplyPointId?: string;
}

export interface OcctoCaller {
  /**
   * One SOAP call. Throws an ApplicationFailure of an OcctoFailure type (or the activity's
   * cancellation). A request the wire schema refuses, or an interface that does not exist for the
   * category, is refused before sending (one log line with sent: false).
   */
  call<O extends CallOp>(op: O, on: CallTarget, body: Record<string, unknown>, options?: CallOptions): Promise<ResponseOf<O>>;
  /**
   * Refuses, before any call, an operation the system does not offer for the category (docs/external-systems/occto-switching.md §2.5)
   * or, for アンペア変更, the supply point's area (§5.3): NotOffered, non-retryable, one log line.
   * `wireOp` names the interface in the log line.
   */
  ensureOffered(op: OcctoOperation, wireOp: Operation, on: CallTarget, supplyPointId?: string): void;
  /** Logs that a retry or a duplicate answer found our earlier write (no personal data). */
  reused(kind: string, on: CallTarget, ref: string, no: string, why: string): void;
  log: Logger;
}

/** The running activity's context, or undefined when called outside an activity (tests, scripts). */
export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** The activity attempt (1 outside an activity). > 1 means an earlier attempt may have written. */
export function attempt(): number {
  return activityContext()?.info.attempt ?? 1;
}

/** Heartbeat between the calls of a long activity (paging); a no-op outside an activity. */
export function heartbeat(details?: unknown): void {
  activityContext()?.heartbeat(details);
}

/** The area of a well-formed point ID; undefined otherwise (the wire schema then refuses the ID). */
export function areaOf(supplyPointId: string | undefined): AreaCode | undefined {
  return supplyPointId !== undefined && pointIdProblem(supplyPointId) === undefined ? areaOfSupplyPoint(supplyPointId) : undefined;
}

/** Splits into runs of at most `size` (the 200-record guideline of list calls). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The metrics outcome of a failed OCCTO call, from its failure type and log fields (errors.ts). */
export function occtoOutcome(c: Classified): CallOutcome {
  switch (c.failure.type) {
    case OcctoFailure.Auth:
      return 'auth_error';
    case OcctoFailure.Maintenance:
      return 'maintenance';
    case OcctoFailure.RateLimited:
      return 'rate_limited';
    case OcctoFailure.MalformedResponse:
      return 'malformed_response';
    case OcctoFailure.Transient: {
      if (c.log['httpStatus'] !== undefined) return 'server_error';
      return /TIMEOUT/.test(String(c.log['errorCode'] ?? '')) ? 'timeout' : 'network_error';
    }
    default:
      // Business, DuplicateRelay, PasswordExpired, AlreadyJudged, NotOffered (ERR_AMPERE_AREA): answered with a result code.
      return 'business_error';
  }
}

export function createCaller(transport: Transport, log: Logger): OcctoCaller {
  async function call<O extends CallOp>(op: O, on: CallTarget, body: Record<string, unknown>, options: CallOptions = {}): Promise<ResponseOf<O>> {
    const serviceID = serviceId(op as Operation, on.category);
    const requestID = randomUUID();
    const line: Record<string, unknown> = { event: 'occto.call', op, serviceID, requestID, company: on.company, category: on.category };
    if (options.ref !== undefined) line['ref'] = options.ref;
    const context: CallContext = { area: areaOf(options.supplyPointId) };
    // durationMs is the request itself; the wait in the spacer is logged apart as spacedMs.
    let started = performance.now();
    let departed = false;
    const onDepart = (spacedMs: number) => {
      started = performance.now();
      departed = true;
      line['spacedMs'] = spacedMs;
      recordRateLimitWait({ system: 'occto', queue: activityContext()?.info.taskQueue ?? `occto.${on.company}`, stage: 'spacer', waitedMs: spacedMs });
    };
    // Only a request that left is an external call; refusals before sending are logged only.
    const count = (outcome: CallOutcome) => {
      if (departed) recordExternalCall({ system: 'occto', api: serviceID, company: on.company, outcome, durationMs: performance.now() - started });
    };
    const done = (outcome: string, extra: Record<string, unknown> = {}) => ({
      ...line,
      outcome,
      durationMs: Math.round(performance.now() - started),
      ...extra,
    });
    const fail = (c: Classified): never => {
      const type = c.failure.type ?? 'unknown';
      const entry = done(type, c.log);
      count(occtoOutcome(c));
      if (type === OcctoFailure.Auth || type === OcctoFailure.MalformedResponse) log.error(entry, `OCCTO ${serviceID} failed: ${type}`);
      else log.warn(entry, `OCCTO ${serviceID} failed: ${type}`);
      throw c.failure;
    };

    // An interface that does not exist for the category never leaves (the system would answer ERR_20040).
    if (!isOffered(op as Operation, on.category)) {
      return fail({
        failure: notOfferedFailure(serviceID, `${serviceID} does not exist for ${on.category} (docs/external-systems/occto-switching.md §2.5, §3)`, { operation: op, category: on.category, rule: 'category' }),
        log: { sent: false, rule: 'category' },
      });
    }
    // Our own input check: what the system's 入力チェック would refuse never leaves.
    const request = REQUEST_SCHEMAS[op].safeParse(body);
    if (!request.success) {
      const fields = issuePaths(request.error.issues);
      return fail({ failure: businessFailure(serviceID, 'ERR_INPUT', undefined, `refused before sending; fields: ${fields}`), log: { sent: false, fields } });
    }

    const signal = activityContext()?.cancellationSignal;
    let res;
    try {
      res = await transport.send(on.company, serviceID, request.data as Record<string, unknown>, { signal, requestID, onDepart });
    } catch (e) {
      if (signal?.aborted) {
        count('cancelled');
        log.info(done('cancelled'), `OCCTO ${serviceID} cancelled`);
        throw e;
      }
      return fail(classifyTransportError(serviceID, e));
    }
    line['httpStatus'] = res.status;

    const answer = interpretResponse(serviceID, res.status, res.xml, context);
    if (!answer.ok) return fail(answer);
    const parsed = RESPONSE_SCHEMAS[op].safeParse(answer.body);
    if (!parsed.success) return fail(malformed(serviceID, `response does not match the schema (${issuePaths(parsed.error.issues)})`, res.xml));
    count('ok');
    log.info(done('ok', { resultCode: answer.result.kekkaCode }), `OCCTO ${serviceID} ok`);
    return parsed.data as ResponseOf<O>;
  }

  function ensureOffered(op: OcctoOperation, wireOp: Operation, on: CallTarget, supplyPointId?: string): void {
    const area = areaOf(supplyPointId);
    const availability = operationAvailability(op, on.category, area);
    if (availability.ok) return;
    const serviceID = serviceId(wireOp, on.category);
    const details = { operation: op, category: on.category, ...(availability.rule === 'area' && area ? { area } : {}), rule: availability.rule };
    const failure = notOfferedFailure(`${op} (${serviceID})`, availability.message, details);
    log.warn(
      { event: 'occto.call', op: wireOp, serviceID, requestID: randomUUID(), company: on.company, category: on.category, outcome: OcctoFailure.NotOffered, durationMs: 0, sent: false, rule: availability.rule, ...(details.area ? { area } : {}) },
      `OCCTO ${serviceID} refused: ${OcctoFailure.NotOffered}`,
    );
    throw failure;
  }

  function reused(kind: string, on: CallTarget, ref: string, no: string, why: string): void {
    log.info({ event: 'occto.reused', kind, company: on.company, category: on.category, ref, no, why }, `OCCTO ${kind}: our earlier write found (${why}); not sent again`);
  }

  return { call, ensureOffered, reused, log };
}
