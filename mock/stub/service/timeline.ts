/**
 * When a job's lifecycle steps happen. A job's lifecycle time runs on the stub's clock from
 * its anchor, plus two things a test can steer:
 * - a head start (a seeded job starts at the status it was seeded in): the lifecycle time
 *   it already had at its anchor, spent at speed 1 from `createdMs` to `anchorMs`;
 * - advances (POST /__vaero/advance): jumps of lifecycle time for the jobs an organization
 *   had when the advance was made (a job created later does not jump).
 */
import type { LifecycleClock } from './clock.js';

export interface Advance {
  /** Wall time of the advance. */
  atMs: number;
  /** Lifecycle ms added. */
  ms: number;
  /** How many jobs the organization had: the advance moves those (by their index). */
  jobs: number;
}

export interface JobTime {
  createdMs: number;
  /** From here the clock runs the job; anchorMs - createdMs is its head start (0 unless seeded). */
  anchorMs: number;
  /** The job's position in its organization's list (oldest first). */
  index: number;
}

/** Lifecycle ms the job has been through by now. */
export function lifecycleElapsed(clock: LifecycleClock, job: JobTime, advances: readonly Advance[]): number {
  let total = job.anchorMs - job.createdMs + clock.elapsedSince(job.anchorMs);
  for (const a of advances) if (a.jobs > job.index) total += a.ms;
  return total;
}

/** The wall time at which the job reaches lifecycle time `at` (Infinity: never, on a frozen clock). */
export function wallTimeOf(clock: LifecycleClock, job: JobTime, advances: readonly Advance[], at: number): number {
  const head = job.anchorMs - job.createdMs;
  if (at <= head) return job.createdMs + at;
  let remaining = at - head;
  let t = job.anchorMs;
  for (const a of advances) {
    if (a.jobs <= job.index) continue;
    const reached = clock.wallTimeAfter(t, remaining);
    if (reached <= a.atMs) return reached;
    remaining -= clock.elapsedSince(t) - clock.elapsedSince(a.atMs) + a.ms;
    t = a.atMs;
    if (remaining <= 0) return t;
  }
  return clock.wallTimeAfter(t, remaining);
}
