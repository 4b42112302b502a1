/**
 * The judge of traffic: one exchange in, every finding out, each with its side (the
 * client's request or the server's answer), rule, param, instance path and message.
 * The proxy, `vaero judge FILE.har` and the test matchers all judge with this one module.
 */
import type { Exchange } from '../contract-tests/http/exchange.js';
import { emptyVerdict, merge, type TrafficExchange, type Verdict } from './message.js';
import { judgeRequest, type RequestJudgement } from './request-judge.js';
import { judgeResponse } from './response-judge.js';
import { toSuiteExchange } from './suite-exchange.js';
import { DEFAULT_MAX_JOBS, JobTracker } from './tracker.js';

export interface JudgeOptions {
  /**
   * Judge what only a stateful implementation shows (a create's echo, rules across
   * exchanges). Default true; false for a static mock (as `vaero test --profile core`).
   */
  stateful?: boolean;
  /** How many jobs the rules across exchanges remember (default 10,000). */
  maxJobs?: number;
}

export interface ExchangeJudgement extends Verdict {
  request: RequestJudgement;
  /** The exchange as the suite records its own (redacted): for reports and coverage. */
  exchange: Exchange;
  /** The status the client received instead of the judged answer (a --strict proxy's 502). */
  deliveredStatus?: number;
}

export class TrafficJudge {
  private readonly tracker: JobTracker;
  private readonly stateful: boolean;

  constructor(o: JudgeOptions = {}) {
    this.stateful = o.stateful ?? true;
    this.tracker = new JobTracker(o.maxJobs ?? DEFAULT_MAX_JOBS);
  }

  /** How many jobs the cross-exchange rules remember now. */
  get trackedJobs(): number {
    return this.tracker.size;
  }

  /** Judge an exchange; `request`: its request already judged (the strict proxy judges it before forwarding). */
  async judge(ex: TrafficExchange, judged?: RequestJudgement, o: { serverAnswered?: boolean } = {}): Promise<ExchangeJudgement> {
    const request = judged ?? (await judgeRequest(ex.request));
    const exchange = toSuiteExchange(ex, request.operation?.operationId);
    const verdict = merge(emptyVerdict(), request);
    // An answer the strict proxy gave itself is not the server's: only the request is judged.
    if (o.serverAnswered === false) return { ...verdict, request, exchange };
    merge(verdict, judgeResponse(ex, exchange, request, { stateful: this.stateful }));
    if (this.stateful) merge(verdict, this.tracker.observe(exchange));
    return { ...verdict, request, exchange, ...(ex.delivered ? { deliveredStatus: ex.delivered.status } : {}) };
  }
}
