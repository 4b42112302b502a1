/** Tests on the suite's manual clock: move it while a run waits on it. */
import type { ManualClock } from '../clock.js';

/**
 * Run `work`, moving the clock by `step` whenever something waits on it (each step once the
 * event loop has settled) and `busy` says no real request is in flight.
 */
export async function driving<T>(clock: ManualClock, step: number, work: Promise<T>, busy: () => boolean = () => false): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  void work.then(
    (value) => (outcome = { ok: true, value }),
    (error: unknown) => (outcome = { ok: false, error }),
  );
  while (!outcome) {
    await new Promise((r) => setImmediate(r));
    if (!busy() && clock.waiting) clock.advance(step);
  }
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
