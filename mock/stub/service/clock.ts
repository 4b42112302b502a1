/**
 * The lifecycle clock. Timestamps in answers are always real wall-clock seconds;
 * only the pace at which jobs advance through their lifecycle is scaled (`speed`),
 * so a frontend sees every state without waiting, and tests are deterministic.
 */
export interface LifecycleClock {
  /** Wall-clock time in ms since the epoch: every timestamp the stub answers with. */
  now(): number;
  /** Lifecycle time (ms) that has elapsed since wall time `since`. */
  elapsedSince(since: number): number;
  /** The wall time at which `lifecycleMs` of lifecycle time will have elapsed since `since` (Infinity: never). */
  wallTimeAfter(since: number, lifecycleMs: number): number;
}

/** The real clock, with the lifecycle running `speed` times as fast (0: frozen). */
export function realClock(speed = 1): LifecycleClock {
  if (!Number.isFinite(speed) || speed < 0) throw new RangeError(`speed must be a number >= 0, got ${speed}`);
  return {
    now: () => Date.now(),
    elapsedSince: (since) => (speed === 0 ? 0 : Math.max(0, Date.now() - since) * speed),
    wallTimeAfter: (since, lifecycleMs) => (lifecycleMs === 0 ? since : speed === 0 ? Infinity : since + lifecycleMs / speed),
  };
}

/** A clock that moves only when told to (tests): wall time and lifecycle advance together. */
export class ManualClock implements LifecycleClock {
  private t: number;
  constructor(startMs: number = Date.now()) {
    this.t = startMs;
  }
  now(): number {
    return this.t;
  }
  elapsedSince(since: number): number {
    return Math.max(0, this.t - since);
  }
  wallTimeAfter(since: number, lifecycleMs: number): number {
    return since + lifecycleMs;
  }
  /** Move time forward by `ms`. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance needs ms >= 0, got ${ms}`);
    this.t += ms;
  }
}
