/**
 * A method and path the spec does not declare is answered 404 in the error envelope
 * (rule request.unknown-route), never 2xx or 5xx. The envelope is judged with the spec
 * module's validator for a declared 404 answer.
 */
import { lifecycle, matchOperation, operation, operations, type FineTuningJob } from '../../spec/index.js';
import type { Exchange } from '../http/exchange.js';
import { expectAccepted, expectRejected } from './expectations.js';
import { cancelOfFinishedRefused } from './jobs.js';
import { uploadRequest } from './files.js';
import type { Check, CheckContext } from './types.js';

/** Paths and methods no operation declares (checked against the spec before sending). */
const UNDECLARED: readonly [string, string][] = [
  ['get', '/fine_tuning/nonexistent-route'],
  ['delete', '/fine_tuning/jobs'],
  ['post', '/fine_tuning/jobs/ftjob-abc123/pause'],
];

export const unknownRouteIs404: Check = {
  id: 'unknown-route-is-404',
  title: 'A method and path the spec does not declare is answered 404 in the error envelope',
  ruleId: 'request.unknown-route',
  alsoVerifies: ['error.envelope'],
  profiles: ['core', 'full'],
  async run(ctx) {
    const notFound = operation('retrieveFineTuningJob').responses.get(404);
    for (const [method, path] of UNDECLARED) {
      if (matchOperation(method, path)) continue;
      const ex = await ctx.send({ method, path });
      const status = ex.response?.status;
      const envelope = notFound?.validate(ex.response?.json);
      if (status !== 404 || !envelope) {
        ctx.fail({
          message: `${method.toUpperCase()} ${path} was answered ${status ?? ex.error}${envelope ? '' : ' without the error envelope'}`,
          declared: { status: 404, body: 'the error envelope' },
          received: { status: status ?? null, body: ex.response?.json ?? ex.response?.body.slice(0, 300) },
          exchange: ex,
        });
      } else ctx.pass();
    }
  },
};

/**
 * core: every operation answers a well-formed request with 200 and a body valid for it.
 * The ids are the ones the implementation hands out (a job created here, a file uploaded
 * here, the shared sample files), so a static mock and a stateful service both can.
 */
export const everyOperationAnswers: Check = {
  id: 'every-operation-answers',
  title: 'Every operation answers a well-formed request with 200 and a body valid for it',
  ruleId: 'response.schema',
  profiles: ['core'],
  async run(ctx) {
    const ids: Record<string, string | undefined> = {};
    const idOf = (ex: Exchange) => (ex.response?.status === 200 ? (ex.response.json as { id?: string } | undefined)?.id : undefined);
    const create = operation('createFineTuningJob');
    const made = await ctx.send({ method: create.method, path: create.path, json: { training_files: ctx.state.fileIds.slice(0, 1) } });
    if (expectAccepted(ctx, create.operationId, made, 'creating a job', 'job.create-status')) ids.fine_tuning_job_id = idOf(made);
    if (ids.fine_tuning_job_id) ctx.state.createdJobs.add(ids.fine_tuning_job_id);
    const uploaded = await ctx.send(uploadRequest('vaero-contract-core.txt'));
    const uploadedId = expectAccepted(ctx, 'uploadFile', uploaded, 'uploading a training file', 'upload.file') ? idOf(uploaded) : undefined;
    if (uploadedId) ctx.state.createdFiles.add(uploadedId);
    for (const op of operations) {
      if (op.requestMediaTypes.length) continue;
      // Delete only what this check uploaded; read the samples every organization has.
      const fileId = op.operationId === 'deleteFile' ? uploadedId : ctx.state.fileIds[0];
      const values: Record<string, string | undefined> = { ...ids, file_id: fileId };
      if (op.pathParams.some((p) => !values[p])) continue;
      const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name]!));
      const ex = await ctx.send({ method: op.method, path });
      if (op.operationId === 'cancelFineTuningJob' && (await finishedFirst(ctx, ex, values.fine_tuning_job_id!))) {
        // Refused because it finished: then it is refused the way the contract labels it.
        expectRejected(ctx, ex, cancelOfFinishedRefused(), `${op.operationId} on ${path} (the job had finished)`);
        continue;
      }
      expectAccepted(ctx, op.operationId, ex, `${op.operationId} on ${path}`, 'response.schema');
      if (op.operationId === 'deleteFile' && ex.response?.status === 200 && uploadedId) ctx.state.createdFiles.delete(uploadedId);
    }
  },
};

/**
 * A cancel refused with 400 because the job had already finished (a fast implementation):
 * that is the contract's answer (rule job.cancel), not a well-formed request refused, so a
 * core run's verdict does not depend on how fast the server runs its jobs. The caller still
 * judges that refusal (param, code) against the labelled situation.
 */
async function finishedFirst(ctx: CheckContext, ex: Exchange, jobId: string): Promise<boolean> {
  if (ex.response?.status !== 400) return false;
  const retrieve = operation('retrieveFineTuningJob');
  const got = await ctx.send({ method: retrieve.method, path: retrieve.path.replace(/\{[^}]+\}/, encodeURIComponent(jobId)) });
  const job = got.response?.status === 200 ? (got.response.json as FineTuningJob) : undefined;
  return job !== undefined && lifecycle.finished.includes(job.status) && job.status !== 'cancelled';
}
