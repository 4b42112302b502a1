/**
 * The stub's service sits below HTTP: no module of mock/stub/service reaches, directly or
 * through another module, the HTTP layer (mock/http, the request core mock/core, the stub's
 * Express adapter), nor express, msw or another server package. It may reach spec/ (data,
 * types, validators), the errors both sides share (mock/errors) and its own modules; a header
 * it needs (Vaero-Mock-Fail) is read by a step of the core and handed to it as data. As
 * contract-tests/test/import-graph.test.ts does for the judge, imports are read with
 * TypeScript's own pre-processor.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const rel = (f: string) => relative(root, f).split('\\').join('/');

/** Packages that belong to a server or a framework, never to the service. */
const SERVER_PACKAGES = /^(express|msw|cors|busboy|supertest|@stoplight\/|@scalar\/|parse-prefer-header)(\/|$)/;

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' ? [] : sourcesUnder(p);
    return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
  });
}

/** A module's imports (static, re-exported, type-only and dynamic): repository files resolved, packages by name. */
function importsOf(file: string): { files: string[]; packages: string[] } {
  const specs = ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
  const files = specs
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => {
      const target = resolve(dirname(file), spec);
      const found = [target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')].find((c) => existsSync(c));
      if (!found) throw new Error(`${rel(file)}: cannot resolve ${spec}`);
      return found;
    });
  return { files, packages: specs.filter((spec) => !spec.startsWith('.')) };
}

/** Every module and package reachable from `roots`, each with the chain that reaches it. */
function reachable(roots: string[]): { files: Map<string, string[]>; packages: Map<string, string[]> } {
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

const ALLOWED = /^(mock\/stub\/service|mock\/errors|spec)\//;

describe('the service imports nothing of HTTP', () => {
  const graph = reachable(sourcesUnder(join(root, 'mock/stub/service')));

  it('reads a real graph: the service reaches the spec module and the shared errors', () => {
    expect([...graph.files.keys()]).toEqual(expect.arrayContaining(['mock/stub/service/service.ts', 'mock/stub/service/dispatch.ts', 'spec/index.ts', 'mock/errors/answer-policy.ts']));
  });

  it('reaches only its own modules, mock/errors and spec/', () => {
    const outside = [...graph.files.entries()].filter(([f]) => !ALLOWED.test(f)).map(([, chain]) => chain.join(' -> '));
    expect(outside).toEqual([]);
  });

  it('reaches no server or framework package (express, msw, cors, busboy, Prism, Scalar)', () => {
    const servers = [...graph.packages.entries()].filter(([p]) => SERVER_PACKAGES.test(p)).map(([, chain]) => chain.join(' -> '));
    expect(servers).toEqual([]);
  });

  it('would see a violation: the same walk from the stub adapter reaches mock/http, mock/core and express', () => {
    const fromAdapter = reachable([join(root, 'mock/stub/http/app.ts')]);
    expect([...fromAdapter.files.keys()]).toEqual(expect.arrayContaining(['mock/http/gate-pipeline.ts', 'mock/core/respond.ts']));
    expect([...fromAdapter.packages.keys()]).toContain('express');
  });
});
