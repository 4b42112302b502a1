/**
 * `--cors-origins` on the proxy (startProxy's corsOrigins), with the stub's semantics: a listed
 * origin (a frontend on https://app.example behind the proxy) is echoed with credentials on the
 * preflight and on the actual answers, the upstream's and the proxy's own; an unlisted one gets
 * `*` without credentials; a loopback origin needs no listing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStub, type RunningStub } from '../../mock/stub/index.js';
import { startProxy, type VaeroProxy } from '../server.js';

const APP = 'https://app.example';
const auth = { authorization: 'Bearer cors-origins-test' };
let stub: RunningStub;
let proxy: VaeroProxy | undefined;

beforeAll(async () => {
  stub = await startStub({ port: 0, log: () => {} });
});
afterAll(() => stub.close());
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const preflight = (url: string, origin: string) =>
  fetch(url + '/fine_tuning/jobs', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });

function expectCredentialed(res: Response, origin: string): void {
  expect(res.headers.get('access-control-allow-origin')).toBe(origin);
  expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
}

function expectAnyone(res: Response): void {
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
}

describe('vaero proxy --cors-origins', () => {
  it('a listed origin\'s preflight is answered with credentials, the methods and the headers it asked for', async () => {
    proxy = await startProxy({ upstream: stub.baseUrl, corsOrigins: [APP], log: () => {} });
    const pre = await preflight(proxy.url, APP);
    expect(pre.status).toBe(204);
    expectCredentialed(pre, APP);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(pre.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers');
    expect(pre.headers.get('access-control-max-age')).toBe('600');
  });

  it('a listed origin reads the upstream\'s answers with credentials and the exposed headers', async () => {
    proxy = await startProxy({ upstream: stub.baseUrl, corsOrigins: [APP], log: () => {} });
    const created = await fetch(proxy.url + '/fine_tuning/jobs', { method: 'POST', headers: { ...auth, origin: APP, 'content-type': 'application/json' }, body: JSON.stringify({ training_files: ['file-abc123'] }) });
    expect(created.status).toBe(200);
    expectCredentialed(created, APP);
    expect(created.headers.get('access-control-expose-headers')).toBe('Retry-After,X-Request-Id');
    const listed = await fetch(proxy.url + '/files', { headers: { ...auth, origin: APP } });
    expectCredentialed(listed, APP);
  });

  it('and the proxy\'s own answers (a --strict rejection) the same way', async () => {
    proxy = await startProxy({ upstream: stub.baseUrl, strict: true, corsOrigins: [APP], log: () => {} });
    const res = await fetch(proxy.url + '/fine_tuning/jobs?limit=101', { headers: { ...auth, origin: APP } });
    expect(res.status).toBe(400);
    expectCredentialed(res, APP);
  });

  it('an origin not listed gets * without credentials, on the preflight and the answer', async () => {
    proxy = await startProxy({ upstream: stub.baseUrl, corsOrigins: [APP], log: () => {} });
    for (const origin of ['https://other.example', 'https://app.example:8443', 'http://app.example']) {
      expectAnyone(await preflight(proxy.url, origin));
      expectAnyone(await fetch(proxy.url + '/files', { headers: { ...auth, origin } }));
    }
  });

  it('without the flag the same origin gets *, while a loopback origin is still echoed with credentials', async () => {
    proxy = await startProxy({ upstream: stub.baseUrl, log: () => {} });
    expectAnyone(await preflight(proxy.url, APP));
    expectAnyone(await fetch(proxy.url + '/files', { headers: { ...auth, origin: APP } }));
    expectCredentialed(await fetch(proxy.url + '/files', { headers: { ...auth, origin: 'http://localhost:5173' } }), 'http://localhost:5173');
  });
});

describe('the upstream\'s Vary', () => {
  let upstream: Server;
  beforeAll(async () => {
    upstream = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json', vary: 'Accept-Encoding' }).end('{"object":"list","data":[],"has_more":false}'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  });

  it('is kept, and still names Origin (the proxy\'s answer varies by it)', async () => {
    proxy = await startProxy({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`, corsOrigins: [APP], log: () => {} });
    const res = await fetch(proxy.url + '/files', { headers: { ...auth, origin: APP } });
    expect(res.headers.get('vary')).toBe('Accept-Encoding, Origin');
    expectCredentialed(res, APP);
  });
});
