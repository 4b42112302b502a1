/**
 * Paging a list with `after`/`limit` (rule list.order-and-cursor), for every list the run
 * can fill (jobs and files): the first page holds what the run just created, newest first;
 * a page that says has_more is followed by a non-empty one; an item created while paging
 * does not show up on later pages; walking the whole list reaches a last page (has_more
 * false) and neither skips nor repeats. A failure shows the pages that led to it.
 */
import { listLimits, operation, type OperationId } from '../../spec/index.js';
import type { Exchange } from '../http/exchange.js';
import { expectAccepted } from './expectations.js';
import { uploadOwnFile } from './files.js';
import { createJob } from './jobs.js';
import type { Check, CheckContext } from './types.js';

interface Listable {
  operationId: OperationId;
  noun: string;
  /** Create one item; its id. */
  create: (ctx: CheckContext, why: string) => Promise<string | undefined>;
}

interface Page {
  ex: Exchange;
  ids: string[];
  hasMore: boolean | undefined;
}

/** Longest whole-list walk (pages of listLimits.max): past it, the last page is not judged. */
const MAX_PAGES = 100;

async function page(ctx: CheckContext, l: Listable, limit: number, after: string | undefined, what: string): Promise<Page | undefined> {
  const ex = await ctx.send({ method: 'get', path: operation(l.operationId).path, query: { limit: String(limit), ...(after ? { after } : {}) } });
  if (!expectAccepted(ctx, l.operationId, ex, what, 'list.order-and-cursor')) return undefined;
  const body = ex.response!.json as { data?: { id: string }[]; has_more?: boolean };
  const ids = (body.data ?? []).map((x) => x.id);
  if (ids.length > limit) {
    ctx.fail({ ruleId: 'list.limit', message: `${what}, asked with limit=${limit}, holds ${ids.length} items`, declared: limit, received: ids.length, exchange: ex });
    return undefined;
  }
  ctx.pass('list.limit');
  return { ex, ids, hasMore: body.has_more };
}

async function walk(ctx: CheckContext, l: Listable): Promise<void> {
  const fail = (message: string, declared: unknown, received: unknown, pages: Page[]) =>
    ctx.fail({ message, declared, received, exchange: pages[pages.length - 1]!.ex, steps: pages.slice(0, -1).map((p) => p.ex) });
  const mine: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = await l.create(ctx, `creating a ${l.noun} to page through`);
    if (!id) return ctx.notJudged('list.order-and-cursor', `a ${l.noun} to page through could not be created`, 'blocked');
    mine.push(id);
  }
  const newestFirst = [...mine].reverse();

  // The order the run created things in: nothing was created since, so they lead the list.
  const top = await page(ctx, l, mine.length, undefined, `the first page of the ${l.noun} list`);
  if (!top) return;
  if (JSON.stringify(top.ids) !== JSON.stringify(newestFirst)) fail(`the first ${mine.length} ${l.noun}s listed are not the ones the run just created, newest first`, newestFirst, top.ids, [top]);
  else ctx.pass();

  // Pages of one: has_more true, then a non-empty page; an item created meanwhile stays off later pages.
  const pages: Page[] = [];
  const seen: string[] = [];
  let createdMeanwhile: string | undefined;
  for (let n = 0; n < mine.length; n++) {
    const p = await page(ctx, l, 1, seen[seen.length - 1], `page ${n + 1} of the ${l.noun} list (limit=1)`);
    if (!p) return;
    pages.push(p);
    const item = p.ids[0];
    if (!item) return fail(`page ${n + 1} of the ${l.noun} list is empty though the page before it said has_more: true`, 'a non-empty page', p.ids, pages);
    if (seen.includes(item)) return fail(`paging the ${l.noun} list repeats ${item}`, 'each item once', [...seen, item], pages);
    if (item === createdMeanwhile) return fail(`a ${l.noun} created while paging appears on a later page (the list is not newest first from the cursor)`, 'absent from later pages', item, pages);
    seen.push(item);
    if (p.hasMore !== true) return fail(`page ${n + 1} of the ${l.noun} list says has_more: ${p.hasMore} though the run created ${mine.length} ${l.noun}s`, { has_more: true }, { has_more: p.hasMore }, pages);
    ctx.pass();
    if (n === 0) createdMeanwhile = await l.create(ctx, `creating a ${l.noun} while paging`);
  }
  if (JSON.stringify(seen) !== JSON.stringify(newestFirst)) fail(`pages of one did not return the run's ${l.noun}s in turn, newest first`, newestFirst, seen, pages);
  else ctx.pass();

  // The whole list, in the largest pages: it ends (has_more false), never repeats, and holds the run's items once.
  const all: string[] = [];
  const walked: Page[] = [];
  for (let n = 0; ; n++) {
    if (n >= MAX_PAGES) return ctx.notJudged('list.order-and-cursor', `the ${l.noun} list is longer than ${MAX_PAGES} pages of ${listLimits.max}: its last page was not reached`, 'configuration');
    const p = await page(ctx, l, listLimits.max, all[all.length - 1], `page ${n + 1} of the whole ${l.noun} list`);
    if (!p) return;
    walked.push(p);
    const again = p.ids.find((id) => all.includes(id));
    if (again) return fail(`walking the whole ${l.noun} list repeats ${again}`, 'each item once', again, walked);
    if (n > 0 && !p.ids.length) return fail(`page ${n + 1} of the ${l.noun} list is empty though the page before it said has_more: true`, 'a non-empty page', p.ids, walked);
    all.push(...p.ids);
    if (!p.hasMore) break;
  }
  const last = walked[walked.length - 1]!;
  if (last.hasMore !== false) fail(`the last page of the ${l.noun} list says has_more: ${last.hasMore}`, { has_more: false }, { has_more: last.hasMore }, walked);
  const ours = all.filter((id) => mine.includes(id) || id === createdMeanwhile);
  const want = [...(createdMeanwhile ? [createdMeanwhile] : []), ...newestFirst];
  if (JSON.stringify(ours) !== JSON.stringify(want)) fail(`walking the whole ${l.noun} list to its last page did not return the run's ${l.noun}s exactly once each, newest first`, want, ours, walked);
  else ctx.pass();
}

export const paginationNeitherSkipsNorRepeats: Check = {
  id: 'pagination-neither-skips-nor-repeats',
  title: 'Job and file lists are newest first, has_more tells the truth, and paging to the last page neither skips nor repeats, also while items are created',
  ruleId: 'list.order-and-cursor',
  alsoVerifies: ['list.limit'],
  profiles: ['full'],
  async run(ctx) {
    const file = ctx.state.fileIds[0];
    if (!file) return ctx.skip('no training file could be uploaded (see upload-training-file)', 'blocked');
    await walk(ctx, { operationId: 'listFineTuningJobs', noun: 'job', create: async (c, why) => (await createJob(c, { training_files: [file] }, why))?.job.id });
    let n = 0;
    await walk(ctx, { operationId: 'listFiles', noun: 'file', create: async (c) => (await uploadOwnFile(c, `vaero-contract-page-${++n}.txt`))?.id });
  },
};
