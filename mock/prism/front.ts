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
import { rule } from '../../spec/index.js';
import { errorBody, violation, type Violation } from '../http/answer-policy.js';
import { admit } from '../http/request-gate.js';
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

export function createFront(options: FrontOptions): Express {
  const judge = options.judge ?? 'spec';
  const log = options.log;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // One human line per request, written once the answer is out.
  app.use((req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      if (!log) return;
      const v = res.locals.violation as Violation | undefined;
      const ms = (performance.now() - started).toFixed(1);
      // A rejection only Prism made (the spec module let it through) says so: it is a divergence.
      const why = v ? ` ${v.ruleId} param=${v.param ?? 'null'}${res.locals.byPrism && judge === 'spec' ? ' (Prism only)' : ''}` : '';
      log(`${req.method} ${req.originalUrl} ${res.statusCode} ${ms}ms${why}`);
    });
    next();
  });
  // CORS on every answer, preflights answered 204 (frontends call the mock from another port).
  app.use(cors({ maxAge: 600 }));

  const reject = (res: Response, v: Violation) => {
    res.locals.violation = v;
    res.status(v.status).json(errorBody(v));
  };

  app.use(async (req, res) => {
    // 1-6: route, auth, content type and coding, size, syntax, and (judge spec) schema.
    const gate = await admit(req, { schema: judge === 'spec', rawBody: true });
    if (!gate.ok) {
      if ('aborted' in gate) return void res.destroy(); // the client went away mid-body
      if (gate.close) res.setHeader('connection', 'close');
      return reject(res, gate.violation);
    }
    const { operation: op, path, search } = gate.request;
    const body = op.requestMediaTypes.length ? (gate.request.raw ?? Buffer.alloc(0)) : undefined;

    // 7. the rest is Prism's: the answer, and its own verdict on what we let through.
    let answer: globalThis.Response;
    try {
      answer = await fetch(options.prismUrl + path + search, {
        method: req.method,
        // No Accept: Prism then answers in the media type the spec declares, as the real API would.
        headers: {
          // Prism compares the scheme word case-sensitively; HTTP does not, and we checked it.
          authorization: (req.headers.authorization as string).trim().replace(/^bearer[ \t]+/i, 'Bearer '),
          ...(body ? { 'content-type': req.headers['content-type'] as string } : {}),
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
      return reject(res, violation(status, rule('response.status-declared').id, 'mock_error', `The mock's Prism answered ${answer.status}: ${detail}`));
    }
    res.status(answer.status);
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = answer.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    res.end(Buffer.from(await answer.arrayBuffer()));
  });

  // Anything that still throws is the mock's fault: the envelope, never Express's HTML page with a stack.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    reject(res, violation(500, rule('request.no-5xx-on-bad-input').id, 'internal_error', `The mock failed: ${err instanceof Error ? err.message : String(err)}`));
  });

  return app;
}
