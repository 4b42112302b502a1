/**
 * The contract data the servers and the judge each used to keep a copy of: the shape of
 * `Authorization: Bearer <token>` (x-vaero-credentials-pattern) and the order of checks
 * (x-vaero-check-order), as spec/index.ts reads them.
 */
import { describe, expect, it } from 'vitest';
import { checkOrder, checkStepIndex, checkStepNamed, credentialsPattern, readCredentials, rule } from '../index.js';

describe('readCredentials (securitySchemes.bearerAuth x-vaero-credentials-pattern)', () => {
  it.each([
    ['Bearer tok-1', 'tok-1'],
    ['bearer tok-1', 'tok-1'],
    ['BEARER tok-1', 'tok-1'],
    ['Bearer   tok-1', 'tok-1'],
    ['Bearer <token>', '<token>'], // the reference's own example
    [' \tBearer tok-1 \t', 'tok-1'], // whitespace around a field value is not part of it
    ['Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc_-+/=', 'eyJhbGciOiJIUzI1NiJ9.e30.abc_-+/='],
  ])('%j gives the token %j, where it lies in the value', (value, token) => {
    const r = readCredentials(value);
    expect(r).toMatchObject({ token });
    if ('token' in r) expect(value.slice(r.at.start, r.at.end)).toBe(token);
  });

  it.each([
    [undefined, 'missing', 'auth.bearer'],
    ['', 'missing', 'auth.bearer'],
    [' \t', 'missing', 'auth.bearer'],
    ['Bearer', 'not-bearer', 'auth.bearer'],
    ['Bearer ', 'not-bearer', 'auth.bearer'],
    ['Basic dXNlcjpwYXNz', 'not-bearer', 'auth.bearer'],
    ['tok-1', 'not-bearer', 'auth.bearer'],
    ['Bearertok-1', 'not-bearer', 'auth.bearer'],
    ['Bearer\ttok-1', 'malformed', 'auth.bearer.shape'],
    ['Bearer a b', 'malformed', 'auth.bearer.shape'],
    ['Bearer t\u00f6k', 'malformed', 'auth.bearer.shape'],
  ])('%j is %s (rule %s)', (value, problem, ruleId) => {
    expect(readCredentials(value)).toEqual({ problem, ruleId });
  });

  it('the pattern is the spec\'s, and its provenance inferred (the reference shows only Bearer <token>)', () => {
    expect(credentialsPattern.source).toBe('^[Bb][Ee][Aa][Rr][Ee][Rr] +([!-~]+)$');
    expect(rule('auth.bearer.shape').source).toBe('inferred');
  });
});

describe('checkOrder (x-vaero-check-order)', () => {
  it('lists the steps of the description\'s "Order of checks", in its order', () => {
    expect(checkOrder.map((s) => s.step)).toEqual(['route', 'auth', 'content-type', 'size', 'syntax', 'schema', 'state']);
  });

  it('places every rule: listed ones at their step, the others at the schema step', () => {
    expect(checkStepIndex('request.unknown-route')).toBe(0);
    expect(checkStepIndex('auth.bearer.shape')).toBe(checkStepNamed('auth'));
    expect(checkStepIndex('request.json-charset')).toBe(checkStepNamed('content-type'));
    expect(checkStepIndex('create.suffix')).toBe(checkStepNamed('schema'));
    expect(checkStepIndex('files.text-only')).toBe(checkStepNamed('state'));
    expect(() => checkStepNamed('no-such-step')).toThrow(/no step no-such-step/);
  });
});
