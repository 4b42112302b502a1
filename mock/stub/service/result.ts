import type { Violation } from '../../errors/answer-policy.js';

/** What every service function answers: its value, or the contract's error for the request. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: Violation };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err(error: Violation): { ok: false; error: Violation } {
  return { ok: false, error };
}
