/**
 * The replay part (service/replay.ts): a snapshot of the store, replayed into an empty one,
 * answers the same (jobs at their status with their events, files, an armed failure), and
 * so does the journal of changes that built it.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, sessionClock, type Session } from '../service/clock.js';
import type { JournalRecord } from '../service/journal-records.js';
import { compactSessions, replayRecord, sessionsOf, snapshotRecords } from '../service/replay.js';
import { createStore, type Store } from '../service/store.js';
import { newJob } from './new-job.js';

const T0 = Date.UTC(2026, 0, 1);
const jobRecord = (...args: Parameters<typeof newJob>): Extract<JournalRecord, { op: 'job' }> => ({ op: 'job', ...newJob(...args) });

const views = (s: Store, org: string) =>
  s.orgView(org).jobs.map((j) => {
    s.materialise(j);
    return { job: s.jobView(j), events: Array.from({ length: s.eventCount(j) }, (_, i) => s.eventAt(j, i)) };
  });

describe('replay', () => {
  it('a snapshot replays to the same state as the changes it was taken from', () => {
    const clock = new ManualClock(T0, 1);
    const changes: JournalRecord[] = [
      jobRecord('org-a', 'ftjob-1', T0),
      { op: 'advance', org: 'org-a', atMs: T0 + 1_000, ms: 3_000 },
      jobRecord('org-a', 'ftjob-2', T0 + 1_500, true),
      { op: 'cancel', org: 'org-a', id: 'ftjob-1', atMs: T0 + 4_000 },
      jobRecord('org-b', 'ftjob-3', T0 + 4_000),
      { op: 'file', org: 'org-b', id: 'file-1', createdMs: T0 + 4_000, filename: 'a.txt', purpose: 'fine-tune', content: 'kept\n' },
      { op: 'file', org: 'org-b', id: 'file-2', createdMs: T0 + 4_000, filename: 'b.txt', purpose: 'fine-tune', content: 'gone\n' },
      { op: 'delete-file', org: 'org-b', id: 'file-2' },
      { op: 'fail-next', org: 'org-b', failure: { code: 'x', message: 'y', param: null } },
      { op: 'reset', org: 'org-c' },
    ];
    const original = createStore(clock);
    for (const r of changes) replayRecord(original, r);
    clock.advance(6_000);
    const sessions: Session[] = [{ atMs: T0, speed: 1 }];
    const snapshot = [...snapshotRecords(original, () => sessions)];
    expect(sessionsOf(snapshot)).toEqual(sessions);
    const restored = createStore(clock);
    for (const r of JSON.parse(JSON.stringify(snapshot)) as JournalRecord[]) replayRecord(restored, r);
    for (const org of ['org-a', 'org-b']) expect(views(restored, org), org).toEqual(views(original, org));
    expect(restored.orgView('org-b').files.filter((f) => !f.shared).map((f) => f.content)).toEqual(['kept\n']);
    expect(restored.orgView('org-b').failNext).toEqual({ code: 'x', message: 'y', param: null });
    // Later, both go on the same way.
    clock.advance(20_000);
    for (const org of ['org-a', 'org-b']) expect(views(restored, org)).toEqual(views(original, org));
  });

  it('a snapshot keeps one session per change of speed: the clock gives the same times', () => {
    const sessions: Session[] = [
      { atMs: T0, speed: 1 },
      { atMs: T0 + 1_000, speed: 1 },
      { atMs: T0 + 2_000, speed: 0 },
      { atMs: T0 + 3_000, speed: 0 },
      { atMs: T0 + 4_000, speed: 10 },
      { atMs: T0 + 5_000, speed: 10 },
    ];
    const kept = compactSessions(sessions);
    expect(kept.map((s) => s.atMs)).toEqual([T0, T0 + 2_000, T0 + 4_000]);
    const live = new ManualClock(T0 + 7_000, 2);
    const full = sessionClock(sessions, live, T0 + 6_000);
    const compact = sessionClock(kept, live, T0 + 6_000);
    for (const since of [T0 - 500, T0 + 500, T0 + 1_500, T0 + 2_500, T0 + 4_500, T0 + 5_500]) {
      expect(compact.elapsedSince(since)).toBe(full.elapsedSince(since));
      expect(compact.wallTimeAfter(since, 1_200)).toBe(full.wallTimeAfter(since, 1_200));
    }
  });
});
