/**
 * Who may do what: every operation requires Bearer auth (core and full), and with a
 * second token one organization cannot read, list, cancel or use another's jobs and
 * files: they answer exactly as unknown ids do (full).
 */
import { operations, operation, listLimits, type FileObjectList, type FineTuningJob, type FineTuningJobList, type Operation } from '../../spec/index.js';
import { requestFixtures } from '../../fixtures/index.js';
import type { SendOptions } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { expectRejected, type ExpectedRejection } from './expectations.js';
import { uploadRequest } from './files.js';
import { createJob, jobPath, lendableJob } from './jobs.js';
import type { Check, CheckContext } from './types.js';

/** A refused Authorization header (null: none), as a fixture labels it, with its answer. */
interface RefusedCredentials {
  label: string;
  authorization: string | null;
  want: ExpectedRejection;
}

/**
 * The Authorization headers the fixtures label as refused, one per distinct value: none, another
 * scheme, no token (auth.bearer), and the edges of the spec's x-vaero-credentials-pattern such
 * as a tab after the scheme (auth.bearer.shape). The fixtures' tests hold these labels to the
 * spec's pattern (readCredentials), so the suite asks what the servers and the judge agree on.
 */
function refusedCredentials(): RefusedCredentials[] {
  const byValue = new Map<string | null, RefusedCredentials>();
  for (const f of requestFixtures) {
    const authorization = f.headers?.authorization;
    if (f.valid || authorization === undefined || f.expect.status !== 401 || !f.expect.ruleId?.startsWith('auth.bearer')) continue;
    // Spaces and tabs around a value are not part of it (fetch drops them): one request per value without them.
    const key = authorization === null ? null : authorization.replace(/^[ \t]+|[ \t]+$/g, '');
    if (byValue.has(key)) continue;
    byValue.set(key, { label: `${authorization === null ? 'no Authorization header' : `Authorization ${JSON.stringify(authorization)}`} (fixture ${f.name})`, authorization, want: { status: f.expect.status, param: f.expect.param, ...(f.expect.code ? { code: f.expect.code } : {}), ruleId: f.expect.ruleId } });
  }
  if (!byValue.has(null)) throw new Error('contract suite: no fixture labels a request without Authorization');
  return [...byValue.values()];
}

/**
 * A value for a path parameter: the run's own job or file in full, else the one a fixture uses.
 * An operation that changes what it names (cancel, delete) always gets the fixture's: a server
 * that wrongly lets a refused credential through must not take the run's own file or job away
 * from the checks after this one (its answer, 200 or 404, is no 401 either way).
 */
function pathValue(ctx: CheckContext, op: Operation, name: string): string {
  const changesIt = op.method !== 'get' && op.pathParams.length > 0;
  const own = name.includes('job') ? lendableJob(ctx.state) : ctx.state.fileIds[0];
  if (ctx.profile === 'full' && own && !changesIt) return own;
  return requestFixtures.find((f) => f.pathParams?.[name])?.pathParams?.[name] ?? 'unknown';
}

/** A well-formed request to an operation, whose credentials the caller replaces. */
function requestFor(ctx: CheckContext, op: Operation): SendOptions {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(pathValue(ctx, op, n)));
  if (op.operationId === 'uploadFile') return { ...uploadRequest('vaero-contract-auth.txt'), path };
  if (op.requestMediaTypes.includes('application/json')) return { method: op.method, path, json: { training_files: ctx.state.fileIds.slice(0, 1) } };
  return { method: op.method, path };
}

export const authRequired: Check = {
  id: 'auth-required',
  title: 'Every operation answers 401 without Bearer credentials (missing, another scheme, no token, a spelling the spec refuses)',
  ruleId: 'auth.bearer',
  // The 401 is the reference's; its param (authorization) this contract's: judged apart.
  alsoVerifies: ['auth.bearer.param', 'auth.bearer.shape'],
  profiles: ['core', 'full'],
  async run(ctx) {
    const refused = refusedCredentials();
    for (const op of operations) {
      const base = requestFor(ctx, op);
      for (const { label, authorization, want } of refused) {
        const ex = await ctx.send({ ...base, as: 'none', headers: { ...(base.headers ?? {}), ...(authorization === null ? {} : { authorization }) } });
        // An implementation that let it through created something: clean it up with real credentials.
        track(ctx, op, ex);
        expectRejected(ctx, ex, want, `${op.operationId} with ${label}`);
      }
    }
  },
};

function track(ctx: CheckContext, op: Operation, ex: Exchange): void {
  if (ex.response?.status !== 200) return;
  const id = (ex.response.json as { id?: string } | undefined)?.id;
  if (!id) return;
  if (op.operationId === 'createFineTuningJob') ctx.state.createdJobs.add(id);
  if (op.operationId === 'uploadFile') ctx.state.createdFiles.add(id);
}

/** What an unknown id gets, as the fixtures label it, for the operation. */
function unknownIdAnswer(operationId: string, param?: string): ExpectedRejection {
  const f = requestFixtures.find((x) => x.operationId === operationId && !x.valid && x.layer === 'semantic' && (param ? x.expect.param === param : x.expect.status === 404) && !x.headers);
  if (!f) throw new Error(`contract suite: no fixture labels an unknown id for ${operationId}`);
  return { status: f.expect.status, param: f.expect.param, ruleId: 'tenancy.isolation' };
}

export const organizationsAreIsolated: Check = {
  id: 'organizations-are-isolated',
  title: "One organization cannot read, list, cancel or use another's jobs and files: they answer as unknown ids",
  ruleId: 'tenancy.isolation',
  profiles: ['full'],
  async run(ctx) {
    if (!ctx.hasTokenB) return ctx.skip('no second token (--token-b or VAERO_TOKEN_B): isolation needs two organizations', 'configuration');
    const fileId = ctx.state.fileIds[0];
    if (!fileId) return ctx.skip('no training file could be uploaded (see upload-training-file)', 'blocked');
    const made = await createJob(ctx, { training_files: [fileId] }, "creating organization A's job");
    if (!made) return;
    const job = made.job;
    const asB = (o: SendOptions) => ctx.send({ ...o, as: 'b' });
    const jobOps = ['retrieveFineTuningJob', 'cancelFineTuningJob', 'listFineTuningEvents'] as const;
    for (const id of jobOps) {
      const op = operation(id);
      const ex = await asB({ method: op.method, path: jobPath(op.path, job.id) });
      expectRejected(ctx, ex, unknownIdAnswer(id), `organization B: ${id} on A's job`);
    }
    const fileOps = ['retrieveFile', 'downloadFileContent', 'deleteFile'] as const;
    for (const id of fileOps) {
      const op = operation(id);
      const ex = await asB({ method: op.method, path: jobPath(op.path, fileId) });
      expectRejected(ctx, ex, unknownIdAnswer(id), `organization B: ${id} on A's file`);
    }
    const create = operation('createFineTuningJob');
    const used = await asB({ method: create.method, path: create.path, json: { training_files: [fileId] } });
    if (used.response?.status === 200) {
      const leaked = (used.response.json as FineTuningJob).id;
      if (leaked) ctx.state.createdJobs.add(leaked);
    }
    expectRejected(ctx, used, unknownIdAnswer('createFineTuningJob', 'training_files'), "organization B: training on A's file");

    const jobs = await asB({ method: 'get', path: operation('listFineTuningJobs').path, query: { limit: String(listLimits.max) } });
    const jobIds = ((jobs.response?.json as FineTuningJobList | undefined)?.data ?? []).map((j) => j.id);
    if (jobIds.includes(job.id)) ctx.fail({ message: "organization B's job list shows A's job", declared: 'absent', received: job.id, exchange: jobs });
    else ctx.pass();
    const files = await asB({ method: 'get', path: operation('listFiles').path, query: { limit: String(listLimits.max) } });
    const fileIds = ((files.response?.json as FileObjectList | undefined)?.data ?? []).map((f) => f.id);
    if (fileIds.includes(fileId)) ctx.fail({ message: "organization B's file list shows A's file", declared: 'absent', received: fileId, exchange: files });
    else ctx.pass();

    // Nothing B did changed A's things.
    const still = await ctx.send({ method: 'get', path: jobPath(operation('retrieveFineTuningJob').path, job.id) });
    const after = still.response?.json as FineTuningJob | undefined;
    if (still.response?.status !== 200 || after?.status === 'cancelled') ctx.fail({ message: "organization B's cancel reached A's job", declared: { status: 200, job_status: 'not cancelled' }, received: { status: still.response?.status, job_status: after?.status }, exchange: still });
    else ctx.pass();
    const file = await ctx.send({ method: 'get', path: jobPath(operation('retrieveFile').path, fileId) });
    if (file.response?.status !== 200) ctx.fail({ message: "organization B's delete removed A's file", declared: { status: 200 }, received: { status: file.response?.status }, exchange: file });
    else ctx.pass();
  },
};
