/**
 * The stub's service: organizations, files, jobs, their lifecycle and events, and the
 * `--state` journal. It knows nothing of HTTP: every function takes input the adapter has
 * already validated against the spec and answers a Result (its value, or the Violation
 * the contract prescribes). It is a plain object of functions so a test can wrap one.
 *
 * Its parts: the store (store.ts: state and views), the jobs and files APIs (jobs.ts,
 * files.ts), a test's steering (control.ts), who is calling and when they are forgotten
 * (tenancy.ts), and the journal (journal.ts), replayed at start (replay.ts).
 */
import { realClock, sessionClock, type LifecycleClock, type Session } from './clock.js';
import { createControl, type StubControl } from './control.js';
import { createFileOperations, type FileOperations } from './files.js';
import { Journal, type JournalOptions, type JournalRecord } from './journal.js';
import { createJobOperations, type JobOperations } from './jobs.js';
import { replayRecord, sessionsOf, snapshotRecords } from './replay.js';
import { createRequestLogBook } from './request-log.js';
import type { Result } from './result.js';
import { createStore } from './store.js';
import { createTenancy } from './tenancy.js';

export type { CreateJobInput, CreateJobOptions } from './jobs.js';
export type { UploadInput } from './files.js';
export type { PageInput } from './paging.js';

export interface ServiceOptions {
  /** The lifecycle clock (default: the real clock at `speed`). */
  clock?: LifecycleClock;
  /** Lifecycle pace for the default clock: 1 = about ten seconds from created to succeeded, 0 = frozen. */
  speed?: number;
  /** Keep state across restarts in this journal file (locked: one stub per file). */
  statePath?: string;
  /** The journal's file operations and compaction threshold (tests). */
  journal?: JournalOptions;
  /** Accept only these bearer tokens (default: any token; each is its own organization). */
  tokens?: readonly string[];
}

export interface StubService extends JobOperations, FileOperations {
  readonly clock: LifecycleClock;
  /** The organization a bearer token belongs to, or 401 if the token is not accepted. */
  authenticate(token: string): Result<string>;
  /** A test's steering: reset an organization, seed jobs and files, advance its clock, latency, the request log. */
  readonly control: StubControl;
  /**
   * Resolves once every change made so far is on disk (with --state; at once without):
   * await it before answering, so no change is acknowledged, or seen, before it is kept.
   * Rejects if the journal could not be written.
   */
  committed(): Promise<void> | undefined;
  /** The journal file's size and its snapshot's (0 without --state). */
  stateBytes(): { file: number; snapshot: number };
  /** Write what is queued, close the journal and release its lock. */
  close(): Promise<void>;
}

export function createService(options: ServiceOptions = {}): StubService {
  const live = options.clock ?? realClock(options.speed ?? 1);
  const opened = options.statePath ? Journal.open(options.statePath, options.journal) : undefined;
  try {
    return assemble(options, live, opened);
  } catch (e) {
    void opened?.journal.close();
    throw e;
  }
}

function assemble(options: ServiceOptions, live: LifecycleClock, opened: { journal: Journal; records: JournalRecord[] } | undefined): StubService {
  // With a journal, the clock also knows the speeds of earlier runs (see sessionClock).
  const startedAt = live.now();
  const sessions: Session[] = sessionsOf(opened?.records ?? []);
  const clock = sessionClock(sessions, live, startedAt);
  const now = () => clock.now();
  const store = createStore(clock);
  let journal: Journal | undefined;
  const record = (r: JournalRecord): void => journal?.append(r);

  const requests = createRequestLogBook(now, undefined, () => tenancy.sweepSometimes());
  const control: StubControl = createControl({
    store,
    clock,
    record,
    requests,
    mayBeIdle: (org) => void tenancy.dropIfIdle(org),
    failNext: (org, failure) => jobs.failNextJob(org, failure),
  });
  const tenancy = createTenancy({ tokens: options.tokens, store, requests, hasLatency: control.hasLatency, now });
  const jobs = createJobOperations(store, now, record, (org) => void tenancy.dropIfIdle(org));
  const files = createFileOperations(store, now, record, (org) => void tenancy.dropIfIdle(org));

  if (opened) {
    for (const r of opened.records) replayRecord(store, r);
    journal = opened.journal;
    sessions.push({ atMs: startedAt, speed: live.speed });
    record({ op: 'session', atMs: startedAt, speed: live.speed });
    journal.compactFrom(() => snapshotRecords(store, () => sessions));
  }

  return {
    clock,
    control,
    ...jobs,
    ...files,
    authenticate: tenancy.authenticate,
    committed: () => journal?.committed(),
    stateBytes: () => journal?.bytes ?? { file: 0, snapshot: 0 },
    async close() {
      const j = journal;
      journal = undefined;
      await j?.close();
    },
  };
}
