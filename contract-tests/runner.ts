/**
 * Runs a catalogue of checks against one implementation and builds the report:
 * every exchange is judged for response conformance, failures are deduplicated and
 * tied to their rule, and each rule of the spec gets a verdict.
 */
import { document, rules, rule } from '../spec/index.js';
import { BudgetExhausted, type HttpClient } from './http/client.js';
import type { Exchange } from './http/exchange.js';
import { conformanceChecks, judgeExchange } from './checks/conformance.js';
import { Skip, type Check, type CheckContext, type FailureInput, type SuiteState } from './checks/types.js';
import type { CheckResult, Failure, Profile, Report, RuleResult, RuleStatus } from './report.js';

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
}

interface MutableCheck extends CheckResult {
  /** Dedup key -> failure. */
  byKey: Map<string, Failure>;
}

function newResult(c: Check): MutableCheck {
  return { id: c.id, title: c.title, ruleId: c.ruleId, status: 'passed', assertions: 0, requests: 0, durationMs: 0, failures: [], byKey: new Map() };
}

function addFailure(client: HttpClient, target: MutableCheck, f: FailureInput & { ruleId: string }): void {
  const r = rule(f.ruleId);
  const ex = f.exchange;
  const key = [f.ruleId, ex?.operationId ?? '', ex?.response?.status ?? ex?.error ?? '', f.message].join('|');
  const seen = target.byKey.get(key);
  if (seen) {
    seen.occurrences++;
    return;
  }
  // What goes into a report never holds a token, even one the server echoed back.
  const failure: Failure = client.redactDeep({
    checkId: target.id,
    ruleId: f.ruleId,
    severity: r.severity,
    message: f.message,
    ...(f.declared !== undefined ? { declared: f.declared } : {}),
    ...(f.received !== undefined ? { received: f.received } : {}),
    ...(ex ? { exchange: ex } : {}),
    ...(f.replay ? { replay: f.replay } : {}),
    occurrences: 1,
  });
  target.byKey.set(key, failure);
  target.failures.push(failure);
}

export async function runChecks(checks: readonly Check[], client: HttpClient, o: RunnerOptions, cleanup: (ctx: CheckContext) => Promise<Report['cleanup']>): Promise<Report> {
  const startedAt = new Date();
  const selected = checks.filter((c) => c.profiles.includes(o.profile));
  const results = new Map<string, MutableCheck>();
  for (const c of [...conformanceChecks, ...selected]) results.set(c.id, newResult(c));

  const state: SuiteState = { fileIds: [...o.initialFileIds], uploadedText: new Map(), createdJobs: new Set(), createdFiles: new Set() };
  let current: MutableCheck | undefined;
  let failures = 0;
  let done = 0;
  const progress = (name: string) => o.onProgress?.({ done, total: selected.length, current: name, requests: client.used, failures });

  const onExchange = (ex: Exchange) => {
    if (current) current.requests++;
    for (const f of judgeExchange(ex)) {
      const target = results.get(f.checkId)!;
      addFailure(client, target, f);
      failures++;
    }
    // Every answer is one assertion of each conformance check that applies to it.
    for (const c of conformanceChecks) if (ex.operationId || c.ruleId === 'request.no-5xx-on-bad-input') results.get(c.id)!.assertions++;
  };

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
    pass: () => {
      if (current) current.assertions++;
    },
    fail: (f) => {
      if (!current) return;
      addFailure(client, current, { ...f, ruleId: f.ruleId ?? current.ruleId });
      failures++;
    },
    skip: (reason) => {
      throw new Skip(reason);
    },
    sleep: o.sleep,
  };

  let budgetGone: string | undefined;
  for (const c of selected) {
    const r = results.get(c.id)!;
    progress(c.id);
    if (budgetGone) {
      r.status = 'skipped';
      r.skipReason = budgetGone;
      done++;
      continue;
    }
    current = r;
    const t0 = performance.now();
    try {
      await c.run(ctx);
    } catch (err) {
      if (err instanceof Skip) {
        r.status = 'skipped';
        r.skipReason = err.reason;
      } else if (err instanceof BudgetExhausted) {
        budgetGone = err.message;
        // Findings made before the budget ran out still count; otherwise it is unfinished.
        if (!r.failures.length) {
          r.status = 'skipped';
          r.skipReason = err.message;
        }
      } else {
        const e = err as Error;
        addFailure(client, r, { ruleId: c.ruleId, message: `The check could not complete: ${e.message}`, received: e.message });
      }
    }
    r.durationMs = Math.round(performance.now() - t0);
    current = undefined;
    done++;
  }

  progress('cleanup');
  const cleanupResult = await cleanup(ctx);

  // Statuses: a check failed when it saw a broken rule of severity error.
  for (const r of results.values()) {
    if (r.failures.length) r.status = r.failures.some((f) => f.severity === 'error') ? 'failed' : 'warned';
    r.failures.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  }
  const checkResults: CheckResult[] = [...results.values()].map(({ byKey: _omit, ...rest }) => rest);

  const ruleResults: RuleResult[] = [...rules.values()].map((r) => {
    const covering = [...conformanceChecks, ...selected].filter((c) => c.ruleId === r.id || c.alsoVerifies?.includes(r.id)).map((c) => c.id);
    const failing = checkResults.flatMap((c) => c.failures.filter((f) => f.ruleId === r.id));
    const checkIds = [...new Set([...covering, ...failing.map((f) => f.checkId)])];
    let status: RuleStatus;
    if (failing.length) status = r.severity === 'error' ? 'failed' : 'warned';
    else {
      const ran = checkIds.map((id) => results.get(id)).filter((c) => c && c.status !== 'skipped');
      status = ran.length ? 'passed' : checkIds.length ? 'skipped' : 'not-checked';
    }
    return { id: r.id, source: r.source, severity: r.severity, why: r.why, location: r.location, status, checks: checkIds, failures: failing.reduce((n, f) => n + f.occurrences, 0) };
  });

  const count = <T extends string>(xs: { status: T }[], keys: readonly T[]) => {
    const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<T, number>;
    for (const x of xs) out[x.status]++;
    return out;
  };
  const brokenRules = ruleResults.filter((r) => r.status === 'failed').map((r) => r.id);
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
    outcome: brokenRules.length ? 'nonconform' : 'conform',
    summary: {
      checks: { ...count(checkResults, ['passed', 'failed', 'warned', 'skipped'] as const), total: checkResults.length },
      rules: { ...count(ruleResults, ['passed', 'failed', 'warned', 'skipped', 'not-checked'] as const), total: ruleResults.length },
      brokenRules,
      warnedRules: ruleResults.filter((r) => r.status === 'warned').map((r) => r.id),
    },
    checks: checkResults,
    rules: ruleResults,
    cleanup: cleanupResult,
  };
}
