/**
 * JUnit agrees with the exit code in both suites: a check skipped for a reason that is not
 * the run's configuration (here the request budget, used up) that leaves a required rule unjudged is a <failure
 * type="not-judged"> in the checks suite, as that rule is in the rules suite (exit 3); with
 * --allow-inconclusive (exit 0) both are <skipped>. A check skipped by the run's
 * configuration (no second token) stays <skipped> either way.
 */
import { convert } from 'xmlbuilder2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStub, type RunningStub } from '../../mock/stub/index.js';
import { runContractSuite } from '../index.js';
import type { Report } from '../report.js';
import { toJUnit } from '../reports/junit.js';

type Case = { '@name': string; failure?: { '@type': string; '@message': string } | { '@type': string; '@message': string }[]; skipped?: { '@message': string } };
type Suite = { '@failures': string; '@skipped': string; '@tests': string; testcase: Case[] };
const suites = (xml: string) => (convert(xml, { format: 'object' }) as { testsuites: { '@failures': string; '@skipped': string; testsuite: Suite[] } }).testsuites;
const failures = (c: Case) => (c.failure === undefined ? [] : Array.isArray(c.failure) ? c.failure : [c.failure]);
const caseOf = (suite: Suite, id: string) => suite.testcase.find((c) => c['@name'].startsWith(`${id}: `))!;

let stub: RunningStub;
let report: Report;
beforeAll(async () => {
  // A request budget the run uses up: the checks after it are skipped (cause budget, not the configuration).
  stub = await startStub({ port: 0, host: '127.0.0.1', speed: 0, log: false });
  report = await runContractSuite({ baseUrl: stub.baseUrl, token: 'junit-a', profile: 'full', seed: 12, maxRequests: 60 });
}, 120_000);
afterAll(async () => {
  await stub?.close();
});

describe('JUnit checks suite for server-caused skips', () => {
  it('the run is inconclusive, and some check was skipped for a reason of the server\'s', () => {
    expect(report.outcome).toBe('inconclusive');
    const serverSkipped = report.checks.filter((c) => c.status === 'skipped' && report.rules.some((r) => report.summary.notJudgedRules.includes(r.id) && r.notJudged.some((n) => n.checkId === c.id && n.cause !== 'configuration')));
    expect(serverSkipped.length).toBeGreaterThan(0);
  });

  it('exit 3: such a check is a failure of type not-judged, with its reason; a configuration skip stays skipped; the counts agree', () => {
    const xml = suites(toJUnit(report));
    const checksSuite = xml.testsuite[0]!;
    for (const c of report.checks.filter((x) => x.status === 'skipped')) {
      const leftUnjudged = report.rules.filter((r) => report.summary.notJudgedRules.includes(r.id) && r.notJudged.some((n) => n.checkId === c.id && n.cause !== 'configuration'));
      const tc = caseOf(checksSuite, c.id);
      if (leftUnjudged.length) {
        expect(failures(tc), c.id).toEqual([{ '@type': 'not-judged', '@message': `not judged: ${c.skipReason}`.slice(0, 500), '#': expect.stringContaining(leftUnjudged[0]!.id) }]);
        expect(tc.skipped, c.id).toBeUndefined();
      } else {
        expect(failures(tc), c.id).toEqual([]);
        expect(tc.skipped?.['@message'], c.id).toBe(c.skipReason);
      }
    }
    const failing = checksSuite.testcase.filter((c) => failures(c).length).length;
    const skippedCases = checksSuite.testcase.filter((c) => c.skipped).length;
    expect([Number(checksSuite['@failures']), Number(checksSuite['@skipped'])]).toEqual([failing, skippedCases]);
    expect(failing).toBeGreaterThan(0);
  });

  it('a check skipped by the run\'s configuration stays <skipped> at exit 3', () => {
    // The same run, had the isolation check been skipped for want of a second token (the configuration).
    const reason = 'no second token (--token-b or VAERO_TOKEN_B): isolation needs two organizations';
    const isolation = report.checks.find((c) => c.id === 'organizations-are-isolated')!;
    const configured: Report = {
      ...report,
      checks: report.checks.map((c) => (c === isolation ? { ...c, skipReason: reason } : c)),
      rules: report.rules.map((r) => ({ ...r, notJudged: r.notJudged.map((n) => (n.checkId === isolation.id ? { ...n, cause: 'configuration' as const, reason } : n)) })),
    };
    expect(report.outcome).toBe('inconclusive');
    const tc = caseOf(suites(toJUnit(configured)).testsuite[0]!, isolation.id);
    expect(failures(tc)).toEqual([]);
    expect(tc.skipped?.['@message']).toBe(reason);
  });

  it('--allow-inconclusive (exit 0): the same checks are <skipped>, none fails', () => {
    const checksSuite = suites(toJUnit(report, { allowInconclusive: true })).testsuite[0]!;
    for (const c of report.checks.filter((x) => x.status === 'skipped')) {
      const tc = caseOf(checksSuite, c.id);
      expect(failures(tc), c.id).toEqual([]);
      expect(tc.skipped?.['@message'], c.id).toBe(c.skipReason);
    }
    expect(checksSuite['@failures']).toBe('0');
    expect(Number(checksSuite['@skipped'])).toBe(report.checks.filter((x) => x.status === 'skipped').length);
  });
});
