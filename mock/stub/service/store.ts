/**
 * The stub's state: organizations, their jobs and files, kept oldest first with an index by
 * id, and the views the API answers with. A job's status is materialised from the clock when
 * it is read (its lifecycle advances lazily); its events are not stored: event i is step i of
 * its lifecycle (or its cancellation), rebuilt when listed. The service (the API's operations)
 * and the control (a test's steering) both work on one store.
 *
 * Memory stays bounded by what organizations own: reading never creates an organization
 * (one that has nothing answers from a shared empty view), a deleted file keeps no text,
 * an organization that owns nothing can be dropped (tenancy.ts decides when), and its clock
 * advances are folded into its jobs once they pile up (`foldAdvances`).
 */
import type {
  BaseModel,
  FineTuningJob,
  FineTuningJobError,
  FineTuningJobEvent,
  FineTuningJobStatus,
  StyleModel,
  VaeroFile,
} from '../../../spec/index.js';
import type { LifecycleClock } from './clock.js';
import { eventId } from './ids.js';
import { CANCEL_STEP, CANCELLED, FAILED, FAILURE_STEPS, isFinished, SUCCEEDED, SUCCESS_STEPS, type Step } from './lifecycle.js';
import { sampleFiles } from './samples.js';
import { lifecycleElapsed, wallTimeOf, type Advance } from './timeline.js';
import type { JournalRecord } from './journal-records.js';

type JournalRecordOf<Op extends JournalRecord['op']> = Extract<JournalRecord, { op: Op }>;

export interface JobRecord {
  id: string;
  org: string;
  index: number;
  createdMs: number;
  /** See timeline.ts: createdMs for a created job, later for a seeded one (its head start). */
  anchorMs: number;
  style_model: StyleModel;
  base_model: BaseModel;
  training_files: string[];
  suffix: string | null;
  fineTunedModel: string;
  failure: FineTuningJobError | null;
  cancelledMs: number | null;
  steps: readonly Step[];
  /** How many of its steps the job has been through (materialised from the clock). */
  applied: number;
  /** The wall time of each step it went through (its events' times: fixed once reached). */
  stepTimes: number[];
  /** Clock advances folded into this job (foldAdvances): lifecycle ms added, the last one's wall time. */
  advancedMs: number;
  advancedAtMs: number;
  status: FineTuningJobStatus;
  finishedMs: number | null;
}

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

/** How far a job got (a snapshot keeps it, so a restart does not need the clock's history). */
export interface JobProgress {
  cancelledMs: number | null;
  stepTimes: number[];
  advancedMs: number;
  advancedAtMs: number;
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

/** What a new job is made of (a journal record carries the same). */
export interface NewJob {
  org: string;
  id: string;
  createdMs: number;
  anchorMs?: number;
  style_model: string;
  base_model: string;
  training_files: string[];
  suffix: string | null;
  fineTunedModel: string;
  failure: FineTuningJobError | null;
}

export interface NewFile {
  org: string;
  id: string;
  createdMs: number;
  filename: string;
  purpose: string;
  content: string;
}

export const seconds = (ms: number): number => Math.floor(ms / 1000);
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

  /** The job's clock advances: its folded ones (as one), then its organization's since. */
  const advancesOf = (job: JobRecord): readonly Advance[] => {
    const own = orgs.get(job.org)?.advances ?? [];
    return job.advancedMs ? [{ atMs: job.advancedAtMs, ms: job.advancedMs, jobs: Infinity }, ...own] : own;
  };
  const timeOf = (job: JobRecord, at: number): number => wallTimeOf(clock, job, advancesOf(job), at);

  const applyStep = (job: JobRecord, step: Omit<Step, 'at'>, atMs: number): void => {
    if (step.status) {
      job.status = step.status;
      if (isFinished(step.status)) job.finishedMs = atMs;
    }
  };

  /** Bring a job up to date with the clock. */
  const materialise = (job: JobRecord): JobRecord => {
    if (isFinished(job.status)) return job;
    const elapsed = lifecycleElapsed(clock, job, advancesOf(job));
    const until = job.cancelledMs ?? Infinity;
    while (job.applied < job.steps.length) {
      const step = job.steps[job.applied] as Step;
      if (step.at > elapsed) break;
      const at = timeOf(job, step.at);
      if (at > until) break;
      applyStep(job, step, at);
      job.stepTimes.push(at);
      job.applied++;
    }
    if (job.cancelledMs !== null && !isFinished(job.status)) applyStep(job, CANCEL_STEP, job.cancelledMs);
    return job;
  };

  /** How many events the job has emitted so far (after materialise). */
  const eventCount = (job: JobRecord): number => job.applied + (job.status === CANCELLED ? 1 : 0);

  /** Event i of a job: step i of its lifecycle, or its cancellation. */
  const eventAt = (job: JobRecord, i: number): FineTuningJobEvent => {
    const step = i < job.applied ? (job.steps[i] as Step) : undefined;
    const at = step ? (job.stepTimes[i] as number) : (job.cancelledMs as number);
    const { level, type, message } = step ?? CANCEL_STEP;
    return {
      object: 'fine_tuning.job.event',
      id: eventId(job.id, i),
      created_at: seconds(at),
      level,
      message: message({ fineTunedModel: job.fineTunedModel, failure: job.failure }),
      type,
    };
  };

  const jobView = (job: JobRecord): FineTuningJob => ({
    object: 'fine_tuning.job',
    id: job.id,
    style_model: job.style_model,
    base_model: job.base_model,
    created_at: seconds(job.createdMs),
    finished_at: job.finishedMs === null ? null : seconds(job.finishedMs),
    fine_tuned_model: job.status === SUCCEEDED ? job.fineTunedModel : null,
    organization_id: job.org,
    status: job.status,
    training_files: job.training_files.slice(),
    error: job.status === FAILED ? job.failure : null,
  });

  /** Add a job (from a create, a seed, or a journal's record: with its progress, from a snapshot). */
  const addJob = (r: NewJob & Partial<JobProgress>): JobRecord => {
    const org = orgFor(r.org);
    const steps = r.failure ? FAILURE_STEPS : SUCCESS_STEPS;
    const job: JobRecord = {
      id: r.id,
      org: r.org,
      index: org.jobs.length,
      createdMs: r.createdMs,
      anchorMs: r.anchorMs ?? r.createdMs,
      style_model: r.style_model as StyleModel,
      base_model: r.base_model as BaseModel,
      training_files: r.training_files,
      suffix: r.suffix,
      fineTunedModel: r.fineTunedModel,
      failure: r.failure,
      cancelledMs: null,
      steps,
      applied: 0,
      stepTimes: [],
      advancedMs: r.advancedMs ?? 0,
      advancedAtMs: r.advancedAtMs ?? 0,
      status: steps.find((s) => s.status)!.status!,
      finishedMs: null,
    };
    // A snapshot's job: the steps it went through, when, and its cancel.
    for (const at of r.stepTimes ?? []) {
      if (job.applied >= steps.length) break;
      applyStep(job, steps[job.applied] as Step, at);
      job.stepTimes.push(at);
      job.applied++;
    }
    job.cancelledMs = r.cancelledMs ?? null;
    if (job.cancelledMs !== null && !isFinished(job.status)) applyStep(job, CANCEL_STEP, job.cancelledMs);
    org.jobIndex.set(job.id, org.jobs.length);
    org.jobs.push(job);
    return job;
  };

  /** A job as a snapshot keeps it: what it was created with, and how far it got (defaults left out: a snapshot is mostly jobs). */
  const jobState = (job: JobRecord): NewJob & Partial<JobProgress> => {
    const state: NewJob & Partial<JobProgress> = {
      org: job.org,
      id: job.id,
      createdMs: job.createdMs,
      style_model: job.style_model,
      base_model: job.base_model,
      training_files: job.training_files,
      suffix: job.suffix,
      fineTunedModel: job.fineTunedModel,
      failure: job.failure,
    };
    if (job.anchorMs !== job.createdMs) state.anchorMs = job.anchorMs;
    if (job.cancelledMs !== null) state.cancelledMs = job.cancelledMs;
    if (job.stepTimes.length) state.stepTimes = job.stepTimes;
    if (job.advancedMs) (state.advancedMs = job.advancedMs), (state.advancedAtMs = job.advancedAtMs);
    return state;
  };

  /**
   * Fold the organization's clock advances into its jobs: each unfinished job is brought up to
   * now (its past events keep their times) and keeps the sum of the advances that moved it as
   * one, at the last one's time. What it reaches from now on is the same: it depends only on
   * how much lifecycle time it has had, not when each jump happened.
   */
  const foldAdvances = (org: Org): void => {
    if (!org.advances.length) return;
    for (const job of org.jobs) {
      materialise(job);
      if (isFinished(job.status)) continue;
      for (const a of org.advances) {
        if (a.jobs <= job.index) continue;
        job.advancedMs += a.ms;
        job.advancedAtMs = Math.max(job.advancedAtMs, a.atMs);
      }
    }
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
    job.cancelledMs = atMs;
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
