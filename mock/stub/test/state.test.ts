/**
 * --state: every acknowledged change survives a restart (jobs, cancels, uploads,
 * deletes, an armed failure); a torn last line (a kill mid-write) is dropped; a damaged
 * journal is refused; a large journal replays fast.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ADMIN_FAIL_NEXT_PATH } from '../http/app.js';
import { ManualClock } from '../service/clock.js';
import { createService } from '../service/service.js';
import { bearer, conforms, referenceBody, startTestStub, v1, withoutSample, expectEveryAnswerConformed, type TestStub } from './helpers.js';

// Every answer any stub in this file gives is checked against the spec, not only those a test inspects.
afterEach(expectEveryAnswerConformed);

const dir = mkdtempSync(join(tmpdir(), 'vaero-stub-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const A = bearer('state-a');

async function restart(old: TestStub, statePath: string): Promise<TestStub> {
  const at = old.clock.now();
  await old.close();
  return startTestStub({ statePath, clock: new ManualClock(at) });
}

describe('--state FILE', () => {
  it('keeps jobs, statuses, cancels, files, deletes and an armed failure across a restart', async () => {
    const statePath = join(dir, 'full.jsonl');
    let stub = await startTestStub({ statePath });
    const up = await stub.http.post(v1('/files')).set('authorization', A).field('purpose', 'fine-tune').attach('file', Buffer.from('first\n***\nsecond\n'), 't.txt');
    const gone = await stub.http.post(v1('/files')).set('authorization', A).field('purpose', 'fine-tune').attach('file', Buffer.from('bye\n'), 'gone.txt');
    await stub.http.delete(v1(`/files/${gone.body.id}`)).set('authorization', A);
    const kept = (await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', A).send({ training_files: [up.body.id] })).body;
    const cancelled = (await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', A).send(referenceBody)).body;
    stub.clock.advance(5_000);
    await stub.http.post(v1(`/fine_tuning/jobs/${cancelled.id}/cancel`)).set('authorization', A);
    await stub.http.post(ADMIN_FAIL_NEXT_PATH).set('authorization', A).send({ code: 'boom' });
    const before = {
      jobs: (await stub.http.get(v1('/fine_tuning/jobs')).set('authorization', A)).body,
      files: (await stub.http.get(v1('/files')).set('authorization', A)).body,
      events: (await stub.http.get(v1(`/fine_tuning/jobs/${cancelled.id}/events`)).set('authorization', A)).body,
      content: (await stub.http.get(v1(`/files/${up.body.id}/content`)).set('authorization', A)).text,
    };
    expect(withoutSample(before.jobs.data as { id: string; status: string }[]).map((j) => j.status)).toEqual(['cancelled', 'running']);

    stub = await restart(stub, statePath);
    try {
      expect(conforms(await stub.http.get(v1('/fine_tuning/jobs')).set('authorization', A))).toEqual(before.jobs);
      expect(conforms(await stub.http.get(v1('/files')).set('authorization', A))).toEqual(before.files);
      expect((await stub.http.get(v1(`/fine_tuning/jobs/${cancelled.id}/events`)).set('authorization', A)).body).toEqual(before.events);
      expect((await stub.http.get(v1(`/files/${up.body.id}/content`)).set('authorization', A)).text).toBe(before.content);
      expect((await stub.http.get(v1(`/files/${gone.body.id}`)).set('authorization', A)).status).toBe(404);
      // The lifecycle carries on: the running job succeeds, with the model name it was given.
      stub.clock.advance(10_000);
      const done = (await stub.http.get(v1(`/fine_tuning/jobs/${kept.id}`)).set('authorization', A)).body;
      expect(done.status).toBe('succeeded');
      // The armed failure survived: the next job fails.
      const next = (await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', A).send(referenceBody)).body;
      stub.clock.advance(20_000);
      expect((await stub.http.get(v1(`/fine_tuning/jobs/${next.id}`)).set('authorization', A)).body.error).toMatchObject({ code: 'boom' });
      stub = await restart(stub, statePath);
      expect((await stub.http.get(v1(`/fine_tuning/jobs/${kept.id}`)).set('authorization', A)).body).toEqual(done);
    } finally {
      await stub.close();
    }
  });

  it('a restart with another --speed keeps each job where it was: frozen stays frozen, then it carries on', async () => {
    const statePath = join(dir, 'speeds.jsonl');
    const t0 = Date.now() - 3_600_000;
    let stub = await startTestStub({ statePath, clock: new ManualClock(t0, 1) });
    const job = (await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', A).send(referenceBody)).body;
    stub.clock.advance(5_000);
    const running = (await stub.http.get(v1(`/fine_tuning/jobs/${job.id}`)).set('authorization', A)).body;
    expect(running.status).toBe('running');
    await stub.close();

    // Restarted at once, frozen (--speed 0): still running, however long it waits. (While the
    // stub is down, time passes at the speed it last ran at, as it would for the real service.)
    stub = await startTestStub({ statePath, clock: new ManualClock(t0 + 5_000, 0) });
    expect((await stub.http.get(v1(`/fine_tuning/jobs/${job.id}`)).set('authorization', A)).body).toEqual(running);
    stub.clock.advance(600_000);
    const events = (await stub.http.get(v1(`/fine_tuning/jobs/${job.id}/events`)).set('authorization', A)).body;
    expect((await stub.http.get(v1(`/fine_tuning/jobs/${job.id}`)).set('authorization', A)).body).toEqual(running);
    await stub.close();

    // Restarted at 10x (the frozen run's downtime moved nothing): the rest of the lifecycle,
    // 5 s at speed 1, takes 0.5 s.
    stub = await startTestStub({ statePath, clock: new ManualClock(t0 + 1_000_000, 10) });
    try {
      expect((await stub.http.get(v1(`/fine_tuning/jobs/${job.id}/events`)).set('authorization', A)).body).toEqual(events);
      stub.clock.advance(300);
      expect((await stub.http.get(v1(`/fine_tuning/jobs/${job.id}`)).set('authorization', A)).body.status).toBe('running');
      stub.clock.advance(300);
      const done = (await stub.http.get(v1(`/fine_tuning/jobs/${job.id}`)).set('authorization', A)).body;
      expect(done.status).toBe('succeeded');
      expect(done.finished_at).toBe(Math.floor((t0 + 1_000_500) / 1000)); // 5 s of lifecycle left at 10x: 0.5 s of wall time
    } finally {
      await stub.close();
    }
  });

  it('drops a torn last line (a kill mid-write), truncates it away and keeps appending', async () => {
    const statePath = join(dir, 'torn.jsonl');
    let stub = await startTestStub({ statePath });
    const job = (await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', A).send(referenceBody)).body;
    const at = stub.clock.now();
    await stub.close();
    appendFileSync(statePath, '{"op":"job","org":"org-x","id":"ftjob-torn","createdMs":17'); // no newline: torn
    stub = await startTestStub({ statePath, clock: new ManualClock(at) });
    try {
      expect((await stub.http.get(v1(`/fine_tuning/jobs/${job.id}`)).set('authorization', A)).body).toEqual(job);
      expect(readFileSync(statePath, 'utf8')).not.toContain('ftjob-torn');
      const second = (await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', A).send(referenceBody)).body;
      stub = await restart(stub, statePath);
      const list = (await stub.http.get(v1('/fine_tuning/jobs')).set('authorization', A)).body;
      expect(withoutSample(list.data as { id: string }[]).map((j) => j.id)).toEqual([second.id, job.id]);
      for (const line of readFileSync(statePath, 'utf8').trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      await stub.close();
    }
  });

  it('refuses to start on a journal damaged in the middle, naming the line', () => {
    const statePath = join(dir, 'damaged.jsonl');
    writeFileSync(statePath, '{"op":"fail-next","org":"org-a","failure":null}\nnot json\n{"op":"fail-next","org":"org-a","failure":null}\n');
    expect(() => createService({ statePath })).toThrow(/damaged.jsonl:2/);
  });

  // How fast is the bench's to say (restart on 100,000 jobs); this holds what is read back.
  it('replays a journal of 20,000 jobs', async () => {
    const statePath = join(dir, 'large.jsonl');
    const lines: string[] = [];
    const t = Date.now();
    for (let i = 0; i < 20_000; i++) {
      lines.push(
        JSON.stringify({
          op: 'job',
          org: `org-${i % 10}`,
          id: `ftjob-large${i}`,
          createdMs: t - i,
          style_model: 'vaero-1',
          base_model: 'general',
          training_files: ['file-abc123'],
          suffix: null,
          fineTunedModel: 'ftm-0b5ace7e-ffb2-43cf-8a4d-0af17bc2b1d1',
          failure: null,
        }),
      );
    }
    writeFileSync(statePath, lines.join('\n') + '\n');
    const service = createService({ statePath, speed: 0 });
    const page = service.listJobs('org-3', { limit: 5 });
    expect(page.ok && page.value.data.length).toBe(5);
    expect(page.ok && page.value.has_more).toBe(true);
    // The journal's last write and the lock's release finish before the folder is removed.
    await service.close();
  });
});
