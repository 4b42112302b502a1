/**
 * The stub's service: organizations, files, jobs, their lifecycle and events, and the
 * `--state` journal. It knows nothing of HTTP: every function takes input the adapter has
 * already validated against the spec and answers a Result (its value, or the Violation
 * the contract prescribes). It is a plain object of functions so a test can wrap one.
 */
import { violation } from '../../errors/answer-policy.js';
import {
  type BaseModel,
  type CreateFineTuningJobRequest,
  type DeletedFile,
  type FileObjectList,
  type FineTuningJob,
  type FineTuningJobError,
  type FineTuningJobEventList,
  type FineTuningJobList,
  type StyleModel,
  type VaeroFile,
} from '../../../spec/index.js';
import { realClock, sessionClock, type LifecycleClock } from './clock.js';
import { createControl, type StubControl } from './control.js';
import { fineTunedModelName, newFileId, newJobId, organizationIdFor, stepOfEventId } from './ids.js';
import { Journal, type JournalRecord } from './journal.js';
import { CANCELLED, isFinished } from './lifecycle.js';
import { err, ok, type Result } from './result.js';
import { RULES } from './rules.js';
import { createStore, type FileRecord, type JobRecord } from './store.js';
import { trainingFilesOf } from './training-files.js';

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
  /** A test's steering: reset an organization, seed jobs and files, advance its clock, latency, the request log. */
  readonly control: StubControl;
  /** Flush and close the journal. */
  close(): void;
}

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
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function createService(options: ServiceOptions = {}): StubService {
  const live = options.clock ?? realClock(options.speed ?? 1);
  // With a journal, the clock also knows the speeds of earlier runs (see sessionClock).
  const opened = options.statePath ? Journal.open(options.statePath) : undefined;
  const startedAt = live.now();
  const earlierSessions = (opened?.records ?? []).flatMap((r) => (r.op === 'session' ? [{ atMs: r.atMs, speed: r.speed }] : []));
  const clock = sessionClock(earlierSessions, live, startedAt);
  const allowed = options.tokens?.length ? new Set(options.tokens) : undefined;
  const orgByToken = new Map<string, string>();
  const store = createStore(clock);
  const { orgFor, materialise, eventCount, eventAt, jobView, addJob, findJob, cancelAt, addFile, findFile, fileView } = store;
  let journal: Journal | undefined;
  const record = (r: JournalRecord): void => journal?.append(r);

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

  const control = createControl({ store, clock, record, failNext: (org, failure) => service.failNextJob(org, failure) });

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
      case 'reset':
      case 'advance':
        control.replay(r);
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
  const service: StubService = {
    clock,
    control,

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
      const trainingFiles = trainingFilesOf(store, org, input.training_files);
      if (!trainingFiles.ok) return trainingFiles;
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
        training_files: trainingFiles.value,
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
  return service;
}
