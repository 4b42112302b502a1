/**
 * Retrieve and list agree on a job (rule job.retrieve.stable): the job as the list shows
 * it lies between two retrieves made before and after the list, in the lifecycle's order,
 * with the same stable fields. A retrieve that never shows progress while the list does
 * (or the other way round) is caught here.
 */
import { listLimits, operation, type FineTuningJob, type FineTuningJobList } from '../../spec/index.js';
import type { Exchange } from '../http/exchange.js';
import { expectAccepted } from './expectations.js';
import { jobPath, jobSucceedsWithModelName, lifecycleDistance, STABLE } from './jobs.js';
import type { Check, CheckContext } from './types.js';

const retrieve = operation('retrieveFineTuningJob');
const list = operation('listFineTuningJobs');
/** Whether `to` is `from` or comes after it in the lifecycle. */
const atOrAfter = (from: FineTuningJob['status'], to: FineTuningJob['status']) => lifecycleDistance(from, to) !== undefined;

async function retrieved(ctx: CheckContext, id: string): Promise<{ job?: FineTuningJob; ex: Exchange }> {
  const ex = await ctx.send({ method: 'get', path: jobPath(retrieve.path, id) });
  return { ex, ...(expectAccepted(ctx, 'retrieveFineTuningJob', ex, `retrieving job ${id}`, 'job.retrieve.stable') ? { job: ex.response!.json as FineTuningJob } : {}) };
}

/** The job as the list shows it (walking at most a few pages). */
async function listed(ctx: CheckContext, id: string): Promise<{ job?: FineTuningJob; pages: Exchange[] }> {
  const pages: Exchange[] = [];
  let after: string | undefined;
  for (let n = 0; n < 10; n++) {
    const ex = await ctx.send({ method: 'get', path: list.path, query: { limit: String(listLimits.max), ...(after ? { after } : {}) } });
    pages.push(ex);
    if (!expectAccepted(ctx, 'listFineTuningJobs', ex, 'listing jobs', 'list.order-and-cursor')) return { pages };
    const body = ex.response!.json as FineTuningJobList;
    const job = (body.data ?? []).find((j) => j.id === id);
    if (job || !body.has_more || !body.data?.length) return { ...(job ? { job } : {}), pages };
    after = body.data[body.data.length - 1]!.id;
  }
  return { pages };
}

export const retrieveAndListAgree: Check = {
  id: 'retrieve-and-list-agree',
  title: 'Retrieve and list show the same job: same stable fields, and the listed status between a retrieve before and one after',
  ruleId: 'job.retrieve.stable',
  profiles: ['full'],
  // A retrieve that never shows progress is caught against the jobs that went furthest.
  after: [jobSucceedsWithModelName.id],
  async run(ctx) {
    // The jobs that went furthest first: a frozen retrieve shows only against progress.
    // Then the ones the lifecycle check followed: retrieved from their start, so they have had time to move.
    const ids = [...new Set([...ctx.state.finishedJobs.map((j) => j.id), ...ctx.state.keptJobs, ...[...ctx.state.createdJobs].reverse()])].slice(0, 3);
    if (!ids.length) return ctx.skip('the run created no job (see job.create-status)', 'blocked');
    for (const id of ids) {
      const before = await retrieved(ctx, id);
      const { job: inList, pages } = await listed(ctx, id);
      const after = await retrieved(ctx, id);
      if (!before.job || !after.job) continue;
      if (!inList) {
        ctx.fail({ message: `job ${id} is retrieved but not listed`, declared: 'listed', received: 'absent', exchange: pages[pages.length - 1]!, steps: [before.ex, ...pages.slice(0, -1)] });
        continue;
      }
      const between = atOrAfter(before.job.status, inList.status) && atOrAfter(inList.status, after.job.status);
      if (!between) {
        ctx.fail({
          message: `job ${id} is listed as ${inList.status} but retrieved as ${before.job.status} before and ${after.job.status} after`,
          declared: `a listed status between ${before.job.status} and ${after.job.status}`,
          received: { retrieved_before: before.job.status, listed: inList.status, retrieved_after: after.job.status },
          exchange: after.ex,
          steps: [before.ex, ...pages],
        });
      } else ctx.pass();
      const differs = STABLE.filter((k) => JSON.stringify(inList[k]) !== JSON.stringify(after.job![k]));
      if (differs.length) ctx.fail({ message: `job ${id}'s ${differs.join(', ')} differ between list and retrieve`, declared: Object.fromEntries(differs.map((k) => [k, after.job![k]])), received: Object.fromEntries(differs.map((k) => [k, inList[k]])), exchange: pages[pages.length - 1]!, steps: [before.ex] });
      else ctx.pass();
    }
  },
};
