/**
 * The stub's state: organizations, their jobs and files, kept oldest first with an index by
 * id, and the views the API answers with (a job's progress through its lifecycle is
 * job-progress.ts). The service (the API's operations) and the control (a test's steering)
 * both work on one store.
 *
 * Memory stays bounded by what organizations own: reading never creates an organization
 * (one that has nothing answers from a shared empty view), a deleted file keeps no text,
 * an organization that owns nothing can be dropped (tenancy.ts decides when), and its clock
 * advances are folded into its jobs once they pile up (`foldAdvances`).
 */
import type { FineTuningJobError, VaeroFile } from '../../../spec/index.js';
import type { LifecycleClock } from './clock.js';
import { advancesFor, cancelJobAt, eventAt, eventCount, foldInto, jobState, jobView, materialiseJob, newJobRecord, seconds, type JobProgress, type JobRecord, type NewJob } from './job-progress.js';
import type { JournalRecord } from './journal-records.js';
import { sampleFiles } from './samples.js';
import type { Advance } from './timeline.js';

export { seconds, type JobProgress, type JobRecord, type NewJob } from './job-progress.js';

type JournalRecordOf<Op extends JournalRecord['op']> = Extract<JournalRecord, { op: Op }>;

export interface FileRecord {
  id: string;
  createdAt: number;
  filename: string;
  bytes: number;
  purpose: VaeroFile['purpose'];
  content: string;
  shared: boolean;
  deleted: boolean;
}

export interface Org {
  id: string;
  jobs: JobRecord[];
  jobIndex: Map<string, number>;
  files: FileRecord[];
  fileIndex: Map<string, number>;
  failNext: FineTuningJobError | null;
  advances: Advance[];
  /** Files of its own not deleted. */
  liveFiles: number;
}

export interface NewFile {
  org: string;
  id: string;
  createdMs: number;
  filename: string;
  purpose: string;
  content: string;
}

const encoder = new TextEncoder();
export const byteLength = (text: string): number => encoder.encode(text).byteLength;

const SHARED_FILES: readonly FileRecord[] = sampleFiles.map((s) => ({
  id: s.id,
  createdAt: s.createdAt,
  filename: s.filename,
  bytes: byteLength(s.content),
  purpose: 'fine-tune',
  content: s.content,
  shared: true,
  deleted: false,
}));

/** Advances pile up to this many per organization before they are folded into its jobs. */
export const MAX_ADVANCES = 32;

const newOrg = (id: string): Org => {
  const org: Org = { id, jobs: [], jobIndex: new Map(), files: [...SHARED_FILES], fileIndex: new Map(), failNext: null, advances: [], liveFiles: 0 };
  SHARED_FILES.forEach((f, i) => org.fileIndex.set(f.id, i));
  return org;
};
/** What an organization that owns nothing reads (never written to). */
const NOBODY: Readonly<Org> = Object.freeze(newOrg(''));

export type Store = ReturnType<typeof createStore>;

export function createStore(clock: LifecycleClock, { maxAdvances = MAX_ADVANCES }: { maxAdvances?: number } = {}) {
  const orgs = new Map<string, Org>();

  /** The organization, created for a change. */
  const orgFor = (id: string): Org => {
    let org = orgs.get(id);
    if (!org) orgs.set(id, (org = newOrg(id)));
    return org;
  };
  /** The organization as read: one that has nothing is not created. */
  const orgView = (id: string): Readonly<Org> => orgs.get(id) ?? NOBODY;

  /** Bring a job up to date with the clock. */
  const materialise = (job: JobRecord): JobRecord => materialiseJob(job, clock, advancesFor(job, orgs.get(job.org)?.advances ?? []));

  /** Add a job (from a create, a seed, or a journal's record: with its progress, from a snapshot). */
  const addJob = (r: NewJob & Partial<JobProgress>): JobRecord => {
    const org = orgFor(r.org);
    const job = newJobRecord(r, org.jobs.length);
    org.jobIndex.set(job.id, org.jobs.length);
    org.jobs.push(job);
    return job;
  };

  /** Fold the organization's clock advances into its jobs (see foldInto): they stop piling up. */
  const foldAdvances = (org: Org): void => {
    if (!org.advances.length) return;
    for (const job of org.jobs) foldInto(materialise(job), org.advances);
    org.advances = [];
  };

  const advance = (id: string, atMs: number, ms: number): void => {
    const org = orgFor(id);
    org.advances.push({ atMs, ms, jobs: org.jobs.length });
    if (org.advances.length > maxAdvances) foldAdvances(org);
  };

  const findJob = (org: string, id: string): JobRecord | undefined => {
    const o = orgs.get(org);
    const i = o?.jobIndex.get(id);
    return i === undefined ? undefined : o!.jobs[i];
  };

  const cancelAt = (job: JobRecord, atMs: number): void => {
    cancelJobAt(job, atMs);
    materialise(job);
  };

  const addFile = (r: NewFile): FileRecord => {
    const org = orgFor(r.org);
    const file: FileRecord = {
      id: r.id,
      createdAt: seconds(r.createdMs),
      filename: r.filename,
      bytes: byteLength(r.content),
      purpose: r.purpose as VaeroFile['purpose'],
      content: r.content,
      shared: false,
      deleted: false,
    };
    org.fileIndex.set(file.id, org.files.length);
    org.files.push(file);
    org.liveFiles++;
    return file;
  };

  /** Delete one of the organization's own files: its text is freed, its place in the list kept. */
  const deleteFile = (org: string, id: string): void => {
    const o = orgs.get(org);
    const i = o?.fileIndex.get(id);
    const f = i === undefined ? undefined : o!.files[i];
    if (!f || f.shared || f.deleted) return;
    f.deleted = true;
    f.content = '';
    o!.liveFiles--;
  };

  const findFile = (org: string, id: string): FileRecord | undefined => {
    const o = orgView(org);
    const i = o.fileIndex.get(id);
    const f = i === undefined ? undefined : o.files[i];
    return f && !f.deleted ? f : undefined;
  };

  const fileView = (f: FileRecord): VaeroFile => ({
    id: f.id,
    object: 'file',
    bytes: f.bytes,
    created_at: f.createdAt,
    filename: f.filename,
    purpose: f.purpose,
  });

  /** Forget everything an organization has (it starts again with the shared samples only). */
  const reset = (org: string): void => void orgs.delete(org);

  /** Whether the organization owns nothing (no jobs, no files of its own, no armed failure): dropping it loses nothing. */
  const ownsNothing = (org: string): boolean => {
    const o = orgs.get(org);
    return !o || (o.jobs.length === 0 && o.liveFiles === 0 && o.failNext === null);
  };

  /** The state as journal records (a snapshot): each organization's jobs, files and armed failure. */
  function* records(): Generator<JournalRecordOf<'job' | 'file' | 'fail-next'>> {
    for (const org of orgs.values()) {
      foldAdvances(org);
      for (const job of org.jobs) yield { op: 'job', ...jobState(materialise(job)) };
      for (const f of org.files) {
        if (f.shared || f.deleted) continue;
        yield { op: 'file', org: org.id, id: f.id, createdMs: f.createdAt * 1000, filename: f.filename, purpose: f.purpose, content: f.content };
      }
      if (org.failNext) yield { op: 'fail-next', org: org.id, failure: org.failNext };
    }
  }

  return {
    orgFor,
    orgView,
    organizations: (): Iterable<string> => orgs.keys(),
    materialise,
    eventCount,
    eventAt,
    jobView,
    addJob,
    findJob,
    cancelAt,
    advance,
    foldAdvances,
    addFile,
    deleteFile,
    findFile,
    fileView,
    reset,
    ownsNothing,
    records,
  };
}
