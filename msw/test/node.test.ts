/**
 * The MSW handlers in Node (msw's setupServer, as a node or jsdom test uses them): every
 * request fixture gets its labelled status and `param`, every answer conforms to the spec; the
 * lifecycle, uploads, organizations and the steering work as on the stub, in-process.
 */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFixtures, toHttpRequest } from '../../fixtures/index.js';
import { matchOperation, operation, validateResponse, type FineTuningJob } from '../../spec/index.js';
import { ManualClock } from '../../mock/stub/service/clock.js';
import { LIFECYCLE_MS } from '../../mock/stub/service/lifecycle.js';
import { sampleFileIds } from '../../mock/stub/service/samples.js';
import { StubControlError } from '../../mock/stub/control-client.js';
import { createVaeroHandlers } from '../index.js';

const BASE = 'https://vaero.test/v1';
const PREFIXED = 'https://example.test/api/vaero/v1';
const clock = new ManualClock(Date.UTC(2026, 0, 5, 12), 1);
const vaero = createVaeroHandlers({ baseUrl: BASE, clock });
const prefixed = createVaeroHandlers({ baseUrl: PREFIXED, clock });
const server = setupServer(...vaero.handlers, ...prefixed.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const auth = (token = 'msw-a') => ({ authorization: `Bearer ${token}` });
async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  const json = res.headers.get('content-type')?.startsWith('application/json');
  return { res, status: res.status, body: json && text ? JSON.parse(text) : text };
}

/** The answer is one the spec declares for the operation the request addressed. */
function conforms(method: string, url: string, status: number, body: unknown) {
  const path = new URL(url).pathname.replace(/^.*?\/v1/, '');
  const op = matchOperation(method, path)?.operation ?? operation('retrieveFineTuningJob');
  expect(op.responses.has(status), `${op.operationId} declares ${status}`).toBe(true);
  expect(validateResponse(op, status, body), `${method} ${url} ${status} ${JSON.stringify(body).slice(0, 200)}`).toEqual({ ok: true });
}

describe('every request fixture gets its labelled answer from the MSW handlers', () => {
  it.each(requestFixtures.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
    const req = await toHttpRequest(f);
    const url = BASE + req.path;
    const { status, body } = await call(url, { method: req.method, headers: req.headers, body: req.body && new Uint8Array(req.body) });
    expect(status, JSON.stringify(body).slice(0, 300)).toBe(f.expect.status);
    conforms(req.method, url, status, body);
    if (!f.valid && f.expect.param !== undefined) expect((body as { error: { param: string | null } }).error.param).toBe(f.expect.param);
  });
});

describe('a stateful service, as the stub is', () => {
  it('create, list, lifecycle with events, cancel; each organization sees only its own', async () => {
    const created = await call(`${BASE}/fine_tuning/jobs`, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ training_files: sampleFileIds, suffix: 'msw' }) });
    expect(created.status).toBe(200);
    const job = created.body as FineTuningJob;
    expect(created.res.headers.get('x-request-id')).toMatch(/^req_/);
    clock.advance(LIFECYCLE_MS);
    const done = await call(`${BASE}/fine_tuning/jobs/${job.id}`, { headers: auth() });
    expect(done.body).toMatchObject({ status: 'succeeded', fine_tuned_model: expect.stringMatching(/^ftm-msw-/) });
    const events = await call(`${BASE}/fine_tuning/jobs/${job.id}/events`, { headers: auth() });
    conforms('GET', `${BASE}/fine_tuning/jobs/${job.id}/events`, 200, events.body);
    expect((await call(`${BASE}/fine_tuning/jobs/${job.id}/cancel`, { method: 'POST', headers: auth() })).body.error.code).toBe('job_not_cancellable');
    expect((await call(`${BASE}/fine_tuning/jobs/${job.id}`, { headers: auth('msw-b') })).status).toBe(404);
  });

  it('uploads a text file (multipart, parsed by the platform) and trains on it; refuses a binary one', async () => {
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new Blob(['one\n***\ntwo\n'], { type: 'text/plain' }), 'train.txt');
    const up = await call(`${BASE}/files`, { method: 'POST', headers: auth(), body: form });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ filename: 'train.txt', bytes: 12 });
    expect((await call(`${BASE}/files/${up.body.id}/content`, { headers: auth() })).body).toBe('one\n***\ntwo\n');
    const bin = new FormData();
    bin.append('purpose', 'fine-tune');
    bin.append('file', new Blob([new Uint8Array([0xff, 0xfe, 0x00])]), 'x.bin');
    const refused = await call(`${BASE}/files`, { method: 'POST', headers: auth(), body: bin });
    expect([refused.status, refused.body.error.param]).toEqual([400, 'file']);
  });

  it('answers below any base URL path, the spec paths after it', async () => {
    const { status, body } = await call(`${PREFIXED}/files?limit=1`, { headers: auth() });
    expect(status).toBe(200);
    expect(body).toMatchObject({ object: 'list', data: [expect.objectContaining({ object: 'file' })] });
  });
});

describe('the same steering as the stub', () => {
  it('steering headers: Prefer: code=429 / Vaero-Mock-Status: 500 answer the spec example', async () => {
    const limited = await call(`${BASE}/fine_tuning/jobs`, { headers: { ...auth(), prefer: 'code=429' } });
    expect([limited.status, limited.res.headers.get('retry-after')]).toEqual([429, '1']);
    expect(limited.body).toEqual(Object.values(operation('listFineTuningJobs').responses.get(429)!.examples)[0]);
    expect((await call(`${BASE}/files`, { headers: { ...auth(), 'vaero-mock-status': '500' } })).status).toBe(500);
  });

  it('the controls as functions: reset, seed in any status, advance, fail-next, latency, the request log', async () => {
    const steer = vaero.control('msw-steer');
    await steer.reset();
    const failed = await steer.seedJob({ status: 'failed', error: { code: 'invalid_training_file', message: 'Line 3 is empty' } });
    expect(failed.error).toEqual({ code: 'invalid_training_file', message: 'Line 3 is empty', param: null });
    const running = await steer.seedJob({ status: 'running' });
    await steer.advance(LIFECYCLE_MS);
    expect((await call(`${BASE}/fine_tuning/jobs/${running.id}`, { headers: auth('msw-steer') })).body.status).toBe('succeeded');
    await steer.failNext({ code: 'boom' });
    const next = (await call(`${BASE}/fine_tuning/jobs`, { method: 'POST', headers: { ...auth('msw-steer'), 'content-type': 'application/json' }, body: JSON.stringify({ training_files: sampleFileIds }) })).body as FineTuningJob;
    clock.advance(LIFECYCLE_MS);
    expect((await call(`${BASE}/fine_tuning/jobs/${next.id}`, { headers: auth('msw-steer') })).body.error).toMatchObject({ code: 'boom' });
    await steer.setLatency(200, ['listFiles']);
    const t0 = performance.now();
    await call(`${BASE}/files`, { headers: auth('msw-steer') });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    await steer.setLatency(0);
    const log = await steer.requests();
    expect(log.map((e) => `${e.method} ${e.status}`)).toEqual(['GET 200', 'POST 200', 'GET 200', 'GET 200']);
    expect(log.every((e) => /^req_/.test(e.request_id ?? ''))).toBe(true);
    await expect(steer.seedJob({ status: 'done' } as never)).rejects.toBeInstanceOf(StubControlError);
  });
});
