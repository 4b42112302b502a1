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
  /** The requests that led up to it (e.g. the earlier pages of a paging failure). */
  steps?: Exchange[];
  /**
   * A shell script that reproduces it in a fresh shell: the uploads and creates it depends on
   * (with the file contents written by printf), the steps, then the failing request.
   */
  reproduce?: string;
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
  /** How many assertions it evaluated (passed or failed). */
  assertions: number;
  /** How many requests it sent. */
  requests: number;
  durationMs: number;
  failures: Failure[];
}

/**
 * A rule's verdict. held: at least one assertion about it was evaluated and passed, none
 * failed, and no part of it was left unjudged. broken: an assertion about it failed (a rule
 * of severity warn that broke is reported as a warning). not-judged: no assertion about it
 * could be evaluated (or part of it could not), because of the server's behaviour, a broken
 * rule that came first, the request budget, 429s past --max-wait, or a server that stopped
 * answering. skipped: not judged by the run's configuration (the profile, no second token,
 * a status only a stub's control header provokes): not a finding either way.
 */
export type RuleVerdict = 'held' | 'broken' | 'not-judged' | 'skipped';

/** Why a rule was not judged (see checks/types.ts NotJudgedCause). */
export interface NotJudged {
  cause: 'configuration' | 'blocked' | 'server' | 'budget' | 'max-wait' | 'server-gone' | 'deadline';
  reason: string;
  /** The check that could not judge it. */
  checkId?: string;
}

export interface RuleResult {
  id: string;
  source: RuleSource;
  severity: Severity;
  why: string;
  /** JSON pointer into spec/openapi.yaml where the rule is stated. */
  location: string;
  /** For a reference rule: the page of Vaero's API reference that states it. */
  page?: string;
  verdict: RuleVerdict;
  /** Assertions about this rule that were evaluated and passed. */
  held: number;
  /** Failures seen (counting repeats). */
  failures: number;
  /** Why it was not judged, or which parts of it were not (empty when held or broken in full). */
  notJudged: NotJudged[];
  /** Whether the profile requires it: a required rule of severity error left not-judged makes the run inconclusive. */
  required: boolean;
  /** Ids of the checks that assert it (or found it broken). */
  checks: string[];
}

/** One row of the coverage table: an operation's declared status, provoked or not, and what was asserted on it. */
export interface CoverageRow {
  operationId: string;
  status: number;
  /** Answers with this status the run received. */
  answers: number;
  /** Rules with an assertion evaluated on one of these answers. */
  rules: string[];
  /** Why it was not provoked (when answers is 0). */
  why?: string;
  /** Whether the profile requires provoking it (statuses only a control header provokes are not). */
  required: boolean;
}

/** The server stopped answering mid-run: the last request it answered and the first it did not. */
export interface Interruption {
  lastAnswered?: { seq: number; method: string; url: string; status: number; curl: string };
  unanswered: { seq: number; method: string; url: string; error: string; curl: string };
  /** The rules left not judged after it. */
  notJudgedAfter: string[];
}

/**
 * conform: no rule of severity error broke and every rule the profile requires was judged (exit 0).
 * nonconform: a rule of severity error broke (exit 1).
 * inconclusive: nothing broke, but a required rule could not be judged because of the server
 * (exit 3; --allow-inconclusive maps it to 0).
 */
export type Outcome = 'conform' | 'nonconform' | 'inconclusive';

export interface Report {
  tool: { name: 'vaero-contract'; version: string };
  spec: { title: string; version: string };
  /** The base URL tested (credentials never appear in a report). */
  baseUrl: string;
  profile: Profile;
  /** reference: only the reference's rules count as errors; contract (default): every rule (contract-tests/level.ts). */
  level?: 'reference' | 'contract';
  /** The seed of every generated case; `--seed` with it replays the run. */
  seed: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  requests: { sent: number; max: number };
  /** Time spent waiting out 429s, and the limit (--max-wait). */
  waited: { ms: number; maxMs: number };
  outcome: Outcome;
  /** One sentence per reason the run is inconclusive (empty otherwise). */
  inconclusiveBecause: string[];
  /**
   * Tokens the run generated itself (no --token given): not secrets, printed so that the
   * curl commands ($VAERO_TOKEN, $VAERO_TOKEN_B) replay against the same organizations.
   */
  generatedTokens?: { VAERO_TOKEN: string; VAERO_TOKEN_B?: string };
  /** Set when the server stopped answering mid-run. */
  interruption?: Interruption;
  summary: {
    checks: Record<CheckStatus, number> & { total: number };
    rules: Record<RuleVerdict, number> & { total: number };
    /** Ids of the broken rules of severity error. */
    brokenRules: string[];
    /** Ids of the broken rules of severity warn. */
    warnedRules: string[];
    /** Ids of the required rules not judged because of the server, budget or waiting. */
    notJudgedRules: string[];
  };
  checks: CheckResult[];
  rules: RuleResult[];
  coverage: CoverageRow[];
  /** What the run created and removed at the end (or could not). */
  cleanup: { cancelledJobs: string[]; deletedFiles: string[]; problems: string[] };
  /**
   * Set when the report judges traffic (`vaero proxy`, `vaero judge`): where it came from, the
   * exchanges judged, the entries outside the base URL left out, the findings per side, and
   * the answers a `vaero proxy --strict` replaced with its 502 (judged as the upstream gave them).
   */
  traffic?: { source: 'proxy' | 'har'; exchanges: number; outsideBase: number; findings: { client: number; server: number }; replaced: number };
}
