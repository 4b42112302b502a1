/**
 * The Express 5 adapter over the stub's service. Routes, media types, size limits,
 * validators and error types all come from the spec module; the adapter only applies
 * them in the spec's order of checks (route, auth, content type, size, syntax, schema,
 * state) and turns service Results into HTTP answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { validateResponse, type Operation } from '../../../spec/index.js';
import { errorBody, violation, type Violation } from '../../http/answer-policy.js';
import { createService, type ServiceOptions, type StubService } from '../service/service.js';
import { RULES } from '../service/rules.js';
import { readBearer } from '../../http/bearer.js';
import { checkBody, checkHead, type Aborted, type Rejected } from '../../http/request-gate.js';
import { closeLingering } from '../../http/body.js';
import { isDocsPath, serveDocs } from '../../docs/index.js';
import { handleAdmin, isAdminPath } from './admin.js';
import { dispatch } from '../service/dispatch.js';
import { asksForError, exampleAnswer, readSteering, SIMULATED_RETRY_AFTER, type Steering } from '../../http/steering-headers.js';
import { clientErrorListener } from '../../http/client-error.js';
import { EXPOSED_HEADERS, newRequestId, REQUEST_ID_HEADER } from '../../http/request-id.js';
import { createRequestLog, formatLine, type LogSink } from './log.js';

export interface StubOptions extends ServiceOptions {
  /** An already built service (otherwise one is created from the other options). */
  service?: StubService;
  /** Validate every response against the spec at run time and log what breaks it. */
  debug?: boolean;
  /** Where log lines go (default: stdout); false: no request log. */
  log?: LogSink | false;
}

export { ADMIN_FAIL_NEXT_PATH, ADMIN_PREFIX, MOCK_FAIL_HEADER, MOCK_FAIL_MESSAGE_HEADER, MOCK_STATUS_HEADER, PREFER_HEADER } from './headers.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createApp(options: StubOptions = {}): Express {
  const service = options.service ?? createService(options);
  const log = createRequestLog(options.log);
  const debug = options.debug ?? false;

  const send = (req: IncomingMessage, res: ServerResponse, started: number, op: Operation | undefined, status: number, body: unknown, rejection?: Violation, note?: string): void => {
    const text = op?.responses.get(status)?.mediaType.startsWith('text/') && typeof body === 'string';
    if (debug && op) {
      const check = validateResponse(op, status, body);
      if (!check.ok) {
        const why = check.reason === 'schema' ? `breaks ${check.ruleIds.join(', ')}: ${check.errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}` : `status ${status} is not declared`;
        log(`DEBUG ${req.method} ${req.url}: the stub's ${status} answer ${why}`);
      }
    }
    const payload = text ? (body as string) : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': text ? `${op!.responses.get(status)!.mediaType}; charset=utf-8` : JSON_TYPE,
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload); // a HEAD request gets the headers only (Node drops the body)
    const requestId = res.getHeader(REQUEST_ID_HEADER) as string | undefined;
    const org = (res as Response).locals?.org as string | undefined;
    if (org) {
      service.control.requests.record(org, {
        method: req.method ?? '',
        path: req.url ?? '',
        status,
        rule: rejection?.ruleId ?? null,
        param: rejection?.param ?? null,
        time: new Date().toISOString(),
        request_id: typeof requestId === 'string' ? requestId : null,
      });
    }
    const line = formatLine(req.method ?? '', req.url ?? '', status, performance.now() - started, rejection && { ruleId: rejection.ruleId, param: rejection.param }, requestId);
    const notes = [notesFor.get(res), note].filter(Boolean).join(' ');
    log(notes ? `${line} ${notes}` : line);
  };

  const reject = (req: IncomingMessage, res: ServerResponse, started: number, op: Operation | undefined, v: Violation): void => {
    send(req, res, started, op, v.status, errorBody(v), v);
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();

    if (req.method === 'OPTIONS') {
      // CORS preflight (headers already set by the cors middleware).
      res.writeHead(204, { 'content-length': '0' }).end();
      log(formatLine(req.method, req.url, 204, performance.now() - started, undefined, res.getHeader(REQUEST_ID_HEADER) as string));
      return;
    }
    // The API reference (mock/docs), outside the base path like the admin endpoints.
    if (isDocsPath(req.url) && (await serveDocs(req, res))) return void log(formatLine(req.method, req.url, res.statusCode, performance.now() - started));
    if (isAdminPath(req.url)) {
      return handleAdmin(req, service, {
        send: (status, body) => send(req, res, started, undefined, status, body),
        reject: (v) => reject(req, res, started, undefined, v),
        refuse: (r) => refuse(req, res, started, r),
      });
    }
    // Whose request this is, for the organization's request log (even one for an unknown route).
    const caller = readBearer(req.headers.authorization);
    if ('token' in caller) {
      const known = service.authenticate(caller.token);
      if (known.ok) res.locals.org = known.value;
    }

    // 1. route, 2. auth (the gate), then the token's organization (this stub's --tokens)
    const checked = checkHead(req);
    if (!checked.ok) return refuse(req, res, started, checked);
    const head = checked.head;
    const org = service.authenticate(head.token);
    if (!org.ok) return reject(req, res, started, head.operation, org.error);
    // Latency a test asked for (POST /__vaero/latency), before anything is answered.
    const latency = service.control.latencyFor(org.value, head.operation.operationId);
    if (latency) await sleep(latency);

    // An error answer asked for by the client (Vaero-Mock-Status or Prefer: code=), whatever the body;
    // what the operation cannot answer is ignored, and the log line says so.
    const steered = readSteering(req.headers, head.operation);
    if (!steered.ok) return reject(req, res, started, head.operation, steered.violation);
    if (steered.steering.ignored) notesFor.set(res, steered.steering.ignored);
    if (asksForError(steered.steering)) return simulate(req, res, started, head.operation, steered.steering);

    // 3. content type, 4. size, 5. syntax, 6. schema (the gate)
    const gate = await checkBody(req, head);
    if (!gate.ok) return refuse(req, res, started, gate);
    const admitted = gate.request;
    const op = admitted.operation;

    // 7. state
    const result = dispatch(service, org.value, admitted, (name: string) => req.header(name));
    await service.committed(); // with --state: answer only once the change (or what was read) is on disk
    if (!result.ok) return reject(req, res, started, op, result.error);
    send(req, res, started, op, 200, result.value);
  };

  /** The gate's refusal: a violation to answer, or a client gone mid-body. */
  const refuse = (req: IncomingMessage, res: ServerResponse, started: number, r: Rejected | Aborted): void => {
    if ('aborted' in r) return void res.destroy();
    if (r.close) closeLingering(req, res);
    reject(req, res, started, r.operation, r.violation);
  };

  const simulate = (req: Request, res: Response, started: number, op: Operation, asked: Steering & { status: number }): void => {
    if (asked.status === 429) res.setHeader('retry-after', SIMULATED_RETRY_AFTER);
    send(req, res, started, op, asked.status, exampleAnswer(op, asked), undefined, `simulated by ${asked.askedBy}`);
  };

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // CORS headers on every answer, preflights answered by `handle` (so they are logged). The
  // cors middleware is called from our one handler rather than mounted as a second layer:
  // one router hop less per request.
  const withCors = cors({ preflightContinue: true, maxAge: 600, exposedHeaders: EXPOSED_HEADERS }); // a browser app may read Retry-After and the request id
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader(REQUEST_ID_HEADER, newRequestId());
    withCors(req, res, () => void handle(req, res).catch(next));
  });
  // Anything thrown is the stub's fault: a 500 in the envelope, never a stack trace.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    process.stderr.write(`vaero stub: internal error on ${req.method} ${req.url}: ${(error as Error)?.message ?? String(error)}\n`);
    if (res.headersSent) return void res.end();
    const v = violation(500, RULES.noServerErrorOnBadInput, 'internal_error', 'The server had an error while processing the request');
    send(req, res, performance.now(), undefined, 500, errorBody(v), v);
  });
  app.locals.service = service;
  // For the server that listens with this app: requests Node's parser rejects, answered in the envelope and logged.
  app.locals.onClientError = clientErrorListener(log);
  return app;
}

/** Notes for a request's log line, added before its answer is sent (a steering header ignored). */
const notesFor = new WeakMap<ServerResponse, string>();

