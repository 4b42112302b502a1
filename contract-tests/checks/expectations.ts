/**
 * Shared judgements: is an answer the spec's answer to a valid request (200), or the
 * spec's rejection (status and param) of an invalid one? And which rule does an
 * unexpected answer break? Statuses and params come from the fixtures and the spec
 * module's validators; this file only compares.
 */
import { keywordRulesAt, operation, rule, ruleAt, validateBody, validateQuery, type OperationId } from '../../spec/index.js';
import type { Exchange } from '../http/exchange.js';
import { fieldOfError } from './arbitraries.js';
import type { CheckContext } from './types.js';

export interface ExpectedRejection {
  status: number;
  param?: string | null;
  /** The error's code, where a rule states it (judged only when given). */
  code?: string;
  ruleId: string;
}

/** The code an error answer carries (undefined when the body is not the envelope). */
export function codeOf(ex: Exchange): unknown {
  return (ex.response?.json as { error?: { code?: unknown } } | undefined)?.error?.code;
}

/** The param an error answer names (undefined when the body is not the envelope). */
export function paramOf(ex: Exchange): string | null | undefined {
  const err = (ex.response?.json as { error?: { param?: unknown } } | undefined)?.error;
  if (!err || !('param' in err)) return undefined;
  return typeof err.param === 'string' || err.param === null ? err.param : undefined;
}

/** The rule a valid request was wrongly rejected under, judged by the status and param of the rejection. */
export function ruleOfRejection(operationId: OperationId, ex: Exchange, fallback: string): string {
  const status = ex.response?.status;
  const param = paramOf(ex);
  const op = operation(operationId);
  if (status === 401) return 'auth.bearer';
  if (status === 413) return 'request.body-size';
  if (status === 415) return 'request.content-type';
  if (status === 404) return 'path.not-found';
  if (status === 400 && param) {
    if (op.requestSchema?.properties?.[param]) return ruleAt(op.requestSchema, '/' + param)?.id ?? fallback;
    const q = op.queryParams.find((p) => p.name === param);
    const id = (q?.schema as { 'x-vaero-rule'?: { id: string } } | undefined)?.['x-vaero-rule']?.id;
    if (id) return id;
  }
  return fallback;
}

/**
 * A valid request must be answered 200 (the spec's only success status for every operation).
 * `ruleId`: the rule a 200 here verifies, and the one a rejection is blamed on when no
 * narrower rule names the field at fault.
 */
export function expectAccepted(ctx: CheckContext, operationId: OperationId, ex: Exchange, what: string, ruleId: string, extra: Partial<Parameters<CheckContext['fail']>[0]> = {}): boolean {
  const status = ex.response?.status;
  if (status === 200) {
    ctx.pass(ruleId);
    return true;
  }
  const created = operationId === 'createFineTuningJob' && status !== undefined && status >= 200 && status < 300;
  const blamed = created ? 'job.create-status' : status !== undefined && status >= 200 && status < 300 ? 'response.status-declared' : ruleOfRejection(operationId, ex, ruleId);
  ctx.fail({
    ruleId: blamed,
    message: `${what}: a valid request was answered ${status ?? ex.error}${paramOf(ex) ? ` (param ${paramOf(ex)})` : ''}, not 200`,
    declared: { status: 200 },
    received: { status: status ?? null, body: ex.response?.json ?? ex.response?.body ?? ex.error },
    exchange: ex,
    ...extra,
  });
  return false;
}

/** Rules that are themselves about which of several faults is named first: a misnamed fault stays theirs. */
const ORDER_RULES = new Set(['request.check-order', 'request.unknown-field-order']);

/** The top-level field (or query parameter) an ajv error is about; null for the body as a whole. */
/**
 * What the request of an exchange breaks by the spec's validators: the query parameters and
 * body fields at fault (null: the body as a whole). Undefined when it cannot be read back
 * (no operation, a body recorded cut, not JSON).
 */
export function faultsOf(ex: Exchange): Set<string | null> | undefined {
  if (!ex.operationId) return undefined;
  const op = operation(ex.operationId);
  const faults = new Set<string | null>();
  const query: Record<string, string> = {};
  for (const [k, v] of new URL(ex.request.url).searchParams) query[k] ??= v;
  const q = validateQuery(op, query);
  if (!q.ok) for (const e of q.errors) faults.add(fieldOfError(e));
  const body = ex.request.body;
  if (body !== undefined && op.validateBody && /json/.test(ex.request.headers['content-type'] ?? '')) {
    if (ex.request.bodyBytes !== undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return new Set([...faults, null]);
    }
    const b = validateBody(op, parsed);
    if (!b.ok) for (const e of b.errors) faults.add(fieldOfError(e));
  }
  return faults;
}

/**
 * The rule a part of a refusal (its param, its code) is judged under when the status is the
 * one wanted and that part is not. A reference rule states the refusal, not the parts this
 * contract chose: those are judged under the rule the spec gives the part's keyword in the
 * error schema of that status (x-vaero-keyword-rules: a 401's param is auth.bearer.param,
 * every code error.code). An inferred rule states its parts itself.
 */
function partRule(ex: Exchange, want: ExpectedRejection, part: 'param' | 'code'): string {
  if (rule(want.ruleId).source !== 'reference' || !ex.operationId || !ex.response) return want.ruleId;
  const res = operation(ex.operationId).responses.get(ex.response.status);
  return (res && keywordRulesAt(res.schema, `/error/${part}`)[0]?.id) ?? want.ruleId;
}

/**
 * The rule a wrong param is judged under: request.check-order when the answer names another
 * fault the request really has (which of several faults comes first is the spec's order,
 * never the field's rule); else the rule of the param part.
 */
function paramRule(ex: Exchange, want: ExpectedRejection, param: string | null | undefined): string {
  if (!ORDER_RULES.has(want.ruleId) && param !== undefined && faultsOf(ex)?.has(param)) return 'request.check-order';
  return partRule(ex, want, 'param');
}

/**
 * An invalid request must get exactly the spec's 4xx and param: never a 2xx, 5xx or another
 * error. The wanted status is judged under the wanted rule; a right status with a wrong
 * param or code is judged under the rule of that part (see paramRule, partRule), and the
 * wanted rule, when that is another, holds: the refusal it states was given.
 */
export function expectRejected(ctx: CheckContext, ex: Exchange, want: ExpectedRejection, what: string, extra: Partial<Parameters<CheckContext['fail']>[0]> = {}): boolean {
  const status = ex.response?.status;
  const param = paramOf(ex);
  const code = codeOf(ex);
  const statusOk = status === want.status;
  const paramOk = want.param === undefined || param === want.param;
  const codeOk = want.code === undefined || code === want.code;
  if (statusOk && paramOk && codeOk) {
    ctx.pass(want.ruleId);
    return true;
  }
  const verb =
    status === undefined
      ? `got no answer (${ex.error})`
      : status < 300
        ? `was accepted with ${status}`
        : `was answered ${status}${param !== undefined ? ` param ${JSON.stringify(param)}` : ''}${want.code !== undefined ? ` code ${JSON.stringify(code ?? null)}` : ''}`;
  const message = `${what} ${verb}; the spec answers ${want.status}${want.param !== undefined ? ` with param ${JSON.stringify(want.param)}` : ''}${want.code !== undefined ? ` and code ${JSON.stringify(want.code)}` : ''}`;
  const failure = {
    declared: { status: want.status, ...(want.param !== undefined ? { param: want.param } : {}), ...(want.code !== undefined ? { code: want.code } : {}) },
    received: { status: status ?? null, param: param ?? null, ...(want.code !== undefined ? { code: code ?? null } : {}) },
    exchange: ex,
    ...extra,
  };
  if (!statusOk) {
    ctx.fail({ ruleId: want.ruleId, message, ...failure });
    return false;
  }
  const blamed = new Set([...(paramOk ? [] : [paramRule(ex, want, param)]), ...(codeOk ? [] : [partRule(ex, want, 'code')])]);
  if (!blamed.has(want.ruleId)) ctx.pass(want.ruleId);
  for (const ruleId of blamed) ctx.fail({ ruleId, message: ruleId === want.ruleId ? message : `${message} (judged under ${ruleId}: the status is right, ${want.ruleId} holds)`, ...failure });
  return false;
}
