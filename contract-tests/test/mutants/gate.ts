/**
 * Mutants with a fault inside the request gate the stub and the mock share: the servers'
 * answer policy (mock/errors/answer-policy.ts) picking the wrong error first, naming the
 * wrong `param`, or giving an error the wrong `type`. Each is the real stub behind a thin
 * front that answers a create the way the faulty policy would: the spec's own validator
 * finds the errors, then the real policy function chooses among them with ONE thing
 * changed (its ranking, its `param`, its table of types). The suite must catch each with
 * its generated checks, not only with the labelled fixtures (contract-tests/test/gate-mutants.test.ts).
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import { errorBody, firstViolation, violation, type Violation } from '../../../mock/errors/answer-policy.js';
import { operation, validateBody, type SchemaObject } from '../../../spec/index.js';
import { json, withJson, type FrontRequest, type FrontResponse, type Mutant } from './front.js';

const create = operation('createFineTuningJob');
const schema = create.requestSchema!;

function jsonAnswer(v: Violation): FrontResponse {
  return { status: v.status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(errorBody(v))) };
}

/**
 * A create that reaches the schema step (bearer auth, a JSON content type, JSON that
 * parses) and breaks the schema: the spec validator's errors. Anything else goes to the stub.
 */
function schemaErrors(r: FrontRequest): ErrorObject[] | undefined {
  if (r.method !== 'POST' || r.path !== create.path) return undefined;
  if (!/^bearer +\S+$/i.test(r.headers.authorization ?? '')) return undefined;
  if (!/^application\/json\s*(;|$)/i.test(r.headers['content-type'] ?? '')) return undefined;
  if (r.headers['content-encoding'] && !/^\s*identity\s*$/i.test(r.headers['content-encoding'])) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(r.body.toString('utf8'));
  } catch {
    return undefined;
  }
  const checked = validateBody(create, body);
  return checked.ok ? undefined : checked.errors;
}

/** A front that answers schema-breaking creates with `answer(errors)` (undefined: the stub answers). */
function policyFault(answer: (errors: ErrorObject[]) => Violation | undefined): Mutant['request'] {
  return (r) => {
    const errors = schemaErrors(r);
    const v = errors && answer(errors);
    return v ? jsonAnswer(v) : r;
  };
}

const isUnknownField = (e: ErrorObject) => e.keyword === 'additionalProperties' && e.instancePath === '';

export const gateMutants: Mutant[] = [
  {
    name: 'gate-ranks-unknown-fields-first',
    fault: 'The gate ranks unknown fields before declared ones: {"suffix": "", "sufix": 1, ...} is blamed on sufix, not suffix.',
    breaks: 'request.check-order',
    request: policyFault((errors) => {
      const unknown = errors.find(isUnknownField);
      return unknown && errors.length > 1 ? firstViolation([unknown], schema) : undefined;
    }),
  },
  {
    name: 'gate-ranks-fields-alphabetically',
    fault: "The gate ranks declared fields by name instead of the schema's order: a bad base_model is blamed before missing training_files.",
    breaks: 'request.check-order',
    request: policyFault((errors) => {
      const sorted = Object.fromEntries(Object.entries(schema.properties ?? {}).sort(([a], [b]) => a.localeCompare(b)));
      return errors.length > 1 ? firstViolation(errors, { ...schema, properties: sorted } as SchemaObject) : undefined;
    }),
  },
  {
    name: 'gate-syntax-before-content-type',
    fault: 'The gate parses a create body before it judges the content type: a malformed body sent as text/plain is 400 invalid_json, not 415.',
    breaks: 'request.check-order',
    request: (r) => {
      const type = (r.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (r.method !== 'POST' || r.path !== create.path || !r.headers.authorization || type === 'application/json') return r;
      try {
        JSON.parse(r.body.toString('utf8'));
        return r;
      } catch {
        return jsonAnswer(violation(400, 'request.malformed-json', 'invalid_json', 'The request body is not valid JSON'));
      }
    },
  },
  {
    name: 'gate-unknown-field-param-null',
    fault: 'The gate answers an unknown field with param null (the body as a whole) instead of the field\'s name.',
    breaks: 'create.body',
    request: policyFault((errors) => {
      const v = firstViolation(errors, schema);
      return v?.detail && isUnknownField(v.detail) ? { ...v, param: null } : undefined;
    }),
  },
  {
    name: 'gate-param-is-item-path',
    fault: 'The gate names an error inside training_files by its path (training_files/1) instead of the top-level field.',
    breaks: 'create.training_files',
    request: policyFault((errors) => {
      const v = firstViolation(errors, schema);
      const path = v?.detail?.instancePath ?? '';
      return v && /^\/[^/]+\/\d+/.test(path) ? { ...v, param: path.slice(1) } : undefined;
    }),
  },
  {
    name: 'gate-error-type-table-lost',
    fault: 'The gate gives every 4xx the type invalid_request_error (its table of types by status lost): a 401 is not an authentication_error.',
    breaks: 'error.envelope',
    response: (_r, res) => {
      const body = json(res) as { error?: { type?: string } } | undefined;
      if (res.status < 401 || res.status >= 500 || !body?.error?.type) return res;
      return withJson(res, { error: { ...body.error, type: 'invalid_request_error' } });
    },
  },
];
