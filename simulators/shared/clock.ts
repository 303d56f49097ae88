// The simulator's clock: simulated time = real time + offset. Time keeps flowing after set() and
// advance(); business progress (judgement, processing) and maintenance windows follow it.
// Rate accounting deliberately does NOT use it (the rate limit is about real requests).

export interface SimClock {
  now(): number;
  /** From now on now() returns ms + the real time elapsed since this call. */
  set(ms: number): void;
  advance(ms: number): void;
}

export function createSimClock(realNow: () => number = Date.now): SimClock & { reset(): void } {
  let offset = 0;
  const check = (ms: number, what: string) => {
    if (!Number.isFinite(ms)) throw new RangeError(`clock.${what} needs a finite number of ms (got ${String(ms)})`);
  };
  return {
    now: () => realNow() + offset,
    set(ms) {
      check(ms, 'set');
      offset = ms - realNow();
    },
    advance(ms) {
      check(ms, 'advance');
      offset += ms;
    },
    reset() {
      offset = 0;
    },
  };
}
