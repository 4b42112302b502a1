/**
 * Build step (`npm run build`, after tsc): the browser build of the MSW handlers,
 * dist/msw/browser.js, one ES module bundled by esbuild from msw/index.ts with everything it
 * needs but msw itself (the app's own msw: its setupWorker must be the handlers' msw):
 * - the spec's document, as the spec module parsed it (the module `virtual:vaero-openapi-document`,
 *   spec/bundle-document.ts), so nothing reads a file at run time;
 * - for each module with a `.browser.ts` sibling (spec/load, the stub's journal), that sibling.
 * package.json's exports map sends `vaero-contract/msw` there under the `browser` condition.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { bundledDocument } from '../spec/bundle-document.js';

/** The package root (this file runs as dist/msw/build.js, or from the sources). */
const root = resolve(dirname(fileURLToPath(import.meta.url)), existsSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'package.json')) ? '..' : '../..');
export const browserBundlePath = join(root, 'dist', 'msw', 'browser.js');

const browserSiblings: Plugin = {
  name: 'vaero-browser-siblings',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const sibling = resolve(args.resolveDir, args.path.replace(/\.js$/, '.browser.ts'));
      return existsSync(sibling) ? { path: sibling } : undefined;
    });
  },
};

export async function buildBrowserBundle(outfile: string = browserBundlePath): Promise<void> {
  await build({
    entryPoints: [join(root, 'msw', 'index.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: ['msw'],
    plugins: [browserSiblings, bundledDocument],
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  await buildBrowserBundle();
  console.log(`msw: browser build written to ${browserBundlePath}`);
}
