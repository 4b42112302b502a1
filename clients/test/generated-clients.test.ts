/**
 * Generated clients work unchanged: openapi-typescript (default options, with openapi-fetch)
 * and @hey-api/openapi-ts generate from spec/openapi.yaml into a temp folder, small usage
 * files (clients/usage/) type-check against them under `strict`, and run create, upload and
 * list against the stub. No generated type name shadows a JavaScript or DOM global.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPath, type CreateFineTuningJobRequest, type FineTuningJob } from '../../spec/index.js';
import { expectEveryAnswerConformed, type TestStub } from '../../mock/stub/test/helpers.js';
import { browserAppProgram, clientWorkspace, diagnosticLines, root, startClientStub, type Session } from './workspace.js';

// spec/types.gen.ts (checked by `npm run typecheck`): the minimal create body type-checks, a job's models are never undefined.
export const minimalBody: CreateFineTuningJobRequest = { training_files: ['file-abc123'] };
// @ts-expect-error a job's base_model is never undefined
export const noBaseModel: FineTuningJob['base_model'] = undefined;

const run = promisify(execFile);
const cli = (pkg: string, bin: string) => join(root, 'node_modules', pkg, bin);

let dir: string;
let stub: TestStub;
let baseUrl: string;

beforeAll(async () => {
  dir = clientWorkspace('vaero-clients-');
  // Each generator as a team runs it: its CLI, default options.
  await Promise.all([
    run(process.execPath, [cli('openapi-typescript', 'bin/cli.js'), specPath, '-o', join(dir, 'schema.ts')], { cwd: dir }),
    run(process.execPath, [cli('@hey-api/openapi-ts', 'bin/run.js'), '-i', specPath, '-o', join(dir, 'hey-api')], { cwd: dir }),
  ]);
  for (const f of ['openapi-typescript.ts', 'hey-api.ts']) copyFileSync(join(root, 'clients', 'usage', f), join(dir, f));
  ({ stub, baseUrl } = await startClientStub());
}, 120_000);

afterAll(async () => {
  await stub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('generated clients', () => {
  it.each(['openapi-typescript.ts', 'hey-api.ts'])('%s type-checks under strict (with its @ts-expect-error lines expecting real errors)', (file) => {
    const p = browserAppProgram([join(dir, file)], 'nodenext');
    expect(diagnosticLines(p, dir)).toEqual([]);
  });

  it('the type checks can fail: a usage that breaks the generated types is reported', () => {
    const bad = join(dir, 'bad.ts');
    writeFileSync(
      bad,
      [
        "import type { paths } from './schema.js';",
        "import type { UploadFileRequest } from './hey-api/types.gen.js';",
        "export const body: paths['/fine_tuning/jobs']['post']['requestBody']['content']['application/json'] = { suffix: 'x' };",
        "export const part: UploadFileRequest['file'] = 42;",
      ].join('\n'),
    );
    const messages = diagnosticLines(browserAppProgram([bad], 'nodenext'), dir).join('\n');
    expect(messages).toMatch(/training_files/);
    expect(messages).toMatch(/number.*Blob/s);
  });

  it('no generated type name shadows a JavaScript or DOM global (File, FileList, Error, ...)', () => {
    const probe = join(dir, 'globals.ts');
    writeFileSync(probe, 'export {};\n');
    const p = browserAppProgram([probe, join(dir, 'schema.ts'), join(dir, 'hey-api', 'types.gen.ts'), join(root, 'spec', 'types.gen.ts')], 'nodenext');
    const checker = p.getTypeChecker();
    const globals = new Set(
      checker.getSymbolsInScope(p.getSourceFile(probe)!, ts.SymbolFlags.Type | ts.SymbolFlags.Value).map((s) => s.name),
    );
    expect(globals.has('File') && globals.has('FileList') && globals.has('Error')).toBe(true); // the probe sees the DOM

    const exported = (file: string) => checker.getExportsOfModule(checker.getSymbolAtLocation(p.getSourceFile(file)!)!).map((s) => s.name);
    const heyApi = exported(join(dir, 'hey-api', 'types.gen.ts'));
    const schemaNames = (file: string) => {
      const components = checker.getExportsOfModule(checker.getSymbolAtLocation(p.getSourceFile(file)!)!).find((s) => s.name === 'components')!;
      const type = checker.getDeclaredTypeOfSymbol(components);
      return ['schemas', 'requestBodies', 'responses', 'parameters'].flatMap((k) => {
        const member = type.getProperty(k);
        return member ? checker.getTypeOfSymbol(member).getProperties().map((s) => s.name) : [];
      });
    };
    const names = [...heyApi, ...schemaNames(join(dir, 'schema.ts')), ...schemaNames(join(root, 'spec', 'types.gen.ts'))];
    expect(names).toContain('FileObject');
    expect(names.filter((n) => globals.has(n))).toEqual([]);
  });

  it.each(['openapi-typescript.ts', 'hey-api.ts'])('%s uploads, creates with only training_files, lists, and reads a 400 against the stub', async (file) => {
    const usage = (await import(join(dir, file))) as { session(baseUrl: string, token: string): Promise<Session> };
    const r = await usage.session(baseUrl, `sk-${file}`);
    expect(r.file).toMatchObject({ object: 'file', purpose: 'fine-tune', filename: 'train.txt' });
    expect(r.job).toMatchObject({ object: 'fine_tuning.job', training_files: [r.file.id], style_model: 'vaero-1', base_model: 'general' });
    expect(r.models).toEqual({ style: 'vaero-1', base: 'general' });
    expect(r.jobIds).toContain(r.job.id);
    expect(r.fileIds).toContain(r.file.id);
    expect(r.rejected).toEqual({ status: 400, param: 'suffix' });
    expectEveryAnswerConformed();
  });
});
