/**
 * Response conformance, judged on every answer the suite receives (whatever check sent
 * the request): the status is one the operation declares, the media type is the one it
 * declares for that status, and the body validates against that status's schema.
 * Like Schemathesis' status_code_conformance, content_type_conformance and
 * response_schema_conformance, plus not_a_server_error; and the headers the spec requires
 * of a status (X-Request-Id on every answer, Retry-After on a 429), each under its rule.
 */
import { headerValueValid, operation, operations, rules, validateResponse } from '../../spec/index.js';
import type { Exchange } from '../http/exchange.js';
import { rulesExercised } from './exercised.js';
import type { Check, FailureInput } from './types.js';

export const STATUS_CONFORMANCE = 'status-code-conformance';
export const CONTENT_TYPE_CONFORMANCE = 'content-type-conformance';
export const SCHEMA_CONFORMANCE = 'response-schema-conformance';
export const NOT_A_SERVER_ERROR = 'not-a-server-error';
export const RESPONSE_SIZE = 'response-size-conformance';
export const HEADER_CONFORMANCE = 'response-header-conformance';

/**
 * The rules stated on response schemas (job fields, list and error shapes): schema
 * conformance verifies them, each when an answer's body reaches its schema node. Rules on
 * a response object (path.not-found) are about when it is answered: the checks that
 * provoke it judge them.
 */
export const responseSchemaRules = [...rules.values()].filter((r) => r.location.startsWith('#/components/schemas/') && !/Request\//.test(r.location)).map((r) => r.id);

/**
 * The rules of required response headers, with the statuses that require them (from the
 * spec): response.request-id on every status, response.retry-after on 429. A rule whose
 * statuses no answer of the run had is skipped, not unjudged (see the runner).
 */
export const headerRuleStatuses: ReadonlyMap<string, readonly number[]> = (() => {
  const out = new Map<string, Set<number>>();
  for (const op of operations) for (const [status, res] of op.responses) for (const h of res.headers) if (h.required && h.ruleId) (out.get(h.ruleId) ?? out.set(h.ruleId, new Set()).get(h.ruleId)!).add(status);
  return new Map([...out].map(([id, s]) => [id, [...s].sort((a, b) => a - b)]));
})();
const [firstHeaderRule, ...otherHeaderRules] = [...headerRuleStatuses.keys()];

/** The conformance checks as report entries; they run on every exchange, not on their own. */
export const conformanceChecks: Check[] = [
  { id: STATUS_CONFORMANCE, title: 'Every answer has a status its operation declares', ruleId: 'response.status-declared', profiles: ['core', 'full'], run: async () => {} },
  { id: CONTENT_TYPE_CONFORMANCE, title: 'Every answer is in the media type declared for its status', ruleId: 'response.content-type', profiles: ['core', 'full'], run: async () => {} },
  {
    id: SCHEMA_CONFORMANCE,
    title: 'Every answer validates against the schema declared for its status',
    ruleId: 'response.schema',
    // full creates what shows every schema rule (a succeeded job, events...); core creates
    // nothing that lives on, so there a schema rule is judged when an answer shows it and is
    // not required: a core run's verdict never depends on objects it did not create.
    alsoVerifies: (profile) => (profile === 'full' ? responseSchemaRules : []),
    profiles: ['core', 'full'],
    run: async () => {},
  },
  { id: RESPONSE_SIZE, title: 'Every answer ends within --max-response-bytes', ruleId: 'response.size', profiles: ['core', 'full'], run: async () => {} },
  { id: NOT_A_SERVER_ERROR, title: 'No request of the suite is answered with a 5xx or not at all', ruleId: 'request.no-5xx-on-bad-input', profiles: ['core', 'full'], run: async () => {} },
  {
    id: HEADER_CONFORMANCE,
    title: `Every answer carries the headers the spec requires of its status (${[...headerRuleStatuses].map(([id, statuses]) => `${id} on ${statuses.join(', ')}`).join('; ')})`,
    ruleId: firstHeaderRule ?? 'response.schema',
    alsoVerifies: otherHeaderRules,
    profiles: ['core', 'full'],
    run: async () => {},
  },
];

export interface ConformanceFinding extends FailureInput {
  checkId: string;
  ruleId: string;
}

/** An assertion about one answer that held. */
export interface ConformanceHeld {
  checkId: string;
  ruleId: string;
}

export interface ConformanceVerdict {
  findings: ConformanceFinding[];
  held: ConformanceHeld[];
}

function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Judge one exchange: one finding per broken rule, and the assertions that held (the
 * rules of the response schema this body reached, when it validates).
 */
export function judgeExchange(ex: Exchange): ConformanceVerdict {
  const out: ConformanceFinding[] = [];
  const held: ConformanceHeld[] = [];
  const verdict = () => ({ findings: out, held });
  const res = ex.response;
  if (!res) {
    out.push({ checkId: NOT_A_SERVER_ERROR, ruleId: 'request.no-5xx-on-bad-input', message: `No answer: ${ex.error ?? 'unknown error'}`, declared: 'an answer with a declared status', received: ex.error, exchange: ex });
    return verdict();
  }
  if (res.status >= 500) {
    out.push({ checkId: NOT_A_SERVER_ERROR, ruleId: 'request.no-5xx-on-bad-input', message: `Answered ${res.status}`, declared: 'a status below 500', received: res.status, exchange: ex });
  } else held.push({ checkId: NOT_A_SERVER_ERROR, ruleId: 'request.no-5xx-on-bad-input' });
  if (res.cutAt !== undefined) {
    out.push({ checkId: RESPONSE_SIZE, ruleId: 'response.size', message: `${ex.request.method} ${ex.request.path} ${res.status}: the answer went on past ${res.cutAt} bytes (--max-response-bytes); it was cut there`, declared: `at most ${res.cutAt} bytes`, received: `more than ${res.cutAt} bytes`, exchange: ex });
  } else held.push({ checkId: RESPONSE_SIZE, ruleId: 'response.size' });
  if (!ex.operationId) return verdict();
  const op = operation(ex.operationId);
  const spec = op.responses.get(res.status);
  if (!spec) {
    out.push({
      checkId: STATUS_CONFORMANCE,
      ruleId: 'response.status-declared',
      message: `${op.operationId} answered ${res.status}, a status it does not declare`,
      declared: [...op.responses.keys()],
      received: res.status,
      exchange: ex,
    });
    return verdict();
  }
  held.push({ checkId: STATUS_CONFORMANCE, ruleId: 'response.status-declared' });
  for (const h of spec.headers.filter((x) => x.required)) {
    const ruleId = h.ruleId ?? 'response.schema';
    const value = res.headers[h.name.toLowerCase()];
    if (value !== undefined && headerValueValid(h, value)) held.push({ checkId: HEADER_CONFORMANCE, ruleId });
    else {
      out.push({
        checkId: HEADER_CONFORMANCE,
        ruleId,
        message: `${op.operationId} ${res.status} ${value === undefined ? `came without ${h.name}` : `came with ${h.name}: ${JSON.stringify(value.slice(0, 80))}, not a value of its schema`}`,
        declared: { header: h.name, required: true, schema: h.schema },
        received: value ?? null,
        exchange: ex,
      });
    }
  }
  const got = mediaTypeOf(res.headers['content-type']);
  if (got !== spec.mediaType) {
    out.push({
      checkId: CONTENT_TYPE_CONFORMANCE,
      ruleId: 'response.content-type',
      message: `${op.operationId} ${res.status} came as ${got || 'no content type'}`,
      declared: spec.mediaType,
      received: res.headers['content-type'] ?? null,
      exchange: ex,
    });
  } else held.push({ checkId: CONTENT_TYPE_CONFORMANCE, ruleId: 'response.content-type' });
  // What was cut is judged as far as it was read: status, headers and media type; the body, cut, is not.
  if (res.cutAt !== undefined) return verdict();
  const body = spec.mediaType.includes('json') ? res.json : res.body;
  if (spec.mediaType.includes('json') && res.json === undefined) {
    out.push({ checkId: SCHEMA_CONFORMANCE, ruleId: 'response.schema', message: `${op.operationId} ${res.status}: the body is not JSON`, declared: spec.mediaType, received: res.body.slice(0, 200), exchange: ex });
    return verdict();
  }
  const result = validateResponse(op, res.status, body);
  if (result.ok) {
    for (const ruleId of rulesExercised(spec.schema, body, new Set(['response.schema']))) held.push({ checkId: SCHEMA_CONFORMANCE, ruleId });
  } else if (result.reason === 'schema') {
    for (const ruleId of result.ruleIds) {
      const errors = result.errors.map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}`.trim());
      out.push({
        checkId: SCHEMA_CONFORMANCE,
        ruleId,
        message: `${op.operationId} ${res.status}: the body breaks ${ruleId}: ${errors.slice(0, 3).join('; ')}`,
        declared: result.errors.slice(0, 5).map((e) => ({ at: e.instancePath || '/', keyword: e.keyword, params: e.params, schemaPath: e.schemaPath })),
        received: body,
        exchange: ex,
      });
    }
    // ajv reports every error (allErrors): a rule the body reached with no error of its own held
    // on it, so a job missing only this contract's finished_at still holds the reference's rules.
    const broken = new Set(result.ruleIds);
    for (const ruleId of rulesExercised(spec.schema, body)) if (!broken.has(ruleId)) held.push({ checkId: SCHEMA_CONFORMANCE, ruleId });
  }
  return verdict();
}
