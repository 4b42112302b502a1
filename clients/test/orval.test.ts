/**
 * orval 7.13.2 (fetch client, MSW mocks with faker) works with the contract unchanged: it
 * generates from spec/openapi.yaml with the committed clients/orval/orval.config.cjs into a temp
 * folder; the generated code and clients/usage/orval.ts type-check under `strict` with
 * `moduleResolution: bundler` (the mocks too: a `const` without `type` became `{}` there);
 * the client uploads, creates and lists against the stub; and the mocks' bodies have the
 * spec's shape.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation, specPath, validateResponse, type OperationId } from '../../spec/index.js';
import type { TestStub } from '../../mock/stub/test/helpers.js';
import { browserAppProgram, clientWorkspace, diagnosticLines, root, startClientStub, type Session } from './workspace.js';

const shapeKeywords = new Set(['required', 'type', 'const', 'enum', 'additionalProperties']);
const run = promisify(execFile);

let dir: string;
let stub: TestStub;

beforeAll(async () => {
  dir = clientWorkspace('vaero-orval-');
  let baseUrl: string;
  ({ stub, baseUrl } = await startClientStub());
  // orval's CLI with the committed config; only the paths and the base URL point at this run.
  await run(process.execPath, [join(root, 'node_modules', 'orval', 'dist', 'bin', 'orval.js'), '--config', join(root, 'clients', 'orval', 'orval.config.cjs')], {
    cwd: dir,
    env: { ...process.env, VAERO_SPEC: specPath, VAERO_ORVAL_OUT: join(dir, 'orval', 'vaero.ts'), VAERO_BASE_URL: baseUrl },
  });
  copyFileSync(join(root, 'clients', 'usage', 'orval.ts'), join(dir, 'orval.ts'));
}, 120_000);

afterAll(async () => {
  await stub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const diagnostics = (files: string[]) => diagnosticLines(browserAppProgram(files, 'bundler'), dir);

describe('orval 7.13.2 (fetch client, MSW mocks)', () => {
  it('generates the client, its types and the MSW mocks', () => {
    expect(readdirSync(join(dir, 'orval')).sort()).toEqual(['vaero.msw.ts', 'vaero.schemas.ts', 'vaero.ts']);
  });

  it('the generated code and the usage file type-check under strict (its @ts-expect-error lines expecting real errors)', () => {
    const generated = readdirSync(join(dir, 'orval')).map((f) => join(dir, 'orval', f));
    expect(diagnostics([...generated, join(dir, 'orval.ts')])).toEqual([]);
  });

  it('the type check can fail: a body without training_files and a string deleted flag are reported', () => {
    const bad = join(dir, 'bad.ts');
    writeFileSync(
      bad,
      [
        "import type { CreateFineTuningJobRequestBody, DeletedFile } from './orval/vaero.schemas';",
        "export const body: CreateFineTuningJobRequestBody = { suffix: 'x' };",
        "export const flag: DeletedFile['deleted'] = 'true';",
      ].join('\n'),
    );
    const messages = diagnostics([bad]).join('\n');
    expect(messages).toMatch(/training_files/);
    expect(messages).toMatch(/"true".*not assignable to type 'true'/s);
  });

  it('the client uploads, creates with only training_files, lists, and reads a 400 against the stub', async () => {
    const usage = (await import(join(dir, 'orval.ts'))) as { session(token: string): Promise<Session> };
    const r = await usage.session('sk-orval');
    expect(r.file).toMatchObject({ object: 'file', purpose: 'fine-tune', filename: 'train.txt' });
    expect(r.job).toMatchObject({ object: 'fine_tuning.job', training_files: [r.file.id], style_model: 'vaero-1', base_model: 'general' });
    expect(r.models).toEqual({ style: 'vaero-1', base: 'general' });
    expect(r.jobIds).toContain(r.job.id);
    expect(r.fileIds).toContain(r.file.id);
    expect(r.rejected).toEqual({ status: 400, param: 'suffix' });
  });

  it("the generated mocks' bodies have the spec's shape (required fields, types, consts, enums)", async () => {
    const mocks = (await import(join(dir, 'orval', 'vaero.msw.ts'))) as Record<string, unknown>;
    const checked: string[] = [];
    for (const [name, make] of Object.entries(mocks)) {
      const m = /^get(\w+)ResponseMock$/.exec(name);
      if (!m || typeof make !== 'function') continue;
      const id = (m[1]![0]!.toLowerCase() + m[1]!.slice(1)) as OperationId;
      if (id === 'downloadFileContent') continue; // a text/plain answer: any string is valid
      for (let i = 0; i < 20; i++) {
        const body = (make as () => unknown)();
        const v = validateResponse(operation(id), 200, body);
        // Shape only: faker's fromRegExp writes a pattern's ^ and $ literally ('^file-s5RB$') and
        // orval drops the bounds of a `type: [integer, null]`; those are the tools' limits, not the spec's.
        const problems = v.ok ? [] : v.reason === 'schema' ? v.errors.filter((e) => shapeKeywords.has(e.keyword)) : [v.reason];
        expect(problems, `${name} #${i}: ${JSON.stringify(body)}`).toEqual([]);
      }
      checked.push(id);
    }
    expect(checked.sort()).toEqual(
      ['cancelFineTuningJob', 'createFineTuningJob', 'deleteFile', 'listFiles', 'listFineTuningEvents', 'listFineTuningJobs', 'retrieveFile', 'retrieveFineTuningJob', 'uploadFile'].sort(),
    );
  });
});
