/**
 * The lifecycle a job goes through, built from the spec's `x-vaero-lifecycle`
 * (rule job.lifecycle): the happy path follows the first `next` of each status from the
 * first initial status until a finished one. Only the pace and the event texts are the
 * stub's own: about ten seconds from created to succeeded at speed 1.
 */
import { lifecycle, type FineTuningJobError, type FineTuningJobEvent, type FineTuningJobStatus } from '../../../spec/index.js';

/** The two finished statuses that are not the happy path's end (checked against the spec below). */
export const CANCELLED: FineTuningJobStatus = 'cancelled';
export const FAILED: FineTuningJobStatus = 'failed';

function happyPath(): FineTuningJobStatus[] {
  const path: FineTuningJobStatus[] = [lifecycle.initial[0] as FineTuningJobStatus];
  while (!lifecycle.finished.includes(path[path.length - 1]!)) {
    const next = lifecycle.next[path[path.length - 1]!][0];
    if (!next || path.includes(next)) throw new Error('spec: x-vaero-lifecycle has no path to a finished status');
    path.push(next);
  }
  return path;
}

export const HAPPY_PATH = happyPath();
export const SUCCEEDED = HAPPY_PATH[HAPPY_PATH.length - 1] as FineTuningJobStatus;
for (const s of [CANCELLED, FAILED]) {
  if (!lifecycle.finished.includes(s)) throw new Error(`spec: ${s} is not a finished status`);
}
const unfinished = HAPPY_PATH.slice(0, -1);
for (const s of unfinished) {
  if (!lifecycle.next[s].includes(FAILED)) throw new Error(`spec: ${s} cannot move to ${FAILED}`);
}

/** Lifecycle time from created to finished at speed 1. */
export const LIFECYCLE_MS = 10_000;
/** The last unfinished status (training) takes this share; the others split the rest. */
const TRAINING_SHARE = 0.6;
/** Metrics events during training. */
const METRIC_STEPS = 2;

export interface JobFacts {
  fineTunedModel: string;
  failure: FineTuningJobError | null;
}

export interface Step {
  /** Lifecycle ms after creation. */
  at: number;
  /** The status the job moves to at this step (none: an event only). */
  status?: FineTuningJobStatus;
  level: FineTuningJobEvent['level'];
  type: FineTuningJobEvent['type'];
  message(facts: JobFacts): string;
}

const ENTER_MESSAGE: Partial<Record<FineTuningJobStatus, string>> = {
  validating_files: 'Validating training files',
  queued: 'Training files validated; job queued',
  running: 'Fine-tuning job started',
};

function buildSteps(outcome: 'success' | 'failure'): Step[] {
  const steps: Step[] = [{ at: 0, level: 'info', type: 'message', message: () => 'Created fine-tuning job' }];
  const before = unfinished.length - 1;
  const trainingMs = unfinished.length > 1 ? LIFECYCLE_MS * TRAINING_SHARE : LIFECYCLE_MS;
  const otherMs = before > 0 ? (LIFECYCLE_MS - trainingMs) / before : 0;
  unfinished.forEach((status, i) => {
    const at = i * otherMs;
    steps.push({ at, status, level: 'info', type: 'message', message: () => ENTER_MESSAGE[status] ?? `Job is ${status}` });
  });
  const trainingStart = before * otherMs;
  for (let k = 1; k <= METRIC_STEPS; k++) {
    const at = trainingStart + (trainingMs * k) / (METRIC_STEPS + 1);
    const loss = (1.2 / (k + 1)).toFixed(2);
    steps.push({ at, level: 'info', type: 'metrics', message: () => `Step ${k * 100}/${(METRIC_STEPS + 1) * 100}: training loss=${loss}` });
  }
  if (outcome === 'success') {
    steps.push({ at: LIFECYCLE_MS, level: 'info', type: 'message', message: (f) => `New fine-tuned model created: ${f.fineTunedModel}` });
    steps.push({ at: LIFECYCLE_MS, status: SUCCEEDED, level: 'info', type: 'message', message: () => 'The job has successfully completed' });
  } else {
    steps.push({
      at: LIFECYCLE_MS,
      status: FAILED,
      level: 'error',
      type: 'message',
      message: (f) => `The job failed: ${f.failure?.message ?? 'unknown error'}`,
    });
  }
  return steps;
}

export const SUCCESS_STEPS: readonly Step[] = buildSteps('success');
export const FAILURE_STEPS: readonly Step[] = buildSteps('failure');

export const CANCEL_STEP: Omit<Step, 'at'> = { status: CANCELLED, level: 'info', type: 'message', message: () => 'The job was cancelled' };

/** Whether a status is one a job can no longer leave. */
export const isFinished = (s: FineTuningJobStatus): boolean => lifecycle.finished.includes(s);
