/**
 * Prism and Scalar are optional peers: without them `vaero mock` and `/docs` say in one line
 * what to install. Their absence is simulated with a resolver that fails as Node's does for a
 * package that is not installed (the install-size test meets the real absence).
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsLine, serveDocs } from '../docs/index.js';
import { MissingPeerError, nodeResolve, resolvePeer, type Resolve } from '../optional-peer.js';
import { startPrismMock } from '../prism/index.js';

const declared = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { peerDependencies: Record<string, string> }).peerDependencies;
const notInstalled: Resolve = (specifier) => {
  throw Object.assign(new Error(`Cannot find module '${specifier}'`), { code: 'MODULE_NOT_FOUND' });
};

describe('resolvePeer', () => {
  it('gives the resolved file when the peer is installed', () => {
    expect(resolvePeer('@scalar/api-reference', '@scalar/api-reference/browser/standalone.js', 'x', nodeResolve)).toMatch(/standalone\.js$/);
  });
  it('names the install command, with the declared version, when it is not', () => {
    expect(() => resolvePeer('@scalar/api-reference', '@scalar/api-reference/x.js', 'Something', notInstalled)).toThrow(
      `Something needs @scalar/api-reference, which is not installed: npm install -D @scalar/api-reference@${declared['@scalar/api-reference']}`,
    );
  });
  it('rethrows any other failure as it is (a broken install is not a missing one)', () => {
    const broken: Resolve = () => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    };
    expect(() => resolvePeer('@scalar/api-reference', '@scalar/api-reference', 'x', broken)).toThrow('EACCES');
  });
});

describe('vaero mock without @stoplight/prism-cli', () => {
  it('does not start, and says in one line what to install', async () => {
    const started = startPrismMock({ port: 0, resolve: notInstalled });
    await expect(started).rejects.toBeInstanceOf(MissingPeerError);
    const message = await started.catch((e: Error) => e.message);
    expect(message).not.toContain('\n');
    expect(message).toContain(`npm install -D @stoplight/prism-cli@${declared['@stoplight/prism-cli']}`);
  });
});

describe('/docs without @scalar/api-reference', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      void serveDocs(req, res, notInstalled).then((served) => served || res.writeHead(404).end());
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(['/docs', '/docs/scalar.js'])('%s answers 501 with the one line that says what to install', async (path) => {
    const res = await fetch(origin + path);
    expect(res.status).toBe(501);
    const text = await res.text();
    expect(text.trimEnd()).not.toContain('\n');
    expect(text).toContain(`npm install -D @scalar/api-reference@${declared['@scalar/api-reference']}`);
  });
  it("the servers' start-up line says what to install instead of the bare URL", () => {
    expect(docsLine('http://127.0.0.1:8080', nodeResolve)).toBe('http://127.0.0.1:8080/docs');
    expect(docsLine('http://127.0.0.1:8080', notInstalled)).toBe(
      `http://127.0.0.1:8080/docs is off: The API reference at /docs needs @scalar/api-reference, which is not installed: npm install -D @scalar/api-reference@${declared['@scalar/api-reference']}`,
    );
  });
  it('still serves the spec, which does not need Scalar', async () => {
    const res = await fetch(origin + '/docs/openapi.json');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);
  });
});
