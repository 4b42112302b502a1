/**
 * The ledger of a run and the verdict it gives each rule. Every assertion names its rule:
 * a rule is held only when at least one assertion about it was evaluated and passed and
 * none failed; a rule some part of which could not be judged is not held; a run is
 * inconclusive when a rule the profile requires was not judged for a reason other than
 * the user's configuration.
 */
import { rules as specRules } from '../spec/index.js';
import type { CheckResult, Failure, NotJudged, Outcome, Report, RuleResult, RuleVerdict } from './report.js';

export class Ledger {
  /** Passed assertions per rule. */
  readonly held = new Map<string, number>();
  /** What could not be judged, per rule. */
  readonly notJudged = new Map<string, NotJudged[]>();
  /** The checks that evaluated an assertion about each rule. */
  readonly checksByRule = new Map<string, Set<string>>();

  pass(ruleId: string, checkId: string): void {
    this.held.set(ruleId, (this.held.get(ruleId) ?? 0) + 1);
    this.touch(ruleId, checkId);
  }

  touch(ruleId: string, checkId: string): void {
    let s = this.checksByRule.get(ruleId);
    if (!s) this.checksByRule.set(ruleId, (s = new Set()));
    s.add(checkId);
  }

  note(ruleId: string, nj: NotJudged): void {
    const list = this.notJudged.get(ruleId) ?? [];
    // One line per reason: the same reason from two jobs is one reason.
    if (!list.some((x) => x.reason === nj.reason && x.checkId === nj.checkId)) list.push(nj);
    this.notJudged.set(ruleId, list);
  }
}

export interface VerdictInput {
  ledger: Ledger;
  failures: readonly Failure[];
  /** Rule id -> the checks of the run's profile that plan to assert it. */
  planned: ReadonlyMap<string, readonly string[]>;
}

function verdictOf(id: string, held: number, failures: number, notes: readonly NotJudged[], planned: boolean): { verdict: RuleVerdict; notes: NotJudged[] } {
  if (failures) return { verdict: 'broken', notes: [...notes] };
  const unjudged = notes.filter((n) => n.cause !== 'configuration');
  if (unjudged.length) return { verdict: 'not-judged', notes: [...notes] };
  // Part of it left out by the run's configuration (no second token...): skipped, not held.
  if (notes.length) return { verdict: 'skipped', notes: [...notes] };
  if (held) return { verdict: 'held', notes: [] };
  if (!planned) return { verdict: 'skipped', notes: [{ cause: 'configuration', reason: `skipped by profile: no check of this profile asserts ${id}` }] };
  return { verdict: 'not-judged', notes: [{ cause: 'server', reason: 'the checks that assert it ran, but none could evaluate an assertion about it' }] };
}

export function ruleResults({ ledger, failures, planned }: VerdictInput): RuleResult[] {
  const brokenAny = failures.some((f) => f.severity === 'error');
  return [...specRules.values()].map((r) => {
    const failing = failures.filter((f) => f.ruleId === r.id);
    const plannedBy = planned.get(r.id) ?? [];
    const held = ledger.held.get(r.id) ?? 0;
    const { verdict, notes } = verdictOf(r.id, held, failing.length, ledger.notJudged.get(r.id) ?? [], plannedBy.length > 0);
    // Nothing evaluated, nothing said why: when something broke first, that is why.
    const explained = notes.map((n) => (n.cause === 'server' && !held && brokenAny && !n.checkId ? { ...n, cause: 'blocked' as const, reason: `${n.reason} (a rule that broke stopped those checks first)` } : n));
    const checks = [...new Set([...plannedBy, ...(ledger.checksByRule.get(r.id) ?? []), ...failing.map((f) => f.checkId)])];
    const required = plannedBy.length > 0 && !(verdict === 'skipped');
    return {
      id: r.id,
      source: r.source,
      severity: r.severity,
      why: r.why,
      location: r.location,
      ...(r.page ? { page: r.page } : {}),
      verdict,
      held,
      failures: failing.reduce((n, f) => n + f.occurrences, 0),
      notJudged: explained,
      required,
      checks,
    };
  });
}

/**
 * The rules whose being left unjudged makes a run inconclusive: required by the profile and
 * of severity error (at the run's level: an inferred rule is a warning at reference level).
 */
export function unjudgedRequired(results: readonly RuleResult[]): RuleResult[] {
  return results.filter((r) => r.required && r.severity === 'error' && r.verdict === 'not-judged');
}

/** The run's outcome from its rules' verdicts. */
export function outcomeOf(results: readonly RuleResult[]): { outcome: Outcome; inconclusiveBecause: string[] } {
  if (results.some((r) => r.verdict === 'broken' && r.severity === 'error')) return { outcome: 'nonconform', inconclusiveBecause: [] };
  const unjudged = unjudgedRequired(results);
  if (!unjudged.length) return { outcome: 'conform', inconclusiveBecause: [] };
  // One line per reason, naming the rules it left unjudged.
  const byReason = new Map<string, string[]>();
  for (const r of unjudged) for (const n of r.notJudged.filter((x) => x.cause !== 'configuration')) byReason.set(n.reason, [...(byReason.get(n.reason) ?? []), r.id]);
  return { outcome: 'inconclusive', inconclusiveBecause: [...byReason].map(([reason, ids]) => `${ids.join(', ')}: ${reason}`) };
}

/** A report's summary: checks and rules counted by status and verdict, and the rules that decide the outcome. */
export function summarize(checks: readonly CheckResult[], rules: readonly RuleResult[]): Report['summary'] {
  const count = <T extends string>(xs: readonly T[], keys: readonly T[]) => {
    const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<T, number>;
    for (const x of xs) out[x]++;
    return out;
  };
  return {
    checks: { ...count(checks.map((c) => c.status), ['passed', 'failed', 'warned', 'skipped'] as const), total: checks.length },
    rules: { ...count(rules.map((r) => r.verdict), ['held', 'broken', 'not-judged', 'skipped'] as const), total: rules.length },
    brokenRules: rules.filter((r) => r.verdict === 'broken' && r.severity === 'error').map((r) => r.id),
    warnedRules: rules.filter((r) => r.verdict === 'broken' && r.severity === 'warn').map((r) => r.id),
    notJudgedRules: unjudgedRequired(rules).map((r) => r.id),
  };
}
