/**
 * Build step (`npm run build`, after tsc): write the spec module's compiled cache next to the
 * built module (dist/spec/compiled.cjs), so the stub starts without parsing YAML or compiling
 * validators. The spec module ignores the file unless its key matches (see spec/index.ts).
 * A failure here never fails the build: without the cache the module compiles at load, as
 * from the sources, only slower to start.
 */
import { rmSync } from 'node:fs';
import { compiledCachePath, compiledResponsesPath, readCompiledCache, readCompiledResponses, writeCompiledCache } from './index.js';

try {
  writeCompiledCache(compiledCachePath);
  const cache = readCompiledCache(compiledCachePath);
  if (!cache || !readCompiledResponses(compiledResponsesPath, cache.key)) throw new Error('it was written but does not load back');
  console.log(`spec: compiled cache written to ${compiledCachePath}`);
} catch (e) {
  rmSync(compiledCachePath, { force: true });
  rmSync(compiledResponsesPath, { force: true });
  console.warn(`spec: no compiled cache (${(e as Error).message}); the spec module will compile at start`);
}
