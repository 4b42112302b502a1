/**
 * The jobs API (create, list, retrieve, cancel, events) and the armed failure, over the
 * store: a job trains on the organization's files (or the shared samples), moves through
 * its lifecycle as it is read, and can be cancelled until it finishes.
 */
import type { BaseModel, CreateFineTuningJobRequest, FineTuningJob, FineTuningJobError, FineTuningJobEventList, FineTuningJobList, StyleModel } from '../../../spec/index.js';
import { violation } from '../../errors/answer-policy.js';
import { fineTunedModelName, newJobId, stepOfEventId } from './ids.js';
import type { JournalRecord } from './journal-records.js';
import { CANCELLED, isFinished, SUCCEEDED } from './lifecycle.js';
import { always, listPage, type PageInput } from './paging.js';
import { err, ok, type Result } from './result.js';
import { RULES } from './rules.js';
import { sampleJobEvents, sampleJobId, sampleJobView } from './sample-job.js';
import type { JobRecord, Store } from './store.js';
import { trainingFilesOf } from './training-files.js';

/** A create body after validation: the spec's defaults are applied. */
export type CreateJobInput = CreateFineTuningJobRequest & { style_model: StyleModel; base_model: BaseModel };

export interface CreateJobOptions {
  /** Make this job fail at the end of training, with this error. */
  failure?: FineTuningJobError | null;
}

export interface JobOperations {
  createJob(org: string, input: CreateJobInput, options?: CreateJobOptions): Result<FineTuningJob>;
  listJobs(org: string, page: PageInput): Result<FineTuningJobList>;
  retrieveJob(org: string, jobId: string): Result<FineTuningJob>;
  cancelJob(org: string, jobId: string): Result<FineTuningJob>;
  listEvents(org: string, jobId: string, page: PageInput): Result<FineTuningJobEventList>;
  /** Make the organization's next created job fail with this error (null: disarm). */
  failNextJob(org: string, failure: FineTuningJobError | null): Result<FineTuningJobError | null>;
}

const jobNotFound = (id: string) => err(violation(404, RULES.notFound, 'not_found', `No fine-tuning job with id ${id}`));
const notCancellable = (id: string, status: string) =>
  err(violation(400, RULES.cancel, 'job_not_cancellable', `Job ${id} has already ${status} and cannot be cancelled`));

/**
 * Every organization's job list holds the shared sample job (sample-job.ts) as its oldest item:
 * index 0, the organization's own jobs after it. Read from the one record, never stored in an
 * organization (reading it creates no state).
 */
const SAMPLE_INDEX = 0;

export function createJobOperations(store: Store, now: () => number, record: (r: JournalRecord) => void, afterDisarm: (org: string) => void): JobOperations {
  const { materialise, jobView, findJob } = store;
  return {
    createJob(org, input, opts = {}) {
      const trainingFiles = trainingFilesOf(store, org, input.training_files);
      if (!trainingFiles.ok) return trainingFiles;
      const o = store.orgFor(org);
      const failure = opts.failure ?? o.failNext;
      if (o.failNext && !opts.failure) {
        o.failNext = null;
        record({ op: 'fail-next', org, failure: null });
      }
      const r: Extract<JournalRecord, { op: 'job' }> = {
        op: 'job',
        org,
        id: newJobId(),
        createdMs: now(),
        style_model: input.style_model,
        base_model: input.base_model,
        training_files: trainingFiles.value,
        suffix: input.suffix ?? null,
        fineTunedModel: fineTunedModelName(input.suffix),
        failure: failure ?? null,
      };
      record(r);
      return ok(jobView(materialise(store.addJob(r))));
    },

    listJobs(org, page) {
      const o = store.orgView(org);
      const indexOf = (id: string) => {
        if (id === sampleJobId) return SAMPLE_INDEX;
        const i = o.jobIndex.get(id);
        return i === undefined ? undefined : i + 1;
      };
      const view = (i: number) => (i === SAMPLE_INDEX ? sampleJobView(org) : jobView(materialise(o.jobs[i - 1] as JobRecord)));
      return listPage(o.jobs.length + 1, indexOf, page, always, view);
    },

    retrieveJob(org, jobId) {
      const job = findJob(org, jobId);
      if (job) return ok(jobView(materialise(job)));
      return jobId === sampleJobId ? ok(sampleJobView(org)) : jobNotFound(jobId);
    },

    cancelJob(org, jobId) {
      const job = findJob(org, jobId);
      if (!job) return jobId === sampleJobId ? notCancellable(jobId, SUCCEEDED) : jobNotFound(jobId);
      materialise(job);
      if (job.status === CANCELLED) return ok(jobView(job));
      if (isFinished(job.status)) return notCancellable(jobId, job.status);
      const atMs = Math.max(now(), job.createdMs);
      record({ op: 'cancel', org, id: jobId, atMs });
      store.cancelAt(job, atMs);
      return ok(jobView(job));
    },

    listEvents(org, jobId, page) {
      const job = findJob(org, jobId);
      if (!job && jobId === sampleJobId) {
        const indexOf = (id: string) => {
          const i = stepOfEventId(jobId, id);
          return i !== undefined && i < sampleJobEvents.length ? i : undefined;
        };
        return listPage(sampleJobEvents.length, indexOf, page, always, (i) => sampleJobEvents[i]!);
      }
      if (!job) return jobNotFound(jobId);
      materialise(job);
      const count = store.eventCount(job);
      const indexOf = (id: string) => {
        const i = stepOfEventId(jobId, id);
        return i !== undefined && i < count ? i : undefined; // an event the job has not reached yet is unknown
      };
      return listPage(count, indexOf, page, always, (i) => store.eventAt(job, i));
    },

    failNextJob(org, failure) {
      if (failure === null && store.orgView(org).failNext === null) return ok(null); // nothing armed: nothing to keep
      record({ op: 'fail-next', org, failure });
      store.orgFor(org).failNext = failure;
      if (failure === null) afterDisarm(org);
      return ok(failure);
    },
  };
}
