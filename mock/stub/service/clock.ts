/**
 * The lifecycle clock. Timestamps in answers are always real wall-clock seconds;
 * only the pace at which jobs advance through their lifecycle is scaled (`speed`),
 * so a frontend sees every state without waiting, and tests are deterministic.
 */
export interface LifecycleClock {
  /** Lifecycle ms per wall ms (0: frozen). */
  readonly speed: number;
  /** Wall-clock time in ms since the epoch: every timestamp the stub answers with. */
  now(): number;
  /** Lifecycle time (ms) that has elapsed since wall time `since`. */
  elapsedSince(since: number): number;
  /** The wall time at which `lifecycleMs` of lifecycle time will have elapsed since `since` (Infinity: never). */
  wallTimeAfter(since: number, lifecycleMs: number): number;
}

function checkSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed < 0) throw new RangeError(`speed must be a number >= 0, got ${speed}`);
}

/** The real clock, with the lifecycle running `speed` times as fast (0: frozen). */
export function realClock(speed = 1): LifecycleClock {
  checkSpeed(speed);
  return {
    speed,
    now: () => Date.now(),
    elapsedSince: (since) => (speed === 0 ? 0 : Math.max(0, Date.now() - since) * speed),
    wallTimeAfter: (since, lifecycleMs) => (lifecycleMs === 0 ? since : speed === 0 ? Infinity : since + lifecycleMs / speed),
  };
}

/** A clock that moves only when told to (tests); the lifecycle runs at `speed` against it. */
export class ManualClock implements LifecycleClock {
  private t: number;
  constructor(
    startMs: number = Date.now(),
    readonly speed: number = 1,
  ) {
    checkSpeed(speed);
    this.t = startMs;
  }
  now(): number {
    return this.t;
  }
  elapsedSince(since: number): number {
    return Math.max(0, this.t - since) * this.speed;
  }
  wallTimeAfter(since: number, lifecycleMs: number): number {
    return lifecycleMs === 0 ? since : this.speed === 0 ? Infinity : since + lifecycleMs / this.speed;
  }
  /** Move time forward by `ms`. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance needs ms >= 0, got ${ms}`);
    this.t += ms;
  }
}

/** A run of the stub on a state journal: from `atMs` (wall) the lifecycle ran at `speed`. */
export interface Session {
  atMs: number;
  speed: number;
}

/**
 * The lifecycle clock across restarts on one `--state` journal: each earlier run of the stub
 * moved jobs at its own speed (until the next run started), the current run at `live`'s.
 * So a job keeps the progress it had when the stub stopped, whatever `--speed` it restarts
 * with: `--speed 0` freezes jobs where they were, it does not send them back to the start.
 */
export function sessionClock(earlier: readonly Session[], live: LifecycleClock, liveSince: number): LifecycleClock {
  if (!earlier.length) return live;
  // Segment i runs from starts[i] (the first from the beginning of time) to starts[i + 1].
  const speeds = [...earlier.map((s) => s.speed), live.speed];
  const starts = [-Infinity, ...earlier.slice(1).map((s) => s.atMs), liveSince];
  const last = speeds.length - 1;
  return {
    speed: live.speed,
    now: () => live.now(),
    elapsedSince(since) {
      let total = 0;
      for (let i = 0; i < last; i++) {
        const from = Math.max(since, starts[i] as number);
        const to = starts[i + 1] as number;
        if (to > from) total += (to - from) * (speeds[i] as number);
      }
      return total + live.elapsedSince(Math.max(since, liveSince));
    },
    wallTimeAfter(since, lifecycleMs) {
      if (lifecycleMs === 0) return since;
      let remaining = lifecycleMs;
      let t = since;
      for (let i = 0; i < last; i++) {
        const to = starts[i + 1] as number;
        if (to <= t) continue;
        const speed = speeds[i] as number;
        const gain = (to - t) * speed;
        if (gain >= remaining) return t + remaining / speed;
        remaining -= gain;
        t = to;
      }
      return live.wallTimeAfter(Math.max(t, liveSince), remaining);
    },
  };
}
