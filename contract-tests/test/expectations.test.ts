/**
 * How a refusal is judged part by part (checks/expectations.ts): the status under the rule
 * that wants it; a wrong param or code under the rule the spec gives that part when the
 * wanted rule is the reference's (auth.bearer.param, error.code); a param that names another
 * fault the request really has under request.check-order. The wanted rule then holds.
 */
import { describe, expect, it } from 'vitest';
import { expectRejected, faultsOf } from '../checks/expectations.js';
import type { CheckContext, FailureInput } from '../checks/types.js';
import type { Exchange } from '../http/exchange.js';

/** A ctx that records what was passed and failed. */
function recording(): { ctx: CheckContext; passed: string[]; failed: string[] } {
  const passed: string[] = [];
  const failed: string[] = [];
  const ctx = { pass: (id?: string) => void passed.push(id ?? '?'), fail: (f: FailureInput) => void failed.push(f.ruleId ?? '?') } as unknown as CheckContext;
  return { ctx, passed, failed };
}

function answered(operationId: Exchange['operationId'], request: { path: string; body?: unknown; query?: string }, status: number, error: { param: string | null; code: string | null }): Exchange {
  const json = { error: { message: 'no', type: 'invalid_request_error', ...error } };
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  return {
    seq: 1,
    ...(operationId ? { operationId } : {}),
    request: { method: 'POST', url: `http://127.0.0.1/v1${request.path}${request.query ? `?${request.query}` : ''}`, path: request.path, headers: body ? { 'content-type': 'application/json' } : {}, ...(body ? { body } : {}) },
    response: { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(json), json },
    durationMs: 1,
    curl: 'curl …',
  };
}

const longSuffixAndUnknown = { sufix: 'x', training_files: ['file-abc123'], suffix: 'abcdefghijklmnopq' };

describe('a refusal judged part by part', () => {
  it('a 401 with param null: auth.bearer (reference) holds, auth.bearer.param (inferred) breaks', () => {
    const r = recording();
    const ex = answered('listFiles', { path: '/files' }, 401, { param: null, code: 'missing_authorization' });
    expect(expectRejected(r.ctx, ex, { status: 401, param: 'authorization', ruleId: 'auth.bearer' }, 'no credentials')).toBe(false);
    expect(r).toMatchObject({ passed: ['auth.bearer'], failed: ['auth.bearer.param'] });
  });

  it('a 401 answered 400: the status is wrong, so auth.bearer breaks', () => {
    const r = recording();
    expectRejected(r.ctx, answered('listFiles', { path: '/files' }, 400, { param: 'authorization', code: null }), { status: 401, param: 'authorization', ruleId: 'auth.bearer' }, 'no credentials');
    expect(r).toMatchObject({ passed: [], failed: ['auth.bearer'] });
  });

  it('an unknown field named before a 17-character suffix: request.check-order breaks, create.suffix holds', () => {
    const r = recording();
    const ex = answered('createFineTuningJob', { path: '/fine_tuning/jobs', body: longSuffixAndUnknown }, 400, { param: 'sufix', code: 'unknown_parameter' });
    expect(faultsOf(ex)).toEqual(new Set(['suffix', 'sufix']));
    expectRejected(r.ctx, ex, { status: 400, param: 'suffix', ruleId: 'create.suffix' }, 'fixture');
    expect(r).toMatchObject({ passed: ['create.suffix'], failed: ['request.check-order'] });
  });

  it('a param the request does not break is the field rule\'s own failure', () => {
    const r = recording();
    const ex = answered('createFineTuningJob', { path: '/fine_tuning/jobs', body: longSuffixAndUnknown }, 400, { param: 'base_model', code: 'invalid_value' });
    expectRejected(r.ctx, ex, { status: 400, param: 'suffix', ruleId: 'create.suffix' }, 'fixture');
    expect(r).toMatchObject({ passed: [], failed: ['create.suffix'] });
  });

  it('a rule about which unknown field comes first keeps its own failures', () => {
    const r = recording();
    const ex = answered('createFineTuningJob', { path: '/fine_tuning/jobs', body: { training_files: ['file-abc123'], zeta: 1, alpha: 2 } }, 400, { param: 'alpha', code: 'unknown_parameter' });
    expectRejected(r.ctx, ex, { status: 400, param: 'zeta', ruleId: 'request.unknown-field-order' }, 'fixture');
    expect(r.failed).toEqual(['request.unknown-field-order']);
  });

  it('a wrong code: under error.code for a reference rule, under the rule itself for an inferred one that states its code', () => {
    const reference = recording();
    const ex = answered('createFineTuningJob', { path: '/fine_tuning/jobs', body: { training_files: ['file-abc123'], suffix: 'abcdefghijklmnopq' } }, 400, { param: 'suffix', code: null });
    expectRejected(reference.ctx, ex, { status: 400, param: 'suffix', code: 'invalid_value', ruleId: 'create.suffix' }, 'long suffix');
    expect(reference).toMatchObject({ passed: ['create.suffix'], failed: ['error.code'] });
    const inferred = recording();
    expectRejected(inferred.ctx, answered('createFineTuningJob', { path: '/fine_tuning/jobs', body: undefined }, 400, { param: null, code: null }), { status: 400, param: null, code: 'invalid_json', ruleId: 'request.malformed-json' }, 'malformed');
    expect(inferred).toMatchObject({ passed: [], failed: ['request.malformed-json'] });
  });

  it('query faults count too: limit=0 and an empty after, named in either order, is an order question', () => {
    const ex = answered('listFineTuningJobs', { path: '/fine_tuning/jobs', query: 'limit=0&after=' }, 400, { param: 'after', code: 'invalid_value' });
    expect(faultsOf(ex)).toEqual(new Set(['limit', 'after']));
  });
});
