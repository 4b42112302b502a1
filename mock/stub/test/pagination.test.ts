/**
 * Lists: newest first, `after`/`limit` cursors that never skip or repeat an item while
 * jobs are being created, `has_more`, and the same for files and events.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listLimits, type FileObjectList, type FineTuningJobEventList, type FineTuningJobList } from '../../../spec/index.js';
import { sampleJobId } from '../service/sample-job.js';
import { bearer, conforms, referenceBody, startTestStub, v1, withoutSample, expectEveryAnswerConformed, type TestStub } from './helpers.js';

// Every answer any stub in this file gives is checked against the spec, not only those a test inspects.
afterEach(expectEveryAnswerConformed);

let stub: TestStub;
beforeAll(async () => {
  stub = await startTestStub();
});
afterAll(() => stub.close());

async function createJobs(token: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', token).send(referenceBody);
    expect(res.status).toBe(200);
    ids.push(res.body.id as string);
  }
  return ids;
}

async function page(token: string, query: string): Promise<FineTuningJobList> {
  const res = await stub.http.get(v1(`/fine_tuning/jobs${query}`)).set('authorization', token);
  expect(res.status, res.text).toBe(200);
  return conforms(res) as FineTuningJobList;
}

describe('job list', () => {
  it('is newest first, with the default page size and has_more', async () => {
    const token = bearer('pages-default');
    const ids = await createJobs(token, 25);
    const first = await page(token, '');
    expect(first.data).toHaveLength(20);
    expect(listLimits.default).toBe(20);
    expect(first.data.map((j) => j.id)).toEqual(ids.slice().reverse().slice(0, 20));
    expect(first.has_more).toBe(true);
    const rest = await page(token, `?after=${first.data.at(-1)!.id}`);
    // Then the shared sample job, every organization's oldest.
    expect(rest.data.map((j) => j.id)).toEqual([...ids.slice(0, 5).reverse(), sampleJobId]);
    expect(rest.has_more).toBe(false);
    const exact = await page(token, `?limit=26`);
    expect(exact.has_more).toBe(false);
    expect((await page(token, `?after=${ids[0]}`)).data.map((j) => j.id)).toEqual([sampleJobId]);
  });

  it('an empty organization lists nothing of its own (only the shared sample job)', async () => {
    const list = await page(bearer('pages-empty'), '?limit=100');
    expect([withoutSample(list.data), list.has_more]).toEqual([[], false]);
  });

  it('never skips or repeats a job while jobs are being created concurrently', async () => {
    const token = bearer('pages-concurrent');
    const before = await createJobs(token, 30);
    const seen: string[] = [];
    let after: string | undefined;
    const creating: Promise<unknown>[] = [];
    for (;;) {
      // Creates racing the page requests, in parallel.
      for (let i = 0; i < 4; i++) creating.push(stub.http.post(v1('/fine_tuning/jobs')).set('authorization', token).send(referenceBody).then((r) => r.body.id));
      const [p] = await Promise.all([page(token, `?limit=7${after ? `&after=${after}` : ''}`), ...creating.slice(-4)]);
      seen.push(...p.data.map((j) => j.id));
      if (!p.has_more) break;
      after = p.data.at(-1)!.id;
    }
    await Promise.all(creating);
    expect(new Set(seen).size).toBe(seen.length); // no repeats
    for (const id of before) expect(seen).toContain(id); // no skips of what existed
    // Everything after the first page's start is in creation order, newest first.
    const order = seen.filter((id) => before.includes(id));
    expect(order).toEqual(before.slice().reverse());
    // And the full list now holds every job, newest first.
    const all: string[] = [];
    after = undefined;
    for (;;) {
      const p = await page(token, `?limit=${listLimits.max}${after ? `&after=${after}` : ''}`);
      all.push(...p.data.map((j) => j.id));
      if (!p.has_more) break;
      after = p.data.at(-1)!.id;
    }
    const created = (await Promise.all(creating)) as string[];
    const own = all.filter((id) => id !== sampleJobId);
    expect(own).toHaveLength(before.length + created.length);
    expect(own.slice(-before.length)).toEqual(before.slice().reverse());
  });

  it('answers 400 param after for a cursor naming no job', async () => {
    const res = await stub.http.get(v1('/fine_tuning/jobs?after=ftjob-doesnotexist')).set('authorization', bearer('pages-default'));
    conforms(res);
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe('after');
  });
});

describe('events and files page the same way', () => {
  it('events: newest first, after/limit, has_more', async () => {
    const token = bearer('pages-events');
    const [id] = await createJobs(token, 1);
    stub.clock.advance(20_000);
    const all = conforms(await stub.http.get(v1(`/fine_tuning/jobs/${id}/events?limit=100`)).set('authorization', token)) as FineTuningJobEventList;
    expect(all.data.length).toBeGreaterThanOrEqual(4);
    const got: string[] = [];
    let after = '';
    for (;;) {
      const res = await stub.http.get(v1(`/fine_tuning/jobs/${id}/events?limit=2${after}`)).set('authorization', token);
      const p = conforms(res) as FineTuningJobEventList;
      got.push(...p.data.map((e) => e.id));
      if (!p.has_more) break;
      after = `&after=${p.data.at(-1)!.id}`;
    }
    expect(got).toEqual(all.data.map((e) => e.id));
    const bad = await stub.http.get(v1(`/fine_tuning/jobs/${id}/events?after=ftevent-nope`)).set('authorization', token);
    conforms(bad);
    expect(bad.body.error.param).toBe('after');
  });

  it('events: the id of an event the job has not reached yet is an unknown cursor', async () => {
    const token = bearer('pages-events-future');
    const [id] = await createJobs(token, 1);
    const seen = conforms(await stub.http.get(v1(`/fine_tuning/jobs/${id}/events`)).set('authorization', token)) as FineTuningJobEventList;
    const newest = seen.data[0]!.id;
    // Event ids end in their step number; the next step's id is well formed but not there yet.
    const future = newest.replace(/-(\d+)$/, (_m, n: string) => `-${Number(n) + 1}`);
    const bad = await stub.http.get(v1(`/fine_tuning/jobs/${id}/events?after=${future}`)).set('authorization', token);
    conforms(bad);
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('after');
    const fine = await stub.http.get(v1(`/fine_tuning/jobs/${id}/events?after=${newest}`)).set('authorization', token);
    expect((conforms(fine) as FineTuningJobEventList).data.map((e) => e.id)).toEqual(seen.data.slice(1).map((e) => e.id));
  });

  it('files: own uploads newest first, then the shared samples', async () => {
    const token = bearer('pages-files');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await stub.http.post(v1('/files')).set('authorization', token).field('purpose', 'fine-tune').attach('file', Buffer.from(`doc ${i}\n`), `f${i}.txt`);
      ids.push(res.body.id);
    }
    const first = conforms(await stub.http.get(v1('/files?limit=2')).set('authorization', token)) as FileObjectList;
    expect(first.data.map((f) => f.id)).toEqual([ids[2], ids[1]]);
    expect(first.has_more).toBe(true);
    const second = conforms(await stub.http.get(v1(`/files?limit=2&after=${ids[1]}`)).set('authorization', token)) as FileObjectList;
    expect(second.data.map((f) => f.id)).toEqual([ids[0], 'file-abc124']);
    const third = conforms(await stub.http.get(v1(`/files?limit=2&after=file-abc124`)).set('authorization', token)) as FileObjectList;
    expect(third).toMatchObject({ has_more: false });
    expect(third.data.map((f) => f.id)).toEqual(['file-abc123']);
  });
});
