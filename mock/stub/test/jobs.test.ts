/** The jobs part (service/jobs.ts) on its own: what each operation journals, the armed failure, cancel rules. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../service/clock.js';
import type { JournalRecord } from '../service/journal-records.js';
import { createJobOperations, type CreateJobInput } from '../service/jobs.js';
import { sampleJobView } from '../service/sample-job.js';
import { createStore } from '../service/store.js';

const body: CreateJobInput = { style_model: 'vaero-1', base_model: 'general', training_files: ['file-abc123'] };

function setup() {
  const clock = new ManualClock(Date.UTC(2026, 0, 1), 1);
  const store = createStore(clock);
  const journal: JournalRecord[] = [];
  const disarmed: string[] = [];
  const jobs = createJobOperations(store, () => clock.now(), (r) => journal.push(r), (org) => disarmed.push(org));
  return { clock, store, journal, disarmed, jobs };
}

describe('jobs', () => {
  it('an armed failure goes to the next job only, and its disarming is journaled with the job', () => {
    const { clock, journal, jobs } = setup();
    jobs.failNextJob('org', { code: 'boom', message: 'Boom', param: null });
    const failing = jobs.createJob('org', body);
    const fine = jobs.createJob('org', body);
    expect(journal.map((r) => r.op)).toEqual(['fail-next', 'fail-next', 'job', 'job']);
    clock.advance(20_000);
    const a = failing.ok && jobs.retrieveJob('org', failing.value.id);
    const b = fine.ok && jobs.retrieveJob('org', fine.value.id);
    expect(a && a.ok && a.value).toMatchObject({ status: 'failed', error: { code: 'boom' } });
    expect(b && b.ok && b.value).toMatchObject({ status: 'succeeded', error: null });
  });

  it('disarming when nothing is armed journals nothing; disarming lets the organization be dropped', () => {
    const { journal, disarmed, jobs } = setup();
    expect(jobs.failNextJob('org', null)).toEqual({ ok: true, value: null });
    expect(journal).toEqual([]);
    jobs.failNextJob('org', { code: 'x', message: 'y', param: null });
    jobs.failNextJob('org', null);
    expect(disarmed).toEqual(['org']);
  });

  it('a cancel is journaled once; re-cancelling and cancelling a finished job journal nothing', () => {
    const { clock, journal, jobs } = setup();
    const job = jobs.createJob('org', body);
    if (!job.ok) throw new Error('create refused');
    clock.advance(1_000);
    expect(jobs.cancelJob('org', job.value.id)).toMatchObject({ ok: true, value: { status: 'cancelled' } });
    expect(jobs.cancelJob('org', job.value.id)).toMatchObject({ ok: true, value: { status: 'cancelled' } });
    const done = jobs.createJob('org', body);
    clock.advance(20_000);
    const refused = done.ok && jobs.cancelJob('org', done.value.id);
    expect(refused && !refused.ok && refused.error).toMatchObject({ status: 400, code: 'job_not_cancellable' });
    expect(journal.map((r) => r.op)).toEqual(['job', 'cancel', 'job']);
  });

  it('an unknown job, and one of another organization, is a 404; a list of an organization with nothing is empty', () => {
    const { jobs, store } = setup();
    const job = jobs.createJob('org', body);
    if (!job.ok) throw new Error('create refused');
    expect(jobs.retrieveJob('other', job.value.id)).toMatchObject({ ok: false, error: { status: 404 } });
    // Nothing of its own: only the shared sample job (and listing it stores nothing).
    expect(jobs.listJobs('nobody', { limit: 10 })).toEqual({ ok: true, value: { object: 'list', data: [sampleJobView('nobody')], has_more: false } });
    expect([...store.organizations()]).toEqual(['org']);
  });
});
