/**
 * Helpers for the --state tests: a service on a journal with a frozen manual clock, a small
 * run of changes (each one journal record), and what an organization's state looks like
 * through the API (so a restart is compared by what clients see, not by internals).
 */
import { ManualClock } from '../service/clock.js';
import type { JournalOptions } from '../service/journal.js';
import type { Result } from '../service/result.js';
import type { CreateJobInput } from '../service/jobs.js';
import { createService, type StubService } from '../service/service.js';

export const T0 = Date.UTC(2026, 0, 1);
const enc = new TextEncoder();

export function open(statePath: string, journal: JournalOptions = {}): StubService {
  return createService({ statePath, clock: new ManualClock(T0 + 60_000, 0), journal });
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected a value, got ${r.error.status} ${r.error.message}`);
  return r.value;
}

const orgOf = (s: StubService, token: string): string => value(s.authenticate(token));

/** What clients of both test organizations see: their jobs (with events) and files. */
export function stateOf(s: StubService): unknown {
  return ['token-a', 'token-b'].map((token) => {
    const org = orgOf(s, token);
    const jobs = value(s.listJobs(org, { limit: 100 }));
    return {
      jobs,
      events: jobs.data.map((j) => value(s.listEvents(org, j.id, { limit: 100 }))),
      files: value(s.listFiles(org, { limit: 100 })),
      contents: value(s.listFiles(org, { limit: 100 })).data.map((f) => value(s.fileContent(org, f.id))),
    };
  });
}

/** Changes of every kind, each of which journals exactly one record. */
export function changes(s: StubService): Array<() => void> {
  const a = orgOf(s, 'token-a');
  const b = orgOf(s, 'token-b');
  let fileId = '';
  let jobId = '';
  const body: CreateJobInput = { style_model: 'vaero-1', base_model: 'general', training_files: ['file-abc123'] };
  return [
    () => void (fileId = value(s.uploadFile(a, { filename: 'a.txt', purpose: 'fine-tune', content: enc.encode('one\n***\ntwo\n') })).id),
    () => void (jobId = value(s.createJob(a, { ...body, training_files: [fileId] })).id),
    () => void value(s.createJob(b, { ...body, suffix: 'bee' })),
    () => void value(s.control.advance(a, 3_000)),
    () => void value(s.cancelJob(a, jobId)),
    () => void value(s.createJob(a, body)),
    () => void value(s.control.seedFile(b, { filename: 'seed.txt', content: 'seeded\n' })),
    () => void value(s.deleteFile(a, fileId)),
    () => void value(s.failNextJob(b, { code: 'boom', message: 'Boom', param: null })),
    () => void value(s.control.seedJob(a, { status: 'succeeded' })),
    () => void value(s.control.reset(b)),
    () => void value(s.createJob(b, body)),
  ];
}
