/**
 * The level a run judges at. `contract` (the default): every rule of the spec counts with
 * its own severity. `reference`: only what Vaero's API reference states counts as an
 * error; a rule this contract infers is reported, as a warning. Point `--level reference`
 * at Vaero's own service, or at a third party who implements only what Vaero documents;
 * keep `contract` for this project's servers and implementations that adopt the contract.
 *
 * A level only re-weighs the verdicts: the same checks run and the same failures are
 * found (provenance is the spec's, per keyword: the document-level x-vaero-keyword-rules of
 * spec/openapi.yaml), so a response missing only the fields this contract adds (finished_at,
 * error) breaks only inferred rules and conforms at reference level; and a refusal whose
 * status is right but whose param or code is this contract's choice is judged under that
 * part's inferred rule (checks/expectations.ts), not the reference rule it refused under.
 */
import { rule, type Rule } from '../spec/index.js';
import type { CheckStatus, Report, Severity } from './report.js';
import { outcomeOf, unjudgedRequired } from './verdicts.js';

export const LEVELS = ['reference', 'contract'] as const;
export type Level = (typeof LEVELS)[number];
export const DEFAULT_LEVEL: Level = 'contract';

/** The severity a rule is judged with at a level. */
export function severityAt(r: Pick<Rule, 'source' | 'severity'>, level: Level): Severity {
  return level === 'reference' && r.source === 'inferred' ? 'warn' : r.severity;
}

/**
 * The report as judged at `level`: each failure and rule gets the severity of its rule
 * at that level; check statuses, the broken and warned rules and the outcome follow.
 * Verdicts (held, broken, not judged, skipped) do not change: the same assertions ran.
 */
export function atLevel(report: Report, level: Level): Report {
  if (level === 'contract') return { ...report, level };
  const checks = report.checks.map((c) => {
    const failures = c.failures.map((f) => ({ ...f, severity: severityAt(rule(f.ruleId), level) }));
    const status: CheckStatus = failures.length ? (failures.some((f) => f.severity === 'error') ? 'failed' : 'warned') : c.status;
    return { ...c, failures, status };
  });
  const rules = report.rules.map((r) => ({ ...r, severity: severityAt(r, level) }));
  const checkCount = Object.fromEntries((['passed', 'failed', 'warned', 'skipped'] as const).map((k) => [k, checks.filter((c) => c.status === k).length])) as Record<CheckStatus, number>;
  return {
    ...report,
    level,
    ...outcomeOf(rules),
    summary: {
      ...report.summary,
      checks: { ...checkCount, total: checks.length },
      brokenRules: rules.filter((r) => r.verdict === 'broken' && r.severity === 'error').map((r) => r.id),
      warnedRules: rules.filter((r) => r.verdict === 'broken' && r.severity === 'warn').map((r) => r.id),
      notJudgedRules: unjudgedRequired(rules).map((r) => r.id),
    },
    checks,
    rules,
  };
}
