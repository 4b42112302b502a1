/**
 * The points the spec decides that a request fixture cannot carry (a repeated query parameter or
 * multipart part, a cursor whose item is deleted mid-paging, the HTTP layer's 431 and 408), held
 * on the stub: each answer is the spec's (see spec/openapi.yaml, "Order of checks" and "Before a
 * request reaches an operation").
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parserViolation } from '../../http/client-error.js';
import { bearer, expectEveryAnswerConformed, startTestStub, v1, type TestStub } from './helpers.js';

let stub: TestStub;
const auth = bearer('decisions');

beforeAll(async () => {
  stub = await startTestStub({ speed: 0 });
});
afterAll(async () => {
  await stub.close();
});
afterEach(() => expectEveryAnswerConformed());

const upload = (name: string) =>
  stub.http.post(v1('/files')).set('Authorization', auth).field('purpose', 'fine-tune').attach('file', Buffer.from('A training document.\n'), name);

describe('repeated parameters count with their first value (request.unknown-parameters)', () => {
  it('?limit=1&limit=0 pages by 1 on every list: the second value is not read', async () => {
    for (const path of ['/fine_tuning/jobs', '/files']) {
      const res = await stub.http.get(v1(`${path}?limit=1&limit=0`)).set('Authorization', auth);
      expect(res.status, path).toBe(200);
      expect((res.body as { data: unknown[] }).data.length, path).toBeLessThanOrEqual(1);
    }
    const bad = await stub.http.get(v1('/files?limit=0&limit=1')).set('Authorization', auth);
    expect([bad.status, (bad.body as { error: { param: string } }).error.param]).toEqual([400, 'limit']); // the first counts, not the valid one
  });

  it('a purpose part sent twice counts with its first value', async () => {
    const first = await stub.http
      .post(v1('/files'))
      .set('Authorization', auth)
      .field('purpose', 'fine-tune')
      .field('purpose', 'something-else')
      .attach('file', Buffer.from('A training document.\n'), 'twice.txt');
    expect(first.status).toBe(200);
    const second = await stub.http
      .post(v1('/files'))
      .set('Authorization', auth)
      .field('purpose', 'something-else')
      .field('purpose', 'fine-tune')
      .attach('file', Buffer.from('A training document.\n'), 'twice.txt');
    expect([second.status, (second.body as { error: { param: string } }).error.param]).toEqual([400, 'purpose']);
  });
});

describe('a cursor whose item was deleted mid-paging (list.unknown-cursor, list.order-and-cursor)', () => {
  it('still pages: the next page starts right after where the item was, skipping nothing', async () => {
    const ids: string[] = [];
    for (const n of ['a', 'b', 'c']) ids.push(((await upload(`${n}.txt`)).body as { id: string }).id);
    const [a, b, c] = ids as [string, string, string];
    // Newest first: c, b, a, then the shared samples. The client has seen c, then c is deleted.
    const page1 = await stub.http.get(v1('/files?limit=1')).set('Authorization', auth);
    expect((page1.body as { data: { id: string }[] }).data.map((f) => f.id)).toEqual([c]);
    expect((await stub.http.delete(v1(`/files/${c}`)).set('Authorization', auth)).status).toBe(200);
    const page2 = await stub.http.get(v1(`/files?limit=2&after=${c}`)).set('Authorization', auth);
    expect(page2.status).toBe(200);
    expect((page2.body as { data: { id: string }[] }).data.map((f) => f.id)).toEqual([b, a]);
  });

  it('an id never in the list is still an unknown cursor: 400 param after', async () => {
    const res = await stub.http.get(v1('/files?after=file-neverwashere')).set('Authorization', auth);
    expect([res.status, (res.body as { error: { param: string } }).error.param]).toEqual([400, 'after']);
  });
});

describe('before a request reaches an operation: 431 and 408 in the envelope', () => {
  it('headers too large: 431 headers_too_large, param null, the connection closed', async () => {
    const { port } = stub.server.address() as AddressInfo;
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /v1/files HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (d) => (text += d.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toMatch(/\r\nConnection: close\r\n/i);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { error: { code: string; param: null; type: string } };
    expect(body.error).toMatchObject({ code: 'headers_too_large', param: null, type: 'invalid_request_error' });
  });

  it("a request that times out is 408 request_timeout (Node's parser error, as the servers map it)", () => {
    const v = parserViolation(Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }));
    expect([v.status, v.code, v.param]).toEqual([408, 'request_timeout', null]);
  });
});
