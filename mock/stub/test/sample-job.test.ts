/**
 * The shared sample job `ftjob-abc123` (the spec's path example): a fresh organization answers
 * 200 to every path example's GET, on the stub and the MSW handlers alike; the job is succeeded,
 * with its model and events, listed oldest like the sample files, read-only (cancel 400), kept by
 * reset, one record for every organization (each reads it as its own), and never journaled.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { document, operations, type FineTuningJob, type FineTuningJobEventList, type FineTuningJobList } from '../../../spec/index.js';
import { createVaeroHandlers } from '../../../msw/index.js';
import { createService } from '../service/service.js';
import { sampleJobId } from '../service/sample-job.js';
import { bearer, conforms, expectEveryAnswerConformed, startTestStub, v1, type TestStub } from './helpers.js';

/** Every GET of the spec with its path parameters filled from their parameter-level examples. */
function exampleGets(): string[] {
  const paramExamples = new Map<string, string>();
  const params = (document.components?.parameters ?? {}) as Record<string, { in?: string; name?: string; example?: string }>;
  for (const p of Object.values(params)) if (p.in === 'path' && p.name && p.example) paramExamples.set(p.name, p.example);
  return operations
    .filter((op) => op.method === 'get')
    .map((op) =>
      op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        const example = paramExamples.get(name);
        if (!example) throw new Error(`no example for path parameter ${name}`);
        return example;
      }),
    );
}

let stub: TestStub;
beforeAll(async () => {
  stub = await startTestStub({ speed: 0 });
});
afterAll(async () => {
  await stub.close();
});
afterEach(() => expectEveryAnswerConformed());

describe('the shared sample job on the stub', () => {
  it('a fresh organization answers 200 to every path example GET', async () => {
    const gets = exampleGets();
    expect(gets).toContain(`/fine_tuning/jobs/${sampleJobId}`);
    for (const path of gets) {
      const res = await stub.http.get(v1(path)).set('authorization', bearer(`fresh-${path}`));
      expect(res.status, path).toBe(200);
    }
  });

  it('is succeeded, with its model and its events, and each organization reads it as its own', async () => {
    const a = await stub.http.get(v1(`/fine_tuning/jobs/${sampleJobId}`)).set('authorization', bearer('sample-a'));
    const b = await stub.http.get(v1(`/fine_tuning/jobs/${sampleJobId}`)).set('authorization', bearer('sample-b'));
    const ja = conforms(a, 'retrieveFineTuningJob') as FineTuningJob;
    const jb = conforms(b, 'retrieveFineTuningJob') as FineTuningJob;
    expect(ja).toMatchObject({ id: sampleJobId, status: 'succeeded', fine_tuned_model: expect.stringMatching(/^ftm-/), error: null });
    expect(ja.organization_id).not.toBe(jb.organization_id);
    expect({ ...ja, organization_id: '' }).toEqual({ ...jb, organization_id: '' });
    const events = conforms(await stub.http.get(v1(`/fine_tuning/jobs/${sampleJobId}/events`)).set('authorization', bearer('sample-a')), 'listFineTuningEvents') as FineTuningJobEventList;
    expect(events.data.length).toBeGreaterThan(2);
    expect(events.data[0]!.message).toMatch(/completed/);
    expect(events.data.at(-1)!.message).toMatch(/Created/);
    expect(events.data.every((e) => e.created_at >= ja.created_at && e.created_at <= ja.finished_at!)).toBe(true);
    const page = conforms(await stub.http.get(v1(`/fine_tuning/jobs/${sampleJobId}/events?limit=1&after=${events.data[0]!.id}`)).set('authorization', bearer('sample-a')), 'listFineTuningEvents') as FineTuningJobEventList;
    expect(page.data.map((e) => e.id)).toEqual([events.data[1]!.id]);
  });

  it('is listed oldest, after the organization own jobs, and pages like them', async () => {
    const token = bearer('sample-list');
    const created = conforms(await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', token).send({ training_files: ['file-abc123'] }), 'createFineTuningJob') as FineTuningJob;
    const all = conforms(await stub.http.get(v1('/fine_tuning/jobs')).set('authorization', token), 'listFineTuningJobs') as FineTuningJobList;
    expect(all.data.map((j) => j.id)).toEqual([created.id, sampleJobId]);
    const next = conforms(await stub.http.get(v1(`/fine_tuning/jobs?limit=1&after=${created.id}`)).set('authorization', token), 'listFineTuningJobs') as FineTuningJobList;
    expect([next.data.map((j) => j.id), next.has_more]).toEqual([[sampleJobId], false]);
    const last = conforms(await stub.http.get(v1(`/fine_tuning/jobs?after=${sampleJobId}`)).set('authorization', token), 'listFineTuningJobs') as FineTuningJobList;
    expect([last.data, last.has_more]).toEqual([[], false]);
  });

  it('is read-only: a cancel is 400 job_not_cancellable, and it stays succeeded', async () => {
    const token = bearer('sample-cancel');
    const res = await stub.http.post(v1(`/fine_tuning/jobs/${sampleJobId}/cancel`)).set('authorization', token);
    expect([res.status, (res.body as { error: { code: string } }).error.code]).toEqual([400, 'job_not_cancellable']);
    const after = await stub.http.get(v1(`/fine_tuning/jobs/${sampleJobId}`)).set('authorization', token);
    expect((after.body as FineTuningJob).status).toBe('succeeded');
  });

  it('is kept by reset', async () => {
    const control = stub.service.control;
    const org = stub.service.authenticate('sample-reset');
    if (!org.ok) throw new Error('token refused');
    control.reset(org.value);
    const res = await stub.http.get(v1(`/fine_tuning/jobs/${sampleJobId}`)).set('authorization', bearer('sample-reset'));
    expect(res.status).toBe(200);
  });
});

describe('the shared sample job elsewhere', () => {
  it('the MSW handlers serve it too', async () => {
    const vaero = createVaeroHandlers({ baseUrl: 'https://sample.test/v1' });
    const server = setupServer(...vaero.handlers);
    server.listen({ onUnhandledRequest: 'error' });
    try {
      for (const path of exampleGets()) {
        const res = await fetch(`https://sample.test/v1${path}`, { headers: { authorization: 'Bearer msw-fresh' } });
        expect(res.status, path).toBe(200);
      }
    } finally {
      server.close();
    }
  });

  it('is never written to the --state journal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vaero-sample-job-'));
    try {
      const statePath = join(dir, 'state.jsonl');
      const service = createService({ statePath, speed: 0 });
      const org = service.authenticate('journal');
      if (!org.ok) throw new Error('token refused');
      expect(service.retrieveJob(org.value, sampleJobId).ok).toBe(true);
      expect(service.listJobs(org.value, { limit: 20 }).ok).toBe(true);
      await service.close();
      expect(readFileSync(statePath, 'utf8')).not.toContain(sampleJobId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
