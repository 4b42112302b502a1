/**
 * The job lifecycle on a frozen, a stepped and a fast real clock: statuses in the
 * spec's order, events at each step, the model name, cancel in every status, and the
 * forced failure (header and admin endpoint).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fineTunedModelPattern, lifecycle, type FineTuningJob, type FineTuningJobEventList, type FineTuningJobStatus } from '../../../spec/index.js';
import { ADMIN_FAIL_NEXT_PATH, MOCK_FAIL_HEADER, MOCK_FAIL_MESSAGE_HEADER } from '../http/app.js';
import { realClock } from '../service/clock.js';
import { bearer, conforms, referenceBody, startTestStub, v1, expectEveryAnswerConformed, type TestStub } from './helpers.js';

// Every answer any stub in this file gives is checked against the spec, not only those a test inspects.
afterEach(expectEveryAnswerConformed);

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const auth = bearer('lifecycle-token');

let stub: TestStub;
beforeAll(async () => {
  stub = await startTestStub();
});
afterAll(() => stub.close());

async function create(body: object = referenceBody, headers: Record<string, string> = {}): Promise<FineTuningJob> {
  let call = stub.http.post(v1('/fine_tuning/jobs')).set('authorization', auth);
  for (const [k, v] of Object.entries(headers)) call = call.set(k, v);
  const res = await call.send(body);
  expect(res.status, res.text).toBe(200);
  return conforms(res) as FineTuningJob;
}

async function retrieve(id: string): Promise<FineTuningJob> {
  const res = await stub.http.get(v1(`/fine_tuning/jobs/${id}`)).set('authorization', auth);
  expect(res.status).toBe(200);
  return conforms(res) as FineTuningJob;
}

async function events(id: string): Promise<FineTuningJobEventList> {
  const res = await stub.http.get(v1(`/fine_tuning/jobs/${id}/events?limit=100`)).set('authorization', auth);
  expect(res.status).toBe(200);
  return conforms(res) as FineTuningJobEventList;
}

async function cancel(id: string) {
  const res = await stub.http.post(v1(`/fine_tuning/jobs/${id}/cancel`)).set('authorization', auth);
  conforms(res);
  return res;
}

/** Step the clock until the job has the status (at most 20 s of lifecycle). */
async function until(id: string, status: FineTuningJobStatus): Promise<FineTuningJob> {
  for (let t = 0; t <= 20_000; t += 250) {
    const job = await retrieve(id);
    if (job.status === status) return job;
    stub.clock.advance(250);
  }
  throw new Error(`job ${id} never reached ${status}`);
}

describe('on a frozen clock', () => {
  it('a new job stays in its first status, with the events of its creation', async () => {
    const job = await create();
    expect(job.status).toBe('validating_files');
    expect(lifecycle.initial).toContain(job.status);
    expect(job).toMatchObject({ finished_at: null, fine_tuned_model: null, error: null });
    expect(Math.abs(job.created_at - Math.floor(stub.clock.now() / 1000))).toBeLessThanOrEqual(1);
    for (let i = 0; i < 3; i++) expect((await retrieve(job.id)).status).toBe('validating_files');
    const list = await events(job.id);
    expect(list.data.map((e) => e.message)).toEqual(['Validating training files', 'Created fine-tuning job']);
  });
});

describe('on a stepped clock', () => {
  it('moves validating_files -> queued -> running -> succeeded in about ten seconds, with an event at each step', async () => {
    const job = await create();
    const seen: FineTuningJobStatus[] = [job.status];
    const eventCounts: number[] = [(await events(job.id)).data.length];
    let elapsed = 0;
    let last = job;
    while (last.status !== 'succeeded' && elapsed < 30_000) {
      stub.clock.advance(500);
      elapsed += 500;
      last = await retrieve(job.id);
      if (last.status !== seen.at(-1)) {
        seen.push(last.status);
        eventCounts.push((await events(job.id)).data.length);
      }
    }
    expect(seen).toEqual(['validating_files', 'queued', 'running', 'succeeded']);
    for (let i = 1; i < seen.length; i++) expect(lifecycle.next[seen[i - 1]!]).toContain(seen[i]);
    expect(elapsed).toBeGreaterThanOrEqual(5_000);
    expect(elapsed).toBeLessThanOrEqual(12_000);
    // Every step adds at least one event.
    for (let i = 1; i < eventCounts.length; i++) expect(eventCounts[i]!).toBeGreaterThan(eventCounts[i - 1]!);

    expect(last.fine_tuned_model).toMatch(new RegExp(`^ftm-custom-name-${UUID}$`));
    expect(last.fine_tuned_model).toMatch(fineTunedModelPattern);
    expect(last.finished_at!).toBeGreaterThanOrEqual(last.created_at + 5);
    expect(last.finished_at!).toBeLessThanOrEqual(Math.floor(stub.clock.now() / 1000));
    expect(last.error).toBeNull();
    // Fields that never change.
    expect(last).toMatchObject({ id: job.id, created_at: job.created_at, training_files: job.training_files, organization_id: job.organization_id });

    const list = await events(job.id);
    const times = list.data.map((e) => e.created_at);
    expect([...times].sort((a, b) => b - a)).toEqual(times); // newest first
    expect(list.data[0]!.message).toMatch(/completed/);
    expect(list.data.some((e) => e.message.includes(last.fine_tuned_model!))).toBe(true);
    expect(new Set(list.data.map((e) => e.id)).size).toBe(list.data.length);

    // A finished job stays finished.
    stub.clock.advance(60_000);
    expect(await retrieve(job.id)).toEqual(last);
  });

  it('names the model ftm-{uuid} without a suffix, and keeps a 16-emoji suffix whole', async () => {
    const plain = await create({ training_files: ['file-abc123'] });
    expect((await until(plain.id, 'succeeded')).fine_tuned_model).toMatch(new RegExp(`^ftm-${UUID}$`));
    const emoji = '😀'.repeat(16);
    const fancy = await create({ training_files: ['file-abc123'], suffix: emoji });
    expect((await until(fancy.id, 'succeeded')).fine_tuned_model).toMatch(new RegExp(`^ftm-${emoji}-${UUID}$`, 'u'));
  });
});

describe('cancel', () => {
  it.each(['validating_files', 'queued', 'running'] as const)('cancels a %s job; re-cancelling is idempotent; the clock no longer moves it', async (status) => {
    const job = await create();
    await until(job.id, status);
    const first = await cancel(job.id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: job.id, status: 'cancelled', fine_tuned_model: null, error: null });
    expect(first.body.finished_at).toBe(Math.floor(stub.clock.now() / 1000));
    const ev = await events(job.id);
    expect(ev.data[0]!.message).toMatch(/cancelled/);

    stub.clock.advance(5_000);
    const again = await cancel(job.id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    stub.clock.advance(30_000);
    expect(await retrieve(job.id)).toEqual(first.body);
    expect((await events(job.id)).data).toEqual(ev.data);
  });

  it('answers 400 job_not_cancellable for a succeeded job and leaves it as it is', async () => {
    const job = await create();
    const done = await until(job.id, 'succeeded');
    const res = await cancel(job.id);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'job_not_cancellable', param: null });
    expect(await retrieve(job.id)).toEqual(done);
  });

  it('answers 400 for a failed job', async () => {
    const job = await create(referenceBody, { [MOCK_FAIL_HEADER]: 'invalid_training_file' });
    await until(job.id, 'failed');
    const res = await cancel(job.id);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('job_not_cancellable');
  });
});

describe('forced failure', () => {
  it(`the ${MOCK_FAIL_HEADER} header makes that job fail with the error it names`, async () => {
    const job = await create(referenceBody, { [MOCK_FAIL_HEADER]: 'invalid_training_file', [MOCK_FAIL_MESSAGE_HEADER]: 'Line 3 is empty' });
    expect(job.status).toBe('validating_files');
    const failed = await until(job.id, 'failed');
    expect(failed).toMatchObject({ fine_tuned_model: null, error: { code: 'invalid_training_file', message: 'Line 3 is empty', param: null } });
    expect(failed.finished_at).not.toBeNull();
    const ev = await events(job.id);
    expect(ev.data[0]).toMatchObject({ level: 'error' });
    expect(ev.data[0]!.message).toContain('Line 3 is empty');
    // The next job, without the header, succeeds.
    const next = await create();
    expect((await until(next.id, 'succeeded')).error).toBeNull();
  });

  it(`POST ${ADMIN_FAIL_NEXT_PATH} makes only the caller's next job fail; DELETE disarms`, async () => {
    const armed = await stub.http.post(ADMIN_FAIL_NEXT_PATH).set('authorization', auth).send({ code: 'quota_exceeded', message: 'Out of GPU hours' });
    expect(armed.status).toBe(200);
    expect(armed.body).toMatchObject({ armed: true, failure: { code: 'quota_exceeded' } });
    // Another organization's job is not affected.
    const other = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', bearer('someone-else')).send(referenceBody);
    const failing = await create();
    const fine = await create();
    stub.clock.advance(20_000);
    expect((await retrieve(failing.id)).error).toEqual({ code: 'quota_exceeded', message: 'Out of GPU hours', param: null });
    expect((await retrieve(fine.id)).status).toBe('succeeded');
    const otherNow = await stub.http.get(v1(`/fine_tuning/jobs/${other.body.id}`)).set('authorization', bearer('someone-else'));
    expect(otherNow.body.status).toBe('succeeded');

    await stub.http.post(ADMIN_FAIL_NEXT_PATH).set('authorization', auth).send({});
    expect((await stub.http.delete(ADMIN_FAIL_NEXT_PATH).set('authorization', auth)).body).toEqual({ armed: false, failure: null });
    const after = await create();
    stub.clock.advance(20_000);
    expect((await retrieve(after.id)).status).toBe('succeeded');
    expect((await stub.http.post(ADMIN_FAIL_NEXT_PATH).send({})).status).toBe(401);
  });
});

describe('the real clock', () => {
  it('--speed 0 freezes the lifecycle, timestamps stay real', async () => {
    const frozen = await startTestStub({ clock: realClock(0) });
    try {
      const res = await frozen.http.post(v1('/fine_tuning/jobs')).set('authorization', auth).send(referenceBody);
      expect(Math.abs(res.body.created_at - Date.now() / 1000)).toBeLessThan(5);
      await new Promise((r) => setTimeout(r, 150));
      const now = await frozen.http.get(v1(`/fine_tuning/jobs/${res.body.id}`)).set('authorization', auth);
      expect(now.body.status).toBe('validating_files');
    } finally {
      await frozen.close();
    }
  });

  it('a high speed runs a job to the end in a fraction of a second', async () => {
    const fast = await startTestStub({ clock: realClock(1000) }); // ten seconds in ten milliseconds
    try {
      const res = await fast.http.post(v1('/fine_tuning/jobs')).set('authorization', auth).send(referenceBody);
      await new Promise((r) => setTimeout(r, 100));
      const now = await fast.http.get(v1(`/fine_tuning/jobs/${res.body.id}`)).set('authorization', auth);
      conforms(now);
      expect(now.body.status).toBe('succeeded');
      expect(now.body.finished_at - now.body.created_at).toBeLessThanOrEqual(1);
    } finally {
      await fast.close();
    }
  });
});
