/**
 * The one module that reads spec/openapi.yaml.
 *
 * It parses the document once, compiles an ajv (JSON Schema 2020-12) validator for
 * every request body, query string and response (their errors returned as data), and
 * exposes the contract's data: operations, rules with their provenance, lifecycle,
 * defaults and limits. The stub, the Prism front, the contract suite and the tests all
 * import it; nothing else parses the spec, so a rule cannot be written twice.
 *
 * It also holds the contract data every side once kept a copy of: the shape of the Bearer
 * credentials (readCredentials) and the order of checks as steps of rules (checkOrder).
 *
 * What it does not hold: how a server answers a bad request (how it walks the order of
 * checks, which one error, its status, `param` and code, the envelope). That is the servers'
 * answer policy, in mock/errors/answer-policy.ts and mock/http/gate-pipeline.ts (held to the
 * spec's order by mock/http/test/check-order.test.ts); the contract suite judges it and never
 * imports it.
 */
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenAPIV3_1 } from 'openapi-types';
import type { components, operations as generatedOperations } from './types.gen.js';

// ---------------------------------------------------------------------------
// API object types, generated from the spec (spec/types.gen.ts, `npm run gen:types`).
// ---------------------------------------------------------------------------
type Schemas = components['schemas'];
type RequestBodies = components['requestBodies'];
export type FineTuningJob = Schemas['FineTuningJob'];
export type FineTuningJobStatus = FineTuningJob['status'];
export type FineTuningJobError = Schemas['FineTuningJobError'];
export type FineTuningJobList = Schemas['FineTuningJobList'];
export type FineTuningJobEvent = Schemas['FineTuningJobEvent'];
export type FineTuningJobEventList = Schemas['FineTuningJobEventList'];
/** A create's body (a request body, so its defaulted fields stay optional in the generated type). */
export type CreateFineTuningJobRequest = RequestBodies['CreateFineTuningJobRequest']['content']['application/json'];
export type UploadFileRequest = RequestBodies['UploadFileRequest']['content']['multipart/form-data'];
export type VaeroFile = Schemas['FileObject'];
export type FileObjectList = Schemas['FileObjectList'];
export type DeletedFile = Schemas['DeletedFile'];
export type ErrorBody = Schemas['ErrorResponse'];
export type ErrorType = ErrorBody['error']['type'];
export type OperationId = keyof generatedOperations;
export type StyleModel = NonNullable<CreateFineTuningJobRequest['style_model']>;
export type BaseModel = NonNullable<CreateFineTuningJobRequest['base_model']>;

// ---------------------------------------------------------------------------
// Loading: spec/load.ts reads openapi.yaml (or the compiled cache) in Node; a browser build
// (msw/) swaps in spec/load.browser.ts, which has the document bundled at build time.
// ---------------------------------------------------------------------------
import { cache, document, jsonRoundTrips, loadAjv, loadAjvFormats, loadStandalone, writeFileAtomic, compiledCacheKey, compiledCachePath, compiledResponsesPath, readCompiledResponses, responsesCacheBeside } from './load.js';
export { compiledCacheKey, compiledCachePath, compiledResponsesPath, document, loadedFrom, readCompiledCache, readCompiledResponses, responsesCacheBeside, specPath, specText } from './load.js';

export type SchemaObject = OpenAPIV3_1.SchemaObject & Record<string, unknown>;
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
const METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

// ---------------------------------------------------------------------------
// Rules (x-vaero-rule on schemas, parameters, responses, headers; x-vaero-rules at the
// top; the top-level x-vaero-keyword-rules map for keywords whose provenance differs)
//
// Provenance is per keyword: a schema node's x-vaero-rule governs its keywords, except
// those the document's x-vaero-keyword-rules map (JSON pointer of the keyword -> rule id)
// gives another rule. So `suffix` is `create.suffix` (reference: up to 16 characters) but
// its minLength is `create.suffix.not-empty` (inferred), and a missing job field is the
// rule of that field's node. The map lives outside every schema, so schema walkers
// (Portman, orval, openapi-typescript, Dredd) see plain JSON Schema.
// ---------------------------------------------------------------------------
export interface Rule {
  id: string;
  source: 'reference' | 'inferred';
  severity: 'error' | 'warn';
  why: string;
  /** For a reference rule: the page of Vaero's API reference that states it. */
  page?: string;
  /** JSON pointer of the place in openapi.yaml that states the rule (for a keyword's rule, the first keyword it governs). */
  location: string;
}

function pointer(segments: readonly string[]): string {
  return '#/' + segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** The document's x-vaero-keyword-rules: keyword pointer -> rule id. */
export const keywordRuleMap: Readonly<Record<string, string>> = ((document as unknown as Record<string, unknown>)['x-vaero-keyword-rules'] ?? {}) as Record<string, string>;

/** The JSON pointer of every object node of the document, by identity (resolved schemas are the document's own objects). */
const pointers = new WeakMap<object, string>();
(function index(node: unknown, at: string[]) {
  if (node === null || typeof node !== 'object' || pointers.has(node)) return;
  pointers.set(node, pointer(at));
  if (Array.isArray(node)) node.forEach((n, i) => index(n, [...at, String(i)]));
  else for (const [k, v] of Object.entries(node)) index(v, [...at, k]);
})(document, []);

/** The document's node at a pointer, or undefined. */
function at(ptr: string): unknown {
  return ptr
    .slice(2)
    .split('/')
    .reduce<unknown>((o, seg) => (o === null || typeof o !== 'object' ? undefined : (o as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')]), document);
}

function collectRules(doc: unknown): Map<string, Rule> {
  const found = new Map<string, Rule>();
  const add = (raw: unknown, at: string[]) => {
    const r = raw as Omit<Rule, 'location'>;
    if (found.has(r.id)) throw new Error(`spec: rule ${r.id} is declared twice (${found.get(r.id)?.location} and ${pointer(at)})`);
    found.set(r.id, { id: r.id, source: r.source, severity: r.severity, why: r.why, ...(r.page ? { page: r.page } : {}), location: pointer(at) });
  };
  const walk = (node: unknown, at: string[]) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, [...at, String(i)]));
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'x-vaero-rule') add(v, [...at, k]);
      else if (k === 'x-vaero-rules' && at.length === 0) (v as unknown[]).forEach((r, i) => add(r, [...at, k, String(i)]));
      else if (k !== 'x-vaero-keyword-rules') walk(v, [...at, k]);
    }
  };
  walk(doc, []);
  // A keyword's rule is stated where the keyword is: its location is the first keyword it governs.
  const located = new Set<string>();
  for (const [ptr, id] of Object.entries(keywordRuleMap)) {
    const r = found.get(id);
    if (!r) throw new Error(`spec: x-vaero-keyword-rules maps ${ptr} to ${id}, which no x-vaero-rule declares`);
    if (at(ptr) === undefined) throw new Error(`spec: x-vaero-keyword-rules names ${ptr}, which is not in the document`);
    if (!located.has(id) && r.location.startsWith('#/x-vaero-rules/')) found.set(id, { ...r, location: ptr });
    located.add(id);
  }
  return found;
}

/** Every rule of the contract, by id. */
export const rules: ReadonlyMap<string, Rule> = collectRules(document);

/** The rule of a schema violation no narrower rule covers. */
const REQUEST_SCHEMA_RULE = 'request.schema';

export function rule(id: string): Rule {
  const r = rules.get(id);
  if (!r) throw new Error(`spec: no rule ${id} in openapi.yaml`);
  return r;
}

// ---------------------------------------------------------------------------
// Ajv: one instance, the document's components registered once, validators compiled at load.
// ---------------------------------------------------------------------------
const SPEC_ID = 'vaero:openapi';

let metaChecked = false;
/** `source`: keep each validator's code, for the compiled cache. */
function newAjv(options: { coerceTypes?: boolean; useDefaults?: boolean }, source = false): Ajv2020 {
  const { Ajv2020, _ } = loadAjv();
  const addFormats = loadAjvFormats();
  const code = source ? { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } : {};
  const ajv = new Ajv2020({ strict: true, allErrors: true, ...options, code });
  addFormats(ajv);
  // OpenAPI's own keywords inside schemas, and the registration wrapper: annotations only.
  for (const k of ['x-vaero-rule', 'x-vaero-lifecycle', 'components', 'example', 'xml', 'externalDocs', 'discriminator']) ajv.addKeyword(k);
  // The components are checked against the meta-schema once (first instance); the same
  // object need not be checked again, and skipping it halves start-up.
  ajv.addSchema({ $id: SPEC_ID, components: document.components }, undefined, undefined, !metaChecked);
  metaChecked = true;
  return ajv;
}

/** Bodies: defaults applied (the stub echoes them); responses: validated as they are. */
const BODY = { useDefaults: true };
const RESPONSE = {};
/** Query strings arrive as text: coerce "20" to 20, apply defaults. */
const QUERY = { coerceTypes: true, useDefaults: true };
type AjvKind = typeof BODY | typeof RESPONSE | typeof QUERY;

// One instance per kind, made on first use (a start from the cache makes none).
const instances = new Map<AjvKind, Ajv2020>();
const ajvFor = (kind: AjvKind): Ajv2020 => instances.get(kind) ?? instances.set(kind, newAjv(kind)).get(kind)!;

function resolve<T>(node: T | OpenAPIV3_1.ReferenceObject): T {
  let cur: unknown = node;
  for (let hops = 0; cur && typeof cur === 'object' && '$ref' in cur; hops++) {
    const ref = (cur as OpenAPIV3_1.ReferenceObject).$ref;
    if (!ref.startsWith('#/') || hops > 16) throw new Error(`spec: unsupported $ref ${ref}`);
    cur = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((o, seg) => (o as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  }
  return cur as T;
}

/** Compile a schema of the document, keeping its $refs pointing into the registered components. */
function compile(ajv: Ajv2020, schema: unknown): ValidateFunction {
  const json = JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${SPEC_ID}#/`);
  return ajv.compile(JSON.parse(json) as object);
}

/**
 * A validator for any schema node of the document, e.g. a property's schema to check
 * its `examples`; its $refs resolve into the registered components. Compiled per call:
 * for tests and tools, not for a request path.
 */
export function schemaValidator(schema: unknown): ValidateFunction {
  return compile(ajvFor(RESPONSE), schema);
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------
/** A response header the spec declares for a status (components/headers). */
export interface ResponseHeader {
  /** As the spec spells it (X-Request-Id); HTTP header names are case-insensitive. */
  name: string;
  required: boolean;
  schema: SchemaObject;
  /** The x-vaero-rule on the header, when it has one (response.request-id, response.retry-after). */
  ruleId?: string;
  /** Its validator's name in the responses' cache. */
  cacheName: string;
}

export interface ResponseSpec {
  status: number;
  /** The headers the spec declares for this status. */
  headers: ResponseHeader[];
  /** The media type the spec declares for this status (e.g. application/json, text/plain). */
  mediaType: string;
  schema: SchemaObject;
  readonly validate: ValidateFunction;
  /** Its validator's name in the responses' cache (shared by every answer with the same schema). */
  cacheName: string;
  /** Every example declared for this status. */
  examples: Record<string, unknown>;
}

export interface Operation {
  operationId: OperationId;
  method: HttpMethod;
  /** Path template relative to the base URL, e.g. /fine_tuning/jobs/{fine_tuning_job_id}. */
  path: string;
  pathParams: string[];
  /** Media types the request body may come in (empty: the operation takes no body). */
  requestMediaTypes: string[];
  requestSchema?: SchemaObject;
  requestExamples: Record<string, unknown>;
  /** x-vaero-max-body-bytes: longer bodies are answered 413. */
  maxBodyBytes?: number;
  queryParams: OpenAPIV3_1.ParameterObject[];
  /** The query parameters as one object schema (properties in the order the spec lists them). */
  querySchema: SchemaObject;
  responses: Map<number, ResponseSpec>;
  validateBody?: ValidateFunction;
  /** For multipart/form-data bodies: validates the form's fields as an object (a file part as its text). */
  validateForm?: ValidateFunction;
  validateQuery?: ValidateFunction;
  matcher: RegExp;
}

/** The request schemas of every operation, as compiled (or as the cache was written), by cache name. */
const requestSchemas = new Map<string, { kind: AjvKind; schema: unknown }>();

/** A request validator: from the cache when it matches, else compiled now (validators compiled once, at load). */
function request(op: OpenAPIV3_1.OperationObject, part: 'body' | 'form' | 'query', kind: AjvKind, schema: unknown): ValidateFunction {
  const name = `${op.operationId}.${part}`;
  requestSchemas.set(name, { kind, schema });
  return cache?.validators[name] ?? compile(ajvFor(kind), schema);
}

/** The response schemas of every operation, by cache name (`${operationId}.${status}`, a header's `${operationId}.${status}.header.${name}`). */
const responseSchemas = new Map<string, unknown>();

/** Each response or header schema once, under the first name it was met by: shared answers (401, 429, 500, X-Request-Id) are compiled and cached once. */
const cacheNameBySchema = new Map<unknown, string>();
function responseCacheName(schema: unknown, name: string): string {
  const known = cacheNameBySchema.get(schema);
  if (known) return known;
  cacheNameBySchema.set(schema, name);
  responseSchemas.set(name, schema);
  return name;
}

let responseCache: Record<string, ValidateFunction> | null | undefined;
/** A response validator from the responses' cache, loaded on the first answer validated (only with the main cache). */
function cachedResponseValidator(name: string): ValidateFunction | undefined {
  if (responseCache === undefined) responseCache = (cache && readCompiledResponses(compiledResponsesPath, cache.key)) ?? null;
  return responseCache?.[name];
}

function buildOperation(path: string, method: HttpMethod, op: OpenAPIV3_1.OperationObject): Operation {
  const params = (op.parameters ?? []).map((p) => resolve<OpenAPIV3_1.ParameterObject>(p));
  const queryParams = params.filter((p) => p.in === 'query');
  const body = op.requestBody ? resolve<OpenAPIV3_1.RequestBodyObject>(op.requestBody) : undefined;
  const requestMediaTypes = Object.keys(body?.content ?? {});
  const firstMedia = body?.content[requestMediaTypes[0] ?? ''];
  const requestSchema = firstMedia?.schema ? resolve<SchemaObject>(firstMedia.schema as SchemaObject) : undefined;
  const examples = (media: OpenAPIV3_1.MediaTypeObject | undefined) =>
    Object.fromEntries(Object.entries(media?.examples ?? {}).map(([k, e]) => [k, resolve<OpenAPIV3_1.ExampleObject>(e).value]));

  const responses = new Map<number, ResponseSpec>();
  for (const [status, raw] of Object.entries(op.responses ?? {})) {
    const res = resolve<OpenAPIV3_1.ResponseObject>(raw);
    const [mediaType, media] = Object.entries(res.content ?? {})[0] ?? [];
    if (!mediaType || !media?.schema) throw new Error(`spec: ${op.operationId} ${status} declares no body`);
    let validate: ValidateFunction | undefined;
    const cacheName = responseCacheName(media.schema, `${op.operationId}.${status}`);
    const headers = Object.entries(res.headers ?? {}).map(([name, raw]): ResponseHeader => {
      const h = resolve<OpenAPIV3_1.HeaderObject>(raw) as OpenAPIV3_1.HeaderObject & { 'x-vaero-rule'?: { id: string } };
      const ruleId = h['x-vaero-rule']?.id;
      const headerCacheName = responseCacheName(h.schema ?? {}, `${op.operationId}.${status}.header.${name}`);
      return { name, required: h.required === true, schema: (h.schema ?? {}) as SchemaObject, ...(ruleId ? { ruleId } : {}), cacheName: headerCacheName };
    });
    responses.set(Number(status), {
      status: Number(status),
      headers,
      mediaType,
      schema: media.schema as SchemaObject,
      // Compiled on first use and kept: a server answers most requests with few statuses,
      // so start-up compiles only the request validators.
      get validate() {
        return (validate ??= cachedResponseValidator(cacheName) ?? compile(ajvFor(RESPONSE), media.schema));
      },
      cacheName,
      examples: examples(media),
    });
  }

  const querySchema = {
    type: 'object',
    properties: Object.fromEntries(queryParams.map((p) => [p.name, p.schema])),
    required: queryParams.filter((p) => p.required).map((p) => p.name),
  } as SchemaObject;
  const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  return {
    operationId: op.operationId as OperationId,
    method,
    path,
    pathParams,
    requestMediaTypes,
    requestSchema,
    requestExamples: examples(firstMedia),
    maxBodyBytes: (op as Record<string, unknown>)['x-vaero-max-body-bytes'] as number | undefined,
    queryParams,
    querySchema,
    responses,
    validateBody: requestSchema && requestMediaTypes.includes('application/json') ? request(op, 'body', BODY, requestSchema) : undefined,
    validateForm: requestSchema && requestMediaTypes.includes('multipart/form-data') ? request(op, 'form', BODY, requestSchema) : undefined,
    validateQuery: queryParams.length ? request(op, 'query', QUERY, querySchema) : undefined,
    matcher: new RegExp('^' + path.replace(/\{[^}]+\}/g, '([^/]+)') + '$'),
  };
}

export const operations: readonly Operation[] = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  METHODS.filter((m) => item?.[m]).map((m) => buildOperation(path, m, item![m]!)),
);

/** A cache module's source (CommonJS): `key`, and `load(require)` returning the validators as ajv standalone code and `extra`. */
function cacheModuleSource(key: string, schemas: Iterable<[string, { kind: AjvKind; schema: unknown }]>, extra = ''): string {
  const standaloneCode = loadStandalone();
  const sourceAjv = new Map<AjvKind, Ajv2020>();
  const parts = [...schemas].map(([name, { kind, schema }]) => {
    const ajv = sourceAjv.get(kind) ?? sourceAjv.set(kind, newAjv(kind, true)).get(kind)!;
    // Each validator in its own scope: standalone code declares module.exports and its helpers.
    return `validators[${JSON.stringify(name)}] = (function () {\nconst module = { exports: {} };\n${standaloneCode(ajv, compile(ajv, schema))}\nreturn module.exports;\n})();`;
  });
  return [
    '"use strict";',
    '// Generated by spec/index.ts (spec/write-cache.ts, run by npm run build): a cache of its own compilation of openapi.yaml. Do not edit.',
    `exports.key = ${JSON.stringify(key)};`,
    'exports.load = function (require) {',
    'const validators = {};',
    ...parts,
    `return { validators${extra} };`,
    '};',
    '',
  ].join('\n');
}

/**
 * The compiled cache's source: the parsed document and every request validator, compiled by
 * this module's own newAjv/compile with the same options.
 */
export function compiledCacheSource(key: string = compiledCacheKey()): string {
  if (!jsonRoundTrips(document)) {
    throw new Error('spec: the parsed document does not survive JSON (a YAML date?); it cannot be cached');
  }
  return cacheModuleSource(key, requestSchemas, `, document: JSON.parse(${JSON.stringify(JSON.stringify(document))})`);
}

/** The responses' cache source: every response validator (what judges answers loads; a server does not). */
export function compiledResponsesSource(key: string = compiledCacheKey()): string {
  return cacheModuleSource(key, [...responseSchemas].map(([name, schema]) => [name, { kind: RESPONSE, schema }] as [string, { kind: AjvKind; schema: unknown }]));
}

/** Write the compiled caches (atomically: a reader never sees half a file). */
export function writeCompiledCache(file: string = compiledCachePath, key?: string): void {
  writeFileAtomic(responsesCacheBeside(file), compiledResponsesSource(key));
  writeFileAtomic(file, compiledCacheSource(key));
}

const byId = new Map(operations.map((o) => [o.operationId, o]));
export function operation(id: OperationId): Operation {
  const op = byId.get(id);
  if (!op) throw new Error(`spec: no operation ${id}`);
  return op;
}

/** The operation a method and path (relative to the base URL) address, with its path parameters. */
export function matchOperation(
  method: string,
  path: string,
): { operation: Operation; pathParams: Record<string, string> } | undefined {
  const m = method.toLowerCase();
  for (const op of operations) {
    if (op.method !== m) continue;
    const hit = op.matcher.exec(path);
    if (!hit) continue;
    const pathParams: Record<string, string> = {};
    op.pathParams.forEach((name, i) => (pathParams[name] = decodeURIComponent(hit[i + 1] ?? '')));
    return { operation: op, pathParams };
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Validation: errors as data. Which one error a server answers with (status, param, code,
// order of checks) is the servers' answer policy, not the contract's data: mock/errors/answer-policy.ts.
// ---------------------------------------------------------------------------
/**
 * The rule that governs a schema violation at this place (of this keyword, when given);
 * request.schema where no narrower rule covers it.
 */
export function schemaRuleAt(schema: unknown, instancePath: string, keyword?: string): Rule {
  return ruleAt(schema, instancePath, keyword) ?? rule(REQUEST_SCHEMA_RULE);
}

/** The rules the document's x-vaero-keyword-rules gives a schema node's keywords, by keyword (empty for a node not in the document). */
export function keywordRulesOf(node: unknown): Record<string, string> {
  const base = node !== null && typeof node === 'object' ? pointers.get(node) : undefined;
  const out: Record<string, string> = {};
  if (!base) return out;
  for (const [ptr, id] of Object.entries(keywordRuleMap)) {
    const cut = ptr.lastIndexOf('/');
    if (ptr.slice(0, cut) === base) out[ptr.slice(cut + 1).replace(/~1/g, '/').replace(/~0/g, '~')] = id;
  }
  return out;
}

/** The rule a keyword's entry in x-vaero-keyword-rules gives it on a node. */
function keywordRule(node: SchemaObject, keyword: string): Rule | undefined {
  const id = keywordRulesOf(node)[keyword];
  return id === undefined ? undefined : rule(id);
}

/**
 * The rule of the node an instance path leads to: the keyword's own rule there
 * (x-vaero-keyword-rules) when a keyword is given and has one, else the x-vaero-rule
 * nearest above the node.
 */
export function ruleAt(schema: unknown, instancePath: string, keyword?: string): Rule | undefined {
  const { nodes, found, reached } = nodesAt(schema, instancePath);
  if (!reached || keyword === undefined) return found;
  let own: Rule | undefined;
  for (const n of nodes) own = keywordRule(n, keyword) ?? own;
  return own ?? found;
}

/**
 * The rules the document's x-vaero-keyword-rules gives the keywords of the nodes an
 * instance path leads to (through allOf and oneOf): e.g. `/error/param` of a 401's schema
 * leads to its `const`, whose rule is auth.bearer.param. Empty when none.
 */
export function keywordRulesAt(schema: unknown, instancePath: string): Rule[] {
  const { nodes, reached } = nodesAt(schema, instancePath);
  if (!reached) return [];
  return [...new Set(nodes.flatMap((n) => Object.values(keywordRulesOf(n))))].map(rule);
}

/** The schema nodes an instance path leads to, and the x-vaero-rule nearest above them. */
function nodesAt(schema: unknown, instancePath: string): { nodes: SchemaObject[]; found: Rule | undefined; reached: boolean } {
  let found: Rule | undefined;
  const note = (ns: SchemaObject[]) => {
    for (const n of ns) {
      const id = (n['x-vaero-rule'] as { id?: string } | undefined)?.id;
      if (id) found = rules.get(id);
    }
  };
  const expand = (ns: SchemaObject[]): SchemaObject[] =>
    ns.flatMap((n) => [n, ...expand(((n.allOf ?? []) as SchemaObject[]).concat((n.oneOf ?? []) as SchemaObject[]).map((b) => resolve<SchemaObject>(b)))]);
  let nodes = expand([resolve<SchemaObject>(schema as SchemaObject)]);
  note(nodes);
  for (const seg of instancePath.split('/').slice(1)) {
    const next: SchemaObject[] = [];
    for (const n of nodes) {
      const prop = n.properties?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
      if (prop) next.push(resolve<SchemaObject>(prop as SchemaObject));
      else if (/^\d+$/.test(seg) && n.items) next.push(resolve<SchemaObject>(n.items as SchemaObject));
    }
    if (!next.length) return { nodes, found, reached: false }; // deeper than the schema: its keywords are not this node's
    nodes = expand(next);
    note(nodes);
  }
  return { nodes, found, reached: true };
}

/** A request part checked against its schema: the value with defaults (and for queries, types) applied, or ajv's errors. */
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: ErrorObject[] };

/**
 * Validate a JSON request body. The value returned has the spec's defaults applied;
 * the caller's object is never changed, unless `inPlace` says it is the caller's to give
 * (a body just parsed): then the defaults go into it and nothing is copied. A server must
 * not copy a body it parsed: structuredClone recurses, and a body of a few thousand
 * nested arrays (well under the size limit) would overflow the stack (a 500).
 */
export function validateBody(op: Operation, body: unknown, options: { inPlace?: boolean } = {}): Checked<unknown> {
  if (!op.validateBody) return { ok: true, value: body };
  const value: unknown = options.inPlace ? body : structuredClone(body);
  if (op.validateBody(value)) return { ok: true, value };
  return { ok: false, errors: [...(op.validateBody.errors ?? [])] };
}

/**
 * Validate the fields of a multipart/form-data body, given as an object of field name to
 * text (a file part as its decoded text), against the same schema.
 */
export function validateForm(op: Operation, fields: Record<string, string>): Checked<Record<string, string>> {
  const value: Record<string, string> = { ...fields };
  if (!op.validateForm || op.validateForm(value)) return { ok: true, value };
  return { ok: false, errors: [...(op.validateForm.errors ?? [])] };
}

/**
 * Numeric query text (rule list.limit.numeric-text): decimal, the grammar of a JSON number with
 * an optional leading `+`, nothing around it. ajv's coercion reads text as JavaScript's Number()
 * does (' 10 ', '0x10', '0b11' pass; '1e400' becomes null), which no other language's parser
 * matches, so text outside this grammar is a type error before ajv coerces it.
 */
const DECIMAL = /^[+-]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** The type errors of numeric query parameters whose text is not decimal (or not a finite number). */
function numericTextErrors(op: Operation, query: Record<string, unknown>): ErrorObject[] {
  const errors: ErrorObject[] = [];
  for (const p of op.queryParams) {
    const type = (p.schema as SchemaObject | undefined)?.type;
    const text = query[p.name];
    if ((type !== 'integer' && type !== 'number') || typeof text !== 'string') continue;
    if (DECIMAL.test(text) && Number.isFinite(Number(text))) continue;
    errors.push({ instancePath: `/${p.name}`, schemaPath: `#/properties/${p.name}/type`, keyword: 'type', params: { type }, message: `must be ${type}` });
  }
  return errors;
}

/** Validate a query string (values as text); the value returned is typed and defaulted. */
export function validateQuery(op: Operation, query: Record<string, unknown>): Checked<Record<string, unknown>> {
  const value: Record<string, unknown> = { ...query };
  if (!op.validateQuery) return { ok: true, value };
  const textErrors = numericTextErrors(op, value);
  // The rest is judged without the refused texts, so every parameter's error is reported (the policy picks the first).
  for (const e of textErrors) delete value[e.instancePath.slice(1)];
  if (op.validateQuery(value) && !textErrors.length) return { ok: true, value };
  return { ok: false, errors: [...textErrors, ...(op.validateQuery.errors ?? [])] };
}

/** Validate a response body against the schema the spec declares for its status. */
export function validateResponse(
  op: Operation,
  status: number,
  body: unknown,
): { ok: true } | { ok: false; reason: 'undeclared-status' } | { ok: false; reason: 'schema'; errors: ErrorObject[]; ruleIds: string[] } {
  const res = op.responses.get(status);
  if (!res) return { ok: false, reason: 'undeclared-status' };
  if (res.validate(body)) return { ok: true };
  const errors = [...(res.validate.errors ?? [])];
  const ruleIds = [
    ...new Set(
      errors.map(
        (e) =>
          // A missing field is the rule of that field's node; any other error, the rule of its keyword there.
          (e.keyword === 'required' ? ruleAt(res.schema, `${e.instancePath}/${String(e.params.missingProperty)}`) : ruleAt(res.schema, e.instancePath, e.keyword))?.id ??
          'response.schema',
      ),
    ),
  ];
  return { ok: false, reason: 'schema', errors, ruleIds };
}

/** Header validators, compiled on first use, by schema. */
const headerValidators = new WeakMap<object, ValidateFunction>();

/**
 * Whether a header's text is a value of its declared schema: an integer schema reads the
 * text as whole decimal digits only (Retry-After: 1, not 1.5 or an HTTP date).
 */
export function headerValueValid(header: ResponseHeader, text: string): boolean {
  let validate = headerValidators.get(header.schema);
  if (!validate) headerValidators.set(header.schema, (validate = cachedResponseValidator(header.cacheName) ?? compile(ajvFor(RESPONSE), header.schema)));
  const t = text.trim();
  const value = header.schema.type === 'integer' && /^\d+$/.test(t) ? Number(t) : t;
  return validate(value) as boolean;
}

// ---------------------------------------------------------------------------
// Figures the implementations share
// ---------------------------------------------------------------------------
const createSchema = operation('createFineTuningJob').requestSchema!;
const prop = (name: string) => createSchema.properties![name] as SchemaObject;

/** Defaults of the create body, read from the spec. */
export const createDefaults = {
  style_model: prop('style_model').default as StyleModel,
  base_model: prop('base_model').default as BaseModel,
};
export const suffixMaxLength = prop('suffix').maxLength as number;
export const styleModels = prop('style_model').enum as StyleModel[];
export const baseModels = prop('base_model').enum as BaseModel[];
const statusSchema = (document.components!.schemas!.FineTuningJob as SchemaObject).properties!.status as SchemaObject;
export const jobStatuses = statusSchema.enum as FineTuningJobStatus[];
/** The job lifecycle (x-vaero-lifecycle on FineTuningJob.status, rule job.lifecycle). */
export const lifecycle = statusSchema['x-vaero-lifecycle'] as {
  /** The statuses a new job may have (rule job.create-status). */
  initial: FineTuningJobStatus[];
  /** The statuses of a finished job (finished_at set). */
  finished: FineTuningJobStatus[];
  /** The statuses each status may move to. */
  next: Record<FineTuningJobStatus, FineTuningJobStatus[]>;
};
export const fineTunedModelPattern = new RegExp(
  ((document.components!.schemas!.FineTuningJob as SchemaObject).properties!.fine_tuned_model as SchemaObject).pattern as string,
  'u',
);
/** The literal text an id pattern such as ^ftjob-[A-Za-z0-9_-]{1,64}$ starts with ('ftjob-'). */
function literalPrefix(schemaName: string, property: string): string {
  const pattern = ((document.components!.schemas![schemaName] as SchemaObject).properties![property] as SchemaObject).pattern as string;
  const prefix = /^\^([A-Za-z0-9_]+-)/.exec(pattern)?.[1];
  if (!prefix) throw new Error(`spec: ${schemaName}.${property} has no literal prefix in its pattern ${pattern}`);
  return prefix;
}
/** The prefixes of the ids and names the implementations mint (rules job.id, job.organization_id, job.fine_tuned_model...). */
export const idPrefixes = {
  job: literalPrefix('FineTuningJob', 'id'),
  file: literalPrefix('FileObject', 'id'),
  event: literalPrefix('FineTuningJobEvent', 'id'),
  organization: literalPrefix('FineTuningJob', 'organization_id'),
  fineTunedModel: literalPrefix('FineTuningJob', 'fine_tuned_model'),
};
const limitSchema = resolve<OpenAPIV3_1.ParameterObject>({ $ref: '#/components/parameters/Limit' }).schema as SchemaObject;
export const listLimits = { default: limitSchema.default as number, max: limitSchema.maximum as number };
/** x-vaero-max-header-bytes: headers longer in all (request line included) are refused with 431 before any operation. */
export const maxHeaderBytes = (document as unknown as Record<string, unknown>)['x-vaero-max-header-bytes'] as number;
/** The base path of the real service (servers[0]); implementations serve the spec's paths under it. */
export const basePath = new URL(document.servers?.[0]?.url ?? 'http://localhost/v1').pathname.replace(/\/$/, '');

// ---------------------------------------------------------------------------
// Credentials (securitySchemes.bearerAuth): the one shape of `Authorization: Bearer <token>`
// that the servers, the traffic judge, the suite and the fixtures' tests all accept (rules
// auth.bearer, and auth.bearer.shape for its spelling).
// ---------------------------------------------------------------------------
const bearerScheme = document.components?.securitySchemes?.bearerAuth as Record<string, unknown> | undefined;
const credentialsPatternText = bearerScheme?.['x-vaero-credentials-pattern'];
if (typeof credentialsPatternText !== 'string') throw new Error('spec: securitySchemes.bearerAuth states no x-vaero-credentials-pattern');
/** x-vaero-credentials-pattern: an Authorization value (without the whitespace around it) the contract accepts; group 1 is the token. */
export const credentialsPattern = new RegExp(credentialsPatternText);

/** How an Authorization header reads: a token, or why it gives none, with the rule that says so. */
export type CredentialsReading =
  | { token: string; at: { start: number; end: number } }
  | { problem: 'missing' | 'not-bearer' | 'malformed'; ruleId: string };

const AUTH_RULE = 'auth.bearer';
const AUTH_SHAPE_RULE = keywordRuleMap['#/components/securitySchemes/bearerAuth/x-vaero-credentials-pattern'] ?? AUTH_RULE;
/** The scheme word (securitySchemes.bearerAuth.scheme, any case), whitespace, then something. */
const schemeThenSomething = new RegExp(`^${String(bearerScheme?.scheme ?? 'bearer')}[ \\t]+\\S`, 'i');
/** Spaces and tabs around a field value are not part of it (RFC 9110 5.5): HTTP parsers drop them. */
const OWS = /^[ \t]*([^]*?)[ \t]*$/;

/**
 * Read an Authorization value against the spec's pattern. `missing`: none, or empty (an
 * empty header is a missing one: request.check-order); `not-bearer`: another scheme, or the
 * scheme word with no token (auth.bearer, the reference's); `malformed`: the Bearer scheme
 * and a token spelt in a way the contract refuses, e.g. a tab between them (auth.bearer.shape).
 * A token's `at` is where it lies in the value as given, for tools that swap the token.
 */
export function readCredentials(value: string | undefined): CredentialsReading {
  const lead = value === undefined ? 0 : /^[ \t]*/.exec(value)![0].length;
  const field = value === undefined ? '' : OWS.exec(value)![1]!;
  if (field === '') return { problem: 'missing', ruleId: AUTH_RULE };
  const m = credentialsPattern.exec(field);
  if (m?.[1] !== undefined) {
    const start = lead + m.index + m[0].length - m[1].length;
    return { token: m[1], at: { start, end: start + m[1].length } };
  }
  // The scheme word, whitespace, then something: a Bearer credential in a refused spelling.
  return schemeThenSomething.test(field) ? { problem: 'malformed', ruleId: AUTH_SHAPE_RULE } : { problem: 'not-bearer', ruleId: AUTH_RULE };
}

/** The rules a well-formed Authorization header holds: the reference's, and the contract's spelling. */
export const credentialsRules = { auth: AUTH_RULE, shape: AUTH_SHAPE_RULE } as const;

// ---------------------------------------------------------------------------
// The order of checks (x-vaero-check-order, rule request.check-order): which rule decides
// the answer to a request that breaks several. The servers keep their own policy
// (mock/errors, mock/http/gate-pipeline.ts); a test holds it to this order.
// ---------------------------------------------------------------------------
export interface CheckStep {
  step: string;
  /** The rules this step judges. */
  rules: readonly string[];
  /** The step of every rule no step lists (the schema's). */
  others?: boolean;
}

function readCheckOrder(): readonly CheckStep[] {
  const raw = (document as unknown as Record<string, unknown>)['x-vaero-check-order'];
  if (!Array.isArray(raw) || !raw.length) throw new Error('spec: no x-vaero-check-order');
  const steps = raw as CheckStep[];
  for (const s of steps) for (const id of s.rules) if (!rules.has(id)) throw new Error(`spec: x-vaero-check-order step ${s.step} names ${id}, which no x-vaero-rule declares`);
  if (steps.filter((s) => s.others).length !== 1) throw new Error('spec: x-vaero-check-order marks not exactly one step `others`');
  return steps;
}

/** The steps of the order of checks, first first. */
export const checkOrder: readonly CheckStep[] = readCheckOrder();

/** The place (0: first) of the step that judges a rule in the order of checks. */
export function checkStepIndex(ruleId: string): number {
  const i = checkOrder.findIndex((s) => s.rules.includes(ruleId));
  return i >= 0 ? i : checkOrder.findIndex((s) => s.others);
}

/** The place of a named step (throws on a step the spec does not name, so a rename fails loudly). */
export function checkStepNamed(step: string): number {
  const i = checkOrder.findIndex((s) => s.step === step);
  if (i < 0) throw new Error(`spec: x-vaero-check-order has no step ${step}`);
  return i;
}
