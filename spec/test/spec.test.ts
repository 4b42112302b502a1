/**
 * The spec itself: it lints clean, is a valid OpenAPI 3.1 document, its generated
 * types are current, its examples validate, every operation declares what an
 * implementation may answer, and every rule says where it comes from.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { validate as validateOpenApi } from '@readme/openapi-parser';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { describe, expect, it } from 'vitest';
import { document, headerValueValid, keywordRulesAt, keywordRulesOf, operation, operations, rule, rules, schemaValidator, specPath, specText, validateBody, validateResponse } from '../index.js';

const root = join(specPath, '..', '..');
const run = promisify(execFile);

describe('spec/openapi.yaml as a document', () => {
  it("passes Spectral's spectral:oas ruleset with no errors and no warnings", async () => {
    const bin = join(root, 'node_modules', '.bin', 'spectral');
    // execFile rejects on a non-zero exit; the output then says which rule failed.
    const { stdout } = await run(bin, ['lint', specPath, '--fail-severity=warn', '--ruleset', join(root, '.spectral.yaml')], { cwd: root });
    expect(stdout).toMatch(/No results with a severity of 'warn' or higher/);
  });

  it('validates against the official OpenAPI 3.1 schema', async () => {
    const result = await validateOpenApi(JSON.parse(JSON.stringify(document)) as Parameters<typeof validateOpenApi>[0]);
    expect(result.valid, JSON.stringify(result)).toBe(true);
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  it('an invalid document is rejected by the same validator (the check can fail)', async () => {
    const broken = JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
    delete broken.info;
    const result = await validateOpenApi(broken as Parameters<typeof validateOpenApi>[0]);
    expect(result.valid).toBe(false);
  });

  it('spec/types.gen.ts is what openapi-typescript generates from the spec now', async () => {
    const generated = COMMENT_HEADER + astToString(await openapiTS(pathToFileURL(specPath)));
    const committed = readFileSync(join(root, 'spec', 'types.gen.ts'), 'utf8');
    expect(committed === generated, 'spec/types.gen.ts is stale: run `npm run gen:types` and commit it').toBe(true);
  });

  it('says it is unofficial', () => {
    expect(document.info.title).toMatch(/unofficial/i);
    expect(document.info.description).toMatch(/unofficial/i);
  });
});

/** Every schema node with an `examples` array, with where it is. */
function schemaExamples(node: unknown, at: string[] = []): { at: string; schema: Record<string, unknown>; examples: unknown[] }[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => schemaExamples(n, [...at, String(i)]));
  if (node === null || typeof node !== 'object') return [];
  const obj = node as Record<string, unknown>;
  const own = Array.isArray(obj.examples) ? [{ at: at.join('/'), schema: obj, examples: obj.examples as unknown[] }] : [];
  return [...own, ...Object.entries(obj).flatMap(([k, v]) => (k === 'examples' ? [] : schemaExamples(v, [...at, k])))];
}

describe('examples', () => {
  it('every request body example validates', () => {
    const withExamples = operations.filter((op) => Object.keys(op.requestExamples).length);
    expect(withExamples.map((op) => op.operationId)).toContain('createFineTuningJob');
    for (const op of withExamples) {
      for (const [name, value] of Object.entries(op.requestExamples)) {
        const r = validateBody(op, value);
        expect(r.ok, `${op.operationId} example ${name}: ${r.ok ? '' : JSON.stringify(r.errors)}`).toBe(true);
      }
    }
  });

  it('every response example validates against its status', () => {
    let count = 0;
    for (const op of operations) {
      for (const res of op.responses.values()) {
        for (const [name, value] of Object.entries(res.examples)) {
          count++;
          const r = validateResponse(op, res.status, value);
          expect(r.ok, `${op.operationId} ${res.status} example ${name}: ${JSON.stringify(r)}`).toBe(true);
        }
      }
    }
    expect(count).toBeGreaterThan(30);
  });

  it('every schema-level example validates against its schema', () => {
    const found = schemaExamples(document);
    expect(found.length).toBeGreaterThan(10);
    for (const { at, schema, examples } of found) {
      const validate = schemaValidator(schema);
      for (const ex of examples) expect(validate(ex), `${at}: ${JSON.stringify(ex)} ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('the reference discrepancy is written down and no example repeats it', () => {
    expect(document.info.description).toMatch(/gpt-4o/);
    expect(specText).not.toMatch(/base_model: gpt-4o\s*$/m);
  });
});

describe('operations', () => {
  it('are the reference operation and the companions a client needs', () => {
    expect(operations.map((o) => `${o.method.toUpperCase()} ${o.path} ${o.operationId}`).sort()).toEqual([
      'DELETE /files/{file_id} deleteFile',
      'GET /files listFiles',
      'GET /files/{file_id} retrieveFile',
      'GET /files/{file_id}/content downloadFileContent',
      'GET /fine_tuning/jobs listFineTuningJobs',
      'GET /fine_tuning/jobs/{fine_tuning_job_id} retrieveFineTuningJob',
      'GET /fine_tuning/jobs/{fine_tuning_job_id}/events listFineTuningEvents',
      'POST /files uploadFile',
      'POST /fine_tuning/jobs createFineTuningJob',
      'POST /fine_tuning/jobs/{fine_tuning_job_id}/cancel cancelFineTuningJob',
    ]);
  });

  it.each(operations.map((o) => [o.operationId, o] as const))('%s declares every status an implementation may answer', (_, op) => {
    const statuses = [...op.responses.keys()];
    const expected = [200, 401, 429, 500];
    if (op.requestMediaTypes.length) expected.push(400, 413, 415);
    if (op.queryParams.length) expected.push(400);
    if (op.pathParams.length) expected.push(404);
    for (const s of expected) expect(statuses, `${op.operationId} lacks ${s}`).toContain(s);
    expect(statuses.every((s) => s === 200 || (s >= 400 && s < 600)), 'only 200 and errors').toBe(true);
  });

  it.each(operations.filter((o) => o.requestMediaTypes.length).map((o) => [o.operationId, o] as const))(
    '%s states its body limit in x-vaero-max-body-bytes',
    (_, op) => {
      expect(Number.isInteger(op.maxBodyBytes) && op.maxBodyBytes! > 0).toBe(true);
    },
  );

  it('JSON bodies have a small limit and uploads a larger one', () => {
    const json = operations.find((o) => o.operationId === 'createFineTuningJob')!;
    const upload = operations.find((o) => o.operationId === 'uploadFile')!;
    expect(json.maxBodyBytes!).toBeLessThan(upload.maxBodyBytes!);
  });

  it('every operation requires Bearer auth', () => {
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    const scheme = document.components?.securitySchemes?.bearerAuth as { type: string; scheme: string };
    expect([scheme.type, scheme.scheme.toLowerCase()]).toEqual(['http', 'bearer']);
    for (const item of Object.values(document.paths ?? {})) {
      for (const op of Object.values(item ?? {})) {
        if (op && typeof op === 'object' && 'security' in op) expect((op as { security: unknown }).security).toEqual([{ bearerAuth: [] }]);
      }
    }
  });
});

describe('x-vaero-rule', () => {
  it('every rule has an id, a source, a severity and a why', () => {
    expect(rules.size).toBeGreaterThan(20);
    for (const [id, r] of rules) {
      expect(typeof id === 'string' && /^[a-z0-9-]+(\.[a-z0-9_-]+)+$/.test(id), `rule id ${id}`).toBe(true);
      expect(['reference', 'inferred'], id).toContain(r.source);
      expect(['error', 'warn'], id).toContain(r.severity);
      expect(r.why.length, id).toBeGreaterThan(10);
      expect(r.location, id).toMatch(/^#\//);
    }
  });

  it('the raw document has no rule without an id (which the map could not hold)', () => {
    const count = (specText.match(/^\s*x-vaero-rule:\s*$/gm) ?? []).length;
    const listed = (document as unknown as { 'x-vaero-rules': unknown[] })['x-vaero-rules'].length;
    expect(rules.size).toBe(count + listed);
  });

  it('per-keyword provenance is one map outside the schemas: each key a keyword of a schema node, each value a declared rule', () => {
    const map = (document as unknown as { 'x-vaero-keyword-rules': Record<string, string> })['x-vaero-keyword-rules'];
    expect(Object.keys(map).length).toBeGreaterThan(10);
    for (const [ptr, id] of Object.entries(map)) {
      expect(rules.has(id), `${ptr} -> ${id}`).toBe(true);
      const segs = ptr.slice(2).split('/').map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
      const parent = segs.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], document) as Record<string, unknown> | undefined;
      // The keyword is there, on an object that is a schema (it has the keyword itself, not a property of that name).
      expect(parent && segs[segs.length - 1]! in parent, ptr).toBe(true);
      expect(typeof parent?.properties === 'object' && segs[segs.length - 1]! in (parent.properties as object), `${ptr} names a property, not a keyword`).toBe(false);
    }
    // No schema object carries a provenance map of its own: schema walkers (Portman, Dredd) read only JSON Schema.
    expect(specText).not.toMatch(/^\s+x-vaero-keyword-rules:/m);
  });

  it('keyword provenance: a keyword the map names has its rule, other keywords the rule of their node', () => {
    const create = operation('createFineTuningJob');
    expect(keywordRulesOf((create.requestSchema!.properties as Record<string, unknown>).suffix)).toEqual({ minLength: 'create.suffix.not-empty' });
    expect(keywordRulesOf({ minLength: 1 })).toEqual({});
    const unauthorized = operation('listFiles').responses.get(401)!.schema;
    expect(keywordRulesAt(unauthorized, '/error/param').map((r) => r.id)).toEqual(['auth.bearer.param']);
    expect(keywordRulesAt(unauthorized, '/error/code').map((r) => r.id)).toEqual(['error.code']);
    expect(keywordRulesAt(operation('listFiles').responses.get(400)!.schema, '/error/param')).toEqual([]);
    expect(rule('job.fine_tuned_model.format').location).toBe('#/components/schemas/FineTuningJob/properties/fine_tuned_model/pattern');
  });

  it('every declared answer requires X-Request-Id (response.request-id); every 429 requires Retry-After in whole seconds (response.retry-after)', () => {
    for (const op of operations) {
      for (const [status, res] of op.responses) {
        const names = res.headers.filter((h) => h.required).map((h) => `${h.name}=${h.ruleId}`);
        expect(names, `${op.operationId} ${status}`).toContain('X-Request-Id=response.request-id');
        if (status === 429) expect(names, `${op.operationId} 429`).toContain('Retry-After=response.retry-after');
        else expect(names.some((n) => n.startsWith('Retry-After')), `${op.operationId} ${status}`).toBe(false);
      }
    }
    const retryAfter = operation('listFiles').responses.get(429)!.headers.find((h) => h.name === 'Retry-After')!;
    expect(['1', '0', ' 30 '].map((v) => headerValueValid(retryAfter, v))).toEqual([true, true, true]);
    expect(['1.5', '-1', '', 'Wed, 21 Oct 2015 07:28:00 GMT'].map((v) => headerValueValid(retryAfter, v))).toEqual([false, false, false, false]);
    const requestId = operation('listFiles').responses.get(200)!.headers.find((h) => h.name === 'X-Request-Id')!;
    expect([headerValueValid(requestId, 'req_1'), headerValueValid(requestId, '')]).toEqual([true, false]);
  });

  it('every reference rule names the page of the reference that states it; an inferred rule names none', () => {
    const pages = [...specText.matchAll(/^ {4}- [a-z ]+: (https:\/\/docs\.vaero\.co\/\S+)$/gm)].map((m) => m[1]);
    expect(pages.length).toBe(5);
    for (const r of rules.values()) {
      if (r.source === 'reference') expect(pages, `${r.id} names ${r.page}`).toContain(r.page);
      else expect(r.page, r.id).toBeUndefined();
    }
  });

  it('the rules the brief names are there, with their provenance', () => {
    const expected: Record<string, string> = {
      'auth.bearer': 'reference',
      'create.suffix': 'reference',
      'create.training_files.array': 'reference',
      'create.training_files': 'inferred',
      'create.suffix.not-empty': 'inferred',
      'job.shape': 'reference',
      'job.finished_at': 'inferred',
      'job.error': 'inferred',
      'job.base_model': 'inferred',
      'job.fine_tuned_model.format': 'inferred',
      'upload.purpose': 'reference',
      'create.body': 'inferred',
      'job.base_model.echo': 'inferred',
      'job.created_at': 'reference',
      'request.check-order': 'inferred',
      'request.body-size': 'inferred',
      'request.content-type': 'inferred',
      'tenancy.isolation': 'inferred',
    };
    for (const [id, source] of Object.entries(expected)) expect(rules.get(id)?.source, id).toBe(source);
  });
});
