// Real-time waits (slow responses, held responses, injected delays) that close() can cut short.
export class Sleeper {
  private pending = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  /** Resolves after `ms`, or at once when the simulator closes; true if it slept the whole time. */
  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve(true);
      }, ms);
      this.pending.set(timer, () => resolve(false));
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    for (const [timer, wake] of this.pending) {
      clearTimeout(timer);
      wake();
    }
    this.pending.clear();
  }
}
