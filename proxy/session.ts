/**
 * What the proxy keeps across exchanges: the judge (with its bounded memory of jobs), the
 * report, the HAR recorder, one log line per violation, and whether a violation at the
 * proxy's level was seen (its exit code). Judging happens after the bytes have gone on;
 * `settled()` waits for the judgements still running.
 */
import { rule } from '../spec/index.js';
import { severityAt, type Level } from '../contract-tests/level.js';
import type { Report } from '../contract-tests/report.js';
import { HarWriter } from '../traffic/har.js';
import { TrafficJudge, type ExchangeJudgement } from '../traffic/judge.js';
import type { TrafficExchange } from '../traffic/message.js';
import { findingLine } from '../traffic/output.js';
import { TrafficReport } from '../traffic/report.js';
import type { RequestJudgement } from '../traffic/request-judge.js';

export interface SessionOptions {
  baseUrl: string;
  level: Level;
  stateful: boolean;
  maxJobs?: number;
  record?: string;
  log: (line: string) => void;
}

export class Session {
  readonly judge: TrafficJudge;
  private readonly traffic: TrafficReport;
  private readonly recorder?: HarWriter;
  private readonly pending = new Set<Promise<unknown>>();
  private seq = 0;
  /** Violations at the level (severity error there), per side. */
  readonly violations = { client: 0, server: 0 };

  constructor(readonly o: SessionOptions) {
    this.judge = new TrafficJudge({ stateful: o.stateful, ...(o.maxJobs ? { maxJobs: o.maxJobs } : {}) });
    this.traffic = new TrafficReport(o.baseUrl, 'proxy');
    if (o.record) this.recorder = new HarWriter(o.record, o.baseUrl);
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** Whether a rule counts as an error at the session's level. */
  isError(ruleId: string): boolean {
    return severityAt(rule(ruleId), this.o.level) === 'error';
  }

  /** Judge, log, count and record one exchange (in the background; `settled` waits for it). */
  conclude(ex: TrafficExchange, started: Date, judged?: RequestJudgement, serverAnswered = true): void {
    const p = this.judge
      .judge(ex, judged, { serverAnswered })
      .then((j) => this.note(j, ex, started))
      .catch((err: unknown) => this.o.log(`vaero proxy: could not judge ${ex.request.method} ${ex.request.path}: ${(err as Error).message}`))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private note(j: ExchangeJudgement, ex: TrafficExchange, started: Date): void {
    for (const f of j.findings) {
      this.o.log(findingLine(j, f));
      if (this.isError(f.ruleId)) this.violations[f.side]++;
    }
    this.traffic.add(j);
    this.recorder?.add(ex, started);
  }

  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  report(): Report {
    return this.traffic.report(this.o.level);
  }

  close(): void {
    this.recorder?.close();
  }
}
