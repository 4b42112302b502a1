/**
 * The proxy's own answers, in the contract's envelope with CORS and a request id: an
 * upstream that does not answer (502, both modes), a path outside the base path (404), and in
 * --strict a body over --max-body-bytes (413: what was not kept cannot be forwarded).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy, type VaeroProxy } from '../server.js';

let proxy: VaeroProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** A port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const auth = { authorization: 'Bearer errors-test' };

describe('the proxy\'s own answers', () => {
  it.each([false, true])('an upstream that does not answer: 502 naming it (strict: %s)', async (strict) => {
    const lines: string[] = [];
    proxy = await startProxy({ upstream: `http://127.0.0.1:${await deadPort()}/v1`, strict, log: (l) => lines.push(l) });
    const res = await fetch(proxy.url + '/files', { headers: { ...auth, origin: 'http://app.test', 'x-request-id': 'req_given' } });
    expect(res.status).toBe(502);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-request-id')).toBe('req_given');
    expect(((await res.json()) as { error: { message: string; code: string } }).error).toMatchObject({ code: 'upstream_unreachable', message: expect.stringMatching(/no answer from the upstream/) });
    // A valid request that got no answer is nobody's broken rule (an outage is not a finding).
    expect((await proxy.report()).traffic?.findings).toEqual({ client: 0, server: 0 });
  });

  it('a path outside the base path: 404, not forwarded', async () => {
    proxy = await startProxy({ upstream: `http://127.0.0.1:${await deadPort()}/v1`, log: () => {} });
    const res = await fetch(proxy.url.replace('/v1', '/v2/files'), { headers: auth });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('outside_base_path');
  });

  it('--strict: a body over --max-body-bytes is 413, not forwarded', async () => {
    let reached = 0;
    const upstream = createServer((_req, res) => void (reached++, res.end()));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      proxy = await startProxy({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`, strict: true, maxBodyBytes: 16, log: () => {} });
      const res = await fetch(proxy.url + '/fine_tuning/jobs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ training_files: ['file-abc123'] }) });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('proxy_body_too_large');
      expect(reached).toBe(0);
    } finally {
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    }
  });

  it('CORS is the proxy\'s, whatever the upstream sends', async () => {
    const upstream = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': 'http://elsewhere.test', 'access-control-expose-headers': 'X-Secret' }).end('{"object":"list","data":[],"has_more":false}'));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      proxy = await startProxy({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`, log: () => {} });
      const res = await fetch(proxy.url + '/files', { headers: { ...auth, origin: 'http://app.test' } });
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-expose-headers')).toBe('Retry-After,X-Request-Id');
    } finally {
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    }
  });

  // In --strict the answer is buffered up to the cap, then the rest is streamed on: the chunk that crossed the cap and what follows it reach the client, and the answer ends.
  it.each([false, true])('an answer longer than --max-response-bytes is passed on whole and breaks response.size (strict: %s)', async (strict) => {
    const page = JSON.stringify({ object: 'list', data: [], has_more: false }) + ' '.repeat(200);
    // Three writes: one under the cap, one that crosses it, one after it.
    const upstream = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_0123456789abcdef0123456789abcdef' });
      res.write(page.slice(0, 40));
      setImmediate(() => (res.write(page.slice(40, 100)), setImmediate(() => res.end(page.slice(100)))));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      const lines: string[] = [];
      proxy = await startProxy({ upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`, strict, maxResponseBytes: 64, log: (l) => lines.push(l) });
      const res = await fetch(proxy.url + '/files', { headers: auth });
      // text() resolves only when the response ends.
      expect(await res.text()).toBe(page);
      const report = await proxy.report();
      expect(lines.map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(['server response.size']);
      expect(report.rules.find((r) => r.id === 'response.schema')?.verdict).toBe('not-judged');
    } finally {
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    }
  });

  it('an upstream that is not http(s) is refused at start', async () => {
    await expect(startProxy({ upstream: 'ftp://127.0.0.1/v1' })).rejects.toThrow(/must be http or https/);
  });
});
