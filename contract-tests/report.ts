/**
 * The report of a run: the shape of `vaero test --json` and of what `runContractSuite`
 * returns. Every field is documented here; contract-tests/reports/README.md shows an example.
 */
import type { Exchange } from './http/exchange.js';

export type Profile = 'core' | 'full';
export type Severity = 'error' | 'warn';
export type RuleSource = 'reference' | 'inferred';

/** One way a response broke a rule, with the request that showed it. */
export interface Failure {
  /** The check that found it (stable id, e.g. `negative-generated`). */
  checkId: string;
  /** The x-vaero-rule broken (an id of spec/openapi.yaml). */
  ruleId: string;
  severity: Severity;
  /** One sentence: what was wrong. */
  message: string;
  /** What the spec declares (a status, a value, a schema keyword...). */
  declared?: unknown;
  /** What the implementation did. */
  received?: unknown;
  /** The request that showed it and the answer (tokens redacted; curl uses $VAERO_TOKEN). */
  exchange?: Exchange;
  /** For a generated case: the fast-check seed and path that replay it (`--seed`). */
  replay?: { seed: number; path?: string; counterexample?: unknown };
  /** How many times the same failure was seen (same rule, operation, status, message). */
  occurrences: number;
}

export type CheckStatus = 'passed' | 'failed' | 'warned' | 'skipped';

export interface CheckResult {
  /** Stable id of the check. */
  id: string;
  title: string;
  /** The x-vaero-rule this check verifies first of all (failures may name a narrower rule). */
  ruleId: string;
  /** passed; failed (a broken rule of severity error); warned (only severity warn broken); skipped. */
  status: CheckStatus;
  /** Why it was skipped (no second token, budget used up, a job did not finish in time...). */
  skipReason?: string;
  /** How many assertions it made. */
  assertions: number;
  /** How many requests it sent. */
  requests: number;
  durationMs: number;
  failures: Failure[];
}

export type RuleStatus = 'passed' | 'failed' | 'warned' | 'skipped' | 'not-checked';

export interface RuleResult {
  id: string;
  source: RuleSource;
  severity: Severity;
  why: string;
  /** JSON pointer into spec/openapi.yaml where the rule is stated. */
  location: string;
  /** failed/warned: a check saw it broken; passed: checks verified it; skipped: only skipped checks cover it; not-checked: no check in this profile. */
  status: RuleStatus;
  /** Ids of the checks that verify it (or that found it broken). */
  checks: string[];
  failures: number;
}

export interface Report {
  tool: { name: 'vaero-contract'; version: string };
  spec: { title: string; version: string };
  /** The base URL tested (credentials never appear in a report). */
  baseUrl: string;
  profile: Profile;
  /** The seed of every generated case; `--seed` with it replays the run. */
  seed: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  requests: { sent: number; max: number };
  /** conform: no rule of severity error broke (exit 0); nonconform: one did (exit 1). */
  outcome: 'conform' | 'nonconform';
  summary: {
    checks: Record<CheckStatus, number> & { total: number };
    rules: Record<RuleStatus, number> & { total: number };
    /** Ids of the broken rules of severity error. */
    brokenRules: string[];
    /** Ids of the broken rules of severity warn. */
    warnedRules: string[];
  };
  checks: CheckResult[];
  rules: RuleResult[];
  /** What the run created and removed at the end (or could not). */
  cleanup: { cancelledJobs: string[]; deletedFiles: string[]; problems: string[] };
}
