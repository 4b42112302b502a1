/**
 * Once per `vitest run`, before any test file: the spec module's compiled cache and the
 * fixtures' YAML cache, written from the sources, that every test file then loads instead of
 * parsing the spec and the fixtures and compiling the validators again (about half a second
 * of CPU per file). Each is used only while it matches: the spec's by its key (spec text, the
 * module's code, ajv), the fixtures' file by file by the hash of its text. Only modules run
 * from the sources read these variables; a built CLI a test spawns uses its own dist caches.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function setup(): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'vaero-test-caches-'));
  const specCache = join(dir, 'compiled.cjs');
  const fixturesCache = join(dir, 'yaml-cache.json');
  const { writeCompiledCache } = await import('./spec/index.js');
  writeCompiledCache(specCache);
  const { fixturesDataDir } = await import('./fixtures/index.js');
  const { fixtureYamlFiles, yamlCacheOf } = await import('./fixtures/yaml-files.js');
  writeFileSync(fixturesCache, JSON.stringify(yamlCacheOf(fixtureYamlFiles(fixturesDataDir))));
  process.env.VAERO_TEST_SPEC_CACHE = specCache;
  process.env.VAERO_TEST_FIXTURES_CACHE = fixturesCache;
  return () => rmSync(dir, { recursive: true, force: true });
}
