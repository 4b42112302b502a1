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
};
