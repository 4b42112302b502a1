/**
 * What a run has found so far: each check's result, the ledger of assertions per rule and
 * the coverage log. Every finding goes through here, whichever check made it and whenever
 * it ran (checks may overlap): a failure is recorded once per key, with its reproduction,
 * and never holds a token.
 */
import { rule } from '../spec/index.js';
import type { HttpClient } from './http/client.js';
import type { Exchange } from './http/exchange.js';
import { conformanceChecks, judgeExchange } from './checks/conformance.js';
import type { Check, FailureInput, NotJudgedCause } from './checks/types.js';
import { CoverageLog } from './coverage.js';
import type { CheckResult, Failure, Profile } from './report.js';
import { Ledger } from './verdicts.js';

export interface MutableCheck extends CheckResult {
  /** Dedup key -> failure. */
  byKey: Map<string, Failure>;
}

/** The rules a check plans to assert in a profile. */
export const plannedRules = (c: Check, profile: Profile) => [c.ruleId, ...(typeof c.alsoVerifies === 'function' ? c.alsoVerifies(profile) : (c.alsoVerifies ?? []))];

export class RunRecord {
  readonly ledger = new Ledger();
  readonly coverage = new CoverageLog();
  readonly results: Map<string, MutableCheck>;
  failures = 0;

  constructor(
    readonly checks: readonly Check[],
    private readonly client: HttpClient,
    private readonly profile: Profile,
  ) {
    this.results = new Map([...conformanceChecks, ...checks].map((c) => [c.id, { id: c.id, title: c.title, ruleId: c.ruleId, status: 'passed', assertions: 0, requests: 0, durationMs: 0, failures: [], byKey: new Map() }]));
  }

  result(id: string): MutableCheck {
    return this.results.get(id)!;
  }

  fail(target: MutableCheck, f: FailureInput & { ruleId: string }): void {
    const ex = f.exchange;
    this.ledger.touch(f.ruleId, target.id);
    target.assertions++;
    if (ex) this.coverage.judged(ex, f.ruleId);
    this.failures++;
    const key = [f.ruleId, ex?.operationId ?? '', ex?.response?.status ?? ex?.error ?? '', f.message].join('|');
    const seen = target.byKey.get(key);
    if (seen) {
      seen.occurrences++;
      return;
    }
    const shown = [...(f.steps ?? []), ...(ex ? [ex] : [])];
    // What goes into a report never holds a token, even one the server echoed back.
    const failure: Failure = this.client.redactDeep({
      checkId: target.id,
      ruleId: f.ruleId,
      severity: rule(f.ruleId).severity,
      message: f.message,
      ...(f.declared !== undefined ? { declared: f.declared } : {}),
      ...(f.received !== undefined ? { received: f.received } : {}),
      ...(ex ? { exchange: ex } : {}),
      ...(f.steps?.length ? { steps: f.steps } : {}),
      ...(shown.length ? { reproduce: this.client.provenance.script(shown) } : {}),
      ...(f.replay ? { replay: f.replay } : {}),
      occurrences: 1,
    });
    target.byKey.set(key, failure);
    target.failures.push(failure);
  }

  /** One assertion about `ruleId` held (on `ex`, the answer it was about, when there is one). */
  pass(target: MutableCheck, ruleId: string, ex: Exchange | undefined): void {
    this.ledger.pass(ruleId, target.id);
    target.assertions++;
    if (ex) this.coverage.judged(ex, ruleId);
  }

  /** Every answer, whoever asked for it: judged by the conformance checks. */
  answered(ex: Exchange): void {
    this.coverage.answered(ex);
    const verdict = judgeExchange(ex);
    for (const f of verdict.findings) this.fail(this.result(f.checkId), f);
    for (const h of verdict.held) this.pass(this.result(h.checkId), h.ruleId, ex);
  }

  /** A check that judged nothing it planned: each of its rules is not judged, with why. */
  skip(c: Check, cause: NotJudgedCause, reason: string): void {
    const r = this.result(c.id);
    r.status = 'skipped';
    r.skipReason = reason;
    for (const id of plannedRules(c, this.profile)) this.ledger.note(id, { cause, reason, checkId: c.id });
  }
}
