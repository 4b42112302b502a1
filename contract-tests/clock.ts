/**
 * The suite's clock: what the request timeout, the run's --deadline, 429 waits and job
 * polling measure time with. Tests pass a ManualClock and move it themselves, so a case
 * about a timeout or a deadline ends at once instead of waiting it out.
 */

export interface Clock {
  /** Milliseconds since some fixed start (only differences are used). */
  now(): number;
  /** Resolves after `ms`; resolves at once, early, when `signal` aborts (a cancelled wait). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** A clock that moves only when told to: `advance(ms)` wakes every sleep that has come due. */
export class ManualClock implements Clock {
  private t = 0;
  private readonly sleepers = new Set<{ at: number; wake: () => void }>();

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper = {
        at: this.t + Math.max(0, ms),
        wake: () => {
          this.sleepers.delete(sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
      if (ms <= 0) sleeper.wake();
    });
  }

  advance(ms: number): void {
    this.t += ms;
    for (const s of [...this.sleepers]) if (s.at <= this.t) s.wake();
  }

  /** How many sleeps are waiting (a test advances once the run is waiting on the clock). */
  get waiting(): number {
    return this.sleepers.size;
  }
}
