/**
 * The servers' answer policy: how the stub and the Prism mock turn what the spec's
 * validators found into the one error they answer. Which error comes first when a
 * request breaks several schema rules (the body as a whole, then declared fields in the
 * schema's order, then unknown fields: rule request.check-order), its status, `param`,
 * `code` and message, and the envelope it is sent in (`type` fixed by status).
 *
 * It lives beside the servers, not in spec/: the contract suite judges these answers from
 * the spec's data, its own generated cases and the labelled fixtures, and never imports
 * this file (contract-tests/test/import-graph.test.ts holds it to that). It sits below both
 * the HTTP layer (mock/http, mock/core) and the stub's service (mock/stub/service), which
 * answers its own errors as Violations without knowing HTTP: it imports only spec/.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import {
  operations,
  rule,
  schemaRuleAt,
  validateBody,
  validateForm,
  validateQuery,
  type ErrorBody,
  type ErrorType,
  type Operation,
  type SchemaObject,
} from '../../spec/index.js';

/** One error answer, in the contract's terms. */
export interface Violation {
  status: number;
  type: ErrorType;
  /** The top-level field, query parameter or header at fault; null for the request as a whole. */
  param: string | null;
  code: string;
  message: string;
  ruleId: string;
  /** ajv's own error, as data (schema violations only). */
  detail?: ErrorObject;
}

/** The error `type` the spec fixes for each status (the `const` in that status's error response), and the codes it allows (the `enum`). */
function errorSchemasByStatus(): { types: Map<number, ErrorType>; codes: Map<number, string[]> } {
  const types = new Map<number, ErrorType>();
  const codes = new Map<number, string[]>();
  for (const op of operations) {
    for (const r of op.responses.values()) {
      for (const b of (r.schema.allOf ?? []) as SchemaObject[]) {
        const props = (b.properties?.error as SchemaObject | undefined)?.properties;
        const t = props?.type as SchemaObject | undefined;
        const c = props?.code as SchemaObject | undefined;
        if (t?.const) types.set(r.status, t.const as ErrorType);
        if (c?.enum) codes.set(r.status, c.enum as string[]);
      }
    }
  }
  return { types, codes };
}
const { types: typeByStatus, codes: codesByStatus } = errorSchemasByStatus();

/** The error codes the spec allows for a status (rule error.code), in the order it lists them. */
export function errorCodesFor(status: number): readonly string[] {
  return codesByStatus.get(status) ?? [];
}

export function errorTypeFor(status: number): ErrorType {
  return typeByStatus.get(status) ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
}

/** The error envelope for a violation (the body every implementation answers). */
export function errorBody(v: Pick<Violation, 'status' | 'param' | 'code' | 'message'>): ErrorBody {
  return { error: { message: v.message, type: errorTypeFor(v.status), param: v.param, code: v.code } };
}

export function violation(status: number, ruleId: string, code: string, message: string, param: string | null = null): Violation {
  return { status, type: errorTypeFor(status), param, code, message, ruleId };
}

const CODE_BY_KEYWORD: Record<string, string> = {
  required: 'missing_required_parameter',
  additionalProperties: 'unknown_parameter',
  type: 'invalid_type',
};

function describe(e: ErrorObject, param: string | null): string {
  if (e.keyword === 'required') return `Missing required parameter: ${String(e.params.missingProperty)}`;
  if (e.keyword === 'additionalProperties') return `Unknown parameter: ${String(e.params.additionalProperty)}`;
  const inside = e.instancePath.replace(/^\/[^/]*/, '').replace(/\//g, '.');
  if (e.keyword === 'enum') return `${param}${inside} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  const where = param === null ? 'The request body' : `${param}${inside}`;
  return `${where} ${e.message ?? 'is invalid'}`;
}

/** The top-level field an ajv error is about (an unknown field by its own name; null for the body as a whole). */
function paramOf(e: ErrorObject): string | null {
  if (e.keyword === 'required') return String(e.params.missingProperty);
  if (e.keyword === 'additionalProperties' && e.instancePath === '') return String(e.params.additionalProperty);
  const top = e.instancePath.split('/')[1];
  return top === undefined ? null : top.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The one error a request gets when it breaks several schema rules: the body as a
 * whole first, then declared fields in the order the schema lists them, then unknown
 * fields (rule request.check-order). Its rule is the x-vaero-rule nearest the field at
 * fault, else request.schema.
 */
export function firstViolation(errors: readonly ErrorObject[], schema: SchemaObject | undefined): Violation | undefined {
  if (!errors.length) return undefined;
  const order = Object.keys(schema?.properties ?? {});
  const rank = (e: ErrorObject) => {
    const p = paramOf(e);
    if (p === null) return -1;
    const i = order.indexOf(p);
    return i === -1 ? order.length : i;
  };
  const e = [...errors].sort((a, b) => rank(a) - rank(b))[0] as ErrorObject;
  const param = paramOf(e);
  const unknownField = e.keyword === 'additionalProperties' && e.instancePath === '';
  // The rule of the keyword broken where it was broken (a missing field: that field's rule; an unknown one: the body's).
  // With several unknown fields, the one named (the first sent) is rule request.unknown-field-order's choice.
  const severalUnknown = unknownField && errors.filter((x) => x.keyword === 'additionalProperties' && x.instancePath === '').length > 1;
  const ruleId =
    e.keyword === 'required'
      ? schemaRuleAt(schema, '/' + param!.replace(/~/g, '~0').replace(/\//g, '~1')).id
      : severalUnknown
        ? rule('request.unknown-field-order').id
        : unknownField
          ? schemaRuleAt(schema, '').id
          : schemaRuleAt(schema, e.instancePath, e.keyword).id;
  return {
    status: 400,
    type: errorTypeFor(400),
    param,
    code: CODE_BY_KEYWORD[e.keyword] ?? 'invalid_value',
    message: describe(e, param),
    ruleId,
    detail: e,
  };
}

/** A request part admitted (defaults applied), or the one violation to answer. */
export type Admitted<T> = { ok: true; value: T } | { ok: false; violation: Violation };

/** The JSON body checked against the spec: its defaults applied, or the first violation. */
export function admitBody(op: Operation, body: unknown, options: { inPlace?: boolean } = {}): Admitted<unknown> {
  const r = validateBody(op, body, options);
  return r.ok ? r : { ok: false, violation: firstViolation(r.errors, op.requestSchema)! };
}

/** A multipart body's fields (a file part as its text) checked like a JSON body, with the same choice of the one violation. */
export function admitForm(op: Operation, fields: Record<string, string>): Admitted<Record<string, string>> {
  const r = validateForm(op, fields);
  return r.ok ? r : { ok: false, violation: firstViolation(r.errors, op.requestSchema)! };
}

/** The query string (values as text): typed and defaulted, or the first violation in the spec's parameter order. */
export function admitQuery(op: Operation, query: Record<string, unknown>): Admitted<Record<string, unknown>> {
  const r = validateQuery(op, query);
  return r.ok ? r : { ok: false, violation: firstViolation(r.errors, op.querySchema)! };
}
