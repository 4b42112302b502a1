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
import {
  basePath,
  errorBody,
  matchOperation,
  validateBody,
  validateForm,
  validateQuery,
  validateResponse,
  violation,
  type FineTuningJobError,
  type Operation,
  type OperationId,
  type Violation,
} from '../../../spec/index.js';
import { createService, type CreateJobInput, type PageInput, type ServiceOptions, type StubService } from '../service/service.js';
import type { Result } from '../service/result.js';
import { RULES } from '../service/rules.js';
import { readBearer } from './auth.js';
import { ADMIN_FAIL_NEXT_PATH, MOCK_FAIL_HEADER, MOCK_FAIL_MESSAGE_HEADER, MOCK_STATUS_HEADER } from './headers.js';
import { declaredTooLarge, readBody } from './body.js';
import { createRequestLog, formatLine, type LogSink } from './log.js';
import { readMultipart } from './multipart.js';

export interface StubOptions extends ServiceOptions {
  /** An already built service (otherwise one is created from the other options). */
  service?: StubService;
  /** Validate every response against the spec at run time and log what breaks it. */
  debug?: boolean;
  /** Where log lines go (default: stdout); false: no request log. */
  log?: LogSink | false;
}

export { ADMIN_FAIL_NEXT_PATH, MOCK_FAIL_HEADER, MOCK_FAIL_MESSAGE_HEADER, MOCK_STATUS_HEADER } from './headers.js';

interface Context {
  org: string;
  op: Operation;
  pathParams: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  failure?: FineTuningJobError;
  upload?: { filename: string; purpose: string; content: Buffer };
}

const page = (q: Record<string, unknown>): PageInput => ({ after: q.after as string | undefined, limit: q.limit as number });

/** One handler per operation of the spec (the type makes a missing one a compile error). */
const HANDLERS: Record<OperationId, (s: StubService, c: Context) => Result<unknown>> = {
  createFineTuningJob: (s, c) => s.createJob(c.org, c.body as CreateJobInput, { failure: c.failure }),
  listFineTuningJobs: (s, c) => s.listJobs(c.org, page(c.query)),
  retrieveFineTuningJob: (s, c) => s.retrieveJob(c.org, c.pathParams.fine_tuning_job_id as string),
  cancelFineTuningJob: (s, c) => s.cancelJob(c.org, c.pathParams.fine_tuning_job_id as string),
  listFineTuningEvents: (s, c) => s.listEvents(c.org, c.pathParams.fine_tuning_job_id as string, page(c.query)),
  uploadFile: (s, c) => {
    const u = c.upload!;
    return s.uploadFile(c.org, { filename: u.filename, purpose: u.purpose as 'fine-tune', content: u.content });
  },
  listFiles: (s, c) => s.listFiles(c.org, page(c.query)),
  retrieveFile: (s, c) => s.retrieveFile(c.org, c.pathParams.file_id as string),
  downloadFileContent: (s, c) => s.fileContent(c.org, c.pathParams.file_id as string),
  deleteFile: (s, c) => s.deleteFile(c.org, c.pathParams.file_id as string),
};

const JSON_TYPE = 'application/json; charset=utf-8';
const basePrefix = basePath + '/';

function mediaTypeOf(req: IncomingMessage): string {
  const ct = req.headers['content-type'];
  if (!ct) return '';
  const semi = ct.indexOf(';');
  return (semi === -1 ? ct : ct.slice(0, semi)).trim().toLowerCase();
}

function queryOf(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!search) return out;
  for (const [k, v] of new URLSearchParams(search)) if (!(k in out)) out[k] = v;
  return out;
}

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
    res.end(payload);
    const line = formatLine(req.method ?? '', req.url ?? '', status, performance.now() - started, rejection && { ruleId: rejection.ruleId, param: rejection.param });
    log(note ? `${line} ${note}` : line);
  };

  const reject = (req: IncomingMessage, res: ServerResponse, started: number, op: Operation | undefined, v: Violation): void => {
    // A body left unread (413) must not be taken for the next request on this connection.
    if (v.status === 413) res.setHeader('connection', 'close');
    send(req, res, started, op, v.status, errorBody(v), v);
  };

  const authenticate = (req: IncomingMessage): Result<string> => {
    const bearer = readBearer(req.headers.authorization);
    if ('problem' in bearer) {
      const message =
        bearer.problem === 'missing_authorization'
          ? 'Missing bearer authentication: send Authorization: Bearer <token>'
          : 'Invalid Authorization header: expected Bearer <token>';
      return { ok: false, error: violation(401, RULES.auth, bearer.problem, message, 'authorization') };
    }
    return service.authenticate(bearer.token);
  };

  const handle = async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    const url = req.url;
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);

    if (req.method === 'OPTIONS') {
      // CORS preflight (headers already set by the cors middleware).
      res.writeHead(204, { 'content-length': '0' }).end();
      log(formatLine(req.method, url, 204, performance.now() - started));
      return;
    }
    if (pathname === ADMIN_FAIL_NEXT_PATH) return adminFailNext(req, res, started);

    // 1. route
    let match: ReturnType<typeof matchOperation>;
    try {
      match = pathname.startsWith(basePrefix) ? matchOperation(req.method, pathname.slice(basePath.length)) : undefined;
    } catch {
      match = undefined; // a path that does not decode addresses nothing
    }
    if (!match) {
      return reject(req, res, started, undefined, violation(404, RULES.unknownRoute, 'route_not_found', `No route ${req.method} ${pathname}`));
    }
    const { operation: op, pathParams } = match;

    // 2. auth
    const auth = authenticate(req);
    if (!auth.ok) return reject(req, res, started, op, auth.error);

    // A simulated rate limit or outage, asked for by the client.
    const simulated = req.headers[MOCK_STATUS_HEADER];
    if (typeof simulated === 'string') return simulate(req, res, started, op, simulated.trim());

    // 3. content type, 4. size, 5. syntax
    const ctx: Context = { org: auth.value, op, pathParams, query: {}, body: undefined };
    const media = op.requestMediaTypes.length ? mediaTypeOf(req) : undefined;
    if (media !== undefined && !op.requestMediaTypes.includes(media)) {
      const got = req.headers['content-type'] ? `Content-Type ${req.headers['content-type']}` : 'A request without a Content-Type';
      return reject(req, res, started, op, violation(415, RULES.contentType, 'unsupported_media_type', `${got} is not supported here; send ${op.requestMediaTypes.join(' or ')}`, 'content-type'));
    }
    const tooLarge = () =>
      violation(413, RULES.bodySize, 'payload_too_large', `The request body is larger than ${op.maxBodyBytes} bytes`);
    if (media !== undefined && declaredTooLarge(req, op.maxBodyBytes)) return reject(req, res, started, op, tooLarge());

    let form: Record<string, string> | undefined;
    if (media === 'application/json') {
      const read = await readBody(req, op.maxBodyBytes);
      if (!read.ok) {
        if ('tooLarge' in read) return reject(req, res, started, op, tooLarge());
        return void res.destroy(); // the client went away
      }
      try {
        ctx.body = JSON.parse(read.body.toString('utf8'));
      } catch (e) {
        return reject(req, res, started, op, violation(400, RULES.malformedJson, 'invalid_json', `The request body is not valid JSON: ${(e as Error).message}`));
      }
    } else if (media === 'multipart/form-data') {
      const read = await readMultipart(req, op.maxBodyBytes);
      if (!read.ok) {
        if ('tooLarge' in read) return reject(req, res, started, op, tooLarge());
        return reject(req, res, started, op, violation(400, RULES.uploadFile, 'invalid_value', `The multipart body does not parse: ${read.malformed}`));
      }
      form = { ...read.fields };
      if (read.file) {
        form.file = read.file.data.toString('utf8'); // text-only is checked by the service, after the schema
        ctx.upload = { filename: read.file.filename, purpose: '', content: read.file.data };
      } else if (read.fields.file !== undefined) {
        ctx.upload = { filename: 'file', purpose: '', content: Buffer.from(read.fields.file, 'utf8') };
      }
    }

    // 6. schema: query, then body
    if (op.validateQuery) {
      const checked = validateQuery(op, queryOf(q === -1 ? '' : url.slice(q + 1)));
      if (!checked.ok) return reject(req, res, started, op, checked.violation);
      ctx.query = checked.value;
    }
    if (media === 'application/json') {
      const checked = validateBody(op, ctx.body);
      if (!checked.ok) return reject(req, res, started, op, checked.violation);
      ctx.body = checked.value;
    } else if (form) {
      const checked = validateForm(op, form);
      if (!checked.ok) return reject(req, res, started, op, checked.violation);
      ctx.upload!.purpose = checked.value.purpose as string;
    }
    if (op.operationId === 'createFineTuningJob') {
      const code = req.headers[MOCK_FAIL_HEADER];
      if (typeof code === 'string' && code.trim()) ctx.failure = mockFailure(code, req.headers[MOCK_FAIL_MESSAGE_HEADER]);
    }

    // 7. state
    const result = HANDLERS[op.operationId](service, ctx);
    if (!result.ok) return reject(req, res, started, op, result.error);
    send(req, res, started, op, 200, result.value);
  };

  const simulate = (req: Request, res: Response, started: number, op: Operation, asked: string): void => {
    const status = Number(asked);
    if (!/^\d{3}$/.test(asked) || status < 429 || !op.responses.has(status)) {
      const allowed = [...op.responses.keys()].filter((s) => s >= 429).join(', ');
      return reject(req, res, started, op, violation(400, RULES.statusDeclared, 'invalid_value', `${MOCK_STATUS_HEADER} must be one of ${allowed} for this operation, got ${asked}`, MOCK_STATUS_HEADER));
    }
    const rateLimited = status === 429;
    if (rateLimited) res.setHeader('retry-after', '1');
    const body = errorBody({
      status,
      param: null,
      code: rateLimited ? 'rate_limit_exceeded' : 'internal_error',
      message: rateLimited ? 'Too many requests; retry after 1 second (simulated by the stub)' : 'The server had an error while processing the request (simulated by the stub)',
    });
    send(req, res, started, op, status, body, undefined, `simulated by ${MOCK_STATUS_HEADER}`);
  };

  /** POST {code?, message?} arms a failure for the caller's next job; DELETE disarms it. */
  const adminFailNext = async (req: Request, res: Response, started: number): Promise<void> => {
    const auth = authenticate(req);
    if (!auth.ok) return reject(req, res, started, undefined, auth.error);
    if (req.method === 'DELETE') {
      service.failNextJob(auth.value, null);
      return send(req, res, started, undefined, 200, { armed: false, failure: null });
    }
    if (req.method !== 'POST') return reject(req, res, started, undefined, violation(404, RULES.unknownRoute, 'route_not_found', `No route ${req.method} ${ADMIN_FAIL_NEXT_PATH}`));
    const read = await readBody(req, 4096);
    if (!read.ok) return reject(req, res, started, undefined, violation(413, RULES.bodySize, 'payload_too_large', 'The request body is larger than 4096 bytes'));
    let body: { code?: unknown; message?: unknown } = {};
    try {
      const text = read.body.toString('utf8').trim();
      body = text ? (JSON.parse(text) as typeof body) : {};
    } catch (e) {
      return reject(req, res, started, undefined, violation(400, RULES.malformedJson, 'invalid_json', `The request body is not valid JSON: ${(e as Error).message}`));
    }
    const failure = mockFailure(typeof body.code === 'string' ? body.code : 'training_failed', typeof body.message === 'string' ? body.message : undefined);
    service.failNextJob(auth.value, failure);
    send(req, res, started, undefined, 200, { armed: true, failure });
  };

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // CORS headers on every answer, preflights answered by `handle` (so they are logged). The
  // cors middleware is called from our one handler rather than mounted as a second layer:
  // one router hop less per request.
  const withCors = cors({ preflightContinue: true, maxAge: 600, exposedHeaders: ['Retry-After'] }); // a browser app may read Retry-After
  app.use((req: Request, res: Response, next: NextFunction) => {
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
  return app;
}

function mockFailure(code: string, message: string | string[] | undefined): FineTuningJobError {
  const text = Array.isArray(message) ? message[0] : message;
  return { code: code.trim().slice(0, 64), message: text?.trim() || `Simulated failure (${code.trim().slice(0, 64)}) requested from the stub`, param: null };
}
