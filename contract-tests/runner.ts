/**
 * Runs a catalogue of checks against one implementation and builds the report. Every
 * exchange is judged for response conformance; every assertion names its rule and goes
 * into the ledger (verdicts.ts), which gives each rule its verdict; a run that cannot go
 * on (request budget, 429s past --max-wait, a server that stopped answering, the deadline) stops there,
 * and what it did not reach is reported not judged, never held.
 */
import { document } from '../spec/index.js';
import { BudgetExhausted, DeadlineReached, ServerGone, WaitExhausted, type HttpClient } from './http/client.js';
import { BudgetHolds } from './budget-holds.js';
import { checkRun, type CheckRun, type ContextOptions } from './check-context.js';
import { conformanceChecks, HEADER_CONFORMANCE, headerRuleStatuses, responseSchemaRules, SCHEMA_CONFORMANCE } from './checks/conformance.js';
import { Skip, type Check, type NotJudgedCause, type SuiteState } from './checks/types.js';
import type { CheckResult, Interruption, Profile, Report } from './report.js';
import { plannedRules, RunRecord } from './run-record.js';
import { outcomeOf, ruleResults, summarize } from './verdicts.js';

export { plannedRules } from './run-record.js';

export interface Progress {
  /** Checks finished so far, and how many will run. */
  done: number;
  total: number;
  /** The check now running (or the phase: setup, cleanup). */
  current: string;
  requests: number;
  failures: number;
}

/** The run's options: what each check's context carries (ContextOptions), and the run's own. */
export interface RunnerOptions extends ContextOptions {
  onProgress?: (p: Progress) => void;
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

/** Why the run stopped, as the cause and reason of what it did not reach. */
function stopOf(err: unknown): { cause: NotJudgedCause; reason: string } | undefined {
  if (err instanceof BudgetExhausted) return { cause: 'budget', reason: err.message };
  if (err instanceof WaitExhausted) return { cause: 'max-wait', reason: err.message };
  if (err instanceof ServerGone) return { cause: 'server-gone', reason: err.message };
  if (err instanceof DeadlineReached) return { cause: 'deadline', reason: err.message };
  return undefined;
}

export async function runChecks(checks: readonly Check[], client: HttpClient, o: RunnerOptions, cleanup: (state: SuiteState) => Promise<Report['cleanup']>): Promise<Report> {
  const startedAt = new Date();
  const selected = checks.filter((c) => c.profiles.includes(o.profile));
  const all = [...conformanceChecks, ...selected];
  const record = new RunRecord(selected, client, o.profile);
  const { ledger, coverage } = record;
  const holds = new BudgetHolds(client);

  const state: SuiteState = { fileIds: [...o.initialFileIds], uploadedText: new Map(), createdJobs: new Set(), keptJobs: new Set(), createdFiles: new Set(), finishedJobs: [], ...(o.givenJob ? { givenJob: o.givenJob } : {}) };
  let done = 0;
  const progress = (name: string) => o.onProgress?.({ done, total: selected.length, current: name, requests: client.used, failures: record.failures });

  // A 429 the client waits out outside any check (none today) is an answer too: judged like every other.
  client.onRateLimited = (ex) => record.answered(ex);

  let stopped = o.stopBefore;
  let interruption: Interruption | undefined;

  /** Runs one check to its end, with its own context; what stops the run is noted for the checks after it. */
  const execute = async (c: Check, run: CheckRun): Promise<void> => {
    const r = record.result(c.id);
    const t0 = performance.now();
    try {
      await c.run(run.ctx);
      if (!r.assertions) record.skip(c, 'server', 'it ran but could evaluate no assertion');
    } catch (err) {
      const stop = stopOf(err);
      if (err instanceof Skip) record.skip(c, err.category, err.reason);
      else if (stop) {
        stopped ??= stop;
        if (err instanceof ServerGone && !interruption) {
          // Silence that ends in "server gone" is no finding about a request: the run is interrupted, and inconclusive.
          r.requests++;
          interruption = interruptionOf(err, client);
        }
        // Findings made before the stop still count; what the check did not reach is not judged.
        if (!r.failures.length) record.skip(c, stop.cause, stop.reason);
        else for (const id of plannedRules(c, o.profile)) ledger.note(id, { cause: stop.cause, reason: stop.reason, checkId: c.id });
      } else {
        record.fail(r, { ruleId: c.ruleId, message: `The check could not complete: ${(err as Error).message}`, received: (err as Error).message });
      }
    } finally {
      run.ended();
      r.durationMs = Math.round(performance.now() - t0);
      done++;
    }
  };

  // In the catalogue's order, one after another; a check that overlaps lets the next start while it waits.
  const running = new Map<string, Promise<void>>();
  for (const c of selected) {
    await Promise.all((c.after ?? []).map((id) => running.get(id)));
    progress(c.id);
    if (stopped) {
      record.skip(c, stopped.cause, stopped.reason);
      done++;
      continue;
    }
    const run = checkRun(c, record, client, holds, state, o);
    const finished = execute(c, run);
    running.set(c.id, finished);
    await Promise.race([finished, run.overlapping]);
  }
  await Promise.all(running.values());

  progress('cleanup');
  const cleanupResult = interruption ? { cancelledJobs: [], deletedFiles: [], problems: ['the server stopped answering: nothing was cleaned up'] } : await cleanup(state);

  for (const r of record.results.values()) {
    if (r.failures.length) r.status = r.failures.some((f) => f.severity === 'error') ? 'failed' : 'warned';
    r.failures.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  }
  // A conformance check judges every answer: it held nothing when no answer came.
  for (const c of conformanceChecks) {
    const r = record.result(c.id);
    if (!r.assertions && r.status === 'passed') record.skip(c, stopped?.cause ?? 'server', stopped?.reason ?? 'no answer to judge');
  }
  const checkResults: CheckResult[] = [...record.results.values()].map(({ byKey: _omit, ...rest }) => rest);

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
