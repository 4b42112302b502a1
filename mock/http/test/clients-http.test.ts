/**
 * HTTP the way clients speak it, on both servers (the stub and the Prism mock's front,
 * which share mock/http): a unique x-request-id on every answer, in the log line and
 * exposed by CORS; HEAD wherever GET works; a 20 MiB upload's 413 read by the client; a
 * request Node's parser rejects answered in the envelope with CORS.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../../spec/index.js';
import { startPrismMock } from '../../prism/index.js';
import { startStub } from '../../stub/server.js';
import { FLUSH_MS } from '../log.js';

interface Server {
  baseUrl: string;
  lines: string[];
  close(): Promise<void>;
}

const servers: Record<'stub' | 'mock', Server> = {} as Record<'stub' | 'mock', Server>;

beforeAll(async () => {
  const stubLines: string[] = [];
  const stub = await startStub({ port: 0, log: (l) => stubLines.push(l), speed: 0 });
  servers.stub = { baseUrl: stub.baseUrl, lines: stubLines, close: () => stub.close() };
  const mockLines: string[] = [];
  const mock = await startPrismMock({ port: 0, log: (l) => mockLines.push(l) });
  servers.mock = { baseUrl: mock.baseUrl, lines: mockLines, close: () => mock.close() };
}, 60_000);
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

const AUTH = { authorization: 'Bearer sk-clients' };
const REQUEST_ID = /^req_[0-9a-f]{32}$/;
/** The log lines once the stub's batched log has caught up. */
const settle = () => new Promise((r) => setTimeout(r, FLUSH_MS + 30));

/** The GET paths of the spec, with the sample file's id and a job made on the server. */
async function getPaths(base: string): Promise<string[]> {
  const created = await fetch(`${base}/fine_tuning/jobs`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{"training_files":["file-abc123"]}' });
  const job = ((await created.json()) as { id: string }).id;
  return operations
    .filter((o) => o.method === 'get')
    .map((o) => o.path.replace('{fine_tuning_job_id}', job).replace('{file_id}', 'file-abc123'));
}

describe.each(['stub', 'mock'] as const)('%s', (name) => {
  const server = () => servers[name];

  it('puts a unique x-request-id on every answer (200, 400, 401, 404, 415, preflight), exposed by CORS and written in the log line', async () => {
    const base = server().baseUrl;
    const before = server().lines.length;
    const answers = await Promise.all([
      fetch(`${base}/files`, { headers: AUTH }),
      fetch(`${base}/fine_tuning/jobs`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{"suffix":""}' }),
      fetch(`${base}/files`),
      fetch(`${base}/nowhere`, { headers: AUTH }),
      fetch(`${base}/fine_tuning/jobs`, { method: 'POST', headers: { ...AUTH, 'content-type': 'text/plain' }, body: 'x' }),
      fetch(`${base}/files`, { method: 'OPTIONS', headers: { origin: 'http://app.test', 'access-control-request-method': 'GET' } }),
      fetch(`${base}/files`, { headers: { ...AUTH, origin: 'http://app.test' } }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 400, 401, 404, 415, 204, 200]);
    const ids = answers.map((a) => a.headers.get('x-request-id') ?? '');
    for (const id of ids) expect(id).toMatch(REQUEST_ID);
    expect(new Set(ids).size).toBe(ids.length);
    expect(answers[6]!.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('x-request-id');
    await settle();
    const logged = server().lines.slice(before).join('\n');
    for (const id of ids.slice(0, 5)) expect(logged).toContain(id);
  });

  it('ignores a Vaero-Mock-Status the operation cannot answer with (served as if not asked), and the log line says so', async () => {
    const before = server().lines.length;
    const res = await fetch(`${server().baseUrl}/files`, { headers: { ...AUTH, 'vaero-mock-status': '418' } });
    expect(res.status).toBe(200);
    await settle();
    expect(server().lines.slice(before).join('\n')).toMatch(/ 200 .*vaero-mock-status="418" ignored: listFiles declares only [\d, ]+/);
  });

  it('answers HEAD wherever GET works: the same status and headers, no body', async () => {
    const base = server().baseUrl;
    for (const path of await getPaths(base)) {
      const get = await fetch(base + path, { headers: AUTH });
      await get.arrayBuffer();
      const head = await fetch(base + path, { method: 'HEAD', headers: AUTH });
      expect(head.status, path).toBe(get.status);
      expect(head.status, path).toBe(200);
      expect(head.headers.get('content-type'), path).toBe(get.headers.get('content-type'));
      expect(head.headers.get('x-request-id'), path).toMatch(REQUEST_ID);
      expect((await head.arrayBuffer()).byteLength, path).toBe(0);
    }
    const noAuth = await fetch(`${base}/files`, { method: 'HEAD' });
    expect(noAuth.status).toBe(401);
    const postOnly = await fetch(`${base}/fine_tuning/jobs/ftjob-x/cancel`, { method: 'HEAD', headers: AUTH });
    expect(postOnly.status).toBe(404);
  });

  it('answers a 20 MiB upload 413 in the envelope, and the client (fetch, known length) reads it', async () => {
    const file = new Blob([new Uint8Array(20 * 1024 * 1024).fill(0x61)], { type: 'text/plain' });
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', file, 'big.txt');
    const res = await fetch(`${server().baseUrl}/files`, { method: 'POST', headers: AUTH, body: form });
    expect(res.status).toBe(413);
    expect(res.headers.get('x-request-id')).toMatch(REQUEST_ID);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
  });

  it('answers a request Node\'s parser rejects (Transfer-Encoding: chunked and Content-Length) in the envelope, with CORS and a request id', async () => {
    const { port, pathname } = new URL(server().baseUrl);
    const before = server().lines.length;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST ${pathname}/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-clients\r\nOrigin: http://app.test\r\n` +
            'Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
        );
      });
      let text = '';
      socket.setEncoding('utf8').on('data', (c: string) => (text += c));
      socket.on('end', () => resolve(text)).on('error', reject);
    });
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head).toMatch(/^access-control-allow-origin: \*$/im);
    expect(head).toMatch(/^x-request-id: req_[0-9a-f]{32}$/im);
    expect(head).toMatch(/^content-type: application\/json/im);
    expect(JSON.parse(body)).toEqual({ error: { type: 'invalid_request_error', code: 'malformed_request', param: null, message: expect.stringMatching(/not valid HTTP/) } });
    await settle();
    expect(server().lines.slice(before).join('\n')).toMatch(/400 req_[0-9a-f]{32} .*parser rejected the request/);
  });
});
