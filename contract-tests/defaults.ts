import type { Profile } from './report.js';

/** Defaults of `runContractSuite` and `vaero test` (a module of its own: the CLI reads them without loading the suite). */
export const DEFAULTS = {
  profile: 'full' as Profile,
  /** contract: every rule counts; reference: only the reference's (contract-tests/level.ts). */
  level: 'contract' as 'reference' | 'contract',
  maxRequests: 5000,
  // The stub's default pace takes a job from created to succeeded in about ten seconds.
  jobTimeoutMs: 30_000,
  numRuns: 8,
  // Total waiting for 429s: a server that keeps refusing ends the run inconclusive soon after.
  maxWaitMs: 120_000,
  // Each answer, body included, within this; three requests in a row unanswered: the server is gone.
  requestTimeoutMs: 30_000,
  // What is read of one answer: a full run against the stub peaks near 110 MB, this keeps any server's answers far below 300 MB.
  maxResponseBytes: 16 * 1024 * 1024,
  // The whole run: a server that answers slowly or never ends gets this long, then the rest is not judged.
  deadlineMs: 10 * 60_000,
};
