/**
 * The Prism mock as a frontend developer meets it: the reference's curl example, every
 * schema-layer fixture, CORS, unknown routes and the log line.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, requestFixtures, toHttpRequest, type RequestFixture } from '../../../fixtures/index.js';
import { operation, validateResponse } from '../../../spec/index.js';
import { FLUSH_MS } from '../../http/log.js';
import { referenceCurl } from '../cli.js';
import { startPrismMock, type PrismMock } from '../index.js';

const run = promisify(execFile);
let mock: PrismMock;
const lines: string[] = [];

beforeAll(async () => {
  mock = await startPrismMock({ port: 0, log: (l) => lines.push(l) });
});
afterAll(async () => {
  await mock?.close();
});

async function send(f: RequestFixture) {
  const req = await toHttpRequest(f);
  const res = await fetch(mock.baseUrl + req.path, { method: req.method, headers: req.headers, body: req.body ? new Uint8Array(req.body) : undefined });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* a text/plain answer */
  }
  return { status: res.status, headers: res.headers, body };
}

describe('the Prism mock', () => {
  it('has a base URL under /v1 on loopback', () => {
    expect(mock.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it("answers the reference's curl example, run with curl, with a 200 job valid against the spec", async () => {
    const { stdout } = await run('sh', ['-c', `${referenceCurl(mock.baseUrl)} --silent --show-error --write-out '\\n%{http_code}'`]);
    const [json, status] = [stdout.slice(0, stdout.lastIndexOf('\n')), stdout.slice(stdout.lastIndexOf('\n') + 1)];
    expect(status).toBe('200');
    const job = JSON.parse(json) as Record<string, unknown>;
    expect(validateResponse(operation('createFineTuningJob'), 200, job)).toEqual({ ok: true });
    expect(job).toMatchObject({ object: 'fine_tuning.job', base_model: 'general', style_model: 'vaero-1', fine_tuned_model: null });
  });

  it('the curl example sends the same body as the reference fixture', () => {
    const data = /--data '([\s\S]*)'$/.exec(referenceCurl('http://x/v1'))?.[1] ?? '';
    expect(JSON.parse(data)).toEqual(fixture('create-reference-curl').body);
  });

  describe.each(requestFixtures.filter((f) => f.layer === 'schema').map((f) => [f.name, f] as const))('schema fixture %s', (_, f) => {
    it(`gets ${f.valid ? '200 and a valid answer' : 'its labelled status, param and error envelope'}`, async () => {
      const res = await send(f);
      const op = operation(f.operationId);
      expect(res.status, JSON.stringify(res.body)).toBe(f.expect.status);
      expect(validateResponse(op, res.status, res.body)).toEqual({ ok: true });
      if (!f.valid) expect((res.body as { error: { param: unknown } }).error.param).toBe(f.expect.param);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    });
  });

  it('answers a CORS preflight from another origin', async () => {
    const res = await fetch(`${mock.baseUrl}/fine_tuning/jobs`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    // A loopback origin (a dev server) is echoed with credentials (mock/http/test/cors-credentials.test.ts has the rest).
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
  });

  it.each([
    ['GET', '/v1/nope'],
    ['GET', '/fine_tuning/jobs'],
    ['PUT', '/v1/fine_tuning/jobs'],
    ['GET', '/v1/fine_tuning/jobs/a/b/c'],
  ])('answers an unknown route %s %s with the 404 envelope', async (method, path) => {
    const res = await fetch(mock.baseUrl.replace(/\/v1$/, '') + path, { method, headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as { error: { type: string; param: unknown; code: string } };
    expect(body.error).toMatchObject({ type: 'not_found_error', param: null, code: 'route_not_found' });
  });

  it('ignores a body sent to cancel (the spec says it has none)', async () => {
    const res = await fetch(`${mock.baseUrl}/fine_tuning/jobs/ftjob-abc123/cancel`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: '{"reason": "no"}',
    });
    expect(res.status).toBe(200);
    expect(validateResponse(operation('cancelFineTuningJob'), 200, await res.json())).toEqual({ ok: true });
  });

  it('serves a file upload and the file content through Prism', async () => {
    const up = await send(fixture('upload-text-file'));
    expect(up.status).toBe(200);
    expect(validateResponse(operation('uploadFile'), 200, up.body)).toEqual({ ok: true });
    const content = await fetch(`${mock.baseUrl}/files/file-abc123/content`, { headers: { authorization: 'Bearer t' } });
    expect([content.status, content.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^text\/plain/)]);
  });

  it('a repeated query parameter or part counts with its first value, also for Prism behind the front (request.unknown-parameters)', async () => {
    for (const name of ['upload-purpose-repeated-first-counts', 'upload-file-repeated-first-counts', 'list-events-limit-repeated-first-counts']) {
      const res = await send(fixture(name));
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });

  it('writes one human log line per request: method, path, status, ms, and rule and param for a rejection', async () => {
    await new Promise((r) => setTimeout(r, FLUSH_MS + 10)); // earlier tests' lines written
    const before = lines.length;
    await send(fixture('create-suffix-17-astral'));
    await send(fixture('list-jobs-default'));
    await new Promise((r) => setTimeout(r, FLUSH_MS + 10)); // the log is written in batches
    const mine = lines.slice(before);
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} POST \/v1\/fine_tuning\/jobs 400 \d+\.\dms req_[0-9a-f]{32} rule=create\.suffix param=suffix$/);
    expect(mine[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} GET \/v1\/fine_tuning\/jobs 200 \d+\.\dms req_[0-9a-f]{32}$/);
    expect(lines.join('\n')).not.toMatch(/\[prism\]|Prism is listening/);
  });
});
