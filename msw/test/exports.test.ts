/**
 * The package's entry points (package.json `exports`), as a user's Node or bundler resolves
 * them by name: each documented import loads and has what the README says, and
 * `vaero-contract/msw` is the browser build under a bundler's `browser` condition.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { specPath } from '../../spec/index.js';

const run = promisify(execFile);
const root = join(specPath, '..', '..');

describe('package exports', () => {
  it('every entry point resolves by name in Node (self-reference, as from node_modules)', async () => {
    const script = `
      const out = {};
      out.main = typeof (await import('vaero-contract')).runContractSuite;
      out.deep = typeof (await import('vaero-contract/dist/contract-tests/index.js')).runContractSuite;
      const stub = await import('vaero-contract/stub');
      out.stub = [typeof stub.startStub, typeof stub.createStubControl, typeof stub.createService].join();
      out.mock = typeof (await import('vaero-contract/mock')).startPrismMock;
      out.msw = typeof (await import('vaero-contract/msw')).createVaeroHandlers;
      out.spec = typeof (await import('vaero-contract/spec')).operations;
      out.yaml = (await import('node:module')).createRequire(import.meta.url).resolve('vaero-contract/spec/openapi.yaml').endsWith('spec/openapi.yaml');
      console.log(JSON.stringify(out));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(JSON.parse(stdout)).toEqual({
      main: 'function',
      deep: 'function',
      stub: 'function,function,function',
      mock: 'function',
      msw: 'function',
      spec: 'object',
      yaml: true,
    });
  });

  it('a bundler targeting browsers gets the browser build of vaero-contract/msw (no Node built-ins in it)', async () => {
    // An app with vaero-contract in its node_modules (a link to this package).
    const app = mkdtempSync(join(tmpdir(), 'vaero-app-'));
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(root, join(app, 'node_modules', 'vaero-contract'), 'dir');
    const out = await build({
      stdin: { contents: "export { createVaeroHandlers } from 'vaero-contract/msw';", resolveDir: app, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      external: ['msw'],
      logLevel: 'silent',
    }).finally(() => rmSync(app, { recursive: true, force: true }));
    const inputs = Object.keys(out.metafile!.inputs);
    expect(inputs.some((i) => i.endsWith('dist/msw/browser.js'))).toBe(true);
    expect(out.outputFiles[0]!.text).not.toMatch(/from ["']node:/);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(pkg.exports['./msw']).toMatchObject({ browser: './dist/msw/browser.js', default: './dist/msw/index.js' });
  });
});
