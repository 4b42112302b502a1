/**
 * Every entry point's types are found by TypeScript whatever the app's `moduleResolution`:
 * `node10` (the old `"node"`, which ignores package.json `exports`: `typesVersions` and `types`
 * serve it), `node16`/`nodenext` and `bundler` (which read `exports`). A tiny project imports each
 * entry from node_modules and misuses each once under `@ts-expect-error`, so an entry whose
 * types were not found (or came out `any`) fails the compile.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPath } from '../../spec/index.js';

const run = promisify(execFile);
const root = join(specPath, '..', '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const program = `
import { runContractSuite } from 'vaero-contract';
import { createStubControl, startStub } from 'vaero-contract/stub';
import { startPrismMock } from 'vaero-contract/mock';
import { createVaeroHandlers } from 'vaero-contract/msw';
import { operations } from 'vaero-contract/spec';
import { formatFindings } from 'vaero-contract/matchers';
import { runContractSuite as fromDist } from 'vaero-contract/dist/contract-tests/index.js';

// @ts-expect-error the options are an object
void runContractSuite(42);
// @ts-expect-error the base URL is a string
createStubControl(42, 'token');
// @ts-expect-error the port is a number
void startStub({ port: 'x' });
// @ts-expect-error the port is a number
void startPrismMock({ port: 'x' });
// @ts-expect-error the base URL is a string
createVaeroHandlers({ baseUrl: 42 });
// @ts-expect-error operations is a list
export const n: number = operations;
// @ts-expect-error the options are an object
void fromDist(42);
// @ts-expect-error findings are a list
formatFindings(42);
`;

let app: string;
beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'vaero-types-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(root, join(app, 'node_modules', 'vaero-contract'), 'dir'); // as installed (dist/ is built)
  writeFileSync(join(app, 'index.ts'), program);
});
afterAll(() => rmSync(app, { recursive: true, force: true }));

describe('the types of every entry point', () => {
  it.each([
    ['node10', 'esnext'],
    ['node16', 'node16'],
    ['nodenext', 'nodenext'],
    ['bundler', 'esnext'],
  ])('are found with moduleResolution %s', async (moduleResolution, module) => {
    const tsconfig = join(app, `tsconfig.${moduleResolution}.json`);
    const compilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module, moduleResolution, target: 'es2022', typeRoots: [join(root, 'node_modules', '@types')], types: ['node'] };
    // node16/nodenext read index.ts as ESM only under a package.json with type: module.
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module' }));
    writeFileSync(tsconfig, JSON.stringify({ compilerOptions, files: ['index.ts'] }));
    const result = await run(process.execPath, [tsc, '-p', tsconfig], { cwd: app, timeout: 60_000 }).then(
      () => '',
      (e: { stdout?: string }) => e.stdout ?? String(e),
    );
    expect(result).toBe('');
  }, 60_000);
});
