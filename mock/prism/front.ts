/**
 * The thin front that makes Prism answer like the contract: it serves the `/v1` base
 * path, sends CORS headers on every answer and answers preflights, applies the checks
 * Prism gets wrong or answers in its own envelopes — route 404, auth 401, content type
 * 415, size 413 (at the spec's x-vaero-max-body-bytes), JSON syntax 400 — in the
 * spec's order, then the schema, and forwards what is left to Prism. Every error is the
 * spec's envelope, built by the spec module.
 */
import { performance } from 'node:perf_hooks';
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import {
  basePath,
  errorBody,
  matchOperation,
  operations,
  rule,
  validateBody,
  validateForm,
  validateQuery,
  violation,
  type Operation,
  type OperationId,
  type Violation,
} from '../../spec/index.js';
import { readForm } from './form.js';
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

const BEARER = /^bearer[ \t]+\S+[ \t]*$/i;

/** Headers of Prism's answer that are about its body, not about Prism. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'retry-after'];

function mediaTypeOf(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function firstValues(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search)) if (!(k in out)) out[k] = v;
  return out;
}

/** `Authorization: Bearer <token>`: the scheme word case-insensitive (RFC 9110), one token. */
function authViolation(header: string | undefined): Violation | undefined {
  if (!header) return violation(401, rule('auth.bearer').id, 'missing_authorization', 'Missing bearer authentication: send Authorization: Bearer <token>', 'authorization');
  if (!BEARER.test(header)) return violation(401, rule('auth.bearer').id, 'invalid_authorization', 'Invalid Authorization header: expected Bearer <token>', 'authorization');
  return undefined;
}

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

  // Bodies read with the operation's own limit (express.raw, i.e. body-parser: it
  // checks Content-Length first and drains an oversized body before we answer).
  const readers = new Map<OperationId, RequestHandler>(
    // inflate: false — the spec declares no content coding, so a gzip body is 415 like any undeclared encoding.
    operations.map((op) => [op.operationId, express.raw({ type: () => true, limit: op.maxBodyBytes ?? 0, inflate: false })]),
  );
  const readBody = (op: Operation, req: Request, res: Response) =>
    new Promise<{ ok: true; body: Buffer | undefined } | { ok: false; type: string }>((resolve) => {
      readers.get(op.operationId)!(req, res, ((err?: unknown) => {
        if (err) return resolve({ ok: false, type: String((err as { type?: string }).type) });
        resolve({ ok: true, body: Buffer.isBuffer(req.body) ? req.body : undefined });
      }) as NextFunction);
    });

  app.use(async (req, res) => {
    const q = req.originalUrl.indexOf('?');
    const pathname = q === -1 ? req.originalUrl : req.originalUrl.slice(0, q);
    const search = q === -1 ? '' : req.originalUrl.slice(q);

    // 1. route
    let match: ReturnType<typeof matchOperation>;
    try {
      match = pathname.startsWith(basePath + '/') ? matchOperation(req.method, pathname.slice(basePath.length)) : undefined;
    } catch {
      match = undefined; // a path that does not decode addresses nothing
    }
    if (!match) return reject(res, violation(404, rule('request.unknown-route').id, 'route_not_found', `No route ${req.method} ${pathname}`));
    const op = match.operation;

    // 2. auth
    const unauthorized = authViolation(req.headers.authorization);
    if (unauthorized) return reject(res, unauthorized);

    // 3. content type (an operation that declares a body takes only its media types;
    //    one that declares none ignores any body sent, as the spec says for cancel)
    const takesBody = op.requestMediaTypes.length > 0;
    const media = mediaTypeOf(req);
    if (takesBody && !op.requestMediaTypes.includes(media)) {
      const got = req.headers['content-type'] ? `Content-Type ${req.headers['content-type']}` : 'A request without a Content-Type';
      return reject(res, violation(415, rule('request.content-type').id, 'unsupported_media_type', `${got} is not supported here; send ${op.requestMediaTypes.join(' or ')}`, 'content-type'));
    }

    // 4. size
    let body: Buffer | undefined;
    if (takesBody) {
      const read = await readBody(op, req, res);
      if (!read.ok && read.type === 'entity.too.large') {
        return reject(res, violation(413, rule('request.body-size').id, 'payload_too_large', `The request body is larger than ${op.maxBodyBytes} bytes`));
      }
      if (!read.ok && (read.type === 'encoding.unsupported' || read.type === 'charset.unsupported')) {
        const what = req.headers['content-encoding'] ? `Content-Encoding ${req.headers['content-encoding']}` : 'The charset';
        return reject(res, violation(415, rule('request.content-type').id, 'unsupported_media_type', `${what} is not supported here`, 'content-type'));
      }
      if (!read.ok && read.type === 'request.aborted') return void res.destroy(); // the client went away mid-body
      if (!read.ok) return reject(res, violation(400, rule('request.malformed-json').id, 'invalid_body', `The request body could not be read (${read.type})`));
      body = read.body ?? Buffer.alloc(0);
    } else req.resume();

    // 5. syntax, 6. schema (query, then body)
    const query = firstValues(search);
    if (media === 'application/json' && body) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (e) {
        return reject(res, violation(400, rule('request.malformed-json').id, 'invalid_json', `The request body is not valid JSON: ${(e as Error).message}`));
      }
      if (judge === 'spec') {
        const qv = validateQuery(op, query);
        if (!qv.ok) return reject(res, qv.violation);
        const bv = validateBody(op, parsed);
        if (!bv.ok) return reject(res, bv.violation);
      }
    } else if (media === 'multipart/form-data' && body) {
      const form = await readForm(body, req.headers['content-type'] as string);
      if (!form.ok) return reject(res, violation(400, rule('upload.file').id, 'invalid_value', `The multipart body does not parse: ${form.malformed}`));
      if (judge === 'spec') {
        const qv = validateQuery(op, query);
        if (!qv.ok) return reject(res, qv.violation);
        const fv = validateForm(op, form.fields);
        if (!fv.ok) return reject(res, fv.violation);
      }
    } else if (judge === 'spec') {
      const qv = validateQuery(op, query);
      if (!qv.ok) return reject(res, qv.violation);
    }

    // 7. the rest is Prism's: the answer, and its own verdict on what we let through.
    let answer: globalThis.Response;
    try {
      answer = await fetch(options.prismUrl + pathname.slice(basePath.length) + search, {
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
      return reject(res, violation(500, 'request.no-5xx-on-bad-input', 'internal_error', `The mock's Prism is not reachable: ${(e as Error).message}`));
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
      return reject(res, violation(status, 'response.status-declared', 'mock_error', `The mock's Prism answered ${answer.status}: ${detail}`));
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
    reject(res, violation(500, 'request.no-5xx-on-bad-input', 'internal_error', `The mock failed: ${err instanceof Error ? err.message : String(err)}`));
  });

  return app;
}
