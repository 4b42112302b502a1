/**
 * The verdicts of a stream of judged exchanges, as the same report `vaero test` writes
 * (contract-tests/report.ts): the suite's ledger gives each rule its verdict, its coverage
 * table says which declared statuses the traffic showed, its level re-weighs by provenance.
 * The side of each failure is its check: `traffic-client` (the requests) or
 * `traffic-server` (the answers, and what spans answers).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { document, rule, specPath } from '../spec/index.js';
import { CoverageLog } from '../contract-tests/coverage.js';
import { atLevel, type Level } from '../contract-tests/level.js';
import type { CheckResult, Failure, Report } from '../contract-tests/report.js';
import { Ledger, outcomeOf, ruleResults, summarize } from '../contract-tests/verdicts.js';
import type { ExchangeJudgement } from './judge.js';
import type { Side } from './message.js';

export const SIDE_CHECK: Record<Side, { id: string; title: string; ruleId: string }> = {
  client: { id: 'traffic-client', title: 'Requests the clients sent keep the contract (client side)', ruleId: 'request.schema' },
  server: { id: 'traffic-server', title: 'Answers the server gave keep the contract (server side)', ruleId: 'response.schema' },
};

export interface TrafficCounts {
  /** Where the traffic came from. */
  source: 'proxy' | 'har';
  /** Exchanges judged. */
  exchanges: number;
  /** Entries outside the base URL: counted, left out. */
  outsideBase: number;
  /** Findings per side. */
  findings: Record<Side, number>;
  /** Answers the client did not get: a --strict proxy replaced them with its 502 (they are judged as the upstream gave them). */
  replaced: number;
}

const PACKAGE_VERSION = (JSON.parse(readFileSync(join(dirname(specPath), '..', 'package.json'), 'utf8')) as { version: string }).version;

export class TrafficReport {
  private readonly ledger = new Ledger();
  private readonly coverage = new CoverageLog();
  private readonly checks = new Map<Side, CheckResult & { byKey: Map<string, Failure> }>();
  private readonly startedAt = new Date();
  readonly counts: TrafficCounts;

  constructor(
    readonly baseUrl: string,
    source: TrafficCounts['source'],
  ) {
    this.counts = { source, exchanges: 0, outsideBase: 0, findings: { client: 0, server: 0 }, replaced: 0 };
    for (const side of ['client', 'server'] as const) {
      const c = SIDE_CHECK[side];
      this.checks.set(side, { id: c.id, title: c.title, ruleId: c.ruleId, status: 'passed', assertions: 0, requests: 0, durationMs: 0, failures: [], byKey: new Map() });
    }
  }

  outside(): void {
    this.counts.outsideBase++;
  }

  add(j: ExchangeJudgement): void {
    const ex = j.exchange;
    this.counts.exchanges++;
    if (j.deliveredStatus !== undefined) this.counts.replaced++;
    // The failure names the answer judged (the upstream's) and says what the client got instead.
    const instead = j.deliveredStatus !== undefined ? ` (the client got ${j.deliveredStatus} instead: vaero proxy --strict replaced this answer)` : '';
    this.coverage.answered(ex);
    for (const side of ['client', 'server'] as const) this.checks.get(side)!.requests++;
    // The request's own assertions come first in j.held (the judge merges the request's verdict first).
    const clientHeld = j.request.held.length;
    for (const [i, id] of j.held.entries()) {
      const side: Side = i < clientHeld ? 'client' : 'server';
      this.ledger.pass(id, SIDE_CHECK[side].id);
      this.checks.get(side)!.assertions++;
      this.coverage.judged(ex, id);
    }
    // Named by its side's check: a note of the traffic, not a check stopped by a broken rule.
    for (const [i, n] of j.notJudged.entries()) this.ledger.note(n.ruleId, { cause: 'server', reason: n.reason, checkId: SIDE_CHECK[i < j.request.notJudged.length ? 'client' : 'server'].id });
    for (const f of j.findings) {
      this.counts.findings[f.side]++;
      const check = this.checks.get(f.side)!;
      check.assertions++;
      this.ledger.touch(f.ruleId, check.id);
      this.coverage.judged(ex, f.ruleId);
      const key = [f.ruleId, ex.operationId ?? '', ex.response?.status ?? '', f.message].join('|');
      const seen = check.byKey.get(key);
      if (seen) {
        seen.occurrences++;
        continue;
      }
      const failure: Failure = {
        checkId: check.id,
        ruleId: f.ruleId,
        severity: rule(f.ruleId).severity,
        message: `[${f.side}] ${f.message}${f.side === 'server' ? instead : ''}`,
        declared: f.declared ?? (f.param !== undefined ? { param: f.param } : undefined),
        received: f.received,
        exchange: ex,
        occurrences: 1,
      };
      check.byKey.set(key, failure);
      check.failures.push(failure);
    }
  }

  /** The report at a level (reference: only the reference's rules count as errors). */
  report(level: Level): Report {
    const checkResults: CheckResult[] = [...this.checks.values()].map(({ byKey: _omit, ...c }) => ({
      ...c,
      status: c.failures.length ? (c.failures.some((f) => f.severity === 'error') ? 'failed' : 'warned') : c.assertions ? 'passed' : 'skipped',
      ...(c.assertions ? {} : { skipReason: 'no traffic to judge' }),
    }));
    // Traffic plans nothing: a rule no exchange reached is skipped, "the traffic did not exercise it".
    const rules = ruleResults({ ledger: this.ledger, failures: checkResults.flatMap((c) => c.failures), planned: new Map() }).map((r) =>
      r.verdict === 'skipped' && !this.ledger.notJudged.has(r.id) ? { ...r, notJudged: [{ cause: 'configuration' as const, reason: 'the traffic did not exercise it' }] } : r,
    );
    const finishedAt = new Date();
    const report: Report = {
      tool: { name: 'vaero-contract', version: PACKAGE_VERSION },
      spec: { title: document.info.title, version: document.info.version },
      baseUrl: this.baseUrl,
      profile: 'full',
      seed: 0,
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - this.startedAt.getTime(),
      requests: { sent: this.counts.exchanges, max: 0 },
      waited: { ms: 0, maxMs: 0 },
      ...outcomeOf(rules),
      summary: summarize(checkResults, rules),
      checks: checkResults,
      rules,
      // What the traffic showed; nothing is required of traffic.
      coverage: this.coverage.rows('core').map((row) => ({ ...row, required: false, ...(row.answers ? {} : { why: 'the traffic did not show it' }) })),
      cleanup: { cancelledJobs: [], deletedFiles: [], problems: [] },
      traffic: { ...this.counts, findings: { ...this.counts.findings } },
    };
    return atLevel(report, level);
  }
}
