/**
 * Runs a catalogue of checks against one implementation and builds the report. Every
 * exchange is judged for response conformance; every assertion names its rule and goes
 * into the ledger (verdicts.ts), which gives each rule its verdict; a run that cannot go
 * on (request budget, 429s past --max-wait, a server that stopped answering, the deadline) stops there,
 * and what it did not reach is reported not judged, never held.
 */
import { document, rule } from '../spec/index.js';
import { BudgetExhausted, DeadlineReached, ServerGone, WaitExhausted, type HttpClient } from './http/client.js';
import type { Exchange } from './http/exchange.js';
import { conformanceChecks, HEADER_CONFORMANCE, headerRuleStatuses, judgeExchange, responseSchemaRules, SCHEMA_CONFORMANCE } from './checks/conformance.js';
import { Skip, type Check, type CheckContext, type FailureInput, type NotJudgedCause, type SuiteState } from './checks/types.js';
import { CoverageLog } from './coverage.js';
import type { CheckResult, Failure, Interruption, Profile, Report } from './report.js';
import { Ledger, outcomeOf, ruleResults, summarize } from './verdicts.js';

export interface Progress {
  /** Checks finished so far, and how many will run. */
  done: number;
  total: number;
  /** The check now running (or the phase: setup, cleanup). */
  current: string;
  requests: number;
  failures: number;
}

export interface RunnerOptions {
  profile: Profile;
  seed: number;
  jobTimeoutMs: number;
  numRuns: number;
  onProgress?: (p: Progress) => void;
  sleep: (ms: number) => Promise<void>;
  toolVersion: string;
  /** File ids the run may train on from the start (core: the shared samples). */
  initialFileIds: string[];
  /** A finished job of the caller's (--job), to judge the post-success rules on. */
  givenJob?: SuiteState['givenJob'];
  /** Set when the run cannot start (the probe met 429s past --max-wait): every check is reported not run. */
  stopBefore?: { cause: NotJudgedCause; reason: string };
  /** Tokens the run generated itself (printed: they are not secrets). */
  generatedTokens?: Report['generatedTokens'];
}

interface MutableCheck extends CheckResult {
  /** Dedup key -> failure. */
  byKey: Map<string, Failure>;
}

function newResult(c: Check): MutableCheck {
  return { id: c.id, title: c.title, ruleId: c.ruleId, status: 'passed', assertions: 0, requests: 0, durationMs: 0, failures: [], byKey: new Map() };
}

/** The rules a check plans to assert in a profile. */
export const plannedRules = (c: Check, profile: Profile) => [c.ruleId, ...(typeof c.alsoVerifies === 'function' ? c.alsoVerifies(profile) : (c.alsoVerifies ?? []))];

/** Why the run stopped, as the cause and reason of what it did not reach. */
function stopOf(err: unknown): { cause: NotJudgedCause; reason: string } | undefined {
  if (err instanceof BudgetExhausted) return { cause: 'budget', reason: err.message };
  if (err instanceof WaitExhausted) return { cause: 'max-wait', reason: err.message };
  if (err instanceof ServerGone) return { cause: 'server-gone', reason: err.message };
  if (err instanceof DeadlineReached) return { cause: 'deadline', reason: err.message };
  return undefined;
}

export async function runChecks(checks: readonly Check[], client: HttpClient, o: RunnerOptions, cleanup: (ctx: CheckContext) => Promise<Report['cleanup']>): Promise<Report> {
  const startedAt = new Date();
  const selected = checks.filter((c) => c.profiles.includes(o.profile));
  const all = [...conformanceChecks, ...selected];
  const results = new Map<string, MutableCheck>(all.map((c) => [c.id, newResult(c)]));
  const ledger = new Ledger();
  const coverage = new CoverageLog();

  const state: SuiteState = { fileIds: [...o.initialFileIds], uploadedText: new Map(), createdJobs: new Set(), createdFiles: new Set(), finishedJobs: [], ...(o.givenJob ? { givenJob: o.givenJob } : {}) };
  let current: MutableCheck | undefined;
  let lastExchange: Exchange | undefined;
  let failures = 0;
  let done = 0;
  const progress = (name: string) => o.onProgress?.({ done, total: selected.length, current: name, requests: client.used, failures });

  const addFailure = (target: MutableCheck, f: FailureInput & { ruleId: string }) => {
    const r = rule(f.ruleId);
    const ex = f.exchange;
    ledger.touch(f.ruleId, target.id);
    target.assertions++;
    if (ex) coverage.judged(ex, f.ruleId);
    failures++;
    const key = [f.ruleId, ex?.operationId ?? '', ex?.response?.status ?? ex?.error ?? '', f.message].join('|');
    const seen = target.byKey.get(key);
    if (seen) {
      seen.occurrences++;
      return;
    }
    const shown = [...(f.steps ?? []), ...(ex ? [ex] : [])];
    // What goes into a report never holds a token, even one the server echoed back.
    const failure: Failure = client.redactDeep({
      checkId: target.id,
      ruleId: f.ruleId,
      severity: r.severity,
      message: f.message,
      ...(f.declared !== undefined ? { declared: f.declared } : {}),
      ...(f.received !== undefined ? { received: f.received } : {}),
      ...(ex ? { exchange: ex } : {}),
      ...(f.steps?.length ? { steps: f.steps } : {}),
      ...(shown.length ? { reproduce: client.provenance.script(shown) } : {}),
      ...(f.replay ? { replay: f.replay } : {}),
      occurrences: 1,
    });
    target.byKey.set(key, failure);
    target.failures.push(failure);
  };

  const onExchange = (ex: Exchange) => {
    lastExchange = ex;
    if (current) current.requests++;
    coverage.answered(ex);
    const verdict = judgeExchange(ex);
    for (const f of verdict.findings) addFailure(results.get(f.checkId)!, f);
    for (const h of verdict.held) {
      ledger.pass(h.ruleId, h.checkId);
      results.get(h.checkId)!.assertions++;
      coverage.judged(ex, h.ruleId);
    }
  };

  // A 429 the client waits out is an answer too: judged like every other (its Retry-After above all).
  client.onRateLimited = onExchange;

  const ctx: CheckContext = {
    profile: o.profile,
    seed: o.seed,
    jobTimeoutMs: o.jobTimeoutMs,
    numRuns: o.numRuns,
    hasTokenB: client.hasTokenB,
    state,
    client,
    send: async (so) => {
      const ex = await client.send(so);
      onExchange(ex);
      return ex;
    },
    pass: (ruleId) => {
      if (!current) return;
      const id = ruleId ?? current.ruleId;
      ledger.pass(id, current.id);
      current.assertions++;
      if (lastExchange) coverage.judged(lastExchange, id);
    },
    fail: (f) => {
      if (!current) return;
      addFailure(current, { ...f, ruleId: f.ruleId ?? current.ruleId });
    },
    notJudged: (ruleId, reason, cause = 'server') => {
      ledger.note(ruleId, { cause, reason, ...(current ? { checkId: current.id } : {}) });
    },
    skip: (reason, cause) => {
      throw new Skip(reason, cause);
    },
    // No wait goes past the deadline: the request after it is refused, and the check stops there.
    sleep: (ms) => o.sleep(Math.max(0, Math.min(ms, client.timeLeft()))),
  };

  const skipCheck = (c: Check, r: MutableCheck, cause: NotJudgedCause, reason: string) => {
    r.status = 'skipped';
    r.skipReason = reason;
    for (const id of plannedRules(c, o.profile)) ledger.note(id, { cause, reason, checkId: c.id });
  };

  let stopped = o.stopBefore;
  let interruption: Interruption | undefined;
  for (const c of selected) {
    const r = results.get(c.id)!;
    progress(c.id);
    if (stopped) {
      skipCheck(c, r, stopped.cause, stopped.reason);
      done++;
      continue;
    }
    current = r;
    lastExchange = undefined;
    const t0 = performance.now();
    try {
      await c.run(ctx);
      if (!r.assertions) skipCheck(c, r, 'server', 'it ran but could evaluate no assertion');
    } catch (err) {
      const stop = stopOf(err);
      if (err instanceof Skip) skipCheck(c, r, err.category, err.reason);
      else if (stop) {
        stopped = stop;
        if (err instanceof ServerGone) {
          // Silence that ends in "server gone" is no finding about a request: the run is interrupted, and inconclusive.
          r.requests++;
          interruption = interruptionOf(err, client);
        }
        // Findings made before the stop still count; what the check did not reach is not judged.
        if (!r.failures.length) skipCheck(c, r, stop.cause, stop.reason);
        else for (const id of plannedRules(c, o.profile)) ledger.note(id, { cause: stop.cause, reason: stop.reason, checkId: c.id });
      } else {
        addFailure(r, { ruleId: c.ruleId, message: `The check could not complete: ${(err as Error).message}`, received: (err as Error).message });
      }
    }
    r.durationMs = Math.round(performance.now() - t0);
    current = undefined;
    done++;
  }

  progress('cleanup');
  const cleanupResult = interruption ? { cancelledJobs: [], deletedFiles: [], problems: ['the server stopped answering: nothing was cleaned up'] } : await cleanup(ctx);

  for (const r of results.values()) {
    if (r.failures.length) r.status = r.failures.some((f) => f.severity === 'error') ? 'failed' : 'warned';
    r.failures.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  }
  // A conformance check judges every answer: it held nothing when no answer came.
  for (const c of conformanceChecks) {
    const r = results.get(c.id)!;
    if (!r.assertions && r.status === 'passed') skipCheck(c, r, stopped?.cause ?? 'server', stopped?.reason ?? 'no answer to judge');
  }
  const checkResults: CheckResult[] = [...results.values()].map(({ byKey: _omit, ...rest }) => rest);

  // A header rule of some statuses only (Retry-After: 429) is judged on every answer of those
  // statuses; a run none of whose answers had one was not asked to judge it.
  for (const [ruleId, statuses] of headerRuleStatuses) {
    if (coverage.answeredAny(statuses)) continue;
    ledger.note(ruleId, { cause: 'configuration', reason: `no answer of the run had status ${statuses.join(' or ')} (judged on every such answer; a client provokes none through the API)`, checkId: HEADER_CONFORMANCE });
  }
  const planned = new Map<string, string[]>();
  for (const c of all) for (const id of plannedRules(c, o.profile)) planned.set(id, [...(planned.get(id) ?? []), c.id]);
  // A schema rule the profile does not require, that no answer showed: skipped by profile, with why.
  for (const id of responseSchemaRules) {
    if (planned.has(id) || ledger.held.has(id) || ledger.checksByRule.has(id)) continue;
    ledger.note(id, { cause: 'configuration', reason: `skipped by profile: no answer of this ${o.profile} run showed it (it needs an object the profile does not create, e.g. a succeeded job or its events); judged whenever an answer shows one`, checkId: SCHEMA_CONFORMANCE });
  }
  const rules = ruleResults({ ledger, failures: checkResults.flatMap((c) => c.failures), planned });
  if (interruption) interruption.notJudgedAfter = rules.filter((x) => x.verdict === 'not-judged').map((x) => x.id);
  const { outcome, inconclusiveBecause } = outcomeOf(rules);

  const finishedAt = new Date();
  return {
    tool: { name: 'vaero-contract', version: o.toolVersion },
    spec: { title: document.info.title, version: document.info.version },
    baseUrl: client.redact(client.baseUrl),
    profile: o.profile,
    seed: o.seed,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    requests: { sent: client.used, max: client.maxRequests },
    waited: { ms: client.waitedMs, maxMs: client.maxWaitMs },
    outcome,
    inconclusiveBecause,
    ...(o.generatedTokens ? { generatedTokens: o.generatedTokens } : {}),
    ...(interruption ? { interruption: client.redactDeep(interruption) } : {}),
    summary: summarize(checkResults, rules),
    checks: checkResults,
    rules,
    coverage: coverage.rows(o.profile),
    cleanup: cleanupResult,
  };
}

function interruptionOf(err: ServerGone, client: HttpClient): Interruption {
  const last = err.lastAnswered;
  const u = err.unanswered;
  return {
    ...(last ? { lastAnswered: { seq: last.seq, method: last.request.method, url: last.request.url, status: last.response!.status, curl: last.curl } } : {}),
    unanswered: { seq: u.seq, method: u.request.method, url: client.redact(u.request.url), error: u.error ?? 'no answer', curl: u.curl },
    notJudgedAfter: [],
  };
}
