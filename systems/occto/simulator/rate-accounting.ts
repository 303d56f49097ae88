// Per-company rate accounting on REAL arrival time (docs/external-systems/occto-switching.md §7.3: about 1 request/s per company).
// - Every request is logged as a CallRecord, rejected ones included.
// - Two consecutive requests of one company arriving < 1000 ms apart are a Violation (if any two
//   requests are closer than 1 s, some consecutive pair is; counting pairs of neighbours keeps
//   "two quick requests" = one violation).
// - More than `rejectAbovePerSecond` arrivals of one company within the last 1000 ms (the current
//   one and rejected ones included) → the automatic load-limit rejection; it clears by itself once
//   the rate falls.
import type { CallRecord, CompanySummary, SimulatorSummary, Violation } from './types.js';

/** The real system's cap: 1 request/s per company, i.e. ≥ 1000 ms between two requests. */
export const MIN_SPACING_MS = 1000;
const WINDOW_MS = 1000;

export class RateAccounting {
  private records: CallRecord[] = [];
  private violationLog: Violation[] = [];
  private lastArrival = new Map<string, { seq: number; atMs: number }>();
  private recent = new Map<string, number[]>();
  private seq = 0;

  /**
   * @param minSpacingMs the cap as a spacing: 1000 ms for 1 request/s; benchmarks scale the cap up
   *   (e.g. 50 ms for 20 requests/s) to keep runs short while the ratios stay meaningful.
   */
  constructor(
    private readonly rejectAbovePerSecond: number,
    private readonly minSpacingMs: number = MIN_SPACING_MS,
  ) {}

  /** Logs an arrival; returns the (live) record and whether the load limit rejects it. */
  arrive(company: string, receivedAtMs: number, simulatedAtMs: number): { record: CallRecord; overLimit: boolean } {
    const record: CallRecord = {
      seq: ++this.seq,
      receivedAtMs,
      simulatedAtMs,
      company,
      serviceId: '',
      operation: 'unknown',
      category: 'unknown',
      requestId: '',
      httpStatus: 0,
      inMaintenance: false,
      durationMs: 0,
    };
    this.records.push(record);

    const prev = this.lastArrival.get(company);
    if (prev && receivedAtMs - prev.atMs < this.minSpacingMs) {
      this.violationLog.push({ company, firstSeq: prev.seq, secondSeq: record.seq, gapMs: receivedAtMs - prev.atMs, atMs: receivedAtMs });
    }
    this.lastArrival.set(company, { seq: record.seq, atMs: receivedAtMs });

    const window = (this.recent.get(company) ?? []).filter((t) => receivedAtMs - t < WINDOW_MS);
    window.push(receivedAtMs);
    this.recent.set(company, window);
    return { record, overLimit: window.length > this.rejectAbovePerSecond };
  }

  calls(): CallRecord[] {
    return this.records.map((r) => ({ ...r }));
  }

  violations(): Violation[] {
    return this.violationLog.map((v) => ({ ...v }));
  }

  summary(): SimulatorSummary {
    const byCompany: Record<string, CompanySummary> = {};
    const of = (c: string) => (byCompany[c] ??= { calls: 0, violations: 0, rateLimited: 0, inMaintenance: 0 });
    for (const r of this.records) {
      const s = of(r.company);
      s.calls++;
      if (r.httpStatus === 429) s.rateLimited++;
      if (r.inMaintenance) s.inMaintenance++;
    }
    for (const v of this.violationLog) of(v.company).violations++;
    return {
      calls: this.records.length,
      violations: this.violationLog.length,
      callsInMaintenance: this.records.filter((r) => r.inMaintenance).length,
      byCompany,
    };
  }

  /** Clears the logs and the windows; sequence numbers keep counting up. */
  reset(): void {
    this.records = [];
    this.violationLog = [];
    this.lastArrival.clear();
    this.recent.clear();
  }
}
