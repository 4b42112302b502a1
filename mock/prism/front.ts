/**
 * The thin front that makes Prism answer like the contract, as the Prism front's list of steps
 * of the request core (mock/core): CORS and preflights, the checks Prism gets wrong or answers
 * in its own envelopes (route, auth, content type and charset, size, syntax, schema: the
 * request gate the stub runs too), the steering headers, then Prism (mock/prism/forward.ts),
 * whose verdict is turned into the spec's envelope. This file only adapts Express's request
 * and response to the core.
 */
import express, { type Express } from 'express';
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

export function createFront(options: FrontOptions): Express {
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

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(serve);
  // For the server that listens with this app: requests Node's parser rejects, answered in the envelope and logged.
  app.locals.onClientError = clientErrorListener(log);
  return app;
}
