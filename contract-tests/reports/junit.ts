/**
 * JUnit XML, as CI systems read it: one testsuite per run, one testcase per check
 * (classname = the rule it verifies), a <failure> per broken rule with the curl command
 * and the response, <skipped> with the reason. A rule left unjudged that makes the run
 * inconclusive (exit 3) is a <failure type="not-judged"> with its reason, so a CI test tab
 * is red when the step fails: in the rules suite, that rule; in the checks suite, a check
 * skipped for a reason of the server's (not the run's configuration) that left such a rule
 * unjudged. With --allow-inconclusive (exit 0) both are <skipped>.
 */
import { create } from 'xmlbuilder2';
import type { Failure, Report } from '../report.js';
import { escapeUnsafe } from '../escape.js';

function failureText(f: Failure): string {
  const lines = [`rule: ${f.ruleId} (${f.severity})`, f.message];
  if (f.declared !== undefined) lines.push(`declared: ${JSON.stringify(f.declared)}`);
  if (f.received !== undefined) lines.push(`received: ${JSON.stringify(f.received)?.slice(0, 2000)}`);
  if (f.occurrences > 1) lines.push(`seen ${f.occurrences} times`);
  if (f.replay) lines.push(`replay: --seed ${f.replay.seed}${f.replay.path ? ` (fast-check path ${f.replay.path})` : ''}`);
  if (f.reproduce) lines.push('', 'reproduce in a fresh shell:', f.reproduce);
  if (f.exchange) {
    lines.push('', 'request:', f.exchange.curl);
    const r = f.exchange.response;
    lines.push('', r ? `response: ${r.status}\n${Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${r.body.slice(0, 4000)}` : `no response: ${f.exchange.error}`);
  }
  return lines.join('\n');
}

export interface JUnitOptions {
  /** --allow-inconclusive: unjudged required rules do not fail the run, so they are <skipped>. */
  allowInconclusive?: boolean;
}

export function toJUnit(report: Report, options: JUnitOptions = {}): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  // Rules whose being unjudged fails the run (exit 3 unless --allow-inconclusive).
  const failingUnjudged = new Set(options.allowInconclusive ? [] : report.summary.notJudgedRules);
  const notJudgedReason = (r: Report['rules'][number]) => `${r.verdict}: ${r.notJudged.map((n) => n.reason).join('; ') || 'no assertion'}`;
  // A skipped check that left, for a reason not of the run's configuration, a rule unjudged that fails the run.
  const inconclusiveBy = (c: Report['checks'][number]) =>
    c.status !== 'skipped' ? [] : report.rules.filter((r) => failingUnjudged.has(r.id) && r.notJudged.some((n) => n.checkId === c.id && n.cause !== 'configuration')).map((r) => r.id);
  const failingSkips = new Map(report.checks.map((c) => [c.id, inconclusiveBy(c)] as const).filter(([, ids]) => ids.length));
  const failed = report.checks.filter((c) => c.status === 'failed').length + failingSkips.size;
  const skipped = report.checks.filter((c) => c.status === 'skipped').length - failingSkips.size;
  const suites = doc.ele('testsuites', { name: 'vaero-contract', tests: report.checks.length + report.rules.length, failures: failed + report.summary.brokenRules.length + failingUnjudged.size, errors: 0, skipped: skipped + report.summary.rules['not-judged'] + report.summary.rules.skipped - failingUnjudged.size, time: (report.durationMs / 1000).toFixed(3) });
  const suite = suites.ele('testsuite', {
    name: `vaero contract (${report.profile}) ${report.baseUrl}`,
    tests: report.checks.length,
    failures: failed,
    errors: 0,
    skipped,
    time: (report.durationMs / 1000).toFixed(3),
    timestamp: report.startedAt,
  });
  const props = suite.ele('properties');
  for (const [name, value] of [
    ['baseUrl', report.baseUrl],
    ['profile', report.profile],
    ['seed', String(report.seed)],
    ['requests', String(report.requests.sent)],
    ['spec', `${report.spec.title} ${report.spec.version}`],
    ['outcome', report.outcome],
    ...report.inconclusiveBecause.map((x) => ['inconclusive', x]),
    ...(report.interruption ? [['interruption', `no answer to #${report.interruption.unanswered.seq} ${report.interruption.unanswered.method} ${report.interruption.unanswered.url}`]] : []),
  ]) props.ele('property', { name, value });
  const rulesById = new Map(report.rules.map((r) => [r.id, r]));
  for (const c of report.checks) {
    const rule = rulesById.get(c.ruleId);
    const tc = suite.ele('testcase', { name: `${c.id}: ${c.title}`, classname: `${c.ruleId}`, time: (c.durationMs / 1000).toFixed(3) });
    const leftUnjudged = failingSkips.get(c.id);
    if (leftUnjudged) {
      const message = `not judged: ${c.skipReason ?? 'skipped'}`;
      tc.ele('failure', { message: message.slice(0, 500), type: 'not-judged' }).txt(`${message}\n\nIt left ${leftUnjudged.join(', ')} unjudged: the run is inconclusive (exit 3). --allow-inconclusive reports it skipped.`);
    } else if (c.status === 'skipped') tc.ele('skipped', { message: c.skipReason ?? 'skipped' });
    for (const f of c.failures.filter((x) => x.severity === 'error' && c.status === 'failed')) {
      tc.ele('failure', { message: `${f.ruleId}: ${f.message}`.slice(0, 500), type: f.ruleId }).txt(failureText(f));
    }
    const warnings = c.failures.filter((x) => x.severity === 'warn');
    const out = [rule ? `rule ${rule.id} (${rule.source}, ${rule.severity}) at ${rule.location}: ${rule.why}` : '', ...warnings.map((w) => `WARNING ${failureText(w)}`)].filter(Boolean);
    if (out.length) tc.ele('system-out').txt(out.join('\n\n'));
  }
  // The verdict of every rule, as testcases of their own suite: held passes, broken fails,
  // not judged that makes the run inconclusive fails (type not-judged), other not judged and
  // skipped are <skipped> with the reason (a CI view that never shows an unjudged rule as passed).
  const ruleSuite = suites.ele('testsuite', {
    name: `vaero contract rules (${report.profile}) ${report.baseUrl}`,
    tests: report.rules.length,
    failures: report.rules.filter((r) => (r.verdict === 'broken' && r.severity === 'error') || failingUnjudged.has(r.id)).length,
    errors: 0,
    skipped: report.rules.filter((r) => (r.verdict === 'not-judged' || r.verdict === 'skipped') && !failingUnjudged.has(r.id)).length,
    time: '0',
    timestamp: report.startedAt,
  });
  for (const r of report.rules) {
    const tc = ruleSuite.ele('testcase', { name: `${r.id} (${r.source}, ${r.severity})`, classname: 'rules' });
    if (r.verdict === 'broken' && r.severity === 'error') tc.ele('failure', { message: `${r.id}: broken (${r.failures} failures)`, type: r.id }).txt(r.why);
    else if (failingUnjudged.has(r.id)) tc.ele('failure', { message: notJudgedReason(r).slice(0, 500), type: 'not-judged' }).txt(`${notJudgedReason(r)}\n\nThe run is inconclusive (exit 3): a rule the profile requires could not be judged. --allow-inconclusive reports it skipped.\n\n${r.why}`);
    else if (r.verdict === 'not-judged' || r.verdict === 'skipped') tc.ele('skipped', { message: notJudgedReason(r) });
    else tc.ele('system-out').txt(`${r.verdict}: ${r.held} assertions held${r.verdict === 'broken' ? `, ${r.failures} warnings` : ''}`);
  }
  // A server's bytes may hold characters XML 1.0 does not allow: shown escaped, the file stays well-formed.
  return escapeUnsafe(doc.end({ prettyPrint: true }));
}
