/**
 * The request gate: steps 1–6 of the spec's order of checks (info.description of
 * spec/openapi.yaml), framework-free, over a RequestReader (the reading of a request: Node's
 * IncomingMessage in request-gate.ts, a Fetch Request in fetch-gate.ts), shared by the stub and
 * the Prism mock's front so that both answer a bad request alike, with the same words:
 *
 *   1. route 404 (HEAD is GET's route)  2. bearer auth 401  3. content type (a JSON one in UTF-8) / content coding 415
 *   4. size 413 (x-vaero-max-body-bytes, the body drained first)
 *   5. JSON (as UTF-8) or multipart syntax 400  6. schema 400: query, then body or form
 *
 * The request core (mock/core) runs the two halves as steps of its own, `checkHeadWith`
 * (steps 1–2, the `route` step) and `checkBodyWith` (steps 3–6, the `input` step), with a
 * server's own steps between them (the stub's organization, the steering headers). What
 * follows (state, step 7; or Prism) is the server's last step.
 */
import { basePath, matchOperation, rule, type Operation } from '../../spec/index.js';
import { admitBody, admitForm, admitQuery, violation, type Violation } from '../errors/answer-policy.js';
import { readBearer, type BearerProblem } from './bearer.js';
import { declaresOtherCharset, decodeUtf8 } from './json-encoding.js';

/** How much of a body was read and dropped (see body.ts): not `complete`, the answer closes the connection. */
export type Drained = { complete: boolean; bytes: number };

/** The multipart part named `file`, if it is a file part: its bytes and filename. */
export interface FilePart {
  filename: string;
  data: Uint8Array;
}

export type BodyResult = { ok: true; body: Uint8Array } | { ok: false; tooLarge: Drained } | { ok: false; aborted: true };
export type MultipartResult =
  | { ok: true; fields: Record<string, string>; file?: FilePart; raw?: Uint8Array }
  | { ok: false; tooLarge: Drained }
  | { ok: false; malformed: string; drained: Drained }
  | { ok: false; aborted: true };

/**
 * The reading of a request: all the gate needs from it. Each server kind has its own
 * (request-gate.ts: Node's IncomingMessage; fetch-gate.ts: a Fetch Request); the order of
 * checks, the statuses and the words are the pipeline's, shared.
 */
export interface RequestReader {
  method: string;
  /** The path and query as sent, e.g. /v1/files?limit=2. */
  url: string;
  header(name: string): string | undefined;
  /** The Content-Length the request declares (undefined if none or not a number). */
  declaredLength(): number | undefined;
  /** Read and drop the body (an oversized one, before its 413). */
  drain(): Promise<Drained>;
  /** The whole body, or `tooLarge` as soon as it passes `max`. */
  readBody(max: number | undefined): Promise<BodyResult>;
  /** A multipart/form-data body's parts: every field as text (a file part as its text), the part named `file` as bytes. */
  readMultipart(max: number | undefined, options: { raw?: boolean }): Promise<MultipartResult>;
}

// Rule ids looked up once at load: a rule renamed in the spec fails start-up, not a request.
const RULE = {
  route: rule('request.unknown-route').id,
  auth: rule('auth.bearer').id,
  contentType: rule('request.content-type').id,
  size: rule('request.body-size').id,
  json: rule('request.malformed-json').id,
  jsonUtf8: rule('request.json-utf8').id,
  jsonCharset: rule('request.json-charset').id,
  multipart: rule('request.malformed-multipart').id,
};

/** Steps 1–2 passed: the operation addressed and the caller's bearer token. */
export interface RequestHead {
  operation: Operation;
  pathParams: Record<string, string>;
  token: string;
  /** The path relative to the base URL, e.g. /fine_tuning/jobs (as sent, not decoded). */
  path: string;
  /** The query string with its `?`, or ''. */
  search: string;
}

/** Steps 1–6 passed: what the request says, checked and (with `schema`) defaulted. */
export interface AdmittedRequest extends RequestHead {
  /** Query parameters: typed and defaulted by the schema (without `schema`: the first value of each, as text). */
  query: Record<string, unknown>;
  /** A JSON body, parsed (and defaulted with `schema`); undefined for other bodies. */
  body?: unknown;
  /** A multipart body's fields as text, a file part as its text (defaulted with `schema`). */
  form?: Record<string, string>;
  /** The multipart part named `file`, if it is a file part: its bytes and filename. */
  file?: FilePart;
  /** The body's bytes as received (only with the `rawBody` option, for an operation that takes a body). */
  raw?: Uint8Array;
}

export interface GateOptions {
  /** Run step 6, the schema (default true). The Prism front turns it off when Prism alone judges the schema. */
  schema?: boolean;
  /** Keep the body's bytes in `raw` (the Prism front forwards them). */
  rawBody?: boolean;
}

/**
 * Not admitted: the violation to answer (`operation` once the route is known). `close`:
 * the body was not read to its end (the client kept sending far past the limit or
 * stalled), so the answer must close the connection.
 */
export type Rejected = { ok: false; violation: Violation; operation?: Operation; close?: boolean };
/** The client went away mid-body: nothing to answer. */
export type Aborted = { ok: false; aborted: true };

const basePrefix = basePath + '/';

/** Steps 1–2: route, then bearer auth. */
export function checkHeadWith(req: RequestReader): { ok: true; head: RequestHead } | Rejected {
  const url = req.url || '/';
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  const method = req.method || 'GET';
  // HEAD wherever GET works (RFC 9110): the GET operation, answered without its body.
  const asMethod = method === 'HEAD' ? 'GET' : method;
  let match: ReturnType<typeof matchOperation>;
  try {
    match = pathname.startsWith(basePrefix) ? matchOperation(asMethod, pathname.slice(basePath.length)) : undefined;
  } catch {
    match = undefined; // a path that does not decode addresses nothing
  }
  if (!match) return { ok: false, violation: violation(404, RULE.route, 'route_not_found', `No route ${method} ${pathname}`) };
  const bearer = readBearer(req.header('authorization'));
  if ('problem' in bearer) return { ok: false, operation: match.operation, violation: authViolation(bearer.problem, bearer.ruleId) };
  return {
    ok: true,
    head: {
      operation: match.operation,
      pathParams: match.pathParams,
      token: bearer.token,
      path: pathname.slice(basePath.length),
      search: q === -1 ? '' : url.slice(q),
    },
  };
}

/** A 401: the rule is the spec's reading of the header (auth.bearer, or auth.bearer.shape for a refused spelling). */
export function authViolation(problem: BearerProblem, ruleId: string = RULE.auth): Violation {
  const message =
    problem === 'missing_authorization' ? 'Missing bearer authentication: send Authorization: Bearer <token>' : 'Invalid Authorization header: expected Bearer <token>';
  return violation(401, ruleId, problem, message, 'authorization');
}

/** The media type of a Content-Type header, lower-case, without parameters ('' if none). */
function mediaTypeOf(req: RequestReader): string {
  const ct = req.header('content-type');
  if (!ct) return '';
  const semi = ct.indexOf(';');
  return (semi === -1 ? ct : ct.slice(0, semi)).trim().toLowerCase();
}

/** The first value of each query parameter, as text. */
function queryOf(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (search.length < 2) return out;
  for (const [k, v] of new URLSearchParams(search)) if (!(k in out)) out[k] = v;
  return out;
}

function tooLarge(op: Operation | undefined, max: number, d: Drained): Rejected {
  return { ok: false, operation: op, violation: violation(413, RULE.size, 'payload_too_large', `The request body is larger than ${max} bytes`), close: !d.complete };
}
function malformedJsonViolation(e: unknown): Violation {
  return violation(400, RULE.json, 'invalid_json', `The request body is not valid JSON: ${(e as Error).message}`);
}

/**
 * Steps 3–6 for a request that passed `checkHead`. An operation that declares no body
 * ignores any body sent (the spec says so for cancel); one that does takes only its
 * media types, unencoded.
 */
export async function checkBodyWith(req: RequestReader, head: RequestHead, options: GateOptions = {}): Promise<{ ok: true; request: AdmittedRequest } | Rejected | Aborted> {
  const op = head.operation;
  const schema = options.schema ?? true;
  const admitted: AdmittedRequest = { ...head, query: queryOf(head.search) };

  if (op.requestMediaTypes.length) {
    // 3. content type, then content coding
    const media = mediaTypeOf(req);
    if (!op.requestMediaTypes.includes(media)) {
      const got = req.header('content-type') ? `Content-Type ${req.header('content-type')}` : 'A request without a Content-Type';
      return reject(op, 415, 'unsupported_media_type', `${got} is not supported here; send ${op.requestMediaTypes.join(' or ')}`);
    }
    // …a JSON body in UTF-8, the one charset JSON has
    const otherCharset = media === 'application/json' ? declaresOtherCharset(req.header('content-type')) : undefined;
    if (otherCharset !== undefined) {
      return reject(op, 415, 'unsupported_media_type', `JSON must be UTF-8; Content-Type declares charset ${otherCharset}`, 'content-type', RULE.jsonCharset);
    }
    const coding = req.header('content-encoding');
    if (coding !== undefined && coding.trim() !== '' && coding.trim().toLowerCase() !== 'identity') {
      return reject(op, 415, 'unsupported_media_type', `Content-Encoding ${coding} is not supported here; send the body unencoded`, 'content-encoding');
    }

    // 4. size: a declared length first, then the bytes as they come
    const max = op.maxBodyBytes;
    const declared = req.declaredLength();
    if (max !== undefined && declared !== undefined && declared > max) {
      return tooLarge(op, max, await req.drain());
    }

    // 5. syntax
    if (media === 'application/json') {
      const read = await readJsonWith(req, max, op);
      if (!read.ok) return read;
      admitted.body = read.value;
      if (options.rawBody) admitted.raw = read.raw;
    } else if (media === 'multipart/form-data') {
      const read = await req.readMultipart(max, { raw: options.rawBody });
      if (!read.ok) {
        if ('aborted' in read) return read;
        if ('tooLarge' in read) return tooLarge(op, max!, read.tooLarge);
        return { ok: false, operation: op, close: !read.drained.complete, violation: violation(400, RULE.multipart, 'invalid_multipart', `The multipart body does not parse: ${read.malformed}`) };
      }
      admitted.form = read.fields;
      admitted.file = read.file;
      admitted.raw = read.raw;
    } else {
      // A media type with no syntax of its own to check: its bytes as they came.
      const read = await req.readBody(max);
      if (!read.ok) return 'aborted' in read ? read : tooLarge(op, max!, read.tooLarge);
      admitted.raw = read.body;
    }
  }

  // 6. schema: query, then body
  if (!schema) return { ok: true, request: admitted };
  if (op.validateQuery) {
    const checked = admitQuery(op, admitted.query);
    if (!checked.ok) return { ok: false, operation: op, violation: checked.violation };
    admitted.query = checked.value;
  }
  if (admitted.form) {
    const checked = admitForm(op, admitted.form);
    if (!checked.ok) return { ok: false, operation: op, violation: checked.violation };
    admitted.form = checked.value;
  } else if (op.validateBody) {
    // Parsed here, held by no one else: defaulted in place (a copy of a deeply nested body would overflow the stack).
    const checked = admitBody(op, admitted.body, { inPlace: true });
    if (!checked.ok) return { ok: false, operation: op, violation: checked.violation };
    admitted.body = checked.value;
  }
  return { ok: true, request: admitted };
}

/**
 * Steps 4–5 for a JSON body: read under `max` (413, drained), then parsed (400). Also for
 * a server's own endpoints outside the spec (`op` undefined), e.g. the stub's admin one;
 * `empty` is what an empty (or blank) body stands for there (by default it is malformed).
 */
export async function readJsonWith(
  req: RequestReader,
  max: number | undefined,
  op?: Operation,
  options: { empty?: unknown } = {},
): Promise<{ ok: true; value: unknown; raw: Uint8Array } | Rejected | Aborted> {
  const read = await req.readBody(max);
  if (!read.ok) return 'aborted' in read ? read : tooLarge(op, max!, read.tooLarge);
  const text = decodeUtf8(read.body);
  if (text === undefined) return { ok: false, operation: op, violation: violation(400, RULE.jsonUtf8, 'invalid_json', 'The request body is not valid JSON: it is not UTF-8') };
  if (options.empty !== undefined && text.trim() === '') return { ok: true, value: options.empty, raw: read.body };
  try {
    return { ok: true, value: JSON.parse(text), raw: read.body };
  } catch (e) {
    return { ok: false, operation: op, violation: malformedJsonViolation(e) };
  }
}

/** A 415 naming the header at fault: content-type for an undeclared media type or charset, content-encoding for a coding. */
function reject(op: Operation, status: 415, code: string, message: string, header: 'content-type' | 'content-encoding' = 'content-type', ruleId = RULE.contentType): Rejected {
  return { ok: false, operation: op, violation: violation(status, ruleId, code, message, header) };
}
