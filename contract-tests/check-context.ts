/**
 * The context one check runs with: its sends are counted and judged as its own, its passes
 * and failures go to its own result, even while other checks run. A check that overlaps
 * others (ctx.overlap) may only read from then on: it creates nothing while they run, so
 * its jobs stay out of their list assertions.
 */
import type { BudgetHolds } from './budget-holds.js';
import { Skip, type Check, type CheckContext, type SuiteState } from './checks/types.js';
import type { HttpClient } from './http/client.js';
import type { Exchange } from './http/exchange.js';
import type { RunRecord } from './run-record.js';

/** What a check's context carries over from the run's options, as the context declares it. */
export type ContextOptions = Pick<CheckContext, 'profile' | 'seed' | 'jobTimeoutMs' | 'numRuns' | 'requestTimeoutMs' | 'serverRequestTimeoutMs' | 'sleep'>;

export interface CheckRun {
  ctx: CheckContext;
  /** Resolves when the check starts overlapping the next ones (never, for most checks). */
  overlapping: Promise<void>;
  /** Tell the budget the check has ended (its held requests are free again). */
  ended(): void;
}

/** Methods an overlapping check may still send: they change nothing another check lists. */
const READS = new Set(['get', 'head']);

export function checkRun(c: Check, record: RunRecord, client: HttpClient, holds: BudgetHolds, state: SuiteState, o: ContextOptions): CheckRun {
  const r = record.result(c.id);
  let last: Exchange | undefined;
  let overlaps = false;
  let startOverlap!: () => void;
  const overlapping = new Promise<void>((resolve) => (startOverlap = resolve));
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));

  const answered = (ex: Exchange) => {
    r.requests++;
    last = ex;
    record.answered(ex);
  };

  const ctx: CheckContext = {
    profile: o.profile,
    seed: o.seed,
    jobTimeoutMs: o.jobTimeoutMs,
    numRuns: o.numRuns,
    requestTimeoutMs: o.requestTimeoutMs,
    ...(o.serverRequestTimeoutMs !== undefined ? { serverRequestTimeoutMs: o.serverRequestTimeoutMs } : {}),
    hasTokenB: client.hasTokenB,
    state,
    client,
    send: async (so) => {
      if (overlaps) {
        if (!READS.has(so.method.toLowerCase())) throw new Error(`check ${c.id} overlaps others and may only read, but sent ${so.method.toUpperCase()} ${so.path}`);
        holds.spend(c.id);
      } else await holds.room();
      const ex = await client.send({
        ...so,
        // A 429 waited out is an answer of this check's too (its Retry-After judged), and a request of the budget.
        onRateLimited: (limited) => {
          if (overlaps) holds.spend(c.id);
          answered(limited);
        },
      });
      answered(ex);
      return ex;
    },
    pass: (ruleId) => record.pass(r, ruleId ?? c.ruleId, last),
    fail: (f) => record.fail(r, { ...f, ruleId: f.ruleId ?? c.ruleId }),
    notJudged: (ruleId, reason, cause = 'server') => record.ledger.note(ruleId, { cause, reason, checkId: c.id }),
    skip: (reason, cause) => {
      throw new Skip(reason, cause);
    },
    overlap: (maxRequests) => {
      if (overlaps) return true;
      // The budget cannot spare what it may still send: the check goes on in turn, the others after it.
      if (!holds.hold(c.id, maxRequests, ended)) return false;
      overlaps = true;
      startOverlap();
      return true;
    },
    // No wait goes past the deadline: the request after it is refused, and the check stops there.
    sleep: (ms) => o.sleep(Math.max(0, Math.min(ms, client.timeLeft()))),
  };
  return { ctx, overlapping, ended: end };
}
