/** One exchange in flight through the proxy: where it goes, how much of a body is kept, and how it is concluded. */
import type { CapturedBody, TrafficResponse } from '../traffic/message.js';
import type { RequestJudgement } from '../traffic/request-judge.js';
import type { Session } from './session.js';
import type { Upstream } from './upstream.js';

export interface Exchanging {
  upstream: Upstream;
  /** Path and query relative to the base URL (the part after /v1). */
  target: string;
  /** The most bytes of a request body kept for the judge (and, strict, buffered). */
  cap: number;
  /** The most bytes of an answer kept for the judge (and, strict, buffered); a longer one breaks response.size. */
  responseCap: number;
  session: Session;
  /** Judge, log and record the exchange, its request body as kept and how it ended. */
  conclude(body: CapturedBody, outcome: Outcome): void;
}

/** How an exchange through the proxy ended. */
export interface Outcome {
  /** The answer judged: the upstream's (or, `serverAnswered` false, the proxy's own). */
  response?: TrafficResponse;
  /** No answer came: why. */
  error?: string;
  /** Its request, already judged (--strict judges it before forwarding). */
  judged?: RequestJudgement;
  /** false: the proxy answered itself, the upstream never saw the request. Default true. */
  serverAnswered?: boolean;
  /** What the client received instead of `response` (--strict's 502 for an answer that breaks the contract). */
  delivered?: TrafficResponse;
}
