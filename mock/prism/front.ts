/**
 * The thin front that makes Prism answer like the contract: it serves the `/v1` base
 * path, sends CORS headers on every answer and answers preflights, runs the checks
 * Prism gets wrong or answers in its own envelopes (steps 1-6 of the spec's order:
 * route, auth, content type, size, syntax, schema) through the request gate the stub
 * uses too (mock/http/request-gate.ts), and forwards what is left to Prism, turning
 * Prism's verdict into the spec's envelope.
 */
import { performance } from 'node:perf_hooks';
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { rule, type Operation } from '../../spec/index.js';
import { errorBody, errorCodesFor, violation, type Violation } from '../errors/answer-policy.js';
import { isDocsPath, serveDocs } from '../docs/index.js';
import { checkBody, checkHead, nodeReader, type Aborted, type Rejected } from '../http/request-gate.js';
import { closeLingering } from '../http/body.js';
import { asksForError, readSteering, type Steering } from '../http/steering-headers.js';
import { EXPOSED_HEADERS, newRequestId, REQUEST_ID_HEADER } from '../http/request-id.js';
import { parseViolationsHeader, translateViolations } from './translate.js';

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
  /** One line per request; nothing is logged without it. */
  log?: (line: string) => void;
}

/** Headers of Prism's answer that are about its body, not about Prism. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'retry-after'];

/**
 * A body the operation accepts, made from the spec: its first request example (JSON), or a
 * form with each required field (a file part for a binary one, else the first allowed value).
 */
function validBodyFor(op: Operation): string | FormData | undefined {
  if (!op.requestMediaTypes.length) return undefined;
  if (op.requestMediaTypes.includes('application/json')) return JSON.stringify(Object.values(op.requestExamples)[0] ?? {});
  const schema = op.requestSchema as { required?: string[]; properties?: Record<string, { enum?: string[]; format?: string; contentMediaType?: string }> };
  const form = new FormData();
  for (const name of schema.required ?? []) {
    const p = schema.properties?.[name] ?? {};
    if (p.format === 'binary' || p.contentMediaType) form.append(name, new Blob(['sample\n'], { type: 'text/plain' }), 'sample.txt');
    else form.append(name, p.enum?.[0] ?? 'x');
  }
  return form;
}

/** Prism compares the scheme word case-sensitively; HTTP does not, and the gate checked it. */
const prismAuthorization = (header: string): string => header.trim().replace(/^bearer[ \t]+/i, 'Bearer ');

export function createFront(options: FrontOptions): Express {
  const judge = options.judge ?? 'spec';
  const log = options.log;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // One human line per request, written once the answer is out.
  app.use((req, res, next) => {
    const started = performance.now();
    const id = newRequestId();
    res.setHeader(REQUEST_ID_HEADER, id);
    res.on('finish', () => {
      if (!log) return;
      const v = res.locals.violation as Violation | undefined;
      const ms = (performance.now() - started).toFixed(1);
      // A rejection only Prism made (the spec module let it through) says so: it is a divergence.
      const why = v ? ` ${v.ruleId} param=${v.param ?? 'null'}${res.locals.byPrism && judge === 'spec' ? ' (Prism only)' : ''}` : '';
      const asked = res.locals.asked ? ` simulated by ${res.locals.asked as string}` : '';
      const ignored = res.locals.ignored ? ` ${res.locals.ignored as string}` : '';
      log(`${req.method} ${req.originalUrl} ${res.statusCode} ${ms}ms ${id}${why}${asked}${ignored}`);
    });
    next();
  });
  // CORS on every answer, preflights answered 204 (frontends call the mock from another port).
  app.use(cors({ maxAge: 600, exposedHeaders: EXPOSED_HEADERS })); // a browser app may read Retry-After and the request id, as from the stub

  // The API reference (mock/docs), outside the base path: the same page as the stub's.
  app.use((req, res, next) => {
    if (!isDocsPath(req.url)) return next();
    serveDocs(req, res).then((served) => (served ? undefined : next()), next);
  });

  const reject = (res: Response, v: Violation) => {
    res.locals.violation = v;
    res.status(v.status).json(errorBody(v));
  };

  app.use(async (req, res) => {
    const refuse = (r: Rejected | Aborted) => {
      if ('aborted' in r) return void res.destroy(); // the client went away mid-body
      if (r.close) closeLingering(req, res);
      reject(res, r.violation);
    };
    // 1-2: route, auth; then the steering headers (Vaero-Mock-Status, Prefer), as the stub reads them.
    const head = checkHead(req);
    if (!head.ok) return refuse(head);
    const steered = readSteering(nodeReader(req).header, head.head.operation);
    if (!steered.ok) return reject(res, steered.violation);
    const steering: Steering = steered.steering;
    res.locals.ignored = steering.ignored;
    // An error status asked for is Prism's to answer (its example for that status), whatever the body.
    if (asksForError(steering)) return forwardAskedError(res, head.head.operation, head.head.path + head.head.search, head.head.operation.method.toUpperCase(), req.headers.authorization as string, steering);

    // 3-6: content type and coding, size, syntax, and (judge spec) schema.
    const gate = await checkBody(req, head.head, { schema: judge === 'spec', rawBody: true });
    if (!gate.ok) return refuse(gate);
    const { operation: op, path, search } = gate.request;
    const body = op.requestMediaTypes.length ? (gate.request.raw ?? Buffer.alloc(0)) : undefined;

    // 7. the rest is Prism's: the answer, and its own verdict on what we let through.
    let answer: globalThis.Response;
    try {
      answer = await fetch(options.prismUrl + path + search, {
        method: op.method.toUpperCase(), // GET for a HEAD (Express then sends the headers only)
        // No Accept: Prism then answers in the media type the spec declares, as the real API would.
        headers: {
          authorization: prismAuthorization(req.headers.authorization as string),
          ...(body ? { 'content-type': req.headers['content-type'] as string } : {}),
          // Prism's own preferences (example=, dynamic=true, code=2xx), as read by readSteering.
          ...(steering.prefer ? { prefer: steering.prefer } : {}),
        },
        body: body && body.length ? new Uint8Array(body) : undefined,
      });
    } catch (e) {
      return reject(res, violation(500, rule('request.no-5xx-on-bad-input').id, 'internal_error', `The mock's Prism is not reachable: ${(e as Error).message}`));
    }
    const prismSays = translateViolations(op, parseViolationsHeader(answer.headers.get('sl-violations')));
    if (prismSays) {
      await answer.arrayBuffer(); // free the connection
      res.locals.byPrism = true;
      return reject(res, prismSays);
    }
    if (answer.status >= 400) {
      // Prism failed on its own (its problem+json envelope): the spec's envelope instead.
      const detail = ((await answer.json().catch(() => ({}))) as { title?: string; detail?: string }).detail ?? answer.statusText;
      const status = op.responses.has(answer.status) ? answer.status : 500;
      // The mock's own failure is mock_error at 500; in a declared 4xx, that status's first code (rule error.code).
      const code = status >= 500 ? 'mock_error' : (errorCodesFor(status)[0] ?? 'mock_error');
      return reject(res, violation(status, rule('response.status-declared').id, code, `The mock's Prism answered ${answer.status}: ${detail}`));
    }
    res.status(answer.status);
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = answer.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    res.end(Buffer.from(await answer.arrayBuffer()));
  });

  /** Prism's answer to `Prefer: code=N` (the spec's example for N), passed on as it is. */
  const forwardAskedError = async (res: Response, op: Operation, pathAndQuery: string, method: string, authorization: string, steering: Steering & { status: number }) => {
    let answer: globalThis.Response;
    try {
      // The status asked for is answered whatever the client's body; Prism answers it only to a
      // request it finds valid, so it is sent one made from the spec instead.
      const body = validBodyFor(op);
      const headers: Record<string, string> = { authorization: prismAuthorization(authorization), prefer: steering.prefer! };
      if (typeof body === 'string') headers['content-type'] = 'application/json'; // a FormData sets its own
      answer = await fetch(options.prismUrl + pathAndQuery, { method, headers, body });
    } catch (e) {
      return reject(res, violation(500, rule('request.no-5xx-on-bad-input').id, 'internal_error', `The mock's Prism is not reachable: ${(e as Error).message}`));
    }
    const bytes = Buffer.from(await answer.arrayBuffer());
    if (answer.status !== steering.status) {
      return reject(res, violation(500, rule('response.status-declared').id, 'mock_error', `The mock's Prism answered ${answer.status} to Prefer: ${steering.prefer} (${op.operationId})`));
    }
    res.locals.asked = steering.askedBy;
    res.status(answer.status);
    res.setHeader('content-type', answer.headers.get('content-type') ?? 'application/json');
    // Prism answers Retry-After from the spec's example (1), as the stub does.
    const retryAfter = answer.headers.get('retry-after');
    if (retryAfter) res.setHeader('retry-after', retryAfter);
    res.end(bytes);
  };

  // Anything that still throws is the mock's fault: the envelope, never Express's HTML page with a stack.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    reject(res, violation(500, rule('request.no-5xx-on-bad-input').id, 'internal_error', `The mock failed: ${err instanceof Error ? err.message : String(err)}`));
  });

  return app;
}
