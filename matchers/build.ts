/**
 * Build step (`npm run build`, after tsc): the CommonJS build of the matchers,
 * dist/matchers/index.cjs, for jest's default configuration (CommonJS on Node 20, which
 * cannot require an ES module). esbuild bundles matchers/index.ts with the judge; the
 * spec's document is bundled in (spec/load.browser.ts in place of spec/load.ts: no file of
 * the spec is read at run time), packages stay `require`s of the package's dependencies,
 * and import.meta.url is the bundle's own file URL (the fixtures find their folder from it).
 * package.json's exports map sends `require('vaero-contract/matchers')` here.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { bundledDocument } from '../spec/bundle-document.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The package root (this file runs as dist/matchers/build.js, or from the sources). */
const root = resolve(here, existsSync(join(here, '..', 'package.json')) ? '..' : '../..');
export const matchersCjsPath = join(root, 'dist', 'matchers', 'index.cjs');

/** spec/load.ts reads files next to itself; its bundled sibling holds the document. */
const bundledSpec: Plugin = {
  name: 'vaero-bundled-spec',
  setup(b) {
    b.onResolve({ filter: /^\.\/load\.js$/ }, (args) => (args.importer.endsWith(join('spec', 'index.ts')) ? { path: join(root, 'spec', 'load.browser.ts') } : undefined));
  },
};

export async function buildMatchersCjs(outfile: string = matchersCjsPath): Promise<void> {
  await build({
    entryPoints: [join(root, 'matchers', 'index.ts')],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: 'const importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [bundledSpec, bundledDocument],
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  await buildMatchersCjs();
  console.log(`matchers: CommonJS build written to ${matchersCjsPath}`);
}
