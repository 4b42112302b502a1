/**
 * The contract's own error answer (what `vaero proxy --strict` answers a request that breaks
 * the contract): for every labelled fixture of the schema layer, the labelled status and
 * param, in a body the spec's validator accepts for that operation and status.
 */
import { describe, expect, it } from 'vitest';
import { validateResponse } from '../../spec/index.js';
import { requestFixtures } from '../../fixtures/index.js';
import { toHttpRequest } from '../../fixtures/http.js';
import { contractError } from '../contract-error.js';
import { trafficRequest } from '../message.js';
import { judgeRequest } from '../request-judge.js';

describe('contractError', () => {
  const invalid = requestFixtures.filter((f) => !f.valid && f.layer === 'schema');

  it.each(invalid.map((f) => [f.name, f] as const))('%s: the labelled answer, valid against the spec', async (_name, f) => {
    const http = await toHttpRequest(f);
    const judged = await judgeRequest(trafficRequest({ method: http.method, target: http.path, headers: http.headers, ...(http.body ? { body: new Uint8Array(http.body) } : {}) }));
    const answer = contractError(judged.violations[0]!, judged.operation);
    expect({ status: answer.status, param: answer.body.error.param }).toEqual({ status: f.expect.status, param: f.expect.param });
    if (f.expect.code) expect(answer.body.error.code).toBe(f.expect.code);
    expect(validateResponse(judged.operation!, answer.status, answer.body)).toEqual({ ok: true });
  });
});
