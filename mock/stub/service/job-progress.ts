/**
 * One job's progress through its lifecycle, on its own (the store keeps the jobs; this is
 * what happens to one): a job's status is materialised from the clock when it is read, and
 * each step it goes through keeps its wall time (its event's time, fixed once reached). Its
 * events are not stored: event i is step i of its lifecycle, or its cancellation.
 */
import type { BaseModel, FineTuningJob, FineTuningJobError, FineTuningJobEvent, FineTuningJobStatus, StyleModel } from '../../../spec/index.js';
import type { LifecycleClock } from './clock.js';
import { eventId } from './ids.js';
import { CANCEL_STEP, CANCELLED, FAILED, FAILURE_STEPS, isFinished, SUCCEEDED, SUCCESS_STEPS, type Step } from './lifecycle.js';
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
  /** The wall time of each step it went through (its events' times: fixed once reached). */
  stepTimes: number[];
  /** Clock advances folded into this job (foldAdvances): lifecycle ms added, the last one's wall time. */
  advancedMs: number;
  advancedAtMs: number;
  status: FineTuningJobStatus;
  finishedMs: number | null;
}

/** How far a job got (a snapshot keeps it, so a restart does not need the clock's history). */
export interface JobProgress {
  cancelledMs: number | null;
  stepTimes: number[];
  advancedMs: number;
  advancedAtMs: number;
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

export const seconds = (ms: number): number => Math.floor(ms / 1000);

function applyStep(job: JobRecord, step: Omit<Step, 'at'>, atMs: number): void {
  if (step.status) {
    job.status = step.status;
    if (isFinished(step.status)) job.finishedMs = atMs;
  }
}

const firstStatus = (steps: readonly Step[]): FineTuningJobStatus => steps.find((s) => s.status)!.status!;
const FIRST_ON_SUCCESS = firstStatus(SUCCESS_STEPS);
const FIRST_ON_FAILURE = firstStatus(FAILURE_STEPS);

/** A job at position `index` of its organization's list, from what it was created with (and, from a snapshot, how far it got). */
export function newJobRecord(r: NewJob & Partial<JobProgress>, index: number): JobRecord {
  const steps = r.failure ? FAILURE_STEPS : SUCCESS_STEPS;
  const job: JobRecord = {
    id: r.id,
    org: r.org,
    index,
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
    status: steps === FAILURE_STEPS ? FIRST_ON_FAILURE : FIRST_ON_SUCCESS,
    finishedMs: null,
  };
  // A snapshot's job: the steps it went through, when, and its cancel.
  if (r.stepTimes) for (const at of r.stepTimes) {
    if (job.applied >= steps.length) break;
    applyStep(job, steps[job.applied] as Step, at);
    job.stepTimes.push(at);
    job.applied++;
  }
  job.cancelledMs = r.cancelledMs ?? null;
  if (job.cancelledMs !== null && !isFinished(job.status)) applyStep(job, CANCEL_STEP, job.cancelledMs);
  return job;
}

/** The clock advances that move a job: its folded ones (as one), then its organization's since. */
export function advancesFor(job: JobRecord, orgAdvances: readonly Advance[]): readonly Advance[] {
  return job.advancedMs ? [{ atMs: job.advancedAtMs, ms: job.advancedMs, jobs: Infinity }, ...orgAdvances] : orgAdvances;
}

/** Bring a job up to date with the clock (`advances`: advancesFor). */
export function materialiseJob(job: JobRecord, clock: LifecycleClock, advances: readonly Advance[]): JobRecord {
  if (isFinished(job.status)) return job;
  const elapsed = lifecycleElapsed(clock, job, advances);
  const until = job.cancelledMs ?? Infinity;
  while (job.applied < job.steps.length) {
    const step = job.steps[job.applied] as Step;
    if (step.at > elapsed) break;
    const at = wallTimeOf(clock, job, advances, step.at);
    if (at > until) break;
    applyStep(job, step, at);
    job.stepTimes.push(at);
    job.applied++;
  }
  if (job.cancelledMs !== null && !isFinished(job.status)) applyStep(job, CANCEL_STEP, job.cancelledMs);
  return job;
}

/** Cancel the job at `atMs` (after materialising it up to then, by the caller). */
export function cancelJobAt(job: JobRecord, atMs: number): void {
  job.cancelledMs = atMs;
}

/**
 * Fold clock advances into a job brought up to now: it keeps their sum as one, at the last
 * one's time. What it reaches from now on is the same: that depends only on how much
 * lifecycle time it has had, not on when each jump happened (its past events keep their times).
 */
export function foldInto(job: JobRecord, advances: readonly Advance[]): void {
  if (isFinished(job.status)) return;
  for (const a of advances) {
    if (a.jobs <= job.index) continue;
    job.advancedMs += a.ms;
    job.advancedAtMs = Math.max(job.advancedAtMs, a.atMs);
  }
}

/** How many events the job has emitted so far (after materialise). */
export const eventCount = (job: JobRecord): number => job.applied + (job.status === CANCELLED ? 1 : 0);

/** Event i of a job: step i of its lifecycle, or its cancellation. */
export function eventAt(job: JobRecord, i: number): FineTuningJobEvent {
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
}

export const jobView = (job: JobRecord): FineTuningJob => ({
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

/** A job as a snapshot keeps it: what it was created with, and how far it got (defaults left out: a snapshot is mostly jobs). */
export function jobState(job: JobRecord): NewJob & Partial<JobProgress> {
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
}
