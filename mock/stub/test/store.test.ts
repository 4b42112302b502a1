/**
 * The store (service/store.ts) on its own: reading creates no organization, a deleted file
 * keeps no text, an organization owns nothing once its jobs, files and armed failure are
 * gone, and its clock advances are folded into its jobs (bounded) without changing any
 * job's status, events or times.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../service/clock.js';
import { createStore, MAX_ADVANCES } from '../service/store.js';
import { newJob } from './new-job.js';

const T0 = Date.UTC(2026, 0, 1);

describe('the store', () => {
  it('reading an organization that has nothing creates nothing', () => {
    const store = createStore(new ManualClock(T0, 0));
    expect(store.findFile('org-r', 'file-abc123')?.shared).toBe(true);
    expect(store.findFile('org-r', 'file-nope')).toBeUndefined();
    expect(store.findJob('org-r', 'ftjob-nope')).toBeUndefined();
    expect(store.orgView('org-r').jobs).toEqual([]);
    expect([...store.organizations()]).toEqual([]);
  });

  it('a deleted file keeps no text; the organization then owns nothing', () => {
    const store = createStore(new ManualClock(T0, 0));
    const f = store.addFile({ org: 'org-f', id: 'file-1', createdMs: T0, filename: 'a.txt', purpose: 'fine-tune', content: 'x'.repeat(1 << 20) });
    expect(store.ownsNothing('org-f')).toBe(false);
    store.deleteFile('org-f', 'file-1');
    expect(f.content).toBe('');
    expect(store.findFile('org-f', 'file-1')).toBeUndefined();
    expect(store.ownsNothing('org-f')).toBe(true);
    store.deleteFile('org-f', 'file-abc123'); // a shared sample is never deleted
    expect(store.findFile('org-f', 'file-abc123')?.content.length).toBeGreaterThan(0);
  });

  it('an organization with a job, or an armed failure, owns something', () => {
    const store = createStore(new ManualClock(T0, 0));
    store.addJob(newJob('org-j', 'ftjob-1', T0));
    store.orgFor('org-a').failNext = { code: 'x', message: 'y', param: null };
    expect(store.ownsNothing('org-j')).toBe(false);
    expect(store.ownsNothing('org-a')).toBe(false);
    expect(store.ownsNothing('org-unknown')).toBe(true);
  });

  it('folds advances once they pile up: the same statuses, events and times as without folding', () => {
    const clock = new ManualClock(T0, 0.1);
    const folded = createStore(clock);
    const kept = createStore(clock, { maxAdvances: Infinity });
    for (const s of [folded, kept]) s.addJob(newJob('org-c', 'ftjob-0', T0));
    const views = (s: typeof folded) =>
      s.orgView('org-c').jobs.map((j) => {
        s.materialise(j);
        return { job: s.jobView(j), events: Array.from({ length: s.eventCount(j) }, (_, i) => s.eventAt(j, i)) };
      });
    for (let i = 1; i <= 200; i++) {
      clock.advance(37);
      // A job now and then, so advances move some jobs and not others.
      if (i % 25 === 0) for (const s of [folded, kept]) s.addJob(newJob('org-c', `ftjob-${i}`, clock.now()));
      for (const s of [folded, kept]) s.advance('org-c', clock.now(), 45);
      if (i % 50 === 0) expect(views(folded), `after advance ${i}`).toEqual(views(kept));
      expect(folded.orgView('org-c').advances.length).toBeLessThanOrEqual(MAX_ADVANCES);
    }
    clock.advance(120_000);
    expect(views(folded)).toEqual(views(kept));
    expect(kept.orgView('org-c').advances.length).toBe(200);
  });
});
