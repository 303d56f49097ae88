// The call log and the two published limits, on REAL time (they are about real requests):
// - L2 (docs/external-systems/kansai-takusou.md §7.2): at most MAX_IN_FLIGHT (8) requests in flight in total across APIs 1–18.
//   A request of those APIs counts from the arrival of its head to the end of its response (or
//   the socket closing). A request arriving while 8 are in flight is one concurrency Violation.
//   The scope of the real cap (per supplier, account or IP) is not public; one simulator instance
//   stands for one supplier, so the count is per instance.
// - L1 (docs/external-systems/kansai-takusou.md §7.1): for APIs 1–7 and 10, per 申込番号, the time the last response was fully sent is kept; a
//   request on that number arriving less than MIN_SPACING_AFTER_RESPONSE_MS (1000) after it is one
//   spacing Violation. A new application (no number yet) starts the clock with its response.
// The real reaction to a breach is not public: the default is to record it only.
import {
  MAX_IN_FLIGHT,
  MIN_SPACING_AFTER_RESPONSE_MS,
  type ServiceName,
} from '../activities/provisional-wire-format.js';
import type { CallRecord, SimulatorSummary, Violation } from './types.js';

export class CallLog {
  private records: CallRecord[] = [];
  private violationLog: Violation[] = [];
  private lastResponse = new Map<string, { seq: number; atMs: number }>();
  private inFlightNow = 0;
  private maxInFlight = 0;
  private seq = 0;

  constructor(
    private readonly maxInFlightAllowed: number = MAX_IN_FLIGHT,
    private readonly minSpacingMs: number = MIN_SPACING_AFTER_RESPONSE_MS,
  ) {}

  arrive(receivedAtMs: number, simulatedAtMs: number, method: string, path: string): CallRecord {
    const record: CallRecord = {
      seq: ++this.seq,
      receivedAtMs,
      simulatedAtMs,
      method,
      path,
      service: '',
      serviceNo: 0,
      inFlightAtArrival: 0,
      httpStatus: 0,
      inMaintenance: false,
      durationMs: 0,
    };
    this.records.push(record);
    return record;
  }

  /** L2: a request of APIs 1–18 starts; returns the concurrency Violation it causes, if any. */
  enter(record: CallRecord, service: ServiceName): Violation | undefined {
    this.inFlightNow++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlightNow);
    record.inFlightAtArrival = this.inFlightNow;
    if (this.inFlightNow <= this.maxInFlightAllowed) return undefined;
    const v: Violation = { kind: 'concurrency', seq: record.seq, service, inFlight: this.inFlightNow, atMs: record.receivedAtMs };
    this.violationLog.push(v);
    return v;
  }

  leave(): void {
    this.inFlightNow = Math.max(0, this.inFlightNow - 1);
  }

  /** L1: a request on `moshikomiNo` of APIs 1–7/10; returns the spacing Violation it causes, if any. */
  checkSpacing(record: CallRecord, service: ServiceName, moshikomiNo: string): Violation | undefined {
    const prev = this.lastResponse.get(moshikomiNo);
    if (!prev) return undefined;
    const gapMs = record.receivedAtMs - prev.atMs;
    if (gapMs >= this.minSpacingMs) return undefined;
    const v: Violation = { kind: 'spacing', seq: record.seq, service, moshikomiNo, previousSeq: prev.seq, gapMs, atMs: record.receivedAtMs };
    this.violationLog.push(v);
    return v;
  }

  /** L1: the response on `moshikomiNo` was fully sent at atMs. */
  responded(moshikomiNo: string, seq: number, atMs: number): void {
    const prev = this.lastResponse.get(moshikomiNo);
    if (!prev || prev.atMs <= atMs) this.lastResponse.set(moshikomiNo, { seq, atMs });
  }

  get inFlight(): number {
    return this.inFlightNow;
  }

  maxInFlightObserved(): number {
    return this.maxInFlight;
  }

  calls(): CallRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  violations(): Violation[] {
    return this.violationLog.map((v) => ({ ...v }));
  }

  summary(): SimulatorSummary {
    const byService: SimulatorSummary['byService'] = {};
    const byStatus: Record<string, number> = {};
    for (const r of this.records) {
      if (r.service) byService[r.service] = (byService[r.service] ?? 0) + 1;
      const s = String(r.httpStatus);
      byStatus[s] = (byStatus[s] ?? 0) + 1;
    }
    return {
      calls: this.records.length,
      violations: {
        concurrency: this.violationLog.filter((v) => v.kind === 'concurrency').length,
        spacing: this.violationLog.filter((v) => v.kind === 'spacing').length,
      },
      maxInFlight: this.maxInFlight,
      callsInMaintenance: this.records.filter((r) => r.inMaintenance).length,
      byService,
      byStatus,
    };
  }

  /** Clears the logs and the L1 memory; requests still in flight keep counting; sequence numbers keep counting up. */
  reset(): void {
    this.records = [];
    this.violationLog = [];
    this.lastResponse.clear();
    this.maxInFlight = this.inFlightNow;
  }
}
