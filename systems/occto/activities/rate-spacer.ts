// In-process spacing of requests per key (事業者コード): two requests of one key leave at least
// `minSpacingMs` apart. The Temporal server's maxTaskQueueActivitiesPerSecond limits dispatch across
// worker processes; this absorbs what it cannot see — bursts of tasks handed out together and
// latency jitter between dispatch and the request actually leaving.
//
// Each caller reserves the next free departure slot synchronously (so concurrent callers queue in
// arrival order) and then waits for it. A caller cancelled while waiting gives its slot back when
// nobody queued behind it; otherwise the slot stays reserved, which only makes spacing wider.

export interface SpacerClock {
  now(): number;
}

export class RateSpacer {
  /** Per key: the earliest time the next request may leave. */
  private readonly nextFree = new Map<string, number>();
  /** Per key: when the last request actually left. */
  private readonly lastDeparture = new Map<string, number>();
  /** Per key (with afterResponseMs): the request in flight, resolved by release(). */
  private readonly inFlight = new Map<string, { done: Promise<void>; resolve: () => void }>();
  /** Per key: when the last response was received. */
  private readonly lastResponse = new Map<string, number>();

  /**
   * @param afterResponseMs when > 0, one request per key at a time, and the next leaves at least
   *   this long after the previous response (callers must release()). This guarantees the server
   *   sees two requests ≥ afterResponseMs apart whatever stalls the client's event loop between a
   *   departure and the bytes on the wire — a spacing of departures alone cannot.
   */
  constructor(
    private readonly minSpacingMs: number,
    private readonly clock: SpacerClock = Date,
    private readonly afterResponseMs = 0,
  ) {
    if (!Number.isFinite(minSpacingMs) || minSpacingMs < 0) throw new RangeError(`minSpacingMs must be ≥ 0 (got ${minSpacingMs})`);
  }

  /** The request that acquire() let leave for `key` is finished (response received, or failed). */
  release(key: string): void {
    if (this.afterResponseMs <= 0) return;
    this.lastResponse.set(key, this.clock.now());
    const f = this.inFlight.get(key);
    this.inFlight.delete(key);
    f?.resolve();
  }

  /**
   * Resolves when a request for `key` may leave; returns the milliseconds waited. Rejects with the
   * signal's reason if `signal` aborts while waiting (the activity was cancelled).
   */
  async acquire(key: string, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    const start = this.clock.now();
    const slot = Math.max(start, this.nextFree.get(key) ?? start);
    const after = slot + this.minSpacingMs;
    this.nextFree.set(key, after);
    try {
      // Timers fire late under load. A late departure must push the next one back, so each
      // departure is checked against the previous ACTUAL departure, not only its planned slot.
      for (;;) {
        const busy = this.afterResponseMs > 0 ? this.inFlight.get(key) : undefined;
        if (busy) {
          await abortable(busy.done, signal);
          continue;
        }
        const now = this.clock.now();
        const last = this.lastDeparture.get(key);
        const lastResponse = this.lastResponse.get(key);
        const earliest = Math.max(
          slot,
          last === undefined ? slot : last + this.minSpacingMs,
          lastResponse === undefined ? slot : lastResponse + this.afterResponseMs,
        );
        if (now >= earliest) {
          if (this.afterResponseMs > 0) {
            let resolve!: () => void;
            const done = new Promise<void>((r) => (resolve = r));
            this.inFlight.set(key, { done, resolve });
          }
          this.lastDeparture.set(key, now);
          if ((this.nextFree.get(key) ?? 0) < now + this.minSpacingMs) this.nextFree.set(key, now + this.minSpacingMs);
          return now - start;
        }
        await delay(earliest - now, signal);
      }
    } catch (e) {
      if (this.nextFree.get(key) === after) this.nextFree.set(key, slot);
      throw e;
    }
  }
}

function abortable(p: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return p;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, reject);
  });
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
