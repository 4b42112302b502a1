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
  /** Judge, log and record the exchange; `judged`: its request already judged; `serverAnswered` false: the proxy answered itself. */
  conclude(body: CapturedBody, response: TrafficResponse | undefined, error?: string, judged?: RequestJudgement, serverAnswered?: boolean): void;
}
