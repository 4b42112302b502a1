/**
 * Every request fixture against the stub: the labelled status, `param` and rule (the
 * rule as the stub's log line names it), and every answer valid against the spec.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requestFixtures, toHttpRequest } from '../../../fixtures/index.js';
import type { ErrorBody } from '../../../spec/index.js';
import { conforms, logLines, startTestStub, v1, expectEveryAnswerConformed, type TestStub } from './helpers.js';

// Every answer any stub in this file gives is checked against the spec, not only those a test inspects.
afterEach(expectEveryAnswerConformed);

let stub: TestStub;
beforeAll(async () => {
  stub = await startTestStub();
});
afterAll(() => stub.close());

describe('every request fixture gets its labelled answer from the stub', () => {
  it.each(requestFixtures.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    const req = await toHttpRequest(f);
    let call = stub.http[req.method.toLowerCase() as 'get' | 'post' | 'delete'](v1(req.path));
    for (const [name, value] of Object.entries(req.headers)) call = call.set(name, value);
    // Raw bytes, exactly as the fixture encodes them (no serialisation by superagent).
    const res = await (req.body ? call.serialize((b: unknown) => b as string).send(req.body) : call);

    expect(res.status, res.text.slice(0, 300)).toBe(f.expect.status);
    conforms(res, f.operationId);
    const line = (await logLines(stub)).at(-1) ?? '';
    expect(line).toContain(` ${req.method} `);
    expect(line).toContain(` ${f.expect.status} `);
    if (f.valid) {
      expect(line).not.toContain('rule=');
      return;
    }
    const error = (res.body as ErrorBody).error;
    if (f.expect.param !== undefined) expect(error.param).toBe(f.expect.param);
    if (f.expect.ruleId) expect(line).toContain(`rule=${f.expect.ruleId}`);
  });
});
