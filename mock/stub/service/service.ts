/**
 * The stub's service: organizations, files, jobs, their lifecycle and events, and the
 * `--state` journal. It knows nothing of HTTP: every function takes input the adapter has
 * already validated against the spec and answers a Result (its value, or the Violation
 * the contract prescribes). It is a plain object of functions so a test can wrap one.
 */
import { TextDecoder } from 'node:util';
import { violation } from '../../http/answer-policy.js';
import {
  type BaseModel,
  type CreateFineTuningJobRequest,
  type DeletedFile,
  type FileObjectList,
  type FineTuningJob,
  type FineTuningJobError,
  type FineTuningJobEvent,
  type FineTuningJobEventList,
  type FineTuningJobList,
  type FineTuningJobStatus,
  type StyleModel,
  type VaeroFile,
} from '../../../spec/index.js';
import { realClock, sessionClock, type LifecycleClock } from './clock.js';
import { eventId, fineTunedModelName, newFileId, newJobId, organizationIdFor, stepOfEventId } from './ids.js';
import { Journal, type JournalRecord } from './journal.js';
import { CANCEL_STEP, CANCELLED, FAILED, FAILURE_STEPS, isFinished, SUCCEEDED, SUCCESS_STEPS, type Step } from './lifecycle.js';
import { err, ok, type Result } from './result.js';
import { RULES } from './rules.js';
import { sampleFiles } from './samples.js';

export interface ServiceOptions {
  /** The lifecycle clock (default: the real clock at `speed`). */
  clock?: LifecycleClock;
  /** Lifecycle pace for the default clock: 1 = about ten seconds from created to succeeded, 0 = frozen. */
  speed?: number;
  /** Keep state across restarts in this append-only journal file. */
  statePath?: string;
  /** Accept only these bearer tokens (default: any token; each is its own organization). */
  tokens?: readonly string[];
}

/** A create body after validation: the spec's defaults are applied. */
export type CreateJobInput = CreateFineTuningJobRequest & { style_model: StyleModel; base_model: BaseModel };

export interface PageInput {
  after?: string;
  limit: number;
}

export interface UploadInput {
  filename: string;
  purpose: VaeroFile['purpose'];
  content: Uint8Array;
}

export interface CreateJobOptions {
  /** Make this job fail at the end of training, with this error. */
  failure?: FineTuningJobError | null;
}

export interface StubService {
  readonly clock: LifecycleClock;
  /** The organization a bearer token belongs to, or 401 if the token is not accepted. */
  authenticate(token: string): Result<string>;
  createJob(org: string, input: CreateJobInput, options?: CreateJobOptions): Result<FineTuningJob>;
  listJobs(org: string, page: PageInput): Result<FineTuningJobList>;
  retrieveJob(org: string, jobId: string): Result<FineTuningJob>;
  cancelJob(org: string, jobId: string): Result<FineTuningJob>;
  listEvents(org: string, jobId: string, page: PageInput): Result<FineTuningJobEventList>;
  uploadFile(org: string, upload: UploadInput): Result<VaeroFile>;
  listFiles(org: string, page: PageInput): Result<FileObjectList>;
  retrieveFile(org: string, fileId: string): Result<VaeroFile>;
  /** The file's text, exactly as uploaded. */
  fileContent(org: string, fileId: string): Result<string>;
  deleteFile(org: string, fileId: string): Result<DeletedFile>;
  /** Make the organization's next created job fail with this error (null: disarm). */
  failNextJob(org: string, failure: FineTuningJobError | null): Result<FineTuningJobError | null>;
  /** Flush and close the journal. */
  close(): void;
}

interface JobRecord {
  id: string;
  org: string;
  createdMs: number;
  style_model: StyleModel;
  base_model: BaseModel;
  training_files: string[];
  suffix: string | null;
  fineTunedModel: string;
  failure: FineTuningJobError | null;
  cancelledMs: number | null;
  // Materialised from the clock: how far through its steps the job is. Its events are
  // not stored: event i is step i (or the cancel), rebuilt when listed.
  steps: readonly Step[];
  applied: number;
  status: FineTuningJobStatus;
  finishedMs: number | null;
}

interface FileRecord {
  id: string;
  createdAt: number;
  filename: string;
  bytes: number;
  purpose: VaeroFile['purpose'];
  content: string;
  shared: boolean;
  deleted: boolean;
}

interface Org {
  id: string;
  jobs: JobRecord[];
  jobIndex: Map<string, number>;
  files: FileRecord[];
  fileIndex: Map<string, number>;
  failNext: FineTuningJobError | null;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const SHARED_FILES: readonly FileRecord[] = sampleFiles.map((s) => ({
  id: s.id,
  createdAt: s.createdAt,
  filename: s.filename,
  bytes: Buffer.byteLength(s.content),
  purpose: 'fine-tune',
  content: s.content,
  shared: true,
  deleted: false,
}));

/** Items newest first (highest index first), starting below index `start`, skipping what `visible` rejects. */
function pageOf<U>(start: number, limit: number, visible: (i: number) => boolean, view: (i: number) => U): { data: U[]; has_more: boolean } {
  const data: U[] = [];
  let i = start - 1;
  for (; i >= 0 && data.length < limit; i--) if (visible(i)) data.push(view(i));
  let has_more = false;
  for (; i >= 0 && !has_more; i--) has_more = visible(i);
  return { data, has_more };
}
const always = (): boolean => true;

export function createService(options: ServiceOptions = {}): StubService {
  const live = options.clock ?? realClock(options.speed ?? 1);
  // With a journal, the clock also knows the speeds of earlier runs (see sessionClock).
  const opened = options.statePath ? Journal.open(options.statePath) : undefined;
  const startedAt = live.now();
  const earlierSessions = (opened?.records ?? []).flatMap((r) => (r.op === 'session' ? [{ atMs: r.atMs, speed: r.speed }] : []));
  const clock = sessionClock(earlierSessions, live, startedAt);
  const allowed = options.tokens?.length ? new Set(options.tokens) : undefined;
  const orgs = new Map<string, Org>();
  const orgByToken = new Map<string, string>();
  let journal: Journal | undefined;

  const orgFor = (id: string): Org => {
    let org = orgs.get(id);
    if (!org) {
      org = { id, jobs: [], jobIndex: new Map(), files: [...SHARED_FILES], fileIndex: new Map(), failNext: null };
      SHARED_FILES.forEach((f, i) => org!.fileIndex.set(f.id, i));
      orgs.set(id, org);
    }
    return org;
  };

  const record = (r: JournalRecord): void => journal?.append(r);

  // ---- jobs ---------------------------------------------------------------
  const applyStep = (job: JobRecord, step: Omit<Step, 'at'>, atMs: number): void => {
    if (step.status) {
      job.status = step.status;
      if (isFinished(step.status)) job.finishedMs = atMs;
    }
  };

  /** How many events the job has emitted so far (after materialise). */
  const eventCount = (job: JobRecord): number => job.applied + (job.status === CANCELLED ? 1 : 0);

  /** Event i of a job: step i of its lifecycle, or its cancellation. */
  const eventAt = (job: JobRecord, i: number): FineTuningJobEvent => {
    const step = i < job.applied ? (job.steps[i] as Step) : undefined;
    const at = step ? clock.wallTimeAfter(job.createdMs, step.at) : (job.cancelledMs as number);
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

  /** Bring a job up to date with the clock (its lifecycle advances lazily, when it is read). */
  const materialise = (job: JobRecord): JobRecord => {
    if (isFinished(job.status)) return job;
    const elapsed = clock.elapsedSince(job.createdMs);
    const until = job.cancelledMs ?? Infinity;
    while (job.applied < job.steps.length) {
      const step = job.steps[job.applied] as Step;
      if (step.at > elapsed) break;
      const at = clock.wallTimeAfter(job.createdMs, step.at);
      if (at > until) break;
      applyStep(job, step, at);
      job.applied++;
    }
    if (job.cancelledMs !== null && !isFinished(job.status)) applyStep(job, CANCEL_STEP, job.cancelledMs);
    return job;
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

  const addJob = (r: Extract<JournalRecord, { op: 'job' }>): JobRecord => {
    const org = orgFor(r.org);
    const job: JobRecord = {
      id: r.id,
      org: r.org,
      createdMs: r.createdMs,
      style_model: r.style_model as StyleModel,
      base_model: r.base_model as BaseModel,
      training_files: r.training_files,
      suffix: r.suffix,
      fineTunedModel: r.fineTunedModel,
      failure: r.failure,
      cancelledMs: null,
      steps: r.failure ? FAILURE_STEPS : SUCCESS_STEPS,
      applied: 0,
      status: (r.failure ? FAILURE_STEPS : SUCCESS_STEPS).find((s) => s.status)!.status!,
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

  const jobNotFound = (id: string) => err(violation(404, RULES.notFound, 'not_found', `No fine-tuning job with id ${id}`));
  const fileNotFound = (id: string) => err(violation(404, RULES.notFound, 'not_found', `No file with id ${id}`));
  /**
   * One page of a list kept oldest first and answered newest first: it starts right below
   * the `after` item, found by index (never by scanning); an unknown cursor is a 400.
   */
  const listPage = <U>(
    length: number,
    indexOf: (id: string) => number | undefined,
    page: PageInput,
    visible: (i: number) => boolean,
    view: (i: number) => U,
  ): Result<{ object: 'list'; data: U[]; has_more: boolean }> => {
    let start = length;
    if (page.after !== undefined) {
      const i = indexOf(page.after);
      if (i === undefined) return err(violation(400, RULES.unknownCursor, 'invalid_value', `after: no item with id ${page.after} in this list`, 'after'));
      start = i;
    }
    return ok({ object: 'list', ...pageOf(start, page.limit, visible, view) });
  };

  const cancelAt = (job: JobRecord, atMs: number): void => {
    job.cancelledMs = atMs;
    materialise(job);
  };

  // ---- files --------------------------------------------------------------
  const addFile = (r: Extract<JournalRecord, { op: 'file' }>): FileRecord => {
    const org = orgFor(r.org);
    const file: FileRecord = {
      id: r.id,
      createdAt: seconds(r.createdMs),
      filename: r.filename,
      bytes: Buffer.byteLength(r.content),
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

  // ---- replay -------------------------------------------------------------
  const replay = (r: JournalRecord): void => {
    switch (r.op) {
      case 'job':
        addJob(r);
        break;
      case 'cancel': {
        const job = findJob(r.org, r.id);
        if (job) cancelAt(job, r.atMs);
        break;
      }
      case 'file':
        addFile(r);
        break;
      case 'delete-file': {
        const f = findFile(r.org, r.id);
        if (f && !f.shared) f.deleted = true;
        break;
      }
      case 'fail-next':
        orgFor(r.org).failNext = r.failure;
        break;
      case 'session':
        break; // read before the replay, by the clock
    }
  };

  if (opened) {
    for (const r of opened.records) replay(r);
    journal = opened.journal;
    record({ op: 'session', atMs: startedAt, speed: live.speed });
  }

  // ---- the service --------------------------------------------------------
  return {
    clock,

    authenticate(token) {
      if (allowed && !allowed.has(token)) {
        return err(violation(401, RULES.auth, 'invalid_authorization', 'This bearer token is not accepted by this server', 'authorization'));
      }
      let org = orgByToken.get(token);
      if (!org) {
        org = organizationIdFor(token);
        if (orgByToken.size >= 10_000) orgByToken.clear(); // a cache, not state: bounded
        orgByToken.set(token, org);
      }
      return ok(org);
    },

    createJob(org, input, opts = {}) {
      // The job keeps the files' own id strings, not the request's copies (less memory kept per job).
      const trainingFiles: string[] = [];
      for (const id of input.training_files) {
        const f = findFile(org, id);
        if (!f) {
          return err(violation(400, RULES.trainingFiles, 'file_not_found', `training_files: no file with id ${id}`, 'training_files'));
        }
        if (f.purpose !== 'fine-tune') {
          return err(violation(400, RULES.trainingFiles, 'invalid_file_format', `training_files: file ${id} was not uploaded with purpose fine-tune`, 'training_files'));
        }
        trainingFiles.push(f.id);
      }
      const o = orgFor(org);
      const failure = opts.failure ?? o.failNext;
      if (o.failNext && !opts.failure) {
        o.failNext = null;
        record({ op: 'fail-next', org, failure: null });
      }
      const r: Extract<JournalRecord, { op: 'job' }> = {
        op: 'job',
        org,
        id: newJobId(),
        createdMs: clock.now(),
        style_model: input.style_model,
        base_model: input.base_model,
        training_files: trainingFiles,
        suffix: input.suffix ?? null,
        fineTunedModel: fineTunedModelName(input.suffix),
        failure: failure ?? null,
      };
      record(r);
      return ok(jobView(materialise(addJob(r))));
    },

    listJobs(org, page) {
      const o = orgFor(org);
      return listPage(o.jobs.length, (id) => o.jobIndex.get(id), page, always, (i) => jobView(materialise(o.jobs[i] as JobRecord)));
    },

    retrieveJob(org, jobId) {
      const job = findJob(org, jobId);
      return job ? ok(jobView(materialise(job))) : jobNotFound(jobId);
    },

    cancelJob(org, jobId) {
      const job = findJob(org, jobId);
      if (!job) return jobNotFound(jobId);
      materialise(job);
      if (job.status === CANCELLED) return ok(jobView(job));
      if (isFinished(job.status)) {
        return err(violation(400, RULES.cancel, 'job_not_cancellable', `Job ${jobId} has already ${job.status} and cannot be cancelled`));
      }
      const atMs = Math.max(clock.now(), job.createdMs);
      record({ op: 'cancel', org, id: jobId, atMs });
      cancelAt(job, atMs);
      return ok(jobView(job));
    },

    listEvents(org, jobId, page) {
      const job = findJob(org, jobId);
      if (!job) return jobNotFound(jobId);
      materialise(job);
      const count = eventCount(job);
      const indexOf = (id: string) => {
        const i = stepOfEventId(jobId, id);
        return i !== undefined && i < count ? i : undefined; // an event the job has not reached yet is unknown
      };
      return listPage(count, indexOf, page, always, (i) => eventAt(job, i));
    },

    uploadFile(org, upload) {
      if (upload.content.byteLength === 0) {
        return err(violation(400, RULES.uploadFile, 'invalid_file_format', 'file: the uploaded file is empty', 'file'));
      }
      let content: string;
      try {
        content = utf8.decode(upload.content);
      } catch {
        return err(violation(400, RULES.textOnly, 'invalid_file_format', 'file: files must be text-only (valid UTF-8)', 'file'));
      }
      if (content.includes('\u0000')) {
        return err(violation(400, RULES.textOnly, 'invalid_file_format', 'file: files must be text-only (no NUL bytes)', 'file'));
      }
      const r: Extract<JournalRecord, { op: 'file' }> = {
        op: 'file',
        org,
        id: newFileId(),
        createdMs: clock.now(),
        filename: upload.filename,
        purpose: upload.purpose,
        content,
      };
      record(r);
      return ok(fileView(addFile(r)));
    },

    listFiles(org, page) {
      const o = orgFor(org);
      return listPage(o.files.length, (id) => o.fileIndex.get(id), page, (i) => !(o.files[i] as FileRecord).deleted, (i) => fileView(o.files[i] as FileRecord));
    },

    retrieveFile(org, fileId) {
      const f = findFile(org, fileId);
      return f ? ok(fileView(f)) : fileNotFound(fileId);
    },

    fileContent(org, fileId) {
      const f = findFile(org, fileId);
      return f ? ok(f.content) : fileNotFound(fileId);
    },

    deleteFile(org, fileId) {
      const f = findFile(org, fileId);
      if (!f) return fileNotFound(fileId);
      if (f.shared) {
        return err(violation(403, RULES.deleteFile, 'file_not_deletable', `${fileId} is a shared sample file and cannot be deleted`));
      }
      record({ op: 'delete-file', org, id: fileId });
      f.deleted = true;
      return ok({ id: fileId, object: 'file', deleted: true });
    },

    failNextJob(org, failure) {
      record({ op: 'fail-next', org, failure });
      orgFor(org).failNext = failure;
      return ok(failure);
    },

    close() {
      journal?.close();
      journal = undefined;
    },
  };
}
