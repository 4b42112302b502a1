/**
 * The import graph of the repository's TypeScript sources, read with TypeScript's own
 * pre-processor (static, re-exported, type-only and dynamic imports): which modules and
 * packages a module reaches, each with the chain that reaches it. For the tests that hold a
 * layer to what it may load (the stub's service, and the judge: contract-tests/test/import-graph.test.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const rel = (f: string) => relative(root, f).split('\\').join('/');

export function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' || e.name === 'node_modules' ? [] : sourcesUnder(p);
    return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
  });
}

/** A module's imports (static, re-exported, type-only and dynamic): repository files resolved, packages by name. */
export function importsOf(file: string): { files: string[]; packages: string[] } {
  const specs = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
  const files = specs
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const target = resolve(dirname(file), spec);
      const found = [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')].find((c) => c.endsWith('.ts') && existsSync(c));
      if (!found) throw new Error(`${rel(file)}: cannot resolve ${spec}`);
      return found;
    });
  return { files, packages: specs.filter((spec) => !spec.startsWith('.')) };
}

/** Every module and package reachable from `roots`, each with the chain that reaches it. */
export function reachable(roots: string[]): { files: Map<string, string[]>; packages: Map<string, string[]> } {
  const files = new Map<string, string[]>(roots.map((f) => [rel(f), [rel(f)]]));
  const packages = new Map<string, string[]>();
  const queue = [...roots];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i]!;
    const chain = files.get(rel(file))!;
    const found = importsOf(file);
    for (const p of found.packages) if (!packages.has(p)) packages.set(p, [...chain, p]);
    for (const dep of found.files) {
      if (files.has(rel(dep))) continue;
      files.set(rel(dep), [...chain, rel(dep)]);
      queue.push(dep);
    }
  }
  return { files, packages };
}
