/**
 * One job's progress (service/job-progress.ts): steps are reached as the clock goes, each
 * keeps the time it was reached (its event's time), a cancel stops it, and a job rebuilt from
 * what a snapshot keeps (jobState) answers as the original did.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../service/clock.js';
import { eventAt, eventCount, jobState, jobView, materialiseJob, newJobRecord, cancelJobAt, type JobRecord, type NewJob } from '../service/job-progress.js';
import { LIFECYCLE_MS } from '../service/lifecycle.js';

const T0 = Date.UTC(2026, 0, 1);
const created: NewJob = { org: 'org', id: 'ftjob-1', createdMs: T0, style_model: 'vaero-1', base_model: 'general', training_files: ['file-abc123'], suffix: null, fineTunedModel: 'ftm-1', failure: null };
const answer = (job: JobRecord) => ({ job: jobView(job), events: Array.from({ length: eventCount(job) }, (_, i) => eventAt(job, i)) });

describe('job progress', () => {
  it('reaches its steps as the clock goes, each event at the time its step was reached, and succeeds', () => {
    const clock = new ManualClock(T0, 1);
    const job = newJobRecord(created, 0);
    expect(materialiseJob(job, clock, []).status).toBe('validating_files');
    clock.advance(LIFECYCLE_MS);
    materialiseJob(job, clock, []);
    expect(jobView(job)).toMatchObject({ status: 'succeeded', finished_at: Math.floor((T0 + LIFECYCLE_MS) / 1000), fine_tuned_model: 'ftm-1' });
    const times = Array.from({ length: eventCount(job) }, (_, i) => eventAt(job, i).created_at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)).toBe(Math.floor((T0 + LIFECYCLE_MS) / 1000));
  });

  it('a cancelled job stops where it was, with a cancel event', () => {
    const clock = new ManualClock(T0, 1);
    const job = newJobRecord(created, 0);
    clock.advance(5_000);
    materialiseJob(job, clock, []);
    cancelJobAt(job, clock.now());
    clock.advance(LIFECYCLE_MS);
    materialiseJob(job, clock, []);
    expect(job.status).toBe('cancelled');
    expect(eventAt(job, eventCount(job) - 1)).toMatchObject({ message: 'The job was cancelled', created_at: Math.floor((T0 + 5_000) / 1000) });
  });

  it('rebuilt from what a snapshot keeps, it answers as the original did, and goes on the same way', () => {
    const clock = new ManualClock(T0, 1);
    const original = newJobRecord(created, 0);
    clock.advance(4_500);
    materialiseJob(original, clock, [{ atMs: T0 + 1_000, ms: 1_000, jobs: 1 }]);
    const rebuilt = newJobRecord(JSON.parse(JSON.stringify(jobState(original))), 0);
    expect(answer(rebuilt)).toEqual(answer(original));
    clock.advance(3_000);
    materialiseJob(original, clock, [{ atMs: T0 + 1_000, ms: 1_000, jobs: 1 }]);
    materialiseJob(rebuilt, clock, [{ atMs: T0 + 1_000, ms: 1_000, jobs: 1 }]);
    expect(answer(rebuilt)).toEqual(answer(original));
  });
});
