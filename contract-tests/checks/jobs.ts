/**
 * Job semantics, for stateful implementations (`full`): defaults and echo, created_at,
 * retrieval, the list and its cursor, the lifecycle to succeeded with the model name,
 * and cancel. Every expectation is read from the spec module (defaults, enums,
 * lifecycle, the model-name pattern, list limits).
 */
import {
  baseModels,
  createDefaults,
  fineTunedModelPattern,
  lifecycle,
  listLimits,
  operation,
  type FineTuningJob,
  type FineTuningJobEventList,
  type FineTuningJobList,
} from '../../spec/index.js';
import type { Exchange } from '../http/exchange.js';
import { expectAccepted, paramOf } from './expectations.js';
import type { Check, CheckContext } from './types.js';

const create = operation('createFineTuningJob');
const retrieve = operation('retrieveFineTuningJob');
const list = operation('listFineTuningJobs');
const cancel = operation('cancelFineTuningJob');
const events = operation('listFineTuningEvents');

/** How far created_at may be from the server's Date header (rule job.created_at.now: "within a few minutes"). */
const CREATED_AT_TOLERANCE_S = 300;
/** The suffix the lifecycle check asks for (at most the spec's suffix length). */
const SUFFIX = 'contract-suite';

export const jobPath = (template: string, id: string) => template.replace(/\{[^}]+\}/, encodeURIComponent(id));

function needFiles(ctx: CheckContext): string[] {
  if (!ctx.state.fileIds.length) return ctx.skip('no training file could be uploaded (see upload-training-file)');
  return ctx.state.fileIds;
}

/** Create a job; the job, or undefined when it was not created (the failure is recorded). */
export async function createJob(ctx: CheckContext, body: Record<string, unknown>, what: string): Promise<{ job: FineTuningJob; ex: Exchange } | undefined> {
  const ex = await ctx.send({ method: create.method, path: create.path, json: body });
  if (!expectAccepted(ctx, 'createFineTuningJob', ex, what, 'job.create-status')) return undefined;
  const job = ex.response!.json as FineTuningJob;
  if (typeof job?.id !== 'string') return undefined;
  ctx.state.createdJobs.add(job.id);
  return { job, ex };
}

async function getJob(ctx: CheckContext, id: string): Promise<{ job?: FineTuningJob; ex: Exchange }> {
  const ex = await ctx.send({ method: 'get', path: jobPath(retrieve.path, id) });
  return { ex, ...(ex.response?.status === 200 ? { job: ex.response.json as FineTuningJob } : {}) };
}

export const createdJobStartsFresh: Check = {
  id: 'created-job-starts-fresh',
  title: 'A created job has the first status, no model, no finish time, and created_at is the server\'s now in seconds',
  ruleId: 'job.create-status',
  alsoVerifies: ['job.created_at.now', 'job.fine_tuned_model.suffix', 'job.lifecycle'],
  profiles: ['full'],
  async run(ctx) {
    const files = needFiles(ctx);
    const made = await createJob(ctx, { training_files: [files[0]], suffix: SUFFIX }, 'creating a job');
    if (!made) return;
    const { job, ex } = made;
    if (!lifecycle.initial.includes(job.status)) ctx.fail({ message: `a new job has status ${job.status}`, declared: lifecycle.initial, received: job.status, exchange: ex });
    else ctx.pass();
    if (job.fine_tuned_model !== null) ctx.fail({ ruleId: 'job.fine_tuned_model.suffix', message: 'a new job already names a fine-tuned model', declared: null, received: job.fine_tuned_model, exchange: ex });
    else ctx.pass('job.fine_tuned_model.suffix');
    if (job.finished_at !== null || job.error !== null) ctx.fail({ ruleId: 'job.lifecycle', message: 'a new job has finished_at or error set', declared: { finished_at: null, error: null }, received: { finished_at: job.finished_at, error: job.error }, exchange: ex });
    else ctx.pass('job.lifecycle');
    const date = Date.parse(ex.response!.headers.date ?? '');
    const now = Number.isNaN(date) ? Date.now() / 1000 : date / 1000;
    if (typeof job.created_at !== 'number' || Math.abs(job.created_at - now) > CREATED_AT_TOLERANCE_S) {
      ctx.fail({ ruleId: 'job.created_at.now', message: `created_at ${job.created_at} is not the server's now (${Math.round(now)}) in Unix seconds`, declared: `${Math.round(now)} ± ${CREATED_AT_TOLERANCE_S}`, received: job.created_at, exchange: ex });
    } else ctx.pass('job.created_at.now');
  },
};

export const defaultsApplied: Check = {
  id: 'defaults-applied',
  title: 'Defaults are applied and echoed; requested models and files are echoed',
  ruleId: 'job.defaults',
  alsoVerifies: ['job.echo', 'job.base_model.echo'],
  profiles: ['full'],
  async run(ctx) {
    const files = needFiles(ctx);
    const minimal = await createJob(ctx, { training_files: [files[0]] }, 'creating a job with only training_files');
    if (minimal) {
      for (const field of ['style_model', 'base_model'] as const) {
        if (minimal.job[field] !== createDefaults[field]) ctx.fail({ message: `${field} defaults to ${JSON.stringify(minimal.job[field])}`, declared: createDefaults[field], received: minimal.job[field], exchange: minimal.ex });
        else ctx.pass();
      }
    }
    const ordered = [...files].reverse();
    for (const base_model of baseModels) {
      const made = await createJob(ctx, { training_files: ordered, base_model, style_model: createDefaults.style_model }, `creating a job with base_model ${base_model}`);
      if (!made) continue;
      if (made.job.base_model !== base_model) ctx.fail({ ruleId: 'job.base_model.echo', message: `asked for base_model ${base_model}, got ${made.job.base_model}`, declared: base_model, received: made.job.base_model, exchange: made.ex });
      else ctx.pass('job.base_model.echo');
      if (JSON.stringify(made.job.training_files) !== JSON.stringify(ordered)) ctx.fail({ ruleId: 'job.echo', message: 'training_files are not the ones requested, in order', declared: ordered, received: made.job.training_files, exchange: made.ex });
      else ctx.pass('job.echo');
    }
  },
};

const STABLE = ['id', 'style_model', 'base_model', 'training_files', 'created_at', 'organization_id'] as const;

export const retrievedJobIsStable: Check = {
  id: 'retrieved-job-is-stable',
  title: 'A created job is retrieved with id, models, files, created_at and organization unchanged, and is listed',
  ruleId: 'job.retrieve.stable',
  alsoVerifies: ['list.order-and-cursor'],
  profiles: ['full'],
  async run(ctx) {
    const files = needFiles(ctx);
    const made = await createJob(ctx, { training_files: files, base_model: baseModels[0] }, 'creating a job');
    if (!made) return;
    const { job, ex } = await getJob(ctx, made.job.id);
    if (!expectAccepted(ctx, 'retrieveFineTuningJob', ex, 'retrieving a job just created', 'job.retrieve.stable') || !job) return;
    for (const k of STABLE) {
      if (JSON.stringify(job[k]) !== JSON.stringify(made.job[k])) ctx.fail({ message: `${k} changed between create and retrieve`, declared: made.job[k], received: job[k], exchange: ex });
      else ctx.pass();
    }
    const page = await ctx.send({ method: 'get', path: list.path, query: { limit: String(listLimits.max) } });
    if (!expectAccepted(ctx, 'listFineTuningJobs', page, 'listing jobs', 'list.order-and-cursor')) return;
    const ids = ((page.response!.json as FineTuningJobList).data ?? []).map((j) => j.id);
    if (!ids.includes(made.job.id)) ctx.fail({ ruleId: 'list.order-and-cursor', message: 'a job just created is not on the first page of the list (newest first)', declared: made.job.id, received: ids, exchange: page });
    else ctx.pass('list.order-and-cursor');
  },
};

/** Whether the lifecycle allows reaching `to` from `from` (polling may miss the steps between). */
function reachable(from: FineTuningJob['status'], to: FineTuningJob['status']): boolean {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) {
    for (const n of lifecycle.next[queue.shift()!] ?? []) {
      if (n === to) return true;
      if (!seen.has(n)) seen.add(n), queue.push(n);
    }
  }
  return false;
}

function uuidTail(model: string): string {
  return model.slice(-36);
}

/** Poll a job until it finishes or the time runs out; checks each status it passes through. */
async function followToEnd(ctx: CheckContext, start: FineTuningJob): Promise<{ job: FineTuningJob; ex?: Exchange; finished: boolean }> {
  let job = start;
  let ex: Exchange | undefined;
  const deadline = Date.now() + ctx.jobTimeoutMs;
  let wait = 25;
  while (!lifecycle.finished.includes(job.status) && Date.now() < deadline) {
    await ctx.sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
    wait = Math.min(wait * 1.5, 1000);
    const got = await getJob(ctx, job.id);
    ex = got.ex;
    if (!got.job) {
      expectAccepted(ctx, 'retrieveFineTuningJob', got.ex, 'retrieving a job while it runs', 'job.retrieve.stable');
      return { job, ex, finished: false };
    }
    const next = got.job;
    if (next.status !== job.status && !reachable(job.status, next.status)) {
      ctx.fail({ ruleId: 'job.lifecycle', message: `a job moved from ${job.status} to ${next.status}`, declared: `a status reachable from ${job.status} (${lifecycle.next[job.status]?.join(', ')} ...)`, received: next.status, exchange: got.ex });
    }
    if (!lifecycle.finished.includes(next.status) && (next.finished_at !== null || next.fine_tuned_model !== null)) {
      ctx.fail({ ruleId: 'job.lifecycle', message: `an unfinished (${next.status}) job has finished_at or fine_tuned_model set`, declared: { finished_at: null, fine_tuned_model: null }, received: { finished_at: next.finished_at, fine_tuned_model: next.fine_tuned_model }, exchange: got.ex });
    }
    job = next;
  }
  return { job, ...(ex ? { ex } : {}), finished: lifecycle.finished.includes(job.status) };
}

export const jobSucceedsWithModelName: Check = {
  id: 'job-succeeds-with-model-name',
  title: 'A job runs to succeeded, with finished_at and a fine_tuned_model named ftm-{suffix}-{uuid} (ftm-{uuid} without suffix)',
  ruleId: 'job.fine_tuned_model.suffix',
  alsoVerifies: ['job.lifecycle', 'event.shape', 'list.order-and-cursor'],
  profiles: ['full'],
  async run(ctx) {
    const files = needFiles(ctx);
    const skipped: string[] = [];
    // Both jobs run at once: a real service's pace is paid once, not twice.
    const made: { job: FineTuningJob; suffix: string | null }[] = [];
    for (const suffix of [SUFFIX, null]) {
      const m = await createJob(ctx, { training_files: [files[0]], ...(suffix ? { suffix } : {}) }, `creating a job ${suffix ? `with suffix ${suffix}` : 'without suffix'}`);
      if (m) made.push({ job: m.job, suffix });
    }
    const judge = async ({ job, suffix }: { job: FineTuningJob; suffix: string | null }) => {
      const end = await followToEnd(ctx, job);
      if (!end.finished) return void skipped.push(`job ${job.id} was still ${end.job.status} after --job-timeout ${ctx.jobTimeoutMs} ms`);
      if (end.job.status !== 'succeeded') {
        return void skipped.push(`job ${job.id} ended ${end.job.status}${end.job.error ? ` (${end.job.error.code})` : ''}, so its model name cannot be checked`);
      }
      ctx.state.succeededJob ??= end.job;
      const model = end.job.fine_tuned_model ?? '';
      const want = suffix ? `ftm-${suffix}-<uuid>` : 'ftm-<uuid>';
      const ok = fineTunedModelPattern.test(model) && model === (suffix ? `ftm-${suffix}-${uuidTail(model)}` : `ftm-${uuidTail(model)}`);
      if (!ok) ctx.fail({ message: `a succeeded job's model is ${JSON.stringify(end.job.fine_tuned_model)}`, declared: want, received: end.job.fine_tuned_model, exchange: end.ex });
      else ctx.pass();
      if (end.job.finished_at === null || end.job.finished_at < end.job.created_at || end.job.error !== null) {
        ctx.fail({ ruleId: 'job.lifecycle', message: 'a succeeded job has no finished_at (or one before created_at), or an error', declared: { finished_at: '>= created_at', error: null }, received: { finished_at: end.job.finished_at, error: end.job.error }, exchange: end.ex });
      } else ctx.pass('job.lifecycle');
      const ev = await ctx.send({ method: 'get', path: jobPath(events.path, job.id), query: { limit: String(listLimits.max) } });
      if (expectAccepted(ctx, 'listFineTuningEvents', ev, 'listing the events of a finished job', 'event.shape')) {
        const data = (ev.response!.json as FineTuningJobEventList).data ?? [];
        const sorted = data.every((e, i) => i === 0 || data[i - 1]!.created_at >= e.created_at);
        if (!data.length || !sorted) ctx.fail({ ruleId: 'event.shape', message: data.length ? 'events are not newest first' : 'a finished job has no events', declared: 'events of each step, newest first', received: data.map((e) => [e.created_at, e.message]), exchange: ev });
        else ctx.pass('event.shape');
        // Timestamps of one second cannot show the order; the cursor can: pages of one, in turn, are the same list.
        const paged: string[] = [];
        let after: string | undefined;
        for (let i = 0; i < data.length + 1; i++) {
          const page = await ctx.send({ method: 'get', path: jobPath(events.path, job.id), query: { limit: '1', ...(after ? { after } : {}) } });
          const item = (page.response?.json as FineTuningJobEventList | undefined)?.data?.[0];
          if (!item) break;
          paged.push(item.id);
          after = item.id;
        }
        const listed = data.map((e) => e.id);
        if (JSON.stringify(paged) !== JSON.stringify(listed)) {
          ctx.fail({ ruleId: 'list.order-and-cursor', message: "a job's events in one page and in pages of one come in different orders", declared: paged, received: listed, exchange: ev });
        } else ctx.pass('list.order-and-cursor');
      }
    };
    await Promise.all(made.map(judge));
    if (skipped.length) ctx.skip(skipped.join('; '));
  },
};

export const cancelSemantics: Check = {
  id: 'cancel-semantics',
  title: 'Cancel turns an unfinished job cancelled, is idempotent, and is refused for a succeeded job',
  ruleId: 'job.cancel',
  profiles: ['full'],
  async run(ctx) {
    const files = needFiles(ctx);
    let cancelled: FineTuningJob | undefined;
    for (let attempt = 0; attempt < 2 && !cancelled; attempt++) {
      const made = await createJob(ctx, { training_files: [files[0]] }, 'creating a job to cancel');
      if (!made) return;
      const ex = await ctx.send({ method: 'post', path: jobPath(cancel.path, made.job.id) });
      if (ex.response?.status === 200) {
        cancelled = ex.response.json as FineTuningJob;
        if (cancelled.status !== 'cancelled' || cancelled.finished_at === null) {
          ctx.fail({ message: 'a cancelled job is not cancelled with finished_at set', declared: { status: 'cancelled', finished_at: 'set' }, received: { status: cancelled.status, finished_at: cancelled.finished_at }, exchange: ex });
          return;
        }
        ctx.pass();
        const again = await ctx.send({ method: 'post', path: jobPath(cancel.path, made.job.id) });
        if (again.response?.status !== 200 || JSON.stringify(again.response.json) !== JSON.stringify(cancelled)) {
          ctx.fail({ message: 'cancelling a cancelled job is not 200 with the job unchanged', declared: { status: 200, body: cancelled }, received: { status: again.response?.status, body: again.response?.json }, exchange: again });
        } else ctx.pass();
        const { job } = await getJob(ctx, made.job.id);
        if (job && job.status !== 'cancelled') ctx.fail({ message: `a cancelled job is retrieved as ${job.status}`, declared: 'cancelled', received: job.status });
        break;
      }
      // A fast implementation may have finished the job already: then 400 is right; try once more.
      const { job } = await getJob(ctx, made.job.id);
      if (!(ex.response?.status === 400 && job && lifecycle.finished.includes(job.status))) {
        ctx.fail({ message: `cancelling an unfinished job was answered ${ex.response?.status ?? ex.error}${paramOf(ex) !== undefined ? ` param ${paramOf(ex)}` : ''}`, declared: { status: 200, status_after: 'cancelled' }, received: { status: ex.response?.status, body: ex.response?.json }, exchange: ex });
        return;
      }
    }
    const done = ctx.state.succeededJob;
    if (!done) return ctx.skip(cancelled ? 'no job of the run succeeded in time, so cancelling a finished job was not tried' : 'jobs finished before they could be cancelled');
    const ex = await ctx.send({ method: 'post', path: jobPath(cancel.path, done.id) });
    if (ex.response?.status !== 400) ctx.fail({ message: `cancelling a succeeded job was answered ${ex.response?.status ?? ex.error}`, declared: { status: 400 }, received: { status: ex.response?.status, body: ex.response?.json }, exchange: ex });
    else ctx.pass();
    const { job } = await getJob(ctx, done.id);
    if (job && job.status !== 'succeeded') ctx.fail({ message: `a succeeded job became ${job.status} after a refused cancel`, declared: 'succeeded', received: job.status });
  },
};
