/**
 * Every status code every operation declares is one the stub really answers, in the
 * spec's envelope (429 and 5xx on demand, with the Vaero-Mock-Status header); and the HTTP edges: unknown
 * routes, CORS, 413 on a streamed body, malformed multipart, a failing service (500
 * without a stack trace), debug-mode response validation, the request log.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { operation, operations, type OperationId } from '../../../spec/index.js';
import { MOCK_STATUS_HEADER } from '../http/app.js';
import type { StubService } from '../service/service.js';
import { createService } from '../service/service.js';
import { ManualClock } from '../service/clock.js';
import { bearer, conforms, logLines, referenceBody, startTestStub, v1, expectEveryAnswerConformed, type TestStub } from './helpers.js';
import type { Response } from 'supertest';

// Every answer any stub in this file gives is checked against the spec, not only those a test inspects.
afterEach(expectEveryAnswerConformed);

const T = bearer('statuses');
let stub: TestStub;
let jobId: string;
let finishedJobId: string;
let fileId: string;
beforeAll(async () => {
  stub = await startTestStub();
  jobId = (await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', T).send(referenceBody)).body.id;
  finishedJobId = (await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', T).send(referenceBody)).body.id;
  stub.clock.advance(20_000);
  jobId = (await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', T).send(referenceBody)).body.id;
  fileId = (await stub.http.post(v1('/files')).set('authorization', T).field('purpose', 'fine-tune').attach('file', Buffer.from('a\n***\nb\n'), 'x.txt')).body.id;
});
afterAll(() => stub.close());

type Scenario = [OperationId, number, (s: TestStub) => Promise<Response>];
const big = (n: number) => '{"training_files":["file-abc123"],"suffix":"' + 'x'.repeat(n) + '"}';
const SCENARIOS: Scenario[] = [
  ['createFineTuningJob', 200, (s) => s.http.post(v1('/fine_tuning/jobs')).set('authorization', T).send(referenceBody)],
  ['createFineTuningJob', 400, (s) => s.http.post(v1('/fine_tuning/jobs')).set('authorization', T).send({ training_files: [] })],
  ['createFineTuningJob', 401, (s) => s.http.post(v1('/fine_tuning/jobs')).send(referenceBody)],
  ['createFineTuningJob', 413, (s) => s.http.post(v1('/fine_tuning/jobs')).set('authorization', T).set('content-type', 'application/json').send(big(operation('createFineTuningJob').maxBodyBytes!))],
  ['createFineTuningJob', 415, (s) => s.http.post(v1('/fine_tuning/jobs')).set('authorization', T).set('content-type', 'text/plain').send('{}')],
  ['listFineTuningJobs', 200, (s) => s.http.get(v1('/fine_tuning/jobs')).set('authorization', T)],
  ['listFineTuningJobs', 400, (s) => s.http.get(v1('/fine_tuning/jobs?limit=0')).set('authorization', T)],
  ['listFineTuningJobs', 401, (s) => s.http.get(v1('/fine_tuning/jobs')).set('authorization', 'Basic eDp5')],
  ['retrieveFineTuningJob', 200, (s) => s.http.get(v1(`/fine_tuning/jobs/${jobId}`)).set('authorization', T)],
  ['retrieveFineTuningJob', 401, (s) => s.http.get(v1(`/fine_tuning/jobs/${jobId}`))],
  ['retrieveFineTuningJob', 404, (s) => s.http.get(v1('/fine_tuning/jobs/ftjob-nope')).set('authorization', T)],
  ['cancelFineTuningJob', 200, (s) => s.http.post(v1(`/fine_tuning/jobs/${jobId}/cancel`)).set('authorization', T)],
  ['cancelFineTuningJob', 400, (s) => s.http.post(v1(`/fine_tuning/jobs/${finishedJobId}/cancel`)).set('authorization', T)],
  ['cancelFineTuningJob', 401, (s) => s.http.post(v1(`/fine_tuning/jobs/${jobId}/cancel`))],
  ['cancelFineTuningJob', 404, (s) => s.http.post(v1('/fine_tuning/jobs/ftjob-nope/cancel')).set('authorization', T)],
  ['listFineTuningEvents', 200, (s) => s.http.get(v1(`/fine_tuning/jobs/${jobId}/events`)).set('authorization', T)],
  ['listFineTuningEvents', 400, (s) => s.http.get(v1(`/fine_tuning/jobs/${jobId}/events?limit=abc`)).set('authorization', T)],
  ['listFineTuningEvents', 401, (s) => s.http.get(v1(`/fine_tuning/jobs/${jobId}/events`)).set('authorization', 'Bearer ')],
  ['listFineTuningEvents', 404, (s) => s.http.get(v1('/fine_tuning/jobs/ftjob-nope/events')).set('authorization', T)],
  ['uploadFile', 200, (s) => s.http.post(v1('/files')).set('authorization', T).field('purpose', 'fine-tune').attach('file', Buffer.from('hello\n'), 'h.txt')],
  ['uploadFile', 400, (s) => s.http.post(v1('/files')).set('authorization', T).field('purpose', 'fine-tune').attach('file', Buffer.from([0x68, 0, 0x69]), 'nul.txt')],
  ['uploadFile', 401, (s) => s.http.post(v1('/files')).field('purpose', 'fine-tune').attach('file', Buffer.from('hello\n'), 'h.txt')],
  ['uploadFile', 413, (s) => s.http.post(v1('/files')).set('authorization', T).field('purpose', 'fine-tune').attach('file', Buffer.alloc(operation('uploadFile').maxBodyBytes! + 1, 0x61), 'big.txt')],
  ['uploadFile', 415, (s) => s.http.post(v1('/files')).set('authorization', T).send({ purpose: 'fine-tune', file: 'hello' })],
  ['listFiles', 200, (s) => s.http.get(v1('/files')).set('authorization', T)],
  ['listFiles', 400, (s) => s.http.get(v1('/files?after=')).set('authorization', T)],
  ['listFiles', 401, (s) => s.http.get(v1('/files'))],
  ['retrieveFile', 200, (s) => s.http.get(v1(`/files/${fileId}`)).set('authorization', T)],
  ['retrieveFile', 401, (s) => s.http.get(v1(`/files/${fileId}`))],
  ['retrieveFile', 404, (s) => s.http.get(v1('/files/file-nope')).set('authorization', T)],
  ['downloadFileContent', 200, (s) => s.http.get(v1(`/files/${fileId}/content`)).set('authorization', T)],
  ['downloadFileContent', 401, (s) => s.http.get(v1(`/files/${fileId}/content`))],
  ['downloadFileContent', 404, (s) => s.http.get(v1('/files/file-nope/content')).set('authorization', T)],
  ['deleteFile', 200, (s) => s.http.delete(v1(`/files/${fileId}`)).set('authorization', T)],
  ['deleteFile', 401, (s) => s.http.delete(v1(`/files/${fileId}`))],
  ['deleteFile', 403, (s) => s.http.delete(v1('/files/file-abc123')).set('authorization', T)],
  ['deleteFile', 404, (s) => s.http.delete(v1('/files/file-nope')).set('authorization', T)],
];

describe('every declared status of every operation', () => {
  it.each(SCENARIOS)('%s answers %i', async (opId, status, send) => {
    const res = await send(stub);
    expect(res.status, res.text.slice(0, 200)).toBe(status);
    conforms(res, opId);
  });

  it('a service that throws is a 500 in the envelope, with no stack trace, for every operation', async () => {
    const real = createService({ clock: new ManualClock() });
    const broken = Object.fromEntries(
      Object.entries(real).map(([k, v]) => [k, k === 'authenticate' || k === 'close' || typeof v !== 'function' ? v : () => { throw new Error('boom\n    at Object.<anonymous> (/secret/path.ts:1:2)'); }]),
    ) as unknown as StubService;
    const failing = await startTestStub({ service: broken });
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      for (const [opId, status, send] of SCENARIOS.filter(([, s]) => s === 200)) {
        const res = await send(failing);
        expect(res.status, opId).toBe(500);
        conforms(res, opId);
        expect(res.body.error).toMatchObject({ type: 'server_error', code: 'internal_error', param: null });
        expect(res.text).not.toContain('secret');
        void status;
      }
    } finally {
      process.stderr.write = stderr;
      await failing.close();
    }
  });

  // A rate limit or an outage on demand: every operation, after route and auth.
  const SIMULATED: Scenario[] = operations.flatMap((op) =>
    [...op.responses.keys()]
      .filter((status) => status >= 429)
      .map((status): Scenario => [
        op.operationId,
        status,
        (s) => {
          const path = op.path.replace('{fine_tuning_job_id}', 'ftjob-any').replace('{file_id}', 'file-any');
          return s.http[op.method as 'get'](v1(path)).set('authorization', T).set(MOCK_STATUS_HEADER, String(status));
        },
      ]),
  );

  it.each(SIMULATED)(`%s answers %i when asked with ${MOCK_STATUS_HEADER}`, async (opId, status, send) => {
    const res = await send(stub);
    expect(res.status).toBe(status);
    conforms(res, opId);
    if (status === 429) {
      expect(res.headers['retry-after']).toBe('1');
      expect(res.headers['access-control-expose-headers']).toMatch(/retry-after/i); // readable by a browser app
    }
    expect((await logLines(stub)).at(-1)).toMatch(new RegExp(` ${status} .*simulated by ${MOCK_STATUS_HEADER}$`));
  });

  it(`${MOCK_STATUS_HEADER} comes after auth; a status the operation cannot answer with is ignored, and the log line says so`, async () => {
    const noAuth = await stub.http.get(v1('/files')).set(MOCK_STATUS_HEADER, '429');
    expect(noAuth.status).toBe(401);
    for (const [path, asked] of [['/files', '404'], ['/files/file-abc123', '503'], ['/fine_tuning/jobs', 'soon']] as const) {
      const before = (await logLines(stub)).length;
      const res = await stub.http.get(v1(path)).set('authorization', T).set(MOCK_STATUS_HEADER, asked);
      expect(res.status, `${path} ${asked}`).toBe(200); // served as if not asked
      const line = (await logLines(stub)).slice(before).join('\n');
      expect(line).toContain(` 200 `);
      expect(line).toMatch(new RegExp(`${MOCK_STATUS_HEADER}="${asked}" ignored: \\w+ declares only [\\d, ]+$`));
    }
  });

  it('covers every status the spec declares', () => {
    for (const op of operations) {
      const declared = [...op.responses.keys()].sort();
      // 500 also comes from a service that throws (above).
      const covered = [...new Set([...SCENARIOS, ...SIMULATED].filter(([id]) => id === op.operationId).map(([, s]) => s))].sort();
      expect(covered, op.operationId).toEqual(declared);
    }
  });
});

describe('HTTP edges', () => {
  it.each([
    ['GET', '/v1/nope'],
    ['GET', '/'],
    ['GET', '/fine_tuning/jobs'],
    ['DELETE', '/v1/fine_tuning/jobs'],
    ['PUT', '/v1/files/file-abc123'],
    ['GET', '/v1/fine_tuning/jobs/'],
    ['GET', '/v1/fine_tuning/jobs/%E0%A4%A'],
  ])('unknown route %s %s is 404 in the envelope (before auth)', async (method, path) => {
    const res = await stub.http[method.toLowerCase() as 'get'](path);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error).toMatchObject({ type: 'not_found_error', param: null, code: 'route_not_found' });
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers CORS preflight requests and sends CORS headers on every answer', async () => {
    const pre = await stub.http
      .options(v1('/fine_tuning/jobs'))
      .set('origin', 'http://localhost:5173')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'authorization, content-type, vaero-mock-fail');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('http://localhost:5173'); // a loopback origin: echoed, with credentials
    expect(pre.headers['access-control-allow-credentials']).toBe('true');
    expect(pre.headers['access-control-allow-methods']).toContain('POST');
    expect(pre.headers['access-control-allow-headers']).toBe('authorization, content-type, vaero-mock-fail');
    const err = await stub.http.get(v1('/fine_tuning/jobs')).set('origin', 'http://localhost:5173');
    expect(err.status).toBe(401);
    expect(err.headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('answers 413 to a chunked body (no Content-Length) that passes the limit, once it is read', async () => {
    const { port } = stub.server.address() as AddressInfo;
    const limit = operation('createFineTuningJob').maxBodyBytes!;
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: v1('/fine_tuning/jobs'), headers: { authorization: T, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode!, body }));
      });
      req.on('error', reject);
      req.write('{"training_files":["file-abc123"],"suffix":"');
      for (let sent = 0; sent <= limit; sent += 8192) req.write('x'.repeat(8192));
      req.end('"}');
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatchObject({ code: 'payload_too_large', param: null });
  });

  it('answers 400 to a multipart body that does not parse', async () => {
    const res = await stub.http
      .post(v1('/files'))
      .set('authorization', T)
      .set('content-type', 'multipart/form-data; boundary=xyz')
      .send('--xyz\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune');
    conforms(res, 'uploadFile');
    expect(res.status).toBe(400);
    const noBoundary = await stub.http.post(v1('/files')).set('authorization', T).set('content-type', 'multipart/form-data').send('x');
    conforms(noBoundary, 'uploadFile');
    expect(noBoundary.status).toBe(400);
  });

  it('rejects an empty upload with 400 param file', async () => {
    const res = await stub.http.post(v1('/files')).set('authorization', T).field('purpose', 'fine-tune').attach('file', Buffer.alloc(0), 'empty.txt');
    conforms(res, 'uploadFile');
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('file');
  });

  it('serves a file back byte for byte, as text/plain', async () => {
    const text = 'Ünïcödé 😀 first\n***\nsecond\n';
    const up = await stub.http.post(v1('/files')).set('authorization', T).field('purpose', 'fine-tune').attach('file', Buffer.from(text), 'u.txt');
    expect(up.body.bytes).toBe(Buffer.byteLength(text));
    const res = await stub.http.get(v1(`/files/${up.body.id}/content`)).set('authorization', T);
    conforms(res, 'downloadFileContent');
    expect(res.text).toBe(text);
  });

  it('writes one log line per request: method, path, status, ms, and the rule for a rejection', async () => {
    const before = (await logLines(stub)).length;
    await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', T).send({ training_files: ['file-abc123'], suffix: 'x'.repeat(17) });
    await stub.http.get(v1('/files?limit=2')).set('authorization', T);
    const lines = (await logLines(stub)).slice(before);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} POST \/v1\/fine_tuning\/jobs 400 \d+\.\dms req_[0-9a-f]{32} rule=create\.suffix param=suffix$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} GET \/v1\/files\?limit=2 200 \d+\.\dms req_[0-9a-f]{32}$/);
  });

  it('in debug mode, logs an answer that breaks the spec, naming the rule', async () => {
    const real = createService({ clock: new ManualClock() });
    const wrong: StubService = {
      ...real,
      createJob: (org, input, o) => {
        const r = real.createJob(org, input, o);
        return r.ok ? { ok: true, value: { ...r.value, created_at: r.value.created_at * 1000 } } : r;
      },
    };
    const debug = await startTestStub({ service: wrong, debug: true, checkAnswers: false }); // breaks the spec on purpose
    try {
      await debug.http.post(v1('/fine_tuning/jobs')).set('authorization', T).send(referenceBody);
      const lines = await logLines(debug);
      expect(lines.find((l) => l.includes(' DEBUG '))).toMatch(/job\.created_at/);
    } finally {
      await debug.close();
    }
    // Without debug, nothing is checked at run time.
    const quiet = await startTestStub({ service: wrong, checkAnswers: false });
    try {
      await quiet.http.post(v1('/fine_tuning/jobs')).set('authorization', T).send(referenceBody);
      expect((await logLines(quiet)).some((l) => l.includes(' DEBUG '))).toBe(false);
    } finally {
      await quiet.close();
    }
  });
});
