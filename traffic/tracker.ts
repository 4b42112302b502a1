/**
 * Rules that span exchanges, judged where the traffic shows them: a job's stable fields
 * never change between answers (job.retrieve.stable, the suite's STABLE fields), its status
 * only moves along the lifecycle (job.lifecycle, the suite's lifecycleDistance), a cancel
 * answers the job cancelled (job.cancel), and a list page is newest first and starts after
 * its cursor (list.order-and-cursor). What it remembers is bounded: at most `maxJobs` jobs,
 * the least recently seen forgotten first.
 */
import type { FineTuningJob } from '../spec/index.js';
import { lifecycleDistance, STABLE } from '../contract-tests/checks/jobs.js';
import type { Exchange } from '../contract-tests/http/exchange.js';
import { emptyVerdict, type Finding, type Verdict } from './message.js';

export const DEFAULT_MAX_JOBS = 10_000;

interface Seen {
  stable: Record<string, string>;
  status: FineTuningJob['status'];
  /** Where it was last seen (for the message). */
  at: number;
}

const isJob = (v: unknown): v is FineTuningJob => !!v && typeof v === 'object' && (v as { object?: unknown }).object === 'fine_tuning.job' && typeof (v as { id?: unknown }).id === 'string';

export class JobTracker {
  private readonly jobs = new Map<string, Seen>();

  constructor(readonly maxJobs: number = DEFAULT_MAX_JOBS) {}

  get size(): number {
    return this.jobs.size;
  }

  /** The cross-exchange rules this answer shows (2xx answers only). */
  observe(ex: Exchange): Verdict {
    const out = emptyVerdict();
    const res = ex.response;
    if (!res || res.status < 200 || res.status >= 300 || res.json === undefined) return out;
    const body = res.json as { data?: unknown[] } & Record<string, unknown>;
    if (ex.operationId === 'listFineTuningJobs' || ex.operationId === 'listFiles') this.listOrder(ex, body.data ?? [], out);
    const jobs = isJob(body) ? [{ job: body, at: '' }] : ex.operationId === 'listFineTuningJobs' ? (body.data ?? []).filter(isJob).map((job, i) => ({ job, at: `/data/${i}` })) : [];
    for (const { job, at } of jobs) this.sighting(ex, job, at, out);
    if (ex.operationId === 'cancelFineTuningJob' && isJob(body)) {
      if (body.status !== 'cancelled') out.findings.push(finding('job.cancel', `a cancel answered ${res.status} with the job ${body.status}, not cancelled`, '/status', 'cancelled', body.status));
      else out.held.push('job.cancel');
    }
    return out;
  }

  private sighting(ex: Exchange, job: FineTuningJob, at: string, out: Verdict): void {
    const stable = Object.fromEntries(STABLE.map((k) => [k, JSON.stringify(job[k])]));
    const seen = this.jobs.get(job.id);
    if (!seen) return this.remember(job.id, { stable, status: job.status, at: ex.seq });
    const changed = STABLE.filter((k) => seen.stable[k] !== stable[k]);
    if (changed.length) out.findings.push(finding('job.retrieve.stable', `job ${job.id}'s ${changed.join(', ')} changed since exchange #${seen.at}`, `${at}/${changed[0]}`, Object.fromEntries(changed.map((k) => [k, JSON.parse(seen.stable[k]!) as unknown])), Object.fromEntries(changed.map((k) => [k, job[k]]))));
    else out.held.push('job.retrieve.stable');
    // Exchanges are numbered as their requests arrive; answers may end in another order. An
    // answer to an earlier request shows an earlier state: it must lead to what was seen since.
    const earlier = ex.seq < seen.at;
    const [from, to] = earlier ? [job.status, seen.status] : [seen.status, job.status];
    if (lifecycleDistance(from, to) === undefined) {
      out.findings.push(finding('job.lifecycle', `job ${job.id} was ${from} (exchange #${earlier ? ex.seq : seen.at}) and then ${to} (exchange #${earlier ? seen.at : ex.seq}), which the lifecycle does not allow`, `${at}/status`, `a status reachable from ${from}`, to));
    } else {
      out.held.push('job.lifecycle');
      if (!earlier) (seen.status = job.status), (seen.at = ex.seq);
    }
    this.remember(job.id, seen);
  }

  /** Least recently seen last out: re-inserting moves a job to the end; the first key is the oldest. */
  private remember(id: string, s: Seen): void {
    this.jobs.delete(id);
    this.jobs.set(id, s);
    if (this.jobs.size > this.maxJobs) this.jobs.delete(this.jobs.keys().next().value!);
  }

  private listOrder(ex: Exchange, data: unknown[], out: Verdict): void {
    const items = data.filter((d): d is { id: string; created_at: number } => !!d && typeof d === 'object' && typeof (d as { created_at?: unknown }).created_at === 'number');
    const i = items.findIndex((d, k) => k > 0 && d.created_at > items[k - 1]!.created_at);
    const after = new URL(ex.request.url, 'http://x').searchParams.get('after');
    if (i > 0) out.findings.push(finding('list.order-and-cursor', `the list is not newest first: item ${i} (${items[i]!.id}) was created after item ${i - 1}`, `/data/${i}/created_at`, 'created_at not increasing', items.slice(i - 1, i + 1).map((d) => d.created_at)));
    else if (after && items.some((d) => d.id === after)) out.findings.push(finding('list.order-and-cursor', `the page after ${after} holds ${after} itself`, '/data', `items after ${after}`, after));
    else if (items.length > 1 || after) out.held.push('list.order-and-cursor');
  }
}

function finding(ruleId: string, message: string, instancePath: string, declared: unknown, received: unknown): Finding {
  return { side: 'server', ruleId, message, instancePath, declared, received };
}
