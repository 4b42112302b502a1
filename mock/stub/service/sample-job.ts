/**
 * The shared sample job: one immutable, succeeded job, with its model and events, that every
 * organization can read, list and page past (not cancel: it has succeeded). It is the job the
 * spec's path example names (`ftjob-abc123`, read from the spec's `succeeded` example of
 * retrieveFineTuningJob), so example-driven tools (Dredd, Portman, the docs page's "Test
 * Request") find it on a fresh organization. One record for all organizations, never copied
 * into one, never journaled: a stub convenience like the sample files, not a rule of the contract.
 */
import { operation, type FineTuningJob, type FineTuningJobEvent } from '../../../spec/index.js';
import { eventId } from './ids.js';
import { LIFECYCLE_MS, SUCCEEDED, SUCCESS_STEPS } from './lifecycle.js';

const example = operation('retrieveFineTuningJob').responses.get(200)?.examples['succeeded'] as FineTuningJob | undefined;
if (!example || example.status !== SUCCEEDED || example.finished_at === null || !example.fine_tuned_model) {
  throw new Error('spec: retrieveFineTuningJob has no `succeeded` example of a succeeded job with its model');
}
const job: FineTuningJob = example;
const finishedAt = job.finished_at as number;
const model = job.fine_tuned_model as string;

/** The sample job's id: the spec's path example. */
export const sampleJobId: string = job.id;

/** The job as an organization reads it: its own organization id, everything else as in the spec's example. */
export const sampleJobView = (organizationId: string): FineTuningJob => ({ ...job, training_files: job.training_files.slice(), organization_id: organizationId });

/** Its events, oldest first (event i is step i of the happy path), timed between its creation and its end. */
export const sampleJobEvents: readonly FineTuningJobEvent[] = SUCCESS_STEPS.map((step, i) => ({
  object: 'fine_tuning.job.event',
  id: eventId(job.id, i),
  created_at: job.created_at + Math.round(((finishedAt - job.created_at) * step.at) / LIFECYCLE_MS),
  level: step.level,
  message: step.message({ fineTunedModel: model, failure: null }),
  type: step.type,
}));
