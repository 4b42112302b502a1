/**
 * The `--state` journal's records applied to the store, in order, at start; and the other
 * way round, the store's state as records, for a compaction's snapshot.
 */
import type { Session } from './clock.js';
import type { JournalRecord } from './journal-records.js';
import type { Store } from './store.js';

/** Apply one record (a snapshot's or a change's). */
export function replayRecord(store: Store, r: JournalRecord): void {
  switch (r.op) {
    case 'job':
      store.addJob(r);
      break;
    case 'cancel': {
      const job = store.findJob(r.org, r.id);
      if (job) store.cancelAt(job, r.atMs);
      break;
    }
    case 'file':
      store.addFile(r);
      break;
    case 'delete-file':
      store.deleteFile(r.org, r.id);
      break;
    case 'fail-next':
      if (r.failure !== null || store.orgView(r.org).failNext !== null) store.orgFor(r.org).failNext = r.failure;
      break;
    case 'reset':
      store.reset(r.org);
      break;
    case 'advance':
      store.advance(r.org, r.atMs, r.ms);
      break;
    case 'snapshot':
    case 'session':
      break; // the header; sessions are read before the replay, by the clock
  }
}

/** The runs of the stub a journal records (the clock needs them before anything is replayed). */
export const sessionsOf = (records: readonly JournalRecord[]): Session[] =>
  records.flatMap((r) => (r.op === 'session' ? [{ atMs: r.atMs, speed: r.speed }] : []));

/**
 * The clock's history without the runs that changed nothing: a run at the speed of the one
 * before it only continues it (sessionClock gives the same times), so a stub restarted many
 * times at one speed keeps one session, not one per start.
 */
export function compactSessions(sessions: readonly Session[]): Session[] {
  return sessions.filter((s, i) => i === 0 || s.speed !== (sessions[i - 1] as Session).speed);
}

/** The state as records: the sessions (the clock's history), then each organization's state. */
export function* snapshotRecords(store: Store, sessions: () => readonly Session[]): Generator<JournalRecord> {
  for (const s of compactSessions(sessions())) yield { op: 'session', atMs: s.atMs, speed: s.speed };
  yield* store.records();
}
