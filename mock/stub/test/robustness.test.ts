/**
 * No 5xx, hang or crash on bad input (rule request.no-5xx-on-bad-input): seeded random
 * bodies, query strings, paths and auth headers, every answer a 4xx or 200 the spec
 * declares (the per-test conformance check sees each one).
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectEveryAnswerConformed, startTestStub, v1, type TestStub } from './helpers.js';

afterEach(expectEveryAnswerConformed);

let stub: TestStub;
beforeAll(async () => {
  stub = await startTestStub();
});
afterAll(() => stub.close());

const T = bearer('robust');
const settings = { seed: 20261125, numRuns: 150 };

describe('bad input never gets a 5xx', () => {
  it('random JSON values as a create body: 200 or 400, and a 200 only for a body that names usable files', async () => {
    const fileIds = fc.constantFrom('file-abc123', 'file-abc124', 'file-doesnotexist', 'abc', '');
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          training_files: fc.oneof(fc.array(fileIds, { maxLength: 3 }), fc.jsonValue()),
          style_model: fc.oneof(fc.constant('vaero-1'), fc.jsonValue()),
          base_model: fc.oneof(fc.constantFrom('general', 'gpt-4o-2024-08-06', 'gpt-4o'), fc.jsonValue()),
          suffix: fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constant(null), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', T).set('content-type', 'application/json').send(JSON.stringify(b));
        expect([200, 400]).toContain(res.status);
        if (res.status === 200) {
          const files = (b as { training_files: string[] }).training_files;
          expect(files.length).toBeGreaterThan(0);
          for (const id of files) expect(['file-abc123', 'file-abc124']).toContain(id);
        }
      }),
      settings,
    );
  });

  it('a JSON body of 30,000 nested arrays (60 KB, under the limit) is 400 param null, not 500', async () => {
    const n = 30_000;
    const res = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', T).set('content-type', 'application/json').send('['.repeat(n) + ']'.repeat(n));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ param: null, code: 'invalid_type' });
  });

  it('random raw bytes as a create body: never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const res = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', T).set('content-type', 'application/json').send(Buffer.from(bytes));
        expect(res.status).toBe(400);
      }),
      settings,
    );
  });

  it('random query strings on the lists: 200 or 400', async () => {
    const query = fc.dictionary(fc.constantFrom('limit', 'after', 'x', 'limit[]'), fc.string({ maxLength: 12 }), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom('/fine_tuning/jobs', '/files'), async (q, path) => {
        const res = await stub.http.get(v1(path)).set('authorization', T).query(q);
        expect([200, 400]).toContain(res.status);
      }),
      settings,
    );
  });

  it('random ids in paths and random Authorization headers: 4xx or 200, never 5xx', async () => {
    const segment = fc.string({ unit: 'binary', maxLength: 20 }).map((s) => encodeURIComponent(s));
    const auth = fc.oneof(fc.constant(T), fc.string({ maxLength: 30 }).filter((s) => !/[\r\n\0]/.test(s) && s.trim() === s));
    const route = fc.constantFrom('/fine_tuning/jobs/%s', '/fine_tuning/jobs/%s/events', '/fine_tuning/jobs/%s/cancel', '/files/%s', '/files/%s/content');
    await fc.assert(
      fc.asyncProperty(segment, auth, route, async (id, authorization, template) => {
        const path = v1(template.replace('%s', id));
        const method = template.endsWith('/cancel') ? 'post' : 'get';
        const req = stub.http[method](path);
        const res = await (authorization ? req.set('authorization', authorization) : req);
        expect(res.status).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(500);
      }),
      settings,
    );
  });
});
