/**
 * The stub behind the proxy, driven by a test client through the proxy: a session of
 * uploads, creates, retrieves, lists, events and a cancel judges clean on the server's
 * side, while the requests the client breaks on purpose are the client's, each under its
 * rule and param, and the stub's answers to them hold those rules. CORS and X-Request-Id
 * come through as the issue states.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStubControl, ManualClock, startStub, type RunningStub } from '../../mock/stub/index.js';
import { startProxy, type VaeroProxy } from '../server.js';

let stub: RunningStub;
let proxy: VaeroProxy;
const lines: string[] = [];
const clock = new ManualClock();
const auth = { authorization: 'Bearer proxy-test-token' };

beforeAll(async () => {
  stub = await startStub({ port: 0, clock, log: () => {} });
  proxy = await startProxy({ upstream: stub.baseUrl, log: (l) => lines.push(l) });
});
afterAll(async () => {
  await proxy.close();
  await stub.close();
});

async function send(method: string, path: string, o: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...auth, ...(o.json !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
  return fetch(proxy.url + path, { method, headers, ...(o.json !== undefined ? { body: JSON.stringify(o.json) } : o.body !== undefined ? { body: o.body } : {}) });
}

describe('the stub through the proxy', () => {
  it('a session of valid requests judges clean, and the rules across exchanges held', async () => {
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new Blob(['The first training document.\n***\nThe second.\n'], { type: 'text/plain' }), 'train.txt');
    const file = (await (await send('POST', '/files', { body: form })).json()) as { id: string };
    expect(file.id).toMatch(/^file-/);
    const created = await send('POST', '/fine_tuning/jobs', { json: { training_files: [file.id], suffix: 'proxy' } });
    expect(created.status).toBe(200);
    const job = (await created.json()) as { id: string };
    for (let i = 0; i < 3; i++) {
      clock.advance(4000);
      expect((await send('GET', `/fine_tuning/jobs/${job.id}`)).status).toBe(200);
    }
    await send('POST', '/fine_tuning/jobs', { json: { training_files: ['file-abc123'] } });
    expect((await send('GET', '/fine_tuning/jobs?limit=5')).status).toBe(200);
    expect((await send('GET', `/fine_tuning/jobs/${job.id}/events`)).status).toBe(200);
    const other = (await (await send('POST', '/fine_tuning/jobs', { json: { training_files: ['file-abc124'] } })).json()) as { id: string };
    expect((await send('POST', `/fine_tuning/jobs/${other.id}/cancel`)).status).toBe(200);
    const report = await proxy.report();
    expect(lines).toEqual([]);
    expect(report.traffic?.findings).toEqual({ client: 0, server: 0 });
    const held = report.rules.filter((r) => r.verdict === 'held').map((r) => r.id);
    expect(held).toEqual(expect.arrayContaining(['job.retrieve.stable', 'job.lifecycle', 'job.cancel', 'job.echo', 'job.defaults', 'list.order-and-cursor', 'response.schema', 'auth.bearer']));
  });

  it('requests the client breaks are the client\'s, under their rule and param; the stub\'s answers hold those rules', async () => {
    lines.length = 0;
    expect((await send('POST', '/fine_tuning/jobs', { json: { training_files: ['file-abc123'], suffix: 'x'.repeat(17) } })).status).toBe(400);
    expect((await send('GET', '/fine_tuning/jobs?limit=0')).status).toBe(400);
    expect((await send('GET', '/files', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    await proxy.report();
    expect(lines.map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(['client create.suffix', 'client list.limit', 'client auth.bearer']);
    expect(lines[0]).toContain('param=suffix');
    const report = await proxy.report();
    expect(report.traffic?.findings.server).toBe(0);
    const client = report.checks.find((c) => c.id === 'traffic-client')!;
    expect(client.failures.map((f) => f.ruleId)).toEqual(['create.suffix', 'list.limit', 'auth.bearer']);
    expect(report.checks.find((c) => c.id === 'traffic-server')!.failures).toEqual([]);
  });

  it('a HEAD is judged on its status and headers, not on a body it cannot have', async () => {
    lines.length = 0;
    expect((await fetch(proxy.url + '/files', { method: 'HEAD', headers: auth })).status).toBe(200);
    await proxy.report();
    expect(lines).toEqual([]);
  });

  it('a path with dot segments does not leave the upstream\'s base path', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL(proxy.url);
      http.get({ host: u.hostname, port: u.port, path: '/v1/../__vaero/requests', headers: auth }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toContain('leads outside the upstream');
  });

  it('answers CORS itself and passes X-Request-Id through', async () => {
    const pre = await fetch(proxy.url + '/fine_tuning/jobs', { method: 'OPTIONS', headers: { origin: 'http://app.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const res = await send('GET', '/files', { headers: { origin: 'http://app.test' } });
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    expect(res.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    const logged = await createStubControl(stub.baseUrl, 'proxy-test-token').requests();
    expect(logged.map((e) => e.request_id)).toContain(res.headers.get('x-request-id'));
  });

  it('a loopback Origin is echoed with credentials, as the stub does (a dev server on localhost)', async () => {
    const origin = 'http://localhost:5173';
    const pre = await fetch(proxy.url + '/fine_tuning/jobs', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    const res = await send('GET', '/files', { headers: { origin } });
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toMatch(/Origin/);
  });
});
