/**
 * Steering the stub from a test (mock/stub/README.md, "Steering"): the admin endpoints under
 * /__vaero/ through the typed helper createStubControl, against a listening stub on a manual
 * clock: reset, seeded jobs in every status and seeded files, advancing the clock, latency,
 * the request log; each input refused with a 400 naming its field; all of it per organization
 * and kept by --state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseModels, fineTunedModelPattern, jobStatuses, lifecycle, operation, validateResponse, type FineTuningJob, type FineTuningJobEvent } from '../../../spec/index.js';
import { createStubControl, StubControlError, type StubSteering } from '../control-client.js';
import { startStub, type RunningStub } from '../server.js';
import { ManualClock } from '../service/clock.js';
import { LIFECYCLE_MS } from '../service/lifecycle.js';
import { sampleFileIds } from '../service/samples.js';
import { withoutSample } from './helpers.js';

let stub: RunningStub;
let clock: ManualClock;
let control: StubSteering;
const TOKEN = 'steer-a';

const api = async (path: string, init: RequestInit & { token?: string } = {}) => {
  const res = await fetch(stub.baseUrl + path, {
    ...init,
    headers: { authorization: `Bearer ${init.token ?? TOKEN}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  return { status: res.status, requestId: res.headers.get('x-request-id'), body: text && res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
};
const job = async (id: string): Promise<FineTuningJob> => (await api(`/fine_tuning/jobs/${id}`)).body;
const events = async (id: string): Promise<FineTuningJobEvent[]> => (await api(`/fine_tuning/jobs/${id}/events?limit=100`)).body.data.reverse();
const refusal = (p: Promise<unknown>) => p.then(() => expect.unreachable('the control accepted it'), (e: unknown) => e as StubControlError);

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 5, 12), 1);
  stub = await startStub({ port: 0, clock, log: false });
  control = createStubControl(stub.baseUrl, TOKEN);
});
afterEach(() => stub.close());

describe('seedJob: a job in any status, as its lifecycle would have left it', () => {
  it.each(jobStatuses)('%s: the answer, a read and the events agree, and conform to the spec', async (status) => {
    const seeded = await control.seedJob({ status, suffix: 'seeded' });
    expect(seeded.status).toBe(status);
    expect(await job(seeded.id)).toEqual(seeded);
    expect(validateResponse(operation('retrieveFineTuningJob'), 200, seeded)).toEqual({ ok: true });
    expect(seeded.training_files).toEqual(sampleFileIds);
    const finished = lifecycle.finished.includes(status);
    expect(seeded.finished_at === null).toBe(!finished);
    expect(seeded.fine_tuned_model === null).toBe(status !== 'succeeded');
    expect(seeded.error === null).toBe(status !== 'failed');

    const list = await events(seeded.id);
    expect(validateResponse(operation('listFineTuningEvents'), 200, { object: 'list', data: list, has_more: false })).toEqual({ ok: true });
    const times = list.map((e) => e.created_at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(seeded.created_at).toBeLessThanOrEqual(times[0]!);
    expect(times.at(-1)!).toBeLessThanOrEqual(Math.floor(clock.now() / 1000));
    if (finished) expect(seeded.finished_at).toBe(times.at(-1));
  });

  it('succeeded: the model is named from the suffix, and the last events say so', async () => {
    const seeded = await control.seedJob({ status: 'succeeded', suffix: 'custom-name' });
    expect(seeded.fine_tuned_model).toMatch(fineTunedModelPattern);
    expect(seeded.fine_tuned_model).toMatch(/^ftm-custom-name-/);
    expect((await events(seeded.id)).map((e) => e.message).join('\n')).toContain(seeded.fine_tuned_model);
  });

  it('failed: with the error given (param null by default), or a default one; its last event is an error', async () => {
    const given = await control.seedJob({ status: 'failed', error: { code: 'invalid_training_file', message: 'Line 3 is empty' } });
    expect(given.error).toEqual({ code: 'invalid_training_file', message: 'Line 3 is empty', param: null });
    expect((await events(given.id)).at(-1)).toMatchObject({ level: 'error', message: expect.stringContaining('Line 3 is empty') });
    const plain = await control.seedJob({ status: 'failed' });
    expect(plain.error).toMatchObject({ code: 'training_failed', param: null });
  });

  it('cancelled: finished now, its last event the cancellation; cancelling again changes nothing', async () => {
    const seeded = await control.seedJob({ status: 'cancelled' });
    expect(seeded.finished_at).toBe(Math.floor(clock.now() / 1000));
    expect((await events(seeded.id)).at(-1)!.message).toMatch(/cancelled/);
    expect((await api(`/fine_tuning/jobs/${seeded.id}/cancel`, { method: 'POST' })).body).toEqual(seeded);
  });

  it('an unfinished job carries on through its lifecycle (with an error: to failed)', async () => {
    const running = await control.seedJob({ status: 'running' });
    const failing = await control.seedJob({ status: 'queued', error: { code: 'oom', message: 'Out of memory' } });
    clock.advance(LIFECYCLE_MS);
    expect((await job(running.id)).status).toBe('succeeded');
    expect(await job(failing.id)).toMatchObject({ status: 'failed', error: { code: 'oom' } });
  });

  it('trains on the organization own files, and lists newest first with created jobs', async () => {
    const file = await control.seedFile({ filename: 'mine.txt', content: 'a\n***\nb\n' });
    const seeded = await control.seedJob({ status: 'queued', training_files: [file.id], base_model: baseModels[1] });
    expect(seeded).toMatchObject({ training_files: [file.id], base_model: baseModels[1], style_model: 'vaero-1' });
    const created = (await api('/fine_tuning/jobs', { method: 'POST', body: JSON.stringify({ training_files: [file.id] }) })).body as FineTuningJob;
    expect(withoutSample((await api('/fine_tuning/jobs')).body.data as FineTuningJob[]).map((j) => j.id)).toEqual([created.id, seeded.id]);
  });

  it.each([
    [{ status: 'done' }, 'status'],
    [{}, 'status'],
    [{ status: 'succeeded', error: { code: 'x', message: 'y' } }, 'error'],
    [{ status: 'failed', error: { code: 1 } }, 'error'],
    [{ status: 'queued', suffix: 'x'.repeat(17) }, 'suffix'],
    [{ status: 'queued', base_model: 'huge' }, 'base_model'],
    [{ status: 'queued', sufix: 'typo' }, 'sufix'],
    [{ status: 'queued', training_files: ['file-nope'] }, 'training_files'],
  ])('refuses %j: 400 with param %s, nothing stored', async (seed, param) => {
    const e = await refusal(control.seedJob(seed as never));
    expect(e.status).toBe(400);
    expect(e.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(withoutSample((await api('/fine_tuning/jobs')).body.data as FineTuningJob[])).toEqual([]);
  });
});

describe('seedFile', () => {
  it('stores a text file as an upload would: listed, read, its content as given', async () => {
    const file = await control.seedFile({ filename: 'notes.txt', content: 'héllo\n' });
    expect(file).toMatchObject({ object: 'file', filename: 'notes.txt', bytes: 7, purpose: 'fine-tune' });
    expect((await api(`/files/${file.id}`)).body).toEqual(file);
    expect((await api(`/files/${file.id}/content`)).body).toBe('héllo\n');
  });

  it.each([
    [{ content: 'x' }, 'filename'],
    [{ filename: 'a.txt', content: '' }, 'content'],
    [{ filename: 'a.txt', content: 'a\u0000b' }, 'content'],
    [{ filename: 'a.txt', content: 'x', purpose: 'assistants' }, 'purpose'],
  ])('refuses %j: 400 with param %s', async (seed, param) => {
    const e = await refusal(control.seedFile(seed as never));
    expect([e.status, e.error.param]).toEqual([400, param]);
  });
});

describe('advance: the organization lifecycle clock', () => {
  it('moves existing jobs on, even on a frozen stub; a job created afterwards starts from its beginning', async () => {
    await stub.close();
    clock = new ManualClock(Date.UTC(2026, 0, 5, 12), 0);
    stub = await startStub({ port: 0, clock, log: false });
    control = createStubControl(stub.baseUrl, TOKEN);
    const before = (await api('/fine_tuning/jobs', { method: 'POST', body: JSON.stringify({ training_files: sampleFileIds }) })).body as FineTuningJob;
    await control.advance(LIFECYCLE_MS / 2);
    expect((await job(before.id)).status).toBe('running');
    await control.advance(LIFECYCLE_MS);
    const after = (await api('/fine_tuning/jobs', { method: 'POST', body: JSON.stringify({ training_files: sampleFileIds }) })).body as FineTuningJob;
    expect((await job(before.id)).status).toBe('succeeded');
    expect((await job(after.id)).status).toBe(after.status);
    // Another organization's jobs do not move.
    const other = (await api('/fine_tuning/jobs', { method: 'POST', token: 'steer-b', body: JSON.stringify({ training_files: sampleFileIds }) })).body as FineTuningJob;
    await control.advance(LIFECYCLE_MS);
    expect((await api(`/fine_tuning/jobs/${other.id}`, { token: 'steer-b' })).body.status).toBe(other.status);
  });

  it.each([-1, 'soon', 1e12])('refuses ms %j: 400 param ms', async (ms) => {
    const e = await refusal(control.advance(ms as number));
    expect([e.status, e.error.param]).toEqual([400, 'ms']);
  });
});

describe('latency', () => {
  it('delays the organization answers by at least the ms asked, only for the operations named', async () => {
    await control.setLatency(300, ['listFiles']);
    const t0 = performance.now();
    expect((await api('/files')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    // What is not delayed is read from the control (a timed upper bound would be a flaky test).
    const org = (stub.service.authenticate(TOKEN) as { value: string }).value;
    expect(stub.service.control.latencyFor(org, 'listFiles')).toBe(300);
    expect(stub.service.control.latencyFor(org, 'listFineTuningJobs')).toBe(0);
    expect(stub.service.control.latencyFor('org-someone-else', 'listFiles')).toBe(0);
    await control.setLatency(0);
    expect(stub.service.control.latencyFor(org, 'listFiles')).toBe(0);
  });

  it.each([
    [{ ms: -5 }, 'ms'],
    [{ ms: 1.5 }, 'ms'],
    [{ ms: 100, operations: ['fly'] }, 'operations'],
  ])('refuses %j: 400 with param %s', async (body, param) => {
    const e = await refusal(control.setLatency(body.ms, (body as { operations?: never }).operations));
    expect([e.status, e.error.param]).toEqual([400, param]);
  });
});

describe('requests: the organization request log', () => {
  it('method, path, status, rule, param, time and request id of each API request, oldest first, for this organization only', async () => {
    const t0 = Date.now();
    const first = await api('/fine_tuning/jobs', { method: 'POST', body: JSON.stringify({ training_files: sampleFileIds }) });
    await api('/fine_tuning/jobs', { method: 'POST', body: JSON.stringify({ training_files: sampleFileIds, suffix: '' }) });
    await api('/nowhere');
    await api('/files', { token: 'steer-b' });
    const log = await control.requests();
    expect(log.map(({ method, path, status, rule, param }) => ({ method, path, status, rule, param }))).toEqual([
      { method: 'POST', path: '/v1/fine_tuning/jobs', status: 200, rule: null, param: null },
      { method: 'POST', path: '/v1/fine_tuning/jobs', status: 400, rule: 'create.suffix.not-empty', param: 'suffix' },
      { method: 'GET', path: '/v1/nowhere', status: 404, rule: 'request.unknown-route', param: null },
    ]);
    expect(log[0]!.request_id).toBe(first.requestId); // the id the answer carried (x-request-id)
    expect(first.requestId).toMatch(/^req_[0-9a-f]{32}$/);
    for (const e of log) expect(Date.parse(e.time)).toBeGreaterThanOrEqual(t0 - 1000);
    expect(await createStubControl(stub.baseUrl, 'steer-b').requests()).toHaveLength(1);
  });
});

describe('reset', () => {
  it('forgets the organization jobs, files, armed failure, latency and log; the shared samples stay; others keep theirs', async () => {
    await control.seedJob({ status: 'running' });
    const file = await control.seedFile({ filename: 'x.txt', content: 'x' });
    await control.failNext({ code: 'boom' });
    await control.setLatency(5000);
    const kept = await createStubControl(stub.baseUrl, 'steer-b').seedJob({ status: 'queued' });
    await control.reset();
    expect(withoutSample((await api('/fine_tuning/jobs')).body.data as FineTuningJob[])).toEqual([]);
    expect((await api('/files')).body.data.map((f: { id: string }) => f.id).sort()).toEqual([...sampleFileIds].sort());
    expect((await api(`/files/${file.id}`)).status).toBe(404);
    const next = (await api('/fine_tuning/jobs', { method: 'POST', body: JSON.stringify({ training_files: sampleFileIds }) })).body as FineTuningJob;
    clock.advance(LIFECYCLE_MS);
    expect((await job(next.id)).status).toBe('succeeded'); // the armed failure is gone (and no 5 s latency: the test would time out)
    // Only what was asked since the reset.
    expect((await control.requests()).map((r) => r.path)).toEqual(['/v1/fine_tuning/jobs', '/v1/files', `/v1/files/${file.id}`, '/v1/fine_tuning/jobs', `/v1/fine_tuning/jobs/${next.id}`]);
    expect((await api(`/fine_tuning/jobs/${kept.id}`, { token: 'steer-b' })).status).toBe(200);
  });
});

describe('the admin endpoints themselves', () => {
  it('need a bearer token (401), answer 404 for an unknown one, and take a blank body as {}', async () => {
    const origin = new URL(stub.baseUrl).origin;
    expect((await fetch(`${origin}/__vaero/reset`, { method: 'POST' })).status).toBe(401);
    const unknown = await fetch(`${origin}/__vaero/teleport`, { method: 'POST', headers: { authorization: 'Bearer t' } });
    expect([unknown.status, ((await unknown.json()) as { error: { code: string } }).error.code]).toEqual([404, 'route_not_found']);
    expect((await fetch(`${origin}/__vaero/reset`, { method: 'POST', headers: { authorization: 'Bearer t' } })).status).toBe(200);
  });
});

describe('--state keeps what was steered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vaero-steer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seeded jobs and files, advances and resets are replayed', async () => {
    const statePath = join(dir, 'steer.jsonl');
    await stub.close();
    stub = await startStub({ port: 0, clock, statePath, log: false });
    control = createStubControl(stub.baseUrl, TOKEN);
    const gone = await control.seedJob({ status: 'running' });
    await control.reset();
    const failed = await control.seedJob({ status: 'failed', error: { code: 'e', message: 'm' } });
    const queued = await control.seedJob({ status: 'queued' });
    await control.advance(1000);
    const file = await control.seedFile({ filename: 'k.txt', content: 'kept' });
    const before = (await api('/fine_tuning/jobs')).body;
    const eventsBefore = await events(queued.id);
    await stub.close();
    stub = await startStub({ port: 0, clock, statePath, log: false });
    expect((await api('/fine_tuning/jobs')).body).toEqual(before);
    expect(await events(queued.id)).toEqual(eventsBefore);
    expect((await job(failed.id)).error).toEqual({ code: 'e', message: 'm', param: null });
    expect((await api(`/fine_tuning/jobs/${gone.id}`)).status).toBe(404);
    expect((await api(`/files/${file.id}/content`)).body).toBe('kept');
  });
});
