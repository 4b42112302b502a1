/**
 * The compiled cache (dist/spec/compiled.cjs, written by `npm run build`): the spec module
 * uses it only when its key matches openapi.yaml and the module's own code, and what it
 * loads from it validates exactly as what it compiles.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { requestFixtures } from '../../fixtures/index.js';
import {
  compiledCacheKey,
  document,
  loadedFrom,
  operation,
  operations,
  readCompiledCache,
  readCompiledResponses,
  responsesCacheBeside,
  specText,
  writeCompiledCache,
} from '../index.js';

const dir = mkdtempSync(join(tmpdir(), 'vaero-spec-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(dir, `compiled-${n++}.cjs`);

/** What a validator says about a copy of `data`: verdict, the value after defaults and coercion, the errors. */
function verdict(validate: ValidateFunction, data: unknown) {
  const value: unknown = structuredClone(data);
  const ok = validate(value);
  return { ok, value, errors: ok ? null : validate.errors };
}

/** The form fields of a multipart fixture, a file part as text (as the request gate passes them). */
function formFields(body: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : 'text']));
}

describe('compiled cache', () => {
  it('the module under test loaded the test run\'s cache (written once from these sources by vitest.global-setup.ts), or compiled without one', () => {
    expect(loadedFrom).toBe(process.env.VAERO_TEST_SPEC_CACHE ? 'cache' : 'compiled');
  });

  it('written and read back, holds the parsed document and a validator for every request schema', () => {
    const file = freshFile();
    writeCompiledCache(file);
    const cache = readCompiledCache(file);
    expect(cache?.document).toStrictEqual(JSON.parse(JSON.stringify(document)));
    expect(cache?.document).toEqual(document);
    const expected = operations.flatMap((op) =>
      (['body', 'form', 'query'] as const)
        .filter((part) => op[`validate${part === 'body' ? 'Body' : part === 'form' ? 'Form' : 'Query'}`])
        .map((part) => `${op.operationId}.${part}`),
    );
    expect(expected).toContain('createFineTuningJob.body');
    expect(expected).toContain('uploadFile.form');
    expect(expected).toContain('listFineTuningJobs.query');
    expect(Object.keys(cache!.validators).sort()).toEqual(expected.sort());
  });

  it('its validators agree with the compiled ones on every request fixture (verdict, defaults, coercion, errors)', () => {
    const file = freshFile();
    writeCompiledCache(file);
    const { validators } = readCompiledCache(file)!;
    let compared = 0;
    for (const f of requestFixtures) {
      const op = operation(f.operationId);
      if (op.validateBody && f.body !== undefined && (f.contentType ?? 'application/json') === 'application/json') {
        expect(verdict(validators[`${f.operationId}.body`]!, f.body), f.name).toEqual(verdict(op.validateBody, f.body));
        compared++;
      }
      if (op.validateForm && f.body !== undefined && typeof f.body === 'object' && f.body !== null) {
        const fields = formFields(f.body);
        expect(verdict(validators[`${f.operationId}.form`]!, fields), f.name).toEqual(verdict(op.validateForm, fields));
        compared++;
      }
      if (op.validateQuery && f.query) {
        expect(verdict(validators[`${f.operationId}.query`]!, f.query), f.name).toEqual(verdict(op.validateQuery, f.query));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40);
    // Defaults and coercion really happen in the cached code, not only agree.
    expect(verdict(validators['createFineTuningJob.body']!, { training_files: ['file-abc123'] }).value).toEqual({
      training_files: ['file-abc123'],
      style_model: 'vaero-1',
      base_model: 'general',
    });
    expect(verdict(validators['listFineTuningJobs.query']!, { limit: '3' }).value).toEqual({ limit: 3 });
  });

  it('writes the response validators beside it: one for every declared answer, agreeing with the compiled ones on the example and broken answers', () => {
    const file = freshFile();
    writeCompiledCache(file);
    const key = readCompiledCache(file)!.key;
    const validators = readCompiledResponses(responsesCacheBeside(file), key)!;
    // One validator per distinct schema: every answer and header of every operation finds its own.
    const names = operations.flatMap((op) => [...op.responses.values()].flatMap((res) => [res.cacheName, ...res.headers.map((h) => h.cacheName)]));
    expect(new Set(names)).toEqual(new Set(Object.keys(validators)));
    expect(names.length).toBeGreaterThan(Object.keys(validators).length);
    let compared = 0;
    for (const op of operations) {
      for (const [status, res] of op.responses) {
        for (const example of Object.values(res.examples)) {
          const broken = { ...(example as object), object: 42, unknown_field: true };
          for (const body of [example, broken]) {
            expect(verdict(validators[res.cacheName]!, body), `${op.operationId} ${status}`).toEqual(verdict(res.validate, body));
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(20);
    // Only with the main cache's key.
    expect(readCompiledResponses(responsesCacheBeside(file), 'another-key')).toBeUndefined();
  });

  it('is ignored when openapi.yaml changed since it was written', () => {
    const file = freshFile();
    writeCompiledCache(file);
    expect(readCompiledCache(file, compiledCacheKey(specText))).toBeDefined();
    expect(readCompiledCache(file, compiledCacheKey(specText.replace('maxLength: 16', 'maxLength: 17')))).toBeUndefined();
    expect(readCompiledCache(file, compiledCacheKey(specText + '\n# edited\n'))).toBeUndefined();
  });

  it('is ignored when written under another key, unreadable, or missing', () => {
    const stale = freshFile();
    writeCompiledCache(stale, 'written-by-another-version');
    expect(readCompiledCache(stale)).toBeUndefined();
    const broken = freshFile();
    writeFileSync(broken, 'exports.key = ');
    expect(readCompiledCache(broken)).toBeUndefined();
    expect(readCompiledCache(join(dir, 'absent.cjs'))).toBeUndefined();
  });

  it('a fresh load of the module uses a matching cache at its path, and compiles when it is stale', async () => {
    const file = freshFile();
    process.env.VAERO_SPEC_CACHE = file;
    try {
      writeCompiledCache(file);
      vi.resetModules();
      const fromCache = await import('../index.js');
      expect(fromCache.compiledCachePath).toBe(file);
      expect(fromCache.loadedFrom).toBe('cache');
      const create = fromCache.operation('createFineTuningJob');
      expect(fromCache.validateBody(create, { training_files: ['file-abc123'], suffix: '😀'.repeat(17) })).toMatchObject({
        ok: false,
        errors: [{ keyword: 'maxLength', instancePath: '/suffix' }],
      });
      expect(fromCache.validateBody(create, { training_files: ['file-abc123'], suffix: '😀'.repeat(16) })).toMatchObject({ ok: true });
      // Answers are judged by the responses' cache: standalone code, not a validator compiled now (which carries its schemaEnv).
      const answer = create.responses.get(200)!;
      expect('schemaEnv' in answer.validate).toBe(false);
      expect(answer.validate(answer.examples[Object.keys(answer.examples)[0]!])).toBe(true);

      writeCompiledCache(file, 'stale');
      vi.resetModules();
      const compiled = await import('../index.js');
      expect(compiled.loadedFrom).toBe('compiled');
      expect(compiled.validateBody(compiled.operation('createFineTuningJob'), { training_files: [] })).toMatchObject({ ok: false });
    } finally {
      delete process.env.VAERO_SPEC_CACHE;
      vi.resetModules();
    }
  });
});
