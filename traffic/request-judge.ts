/**
 * The client's side of an exchange: which rules a request breaks, in the contract's order
 * of checks (spec/openapi.yaml, "Order of checks": route, auth, content type, size, syntax,
 * schema), and so which answer the contract gives it: the first rule it breaks. Every
 * figure (routes, media types, size limits, schemas, the rule of a field) is the spec
 * module's; the rule of a schema error is found as the suite's generated cases find it
 * (schemaRuleAt, the field an ajv error lies at). State (unknown ids, unusable files) is
 * not visible in one request: it is left to the server.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { checkStepIndex, credentialsRules, jsonCharsets, matchOperation, readCredentials, schemaRuleAt, validateBody, validateForm, validateQuery, type Operation } from '../spec/index.js';
import { fieldOfError } from '../contract-tests/checks/arbitraries.js';
import { emptyVerdict, mediaType, type Finding, type TrafficRequest, type Verdict } from './message.js';
import { isText, NOT_UTF8, readForm, readJson } from './request-body.js';

/** One rule a request breaks, with the answer the contract gives it. */
export interface Violation {
  ruleId: string;
  status: number;
  param: string | null;
  /** The error code the contract's answer carries (one of those the status declares). */
  code: string;
  message: string;
  instancePath?: string;
}

/**
 * The step of the order of checks (spec: x-vaero-check-order) that judges a violation's rule;
 * the first step a request breaks decides its answer. Schema rules (query first, then the
 * body: the order they are pushed in) share the schema step.
 */
const stepOf = (v: Violation) => checkStepIndex(v.ruleId);

export interface RequestJudgement extends Verdict {
  operation?: Operation;
  pathParams?: Record<string, string>;
  /** The rules the request breaks, in the order of checks: the first decides the answer. */
  violations: Violation[];
  /** Whether every layer could be judged (a cut or unknown body, unknown credentials: not). */
  complete: boolean;
  /** The JSON body, when it parsed (for the response's judge: echo and defaults). */
  json?: unknown;
}

const toFinding = (v: Violation): Finding => ({
  side: 'client',
  ruleId: v.ruleId,
  param: v.param,
  ...(v.instancePath !== undefined ? { instancePath: v.instancePath } : {}),
  message: v.message,
});

/** The charset parameter of a Content-Type value, lower case, unquoted (undefined: none). */
function charsetOf(value: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i.exec(value ?? '');
  return m ? m[2]!.toLowerCase() : undefined;
}

/** The code a schema error's answer carries, by the keyword broken (spec: BadRequest's codes). */
function schemaCode(e: ErrorObject): string {
  if (e.keyword === 'required') return 'missing_required_parameter';
  if (e.keyword === 'additionalProperties') return 'unknown_parameter';
  if (e.keyword === 'type') return 'invalid_type';
  return 'invalid_value';
}

/**
 * The schema errors of a body as violations, ranked as the order of checks ranks them: the
 * body as a whole, then the declared fields in the schema's order, then unknown fields in the
 * order the body sends them. One violation per field.
 */
function bodyViolations(schema: Record<string, unknown>, errors: readonly ErrorObject[], sent: unknown): Violation[] {
  const declared = Object.keys((schema.properties as object | undefined) ?? {});
  const sentKeys = sent && typeof sent === 'object' && !Array.isArray(sent) ? Object.keys(sent) : [];
  const rank = (field: string | null) => (field === null ? -1 : declared.includes(field) ? declared.indexOf(field) : declared.length + sentKeys.indexOf(field));
  const byField = new Map<string | null, Violation>();
  for (const e of [...errors].sort((a, b) => rank(fieldOfError(a)) - rank(fieldOfError(b)))) {
    const field = fieldOfError(e);
    if (byField.has(field)) continue;
    const unknown = field !== null && !declared.includes(field);
    const ruleId =
      field === null || unknown
        ? schemaRuleAt(schema, '', e.keyword === 'additionalProperties' ? undefined : e.keyword).id
        : e.keyword === 'required'
          ? schemaRuleAt(schema, '/' + field).id
          : schemaRuleAt(schema, e.instancePath, e.keyword).id;
    const where = field === null ? 'the body' : unknown ? `unknown field ${field}` : field;
    byField.set(field, { ruleId, status: 400, param: field, code: schemaCode(e), message: `${where}: ${e.keyword === 'additionalProperties' ? 'not a declared field' : (e.message ?? e.keyword)}`, instancePath: e.instancePath });
  }
  return [...byField.values()];
}

function queryViolations(op: Operation, query: [string, string][]): Violation[] {
  if (!op.validateQuery) return [];
  const values: Record<string, unknown> = {};
  for (const [k, v] of query) if (op.queryParams.some((p) => p.name === k)) values[k] ??= v;
  const checked = validateQuery(op, values);
  if (checked.ok) return [];
  const seen = new Set<string>();
  // Query parameters in the order the spec lists them.
  const order = op.queryParams.map((p) => p.name);
  return checked.errors
    .map((e) => ({ e, name: fieldOfError(e) ?? '' }))
    .sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
    .filter(({ name }) => !seen.has(name) && seen.add(name))
    .map(({ e, name }) => ({ ruleId: schemaRuleAt(op.querySchema, '/' + name).id, status: 400, param: name, code: schemaCode(e), message: `query parameter ${name}=${JSON.stringify(values[name])}: ${e.message ?? e.keyword}` }));
}

/** The layers up to size: auth, content type, size. Each pushes what the request breaks. */
function headerViolations(op: Operation, req: TrafficRequest, out: RequestJudgement): void {
  if (req.headersUnknown) {
    out.complete = false;
    for (const ruleId of [credentialsRules.auth, ...(op.requestMediaTypes.length ? ['request.content-type', 'request.body-size'] : [])]) out.notJudged.push({ ruleId, reason: 'the request\'s headers are not known' });
    return;
  }
  if (req.credentialsUnknown) {
    out.complete = false;
    out.notJudged.push({ ruleId: credentialsRules.auth, reason: 'the record holds no credentials' });
  } else {
    // The spec's one reading of the header (x-vaero-credentials-pattern); an empty header is a missing one (request.check-order).
    const read = readCredentials(req.headers.authorization);
    if ('token' in read) out.held.push(credentialsRules.auth, credentialsRules.shape);
    else {
      const missing = read.problem === 'missing';
      const message = missing ? 'no Authorization header' : read.problem === 'malformed' ? 'the Authorization header spells Bearer <token> in a shape the contract refuses (one or more spaces, then visible ASCII)' : 'the Authorization header is not Bearer <token>';
      out.violations.push({ ruleId: read.ruleId, status: 401, param: 'authorization', code: missing ? 'missing_authorization' : 'invalid_authorization', message });
    }
  }

  if (!op.requestMediaTypes.length) return;
  // The media type (and a JSON body's charset) first, then the coding; an empty Content-Encoding is no coding (request.content-type).
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  const type = mediaType(req.headers['content-type']);
  const charset = charsetOf(req.headers['content-type']);
  if (!op.requestMediaTypes.includes(type)) {
    out.violations.push({ ruleId: 'request.content-type', status: 415, param: 'content-type', code: 'unsupported_media_type', message: type ? `a body in ${type}; ${op.operationId} takes ${op.requestMediaTypes.join(' or ')}` : `no Content-Type; ${op.operationId} takes ${op.requestMediaTypes.join(' or ')}` });
  } else if (type === 'application/json' && charset !== undefined && !jsonCharsets.has(charset)) {
    out.violations.push({ ruleId: 'request.json-charset', status: 415, param: 'content-type', code: 'unsupported_media_type', message: `a JSON body in charset ${charset}; JSON is UTF-8` });
  } else if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    if (type === 'application/json') out.held.push('request.json-charset');
    out.violations.push({ ruleId: 'request.content-type', status: 415, param: 'content-encoding', code: 'unsupported_media_type', message: `Content-Encoding ${req.headers['content-encoding']}: no operation declares a content coding` });
  } else {
    out.held.push('request.content-type');
    if (type === 'application/json') out.held.push('request.json-charset');
  }

  const length = req.body?.length ?? (req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined);
  if (op.maxBodyBytes !== undefined && length !== undefined) {
    if (length > op.maxBodyBytes) out.violations.push({ ruleId: 'request.body-size', status: 413, param: null, code: 'payload_too_large', message: `a body of ${length} bytes; ${op.operationId} takes at most ${op.maxBodyBytes}` });
    else out.held.push('request.body-size');
  }
}

/** Syntax and schema of the body (and what the contract says of its content: text-only files). */
async function bodyLayer(op: Operation, req: TrafficRequest, out: RequestJudgement): Promise<void> {
  const body = req.body;
  if (!body || body.truncated) {
    out.complete = false;
    const reason = body ? `only the first ${body.bytes.length} of its ${body.length} bytes were kept` : 'the record holds no request body';
    for (const ruleId of ['request.malformed-json', 'request.schema']) out.notJudged.push({ ruleId, reason });
    return;
  }
  const type = mediaType(req.headers['content-type']);
  if (type === 'application/json') {
    const read = readJson(body);
    if (!read.ok && read.reason === NOT_UTF8) return void out.violations.push({ ruleId: 'request.json-utf8', status: 400, param: null, code: 'invalid_json', message: 'the body is not UTF-8, so not JSON' });
    out.held.push('request.json-utf8');
    if (!read.ok) return void out.violations.push({ ruleId: 'request.malformed-json', status: 400, param: null, code: 'invalid_json', message: `the body is not JSON (${read.reason})` });
    out.held.push('request.malformed-json');
    out.json = read.value;
    const checked = validateBody(op, read.value);
    if (checked.ok) out.held.push('request.schema', schemaRuleAt(op.requestSchema, '').id);
    else out.violations.push(...bodyViolations(op.requestSchema as Record<string, unknown>, checked.errors, read.value));
    return;
  }
  if (type === 'multipart/form-data') {
    const read = await readForm(req.headers['content-type']!, body);
    if (!read.ok) return void out.violations.push({ ruleId: 'request.malformed-multipart', status: 400, param: null, code: 'invalid_multipart', message: `the multipart body does not parse (${read.reason})` });
    out.held.push('request.malformed-multipart');
    const schema = op.requestSchema as Record<string, unknown>;
    const declared = Object.keys((schema.properties as object | undefined) ?? {});
    // Unknown parts are ignored (request.unknown-parameters); a file part counts as its text.
    const fields: Record<string, string> = {};
    for (const p of read.parts) if (declared.includes(p.name) && !(p.name in fields)) fields[p.name] = new TextDecoder().decode(p.bytes);
    const checked = validateForm(op, fields);
    if (!checked.ok) return void out.violations.push(...bodyViolations(schema, checked.errors, fields));
    out.held.push('request.schema');
    // A part sent more than once counts with its first (request.unknown-parameters): only the first file part is read.
    const firstOfName = read.parts.filter((x, i) => read.parts.findIndex((y) => y.name === x.name) === i);
    for (const p of firstOfName.filter((x) => x.file && declared.includes(x.name))) {
      if (!isText(p.bytes)) out.violations.push({ ruleId: 'files.text-only', status: 400, param: p.name, code: 'invalid_file_format', message: `the file ${p.file!.filename || p.name} is not UTF-8 text` });
      else out.held.push('files.text-only');
    }
  }
}

/** Judge a request: the rules it breaks (the client's findings) and the answer the contract gives it. */
export async function judgeRequest(req: TrafficRequest): Promise<RequestJudgement> {
  const out: RequestJudgement = { ...emptyVerdict(), violations: [], complete: true };
  const method = req.method.toUpperCase() === 'HEAD' ? 'get' : req.method;
  const match = matchOperation(method, req.path);
  if (!match) {
    out.violations.push({ ruleId: 'request.unknown-route', status: 404, param: null, code: 'route_not_found', message: `${req.method} ${req.path} is not an operation of the contract` });
    out.findings.push(...out.violations.map(toFinding));
    return out;
  }
  const op = match.operation;
  out.operation = op;
  out.pathParams = match.pathParams;
  headerViolations(op, req, out);
  // A body in an undeclared type or over the size limit is not read further (its answer is decided).
  const decided = out.violations.some((v) => v.status === 415 || v.status === 413) || !!req.headersUnknown;
  const query = queryViolations(op, req.query);
  if (query.length) out.violations.push(...query);
  else if (op.validateQuery) out.held.push('request.schema');
  if (op.requestMediaTypes.length && !decided) await bodyLayer(op, req, out);
  else if (op.requestMediaTypes.length && req.headersUnknown) for (const ruleId of ['request.malformed-json', 'request.schema']) out.notJudged.push({ ruleId, reason: 'the request\'s body is not known' });
  out.violations.sort((a, b) => stepOf(a) - stepOf(b)); // stable: query before body within the schema layer
  out.findings.push(...out.violations.map(toFinding));
  return out;
}
