/**
 * The thin front that makes Prism answer like the contract, as the Prism front's list of steps
 * of the request core (mock/core): CORS and preflights, the checks Prism gets wrong or answers
 * in its own envelopes (route, auth, content type and charset, size, syntax, schema: the
 * request gate the stub runs too), the steering headers, then Prism (mock/prism/forward.ts),
 * whose verdict is turned into the spec's envelope. This file only adapts Node's request and
 * response to the core: the front is a plain node:http handler (no Express: it routes nothing
 * the core does not, and Express's router, request decoration and module loading were a
 * measurable share of the front's cost per request and at start).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { rule } from '../../spec/index.js';
import { violation } from '../errors/answer-policy.js';
import { clientErrorListener } from '../http/client-error.js';
import { createRequestLog } from '../http/log.js';
import { nodeHandler } from '../http/node-adapter.js';
import { composeRespond } from '../core/respond.js';
import { cors } from '../core/steps/cors.js';
import { route } from '../core/steps/route.js';
import { steering } from '../core/steps/steering.js';
import { input } from '../core/steps/input.js';
import { forward, forwardAsked } from './forward.js';

export interface FrontOptions {
  /** Where Prism listens (the spec's paths sit right under it). */
  prismUrl: string;
  /**
   * Who decides the schema layer. `spec` (default): the spec module's ajv validators
   * (JSON Schema 2020-12, as the spec declares) decide, and Prism's own verdict only
   * adds what they accept but Prism rejects. `prism`: Prism's verdict alone, translated;
   * the differential test uses it to prove that Prism agrees with the spec module.
   */
  judge?: 'spec' | 'prism';
  /** One line per request (the stub's format, with its time); nothing is logged without it. */
  log?: (line: string) => void;
  /** Origins besides loopback ones that may read answers with credentials (--cors-origins). */
  corsOrigins?: readonly string[];
}

/** A node:http request listener, and its listener for requests Node's parser rejects. */
export interface Front {
  (req: IncomingMessage, res: ServerResponse): void;
  onClientError: (err: Error, socket: Duplex) => void;
}

export function createFront(options: FrontOptions): Front {
  const judge = options.judge ?? 'spec';
  const log = createRequestLog(options.log ?? false);

  // The front's sequence: the stub's checks, then Prism where the stub consults its state.
  // An error status asked for is Prism's to answer (its example for that status), whatever the body.
  const respond = composeRespond([cors(options.corsOrigins), route, steering, forwardAsked(options.prismUrl), input({ schema: judge === 'spec', rawBody: true }), forward(options.prismUrl, judge)]);

  const serve = nodeHandler({
    respond,
    log,
    // Anything that still throws is the mock's fault: the envelope, never Express's HTML page with a stack.
    internalError: (e) => violation(500, rule('request.no-5xx-on-bad-input').id, 'internal_error', `The mock failed: ${e instanceof Error ? e.message : String(e)}`),
  });

  const front = ((req, res) => {
    // nodeHandler answers every failure of a step itself; this catches only a failure to write.
    serve(req, res).catch(() => res.destroy());
  }) as Front;
  // For the server that listens with this front: requests Node's parser rejects, answered in the envelope and logged.
  front.onClientError = clientErrorListener(log);
  return front;
}
