/**
 * Shared judgements: is an answer the spec's answer to a valid request (200), or the
 * spec's rejection (status and param) of an invalid one? And which rule does an
 * unexpected answer break? Statuses and params come from the fixtures and the spec
 * module's validators; this file only compares.
 */
import { operation, ruleAt, type OperationId } from '../../spec/index.js';
import type { Exchange } from '../http/exchange.js';
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

/** An invalid request must get exactly the spec's 4xx and param: never a 2xx, 5xx or another error. */
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
  ctx.fail({
    ruleId: want.ruleId,
    message: `${what} ${verb}; the spec answers ${want.status}${want.param !== undefined ? ` with param ${JSON.stringify(want.param)}` : ''}${want.code !== undefined ? ` and code ${JSON.stringify(want.code)}` : ''}`,
    declared: { status: want.status, ...(want.param !== undefined ? { param: want.param } : {}), ...(want.code !== undefined ? { code: want.code } : {}) },
    received: { status: status ?? null, param: param ?? null, ...(want.code !== undefined ? { code: code ?? null } : {}) },
    exchange: ex,
    ...extra,
  });
  return false;
}
