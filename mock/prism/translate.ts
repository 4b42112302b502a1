/**
 * Prism's verdict in the contract's terms. Prism answers every violation with one
 * fixed example body, but names each violation in its `sl-violations` response header
 * (location, ajv keyword, message). This turns that list into ajv-shaped errors and
 * lets the servers' answer policy (`firstViolation`, mock/errors/answer-policy.ts) choose
 * among them, so Prism's answer gets the same status, `param` and rule as the stub's.
 */
import type { ErrorObject } from 'ajv';
import { rule, type Operation } from '../../spec/index.js';
import { firstViolation, violation, type Violation } from '../errors/answer-policy.js';

/** One entry of Prism's `sl-violations` header. */
export interface PrismViolation {
  location: (string | number)[];
  severity: string;
  code: string | number;
  message: string;
}

export function parseViolationsHeader(header: string | null): PrismViolation[] {
  if (!header) return [];
  try {
    const list = JSON.parse(header) as unknown;
    return Array.isArray(list) ? (list as PrismViolation[]) : [];
  } catch {
    return [];
  }
}

/** An ajv error rebuilt from a Prism violation (Prism validates with ajv too, so the keywords match). */
function toAjvError(v: PrismViolation, path: (string | number)[]): ErrorObject {
  const keyword = String(v.code);
  const params: Record<string, unknown> = {};
  let instancePath = path.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
  if (keyword === 'required') params.missingProperty = /required property '([^']+)'/.exec(v.message)?.[1] ?? '';
  if (keyword === 'additionalProperties') params.additionalProperty = /found '([^']+)'/.exec(v.message)?.[1] ?? '';
  if (keyword === 'enum') params.allowedValues = (/allowed values: (.*)$/.exec(v.message)?.[1] ?? '').split(', ');
  if (keyword === 'required' && !params.missingProperty) instancePath = '';
  // Prism's message starts "Request body property suffix ..."; keep what follows the field.
  const message = v.message.replace(/^Request (body( property \S+)?|query parameter \S+)\s*/, '');
  return { keyword, instancePath, schemaPath: '', params, message };
}

/**
 * The one violation Prism's list amounts to, chosen by the spec's order of checks:
 * request-level (auth, content type, a missing body), then the query, then the body.
 */
export function translateViolations(op: Operation, list: readonly PrismViolation[]): Violation | undefined {
  const errors = list.filter((v) => v.severity === 'Error' && v.location[0] === 'request');
  if (!errors.length) return undefined;

  const requestLevel = errors.find((v) => v.location.length === 1);
  if (requestLevel) {
    if (requestLevel.code === 401) return violation(401, rule('auth.bearer').id, 'invalid_authorization', requestLevel.message, 'authorization');
    if (requestLevel.code === 415) return violation(415, rule('request.content-type').id, 'unsupported_media_type', requestLevel.message, 'content-type');
    // "Body parameter is required": the body (e.g. JSON null) is not an object.
    return firstViolation([toAjvError({ ...requestLevel, code: 'type' }, [])], op.requestSchema);
  }
  const query = errors.filter((v) => v.location[1] === 'query');
  if (query.length) {
    return firstViolation(
      query.map((v) => toAjvError(v, v.location.slice(2))),
      op.querySchema,
    );
  }
  const body = errors.filter((v) => v.location[1] === 'body');
  if (body.length) {
    return firstViolation(
      body.map((v) => toAjvError(v, v.location.slice(2))),
      op.requestSchema,
    );
  }
  // A violation we do not know how to place (a header, a path parameter): the request as a whole.
  const first = errors[0] as PrismViolation;
  return violation(400, rule('request.schema').id, 'invalid_value', first.message);
}
