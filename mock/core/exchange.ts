/**
 * The request core's two data types: the Exchange (one request as the steps see it, filled in
 * step by step) and the Answer (what a step answers, then rendered by the core into what the
 * framework writes). Nothing here knows Express, MSW or Node's http: an adapter builds the
 * Exchange from its request (a RequestReader) and writes the Answer with its own API.
 */
import type { FineTuningJobError, Operation } from '../../spec/index.js';
import type { Violation } from '../errors/answer-policy.js';
import type { AdmittedRequest, RequestHead, RequestReader } from '../http/gate-pipeline.js';
import type { Steering } from '../http/steering-headers.js';
import type { LogRecord } from './log-line.js';

/** One request, as the steps read it and what they learned about it so far. */
export interface Exchange {
  /** The request: method, path and query, headers, body. */
  readonly reader: RequestReader;
  /** The answer's x-request-id (and its log line's). */
  readonly requestId: string;
  /** performance.now() when the request arrived: the log line's duration. */
  readonly started: number;
  /** The operation addressed, once the route is known. */
  operation?: Operation;
  /** Route and bearer token (steps 1-2 passed). */
  head?: RequestHead;
  /** Whose request this is by its token, even when it is refused: its request-log entry goes there. */
  caller?: string;
  /** The organization the request acts as (the token accepted). */
  org?: string;
  /** The steering headers read (Vaero-Mock-Status, Prefer). */
  steering?: Steering;
  /** Vaero-Mock-Fail on a create: how the job is to end, as data for the service. */
  failure?: FineTuningJobError;
  /** The request as the gate admitted it (steps 3-6). */
  request?: AdmittedRequest;
  /** Words for the log line (a steering header ignored). */
  note?: string;
  /** The CORS headers for the request's Origin, as the server's cors step decided them. */
  cors?: Record<string, string>;
}

/** What a step answers; the core renders it (content type, payload, headers, log record). */
export interface Answer {
  status: number;
  /** A JSON value, a text body (a text/* response), bytes passed on as they are, or null for none. */
  body: unknown;
  /** Headers beyond content type, request id and CORS (Retry-After, a forwarded Content-Type, a preflight's). */
  headers?: Record<string, string>;
  /** The violation answered, for the log line and the request log. */
  rejection?: Violation;
  /** Words for the log line (simulated by …, Prism only). */
  note?: string;
  /** The body was not read to its end: the answer closes the connection. */
  close?: boolean;
  /** The client went away mid-body: nothing is answered. */
  aborted?: boolean;
  // Filled by the core's rendering:
  /** Every header to write (content-length aside). */
  rendered?: Record<string, string>;
  /** The bytes or text to write (null: no body). */
  payload?: string | Uint8Array | null;
  /** The log line's and the request log's record of this answer. */
  log?: LogRecord;
}

/**
 * One step of the sequence: an Answer ends the request; undefined passes it to the next step.
 * A step is made once per server (a factory closing over its service or options), never per request.
 */
export type Step = (x: Exchange) => Answer | undefined | Promise<Answer | undefined>;

/** Run after the answer is rendered (the request-log entry, a debug check of the answer). */
export type Finisher = (x: Exchange, answer: Answer) => void;

export function newExchange(reader: RequestReader, requestId: string, started: number): Exchange {
  return { reader, requestId, started, operation: undefined, head: undefined, caller: undefined, org: undefined, steering: undefined, failure: undefined, request: undefined, note: undefined, cors: undefined };
}

/** The answer to a violation: its status and envelope. */
export const rejection = (v: Violation, close?: boolean): Answer => ({ status: v.status, body: undefined, rejection: v, close });

/** The aborted answer: the client went away mid-body. */
export const ABORTED: Answer = { status: 0, body: null, aborted: true };
