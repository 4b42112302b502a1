/**
 * The stub's service sits below HTTP: no module of mock/stub/service reaches, directly or
 * through another module, the HTTP layer (mock/http, the request core mock/core, the stub's
 * Express adapter), nor express, msw or another server package. It may reach spec/ (data,
 * types, validators), the errors both sides share (mock/errors) and its own modules; a header
 * it needs (Vaero-Mock-Fail) is read by a step of the core and handed to it as data. As
 * contract-tests/test/import-graph.test.ts does for the judge, imports are read with
 * TypeScript's own pre-processor.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reachable, root, sourcesUnder } from './import-graph.js';

/** Packages that belong to a server or a framework, never to the service. */
const SERVER_PACKAGES = /^(express|msw|cors|busboy|supertest|@stoplight\/|@scalar\/|parse-prefer-header)(\/|$)/;

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
