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
import { situationFixtures } from '../../fixtures/index.js';
import { expectAccepted, expectRejected, paramOf, type ExpectedRejection } from './expectations.js';
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

/** A job of the run's another check may send requests about (a cancel, a fixture's id): never one a check keeps. */
export const lendableJob = (state: CheckContext['state']): string | undefined => [...state.createdJobs].find((id) => !state.keptJobs.has(id));

function needFiles(ctx: CheckContext): string[] {
  if (!ctx.state.fileIds.length) return ctx.skip('no training file could be uploaded (see upload-training-file)', 'blocked');
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
    if (!lifecycle.initial.includes(job.status)) ctx.fail({ ruleId: 'job.lifecycle', message: `a new job has status ${job.status}`, declared: lifecycle.initial, received: job.status, exchange: ex });
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
        // The job shows the default it used: the reference's rule for style_model, this contract's for base_model (job.base_model.echo).
        if (minimal.job[field] !== createDefaults[field]) ctx.fail({ ...(field === 'base_model' ? { ruleId: 'job.base_model.echo' } : {}), message: `${field} defaults to ${JSON.stringify(minimal.job[field])}`, declared: createDefaults[field], received: minimal.job[field], exchange: minimal.ex });
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

/** The fields of a job that never change. */
export const STABLE = ['id', 'style_model', 'base_model', 'training_files', 'created_at', 'organization_id'] as const;

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

/**
 * Transitions on the shortest lifecycle path from one status to another: 0 for the same
 * status, undefined when the lifecycle never leads there. One walk of the spec's
 * lifecycle for every question the checks ask of it (polling may miss steps between).
 */
export function lifecycleDistance(from: FineTuningJob['status'], to: FineTuningJob['status']): number | undefined {
  const depth = new Map([[from, 0]]);
  const queue = [from];
  while (queue.length) {
    const at = queue.shift()!;
    if (at === to) return depth.get(at);
    for (const n of lifecycle.next[at] ?? []) if (!depth.has(n)) depth.set(n, depth.get(at)! + 1), queue.push(n);
  }
  return undefined;
}

function uuidTail(model: string): string {
  return model.slice(-36);
}

/**
 * The waits between polls of a running job: 25 ms, growing by half up to 500 ms (a finish is
 * seen within half a second, at two requests a second at most), until they
 * add up to --job-timeout. A fixed schedule, so the polls a job can cost are known in
 * advance (what an overlapping check holds back of the budget) and a manual clock runs it.
 */
export function pollSchedule(jobTimeoutMs: number): number[] {
  const waits: number[] = [];
  let total = 0;
  for (let wait = 25; total < jobTimeoutMs; wait = Math.min(wait * 1.5, 500)) {
    const w = Math.min(Math.round(wait), jobTimeoutMs - total);
    waits.push(w);
    total += w;
  }
  return waits;
}

/** Requests judging a succeeded job's events costs at most: the list, then pages of one to one past its end. */
const EVENT_REQUESTS = 1 + listLimits.max + 1;

/** Poll a job until it finishes or the schedule runs out; judges each status change it sees against the lifecycle. */
async function followToEnd(ctx: CheckContext, start: FineTuningJob): Promise<{ job: FineTuningJob; ex?: Exchange; finished: boolean }> {
  let job = start;
  let ex: Exchange | undefined;
  for (const wait of pollSchedule(ctx.jobTimeoutMs)) {
    if (lifecycle.finished.includes(job.status)) break;
    await ctx.sleep(wait);
    const got = await getJob(ctx, job.id);
    ex = got.ex;
    if (!got.job) {
      expectAccepted(ctx, 'retrieveFineTuningJob', got.ex, 'retrieving a job while it runs', 'job.retrieve.stable');
      return { job, ex, finished: false };
    }
    const next = got.job;
    if (next.status !== job.status) {
      if (!lifecycleDistance(job.status, next.status)) {
        ctx.fail({ ruleId: 'job.lifecycle', message: `a job moved from ${job.status} to ${next.status}`, declared: `a status reachable from ${job.status} (${lifecycle.next[job.status]?.join(', ')} ...)`, received: next.status, exchange: got.ex });
      } else ctx.pass('job.lifecycle');
    }
    if (!lifecycle.finished.includes(next.status) && (next.finished_at !== null || next.fine_tuned_model !== null)) {
      ctx.fail({ ruleId: 'job.lifecycle', message: `an unfinished (${next.status}) job has finished_at or fine_tuned_model set`, declared: { finished_at: null, fine_tuned_model: null }, received: { finished_at: next.finished_at, fine_tuned_model: next.fine_tuned_model }, exchange: got.ex });
    }
    job = next;
  }
  if (lifecycle.finished.includes(job.status)) ctx.state.finishedJobs.push(job);
  return { job, ...(ex ? { ex } : {}), finished: lifecycle.finished.includes(job.status) };
}

/** A succeeded job's model name, finish time and events (the run's own job, or the one --job names). */
async function judgeSucceeded(ctx: CheckContext, job: FineTuningJob, ex: Exchange | undefined, suffix: string | null | undefined, created?: FineTuningJob): Promise<void> {
  const model = job.fine_tuned_model ?? '';
  // suffix undefined: a job the run did not create (--job), whose suffix it does not know: the pattern alone.
  const want = suffix === undefined ? 'ftm-[{suffix}-]<uuid>' : suffix ? `ftm-${suffix}-<uuid>` : 'ftm-<uuid>';
  const ok = fineTunedModelPattern.test(model) && (suffix === undefined || model === (suffix ? `ftm-${suffix}-${uuidTail(model)}` : `ftm-${uuidTail(model)}`));
  if (!ok) ctx.fail({ message: `a succeeded job's model is ${JSON.stringify(job.fine_tuned_model)}`, declared: want, received: job.fine_tuned_model, ...(ex ? { exchange: ex } : {}) });
  else ctx.pass('job.fine_tuned_model.suffix');
  if (job.finished_at === null || job.finished_at < job.created_at || job.error !== null) {
    ctx.fail({ ruleId: 'job.lifecycle', message: 'a succeeded job has no finished_at (or one before created_at), or an error', declared: { finished_at: '>= created_at', error: null }, received: { finished_at: job.finished_at, error: job.error }, ...(ex ? { exchange: ex } : {}) });
  } else ctx.pass('job.lifecycle');
  const ev = await ctx.send({ method: 'get', path: jobPath(events.path, job.id), query: { limit: String(listLimits.max) } });
  if (!expectAccepted(ctx, 'listFineTuningEvents', ev, 'listing the events of a finished job', 'event.shape')) return;
  const data = (ev.response!.json as FineTuningJobEventList).data ?? [];
  const sorted = data.every((e, i) => i === 0 || data[i - 1]!.created_at >= e.created_at);
  if (!sorted) ctx.fail({ ruleId: 'list.order-and-cursor', message: 'events are not newest first', declared: 'newest first', received: data.map((e) => [e.created_at, e.message]), exchange: ev });
  else ctx.pass('list.order-and-cursor');
  // "An event for each step of its lifecycle": at least one per status it went through.
  const steps = (lifecycleDistance(created?.status ?? lifecycle.initial[0]!, job.status) ?? -1) + 1;
  if (data.length < steps) ctx.fail({ ruleId: 'event.shape', message: `a job that went through ${steps} statuses has ${data.length} events`, declared: `at least ${steps} events (one per step from ${created?.status ?? lifecycle.initial[0]} to ${job.status})`, received: data.map((e) => e.message), exchange: ev });
  else ctx.pass('event.shape');
  // Timestamps of one second cannot show the order; the cursor can: pages of one, in turn, are the same list.
  const paged: string[] = [];
  const pages: Exchange[] = [];
  let after: string | undefined;
  // At most a page past the longest list a page may hold: a server that lists more costs no more requests.
  const pagesOfOne = Math.min(data.length, listLimits.max) + 1;
  for (let i = 0; i < pagesOfOne; i++) {
    const page = await ctx.send({ method: 'get', path: jobPath(events.path, job.id), query: { limit: '1', ...(after ? { after } : {}) } });
    pages.push(page);
    const body = page.response?.json as FineTuningJobEventList | undefined;
    const item = body?.data?.[0];
    const last = i === data.length - 1;
    if (item && body && body.has_more !== !last) {
      ctx.fail({ ruleId: 'list.order-and-cursor', message: `page ${i + 1} of ${data.length} of a job's events says has_more: ${body.has_more}`, declared: { has_more: !last }, received: { has_more: body.has_more }, exchange: page, steps: pages.slice(0, -1) });
    } else if (item) ctx.pass('list.order-and-cursor');
    if (!item) break;
    paged.push(item.id);
    after = item.id;
  }
  const listed = data.map((e) => e.id);
  if (JSON.stringify(paged) !== JSON.stringify(listed)) {
    ctx.fail({ ruleId: 'list.order-and-cursor', message: "a job's events in one page and in pages of one come in different orders", declared: listed, received: paged, exchange: pages[pages.length - 1] ?? ev, steps: [ev, ...pages.slice(0, -1)] });
  } else ctx.pass('list.order-and-cursor');
}

export const jobSucceedsWithModelName: Check = {
  id: 'job-succeeds-with-model-name',
  title: 'A job runs to succeeded, with finished_at, an event per step, and a fine_tuned_model named ftm-{suffix}-{uuid} (ftm-{uuid} without suffix)',
  ruleId: 'job.fine_tuned_model.suffix',
  alsoVerifies: ['job.lifecycle', 'event.shape', 'list.order-and-cursor'],
  profiles: ['full'],
  async run(ctx) {
    const files = needFiles(ctx);
    const unjudged: string[] = [];
    // Both jobs run at once: a real service's pace is paid once, not twice.
    const made: { job: FineTuningJob; suffix: string | null }[] = [];
    for (const suffix of [SUFFIX, null]) {
      const m = await createJob(ctx, { training_files: [files[0]], ...(suffix ? { suffix } : {}) }, `creating a job ${suffix ? `with suffix ${suffix}` : 'without suffix'}`);
      if (m) made.push({ job: m.job, suffix });
      // Its lifecycle is what this check judges: no other check cancels it or names it in a fixture.
      if (m) ctx.state.keptJobs.add(m.job.id);
    }
    if (!made.length) return ctx.skip('no job could be created (see job.create-status)', 'blocked');
    // The rest only reads and waits: the next checks run meanwhile, and the lifecycle's time is paid once.
    const polls = pollSchedule(ctx.jobTimeoutMs).length;
    ctx.overlap(made.length * (polls + EVENT_REQUESTS) + (ctx.state.givenJob ? EVENT_REQUESTS : 0));
    const ends = await Promise.all(made.map(async (m) => ({ ...m, end: await followToEnd(ctx, m.job) })));
    for (const { job, suffix, end } of ends) {
      const what = suffix ? `ftm-${suffix}-{uuid}` : 'ftm-{uuid}';
      if (!end.finished) unjudged.push(`job ${job.id} (${what}) was still ${end.job.status} after --job-timeout ${ctx.jobTimeoutMs} ms`);
      else if (end.job.status !== 'succeeded') {
        unjudged.push(`job ${job.id} (${what}) ended ${end.job.status}${end.job.error ? ` (${end.job.error.code})` : ''}`);
        if (end.job.status === 'failed' && end.job.error === null) ctx.fail({ ruleId: 'job.lifecycle', message: 'a failed job has no error', declared: { error: '{code, message, param}' }, received: { error: null }, ...(end.ex ? { exchange: end.ex } : {}) });
      } else {
        ctx.state.succeededJob ??= end.job;
        await judgeSucceeded(ctx, end.job, end.ex, suffix, job);
      }
    }
    if (!unjudged.length) return;
    const given = ctx.state.givenJob;
    if (given && !ctx.state.succeededJob) {
      // The run's jobs did not succeed in time: the post-success rules are judged on the job --job names.
      ctx.state.succeededJob = given;
      await judgeSucceeded(ctx, given, undefined, undefined);
      // Its suffix is not in the job object: the name is judged by its form only, as the user chose.
      ctx.notJudged('job.fine_tuned_model.suffix', `the suffix part of the model name (${unjudged.join('; ')}): --job ${given.id} was judged by the name's form only`, 'configuration');
      return;
    }
    const reason = `${unjudged.join('; ')}, so the model name${unjudged.length > 1 ? 's' : ''}, finish and events of a succeeded job could not be checked${given ? '' : ' (for a service whose jobs take long, name a succeeded job with --job ID)'}`;
    for (const id of ['job.fine_tuned_model.suffix', 'job.lifecycle', 'event.shape']) ctx.notJudged(id, reason);
  },
};

export const cancelSemantics: Check = {
  id: 'cancel-semantics',
  title: 'Cancel turns an unfinished job cancelled, is idempotent, and is refused with job_not_cancellable for a succeeded job',
  ruleId: 'job.cancel',
  profiles: ['full'],
  // It cancels the job that one saw succeed.
  after: [jobSucceedsWithModelName.id],
  async run(ctx) {
    const files = needFiles(ctx);
    let cancelled: FineTuningJob | undefined;
    for (let attempt = 0; attempt < 2 && !cancelled; attempt++) {
      const made = await createJob(ctx, { training_files: [files[0]] }, 'creating a job to cancel');
      if (!made) return ctx.skip('no job could be created (see job.create-status)', 'blocked');
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
        const { job, ex: got } = await getJob(ctx, made.job.id);
        if (job && job.status !== 'cancelled') ctx.fail({ message: `a cancelled job is retrieved as ${job.status}`, declared: 'cancelled', received: job.status, exchange: got });
        else if (job) ctx.pass();
        break;
      }
      // A fast implementation may have finished the job already: then 400 is right; try once more.
      const { job } = await getJob(ctx, made.job.id);
      if (!(ex.response?.status === 400 && job && lifecycle.finished.includes(job.status))) {
        ctx.fail({ message: `cancelling an unfinished job was answered ${ex.response?.status ?? ex.error}${paramOf(ex) !== undefined ? ` param ${paramOf(ex)}` : ''}`, declared: { status: 200, status_after: 'cancelled' }, received: { status: ex.response?.status, body: ex.response?.json }, exchange: ex });
        return;
      }
    }
    if (!cancelled) ctx.notJudged('job.cancel', 'every job the run created finished before it could be cancelled');
    const done = ctx.state.succeededJob;
    if (!done) return ctx.notJudged('job.cancel', 'no job succeeded (see job-succeeds-with-model-name), so cancelling a finished job was not tried');
    const ex = await ctx.send({ method: 'post', path: jobPath(cancel.path, done.id) });
    expectRejected(ctx, ex, cancelOfFinishedRefused(), 'cancelling a succeeded job');
    const { job, ex: got } = await getJob(ctx, done.id);
    if (job && job.status !== 'succeeded') ctx.fail({ message: `a succeeded job became ${job.status} after a refused cancel`, declared: 'succeeded', received: job.status, exchange: got });
    else if (job) ctx.pass();
  },
};

/** The labelled answer to cancelling a succeeded job (situation fixture cancel-succeeded-job), under rule job.cancel. */
export function cancelOfFinishedRefused(): ExpectedRejection {
  const f = situationFixtures.find((x) => x.name === 'cancel-succeeded-job');
  if (!f) throw new Error('contract suite: no situation fixture cancel-succeeded-job');
  return { status: f.expect.status, param: f.expect.param, ...(f.expect.code ? { code: f.expect.code } : {}), ruleId: 'job.cancel' };
}
