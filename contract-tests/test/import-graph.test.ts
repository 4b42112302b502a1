/**
 * The judge shares only the contract's data with what it judges: no module of the suite
 * (contract-tests/, its tests aside) imports, directly or through another module, the
 * servers' code (mock/**: the request gate, the answer policy, the stub, the Prism front).
 * It may reach spec/ (data, types, validators) and fixtures/ (labelled cases), nothing else
 * of this repository. Imports are read with TypeScript's own pre-processor.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const rel = (f: string) => relative(root, f).split('\\').join('/');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' || e.name === 'node_modules' ? [] : sourcesUnder(p);
    return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
  });
}

/** The repository files a module imports (static, re-exported, type-only and dynamic imports). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const target = resolve(dirname(file), spec);
      const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, join(target, 'index.ts')];
      const found = candidates.find((c) => existsSync(c) && c.endsWith('.ts'));
      if (!found) throw new Error(`${rel(file)}: cannot resolve ${spec}`);
      return found;
    });
}

/** Every module reachable from `roots`, with the chain that reaches it. */
function reachable(roots: string[]): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue: [string, string[]][] = roots.map((f) => [f, [rel(f)]]);
  for (const [f, chain] of queue) seen.set(f, chain);
  for (let i = 0; i < queue.length; i++) {
    const [file, chain] = queue[i]!;
    for (const dep of importsOf(file)) {
      if (seen.has(dep)) continue;
      const next = [...chain, rel(dep)];
      seen.set(dep, next);
      queue.push([dep, next]);
    }
  }
  return seen;
}

describe('the judge imports nothing of the judged', () => {
  const graph = reachable(sourcesUnder(join(root, 'contract-tests')));

  it('reads a real graph: the suite reaches the spec module and the fixtures', () => {
    const files = [...graph.keys()].map(rel);
    expect(files).toContain('contract-tests/runner.ts');
    expect(files).toContain('contract-tests/checks/generated.ts');
    expect(files).toContain('spec/index.ts');
    expect(files).toContain('fixtures/index.ts');
  });

  it('no module of the suite reaches mock/ (the servers and their answer policy), directly or transitively', () => {
    const intoServers = [...graph.entries()].filter(([f]) => rel(f).startsWith('mock/')).map(([, chain]) => chain.join(' -> '));
    expect(intoServers).toEqual([]);
  });

  it('what it reaches outside contract-tests/ is spec/ and fixtures/ only', () => {
    const outside = [...graph.keys()].map(rel).filter((f) => !/^(contract-tests|spec|fixtures)\//.test(f));
    expect(outside).toEqual([]);
  });

  it('would see a violation: the same walk from the stub reaches the answer policy', () => {
    const fromStub = [...reachable([join(root, 'mock/stub/index.ts')]).keys()].map(rel);
    expect(fromStub).toContain('mock/errors/answer-policy.ts');
  });
});

/**
 * The tools that judge traffic (traffic/: the judge of one exchange; proxy/, matchers/ and
 * `vaero judge`: its users) are the judge too: the same rule, no path into the servers
 * (mock/) or the MSW handlers built on them (msw/).
 */
describe('the traffic tools import nothing of the judged', () => {
  for (const dir of ['traffic', 'proxy', 'matchers']) {
    const graph = reachable(sourcesUnder(join(root, dir)));

    it(`${dir}/ reaches the judge's own code (spec/ and the suite's checks)`, () => {
      const files = [...graph.keys()].map(rel);
      expect(files).toContain('spec/index.ts');
      expect(files).toContain('traffic/judge.ts');
      expect(files).toContain('contract-tests/checks/conformance.ts');
    });

    it(`no module of ${dir}/ reaches mock/ or msw/, directly or transitively`, () => {
      const intoServers = [...graph.entries()].filter(([f]) => /^(mock|msw)\//.test(rel(f))).map(([, chain]) => chain.join(' -> '));
      expect(intoServers).toEqual([]);
    });

    // cors/ is the browser-origin policy every server we ship answers with (no contract in it): the proxy answers CORS as the stub does.
    it(`what ${dir}/ reaches is the judge (spec/, fixtures/, contract-tests/, traffic/), cors/ and itself`, () => {
      const outside = [...graph.keys()].map(rel).filter((f) => !new RegExp(`^(contract-tests|spec|fixtures|traffic|cors|${dir})/`).test(f));
      expect(outside).toEqual([]);
    });
  }
});
