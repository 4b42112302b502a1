/**
 * The stub's state: organizations, their jobs and files, kept oldest first with an index by
 * id, and the views the API answers with. A job's status is materialised from the clock when
 * it is read (its lifecycle advances lazily); its events are not stored: event i is step i of
 * its lifecycle (or its cancellation), rebuilt when listed. The service (the API's operations)
 * and the control (a test's steering) both work on one store.
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

export interface Org {
  id: string;
  jobs: JobRecord[];
  jobIndex: Map<string, number>;
  files: FileRecord[];
  fileIndex: Map<string, number>;
  failNext: FineTuningJobError | null;
  advances: Advance[];
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

export type Store = ReturnType<typeof createStore>;

export function createStore(clock: LifecycleClock) {
  const orgs = new Map<string, Org>();

  const orgFor = (id: string): Org => {
    let org = orgs.get(id);
    if (!org) {
      org = { id, jobs: [], jobIndex: new Map(), files: [...SHARED_FILES], fileIndex: new Map(), failNext: null, advances: [] };
      SHARED_FILES.forEach((f, i) => org!.fileIndex.set(f.id, i));
      orgs.set(id, org);
    }
    return org;
  };

  const advancesOf = (job: JobRecord): readonly Advance[] => orgs.get(job.org)?.advances ?? [];
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
    const at = step ? timeOf(job, step.at) : (job.cancelledMs as number);
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

  const addJob = (r: NewJob): JobRecord => {
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
      status: steps.find((s) => s.status)!.status!,
      finishedMs: null,
    };
    org.jobIndex.set(job.id, org.jobs.length);
    org.jobs.push(job);
    return job;
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
    return file;
  };

  const findFile = (org: string, id: string): FileRecord | undefined => {
    const o = orgFor(org);
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

  return { orgFor, materialise, eventCount, eventAt, jobView, addJob, findJob, cancelAt, addFile, findFile, fileView, reset };
}
