/**
 * Loading the spec in Node: spec/openapi.yaml (found from the sources or from dist/), or the
 * compiled cache `npm run build` writes next to the built module, and the CommonJS libraries
 * the spec module compiles with (loaded on first use). Everything Node-only of spec/ is here:
 * a browser build (msw/) swaps in spec/load.browser.ts, which exports the same names.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenAPIV3_1 } from 'openapi-types';

function findPackageRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`vaero-contract: no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

/** Absolute path of the authored spec (works from the sources and from dist/). */
export const specPath = join(findPackageRoot(dirname(fileURLToPath(import.meta.url))), 'spec', 'openapi.yaml');
export const specText = readFileSync(specPath, 'utf8');

// ajv, ajv-formats and yaml are loaded with require on first use, so a start served from
// the compiled cache (below) never loads them (~40 ms of the stub's cold start).
const requireCjs = createRequire(import.meta.url);
type AjvModule = typeof import('ajv/dist/2020.js');
let ajvModule: AjvModule | undefined;
export const loadAjv = (): AjvModule => (ajvModule ??= requireCjs('ajv/dist/2020.js') as AjvModule);
export const loadAjvFormats = (): ((ajv: Ajv2020) => Ajv2020) => requireCjs('ajv-formats') as (ajv: Ajv2020) => Ajv2020;
export const loadStandalone = () => requireCjs('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js').default;

// ---------------------------------------------------------------------------
// Compiled cache: what the spec module computes from openapi.yaml at load (the parsed document
// and the request validators as ajv standalone code), written once by `npm run build`
// (spec/write-cache.ts) next to the built module. It is used only when its key, a hash of
// openapi.yaml, of the spec module's code (index and load) and of ajv's and ajv-formats'
// versions, matches; any change to one of them makes it stale and the module compiles as
// without it, so it can never drift from the spec.
// ---------------------------------------------------------------------------
/**
 * Where the module looks for its cache: dist/spec/compiled.cjs next to the built module (none
 * next to the sources), or the file VAERO_SPEC_CACHE names (tests load a cache from elsewhere).
 */
export const compiledCachePath =
  process.env.VAERO_SPEC_CACHE ||
  // Run from the sources (vitest), the cache the test run wrote once from them (vitest.global-setup.ts), so no test file compiles the spec again.
  (import.meta.url.endsWith('.ts') ? process.env.VAERO_TEST_SPEC_CACHE : undefined) ||
  fileURLToPath(new URL('./compiled.cjs', import.meta.url));

/** The key a cache must carry to be used by the spec module with this spec. */
export function compiledCacheKey(text: string = specText): string {
  const ownCode = ['./index', './load'].map((m) => {
    const url = new URL(m + (import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url);
    return readFileSync(fileURLToPath(url), 'utf8');
  });
  const version = (pkg: string) => (requireCjs(`${pkg}/package.json`) as { version: string }).version;
  return createHash('sha256').update([text, ...ownCode, version('ajv'), version('ajv-formats')].join('\0')).digest('hex');
}

export interface CompiledCache {
  key: string;
  document: OpenAPIV3_1.Document;
  /** Request validators by `${operationId}.${'body' | 'form' | 'query'}`. */
  validators: Record<string, ValidateFunction>;
}

/** A cache module at `file` (CommonJS: `key`, and `load(require)`) if it exists and its key matches. */
function readCacheModule<T>(file: string, key: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    delete requireCjs.cache[file]; // the file as it is now, not as first required
    const mod = requireCjs(file) as { key?: string; load?: (require: NodeJS.Require) => T };
    if (mod.key !== key || typeof mod.load !== 'function') return undefined;
    // The validators' runtime helpers (ajv/dist/runtime/...) resolve from this module, wherever the file is.
    return mod.load(requireCjs);
  } catch {
    return undefined; // unreadable or from another layout: compile, as without a cache
  }
}

/** The cache at `file` if it exists and its key matches (else undefined: compile instead). */
export function readCompiledCache(file: string, key: string = compiledCacheKey()): CompiledCache | undefined {
  const loaded = readCacheModule<Omit<CompiledCache, 'key'>>(file, key);
  return loaded && { key, ...loaded };
}

/**
 * The response validators' cache, beside the main one (`compiled-responses.cjs`): a server
 * validates no answer, so only what judges answers (the suite, the traffic judge) loads it,
 * on the first answer it validates, and only with the main cache's key.
 */
export const responsesCacheBeside = (file: string): string => file.replace(/(\.cjs)?$/, '-responses.cjs');
export const compiledResponsesPath = responsesCacheBeside(compiledCachePath);
export function readCompiledResponses(file: string, key: string): Record<string, ValidateFunction> | undefined {
  return readCacheModule<{ validators: Record<string, ValidateFunction> }>(file, key)?.validators;
}

export const cache: CompiledCache | undefined = readCompiledCache(compiledCachePath);
/** Whether this process loaded the spec from the compiled cache or compiled it (for tests and diagnostics). */
export const loadedFrom: 'cache' | 'compiled' = cache ? 'cache' : 'compiled';

function parseSpec(text: string): OpenAPIV3_1.Document {
  // `yaml`, the package's one YAML parser (fixtures/ reads with it too); a start served from the
  // compiled cache never parses, so its speed does not weigh on cold start.
  const { parse } = requireCjs('yaml') as typeof import('yaml');
  return parse(text) as OpenAPIV3_1.Document;
}
export const document: OpenAPIV3_1.Document = cache?.document ?? parseSpec(specText);

/** Whether the parsed document survives JSON unchanged (a YAML date would not), so it can be cached. */
export const jsonRoundTrips = (doc: unknown): boolean => isDeepStrictEqual(JSON.parse(JSON.stringify(doc)), doc);

/** Write a file atomically: a reader never sees half of it. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
