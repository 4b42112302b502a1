/**
 * For the package's bundles (the MSW handlers' browser build, the matchers' CommonJS build):
 * the module `virtual:vaero-openapi-document` that spec/load.browser.ts imports, holding this
 * module's own parsed document as JSON, so no bundle reads a file at run time and nothing but
 * the spec module parses openapi.yaml.
 */
import type { Plugin } from 'esbuild';
import { document } from './index.js';

export const bundledDocument: Plugin = {
  name: 'vaero-openapi-document',
  setup(b) {
    b.onResolve({ filter: /^virtual:vaero-openapi-document$/ }, () => ({ path: 'openapi-document', namespace: 'vaero' }));
    b.onLoad({ filter: /.*/, namespace: 'vaero' }, () => ({ contents: JSON.stringify(document), loader: 'json' }));
  },
};
