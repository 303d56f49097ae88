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

  constructor(
    private readonly minSpacingMs: number,
    private readonly clock: SpacerClock = Date,
  ) {
    if (!Number.isFinite(minSpacingMs) || minSpacingMs < 0) throw new RangeError(`minSpacingMs must be ≥ 0 (got ${minSpacingMs})`);
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
        const now = this.clock.now();
        const last = this.lastDeparture.get(key);
        const earliest = Math.max(slot, last === undefined ? slot : last + this.minSpacingMs);
        if (now >= earliest) {
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
