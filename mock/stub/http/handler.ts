/**
 * The stub's request handler, framework-free: the stub's steps of the request core
 * (mock/core) on Node's http. The sequence itself (route, auth and organization, latency,
 * steering headers, the body's checks, then the service's state) is the core's, shared with
 * the MSW handlers and the Prism front. `createApp` (./app.ts) mounts it in the Express 5
 * app `vaero stub` listens with.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { validateResponse } from '../../../spec/index.js';
import { errorBody, violation } from '../../errors/answer-policy.js';
import { createService, type ServiceOptions, type StubService } from '../service/service.js';
import { RULES } from '../service/rules.js';
import { admin } from './admin.js';
import { clientErrorListener } from '../../http/client-error.js';
import { createRequestLog, type LogSink, type RequestLog } from '../../http/log.js';
import { nodeHandler } from '../../http/node-adapter.js';
import type { Finisher } from '../../core/exchange.js';
import { composeRespond } from '../../core/respond.js';
import { cors } from '../../core/steps/cors.js';
import { stubApiSteps, stubFinishers } from '../../core/stub-sequence.js';

export interface StubOptions extends ServiceOptions {
  /** An already built service (otherwise one is created from the other options). */
  service?: StubService;
  /** Validate every response against the spec at run time and log what breaks it. */
  debug?: boolean;
  /** Where log lines go (default: stdout); false: no request log. */
  log?: LogSink | false;
  /** Origins besides loopback ones that may read answers with credentials (--cors-origins). */
  corsOrigins?: readonly string[];
}

export interface StubHandler {
  service: StubService;
  /** Answers every request itself (it never calls `next`); rejects only when the answer cannot be written. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** For the server that listens with it ('clientError'): requests Node's parser rejects, answered in the envelope and logged. */
  onClientError(err: Error, socket: Duplex): void;
}

/** --debug: each answer checked against the spec, a DEBUG line for one that breaks it. */
function debugCheck(log: RequestLog): Finisher {
  return (x, a) => {
    if (!x.operation || a.payload instanceof Uint8Array) return;
    const check = validateResponse(x.operation, a.status, a.rejection && a.body === undefined ? errorBody(a.rejection) : a.body);
    if (check.ok) return;
    const why = check.reason === 'schema' ? `breaks ${check.ruleIds.join(', ')}: ${check.errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}` : `status ${a.status} is not declared`;
    log(`DEBUG ${x.reader.method} ${x.reader.url}: the stub's ${a.status} answer ${why}`);
  };
}

export function createStubHandler(options: StubOptions = {}): StubHandler {
  const service = options.service ?? createService(options);
  const log = createRequestLog(options.log);

  // The stub's sequence: each step answers or passes on (mock/core/steps).
  const respond = composeRespond(
    [cors(options.corsOrigins), admin(service), ...stubApiSteps(service)],
    options.debug && log ? [...stubFinishers(service), debugCheck(log)] : stubFinishers(service),
  );

  const handle = nodeHandler({
    respond,
    log,
    // Anything thrown is the stub's fault: a 500 in the envelope, never a stack trace.
    internalError: (error, req) => {
      process.stderr.write(`vaero stub: internal error on ${req.method} ${req.url}: ${(error as Error)?.message ?? String(error)}\n`);
      return violation(500, RULES.noServerErrorOnBadInput, 'internal_error', 'The server had an error while processing the request');
    },
  });
  return { service, handle, onClientError: clientErrorListener(log) };
}
