/**
 * Paging a list with `after`/`limit` (rule list.order-and-cursor): newest first, no item
 * skipped or repeated, also while new items are created between pages; `has_more` tells
 * the truth. The same walk for every list the run can fill: jobs and files.
 */
import { operation, type OperationId } from '../../spec/index.js';
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

async function walk(ctx: CheckContext, l: Listable): Promise<void> {
  const path = operation(l.operationId).path;
  const mine: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = await l.create(ctx, `creating a ${l.noun} to page through`);
    if (!id) return;
    mine.push(id);
  }
  const newestFirst = [...mine].reverse();
  const seen: string[] = [];
  let after: string | undefined;
  let createdMeanwhile: string | undefined;
  // Page until the run's three items are all seen (a real service may hold many more).
  for (let pageNo = 0; pageNo < 50; pageNo++) {
    const page = await ctx.send({ method: 'get', path, query: { limit: '1', ...(after ? { after } : {}) } });
    if (!expectAccepted(ctx, l.operationId, page, `page ${pageNo + 1} of the ${l.noun} list`, 'list.order-and-cursor')) return;
    const body = page.response!.json as { data?: { id: string }[]; has_more?: boolean };
    const data = body.data ?? [];
    if (data.length > 1) return ctx.fail({ ruleId: 'list.limit', message: `a page of the ${l.noun} list asked with limit=1 holds ${data.length} items`, declared: 1, received: data.length, exchange: page });
    const item = data[0];
    if (!item) {
      if (body.has_more) ctx.fail({ message: `an empty page of the ${l.noun} list says has_more: true`, declared: false, received: true, exchange: page });
      break;
    }
    if (seen.includes(item.id)) return ctx.fail({ message: `paging the ${l.noun} list repeats ${item.id}`, declared: 'each item once', received: [...seen, item.id], exchange: page });
    if (item.id === createdMeanwhile) {
      return ctx.fail({ message: `a ${l.noun} created while paging appears on a later page (the list is not newest first from the cursor)`, declared: 'absent from later pages', received: item.id, exchange: page });
    }
    seen.push(item.id);
    if (pageNo === 0) {
      // An item created now is newer than every page to come: it must not show up in them.
      createdMeanwhile = await l.create(ctx, `creating a ${l.noun} while paging`);
    }
    after = item.id;
    if (newestFirst.every((id) => seen.includes(id))) break;
    if (!body.has_more) break;
  }
  const order = seen.filter((id) => mine.includes(id));
  if (JSON.stringify(order) !== JSON.stringify(newestFirst)) ctx.fail({ message: `paging did not return the run's ${l.noun}s exactly once each, newest first`, declared: newestFirst, received: order });
  else ctx.pass();
}

export const paginationNeitherSkipsNorRepeats: Check = {
  id: 'pagination-neither-skips-nor-repeats',
  title: 'Paging the job and file lists with after/limit is newest first and neither skips nor repeats, also while items are created',
  ruleId: 'list.order-and-cursor',
  alsoVerifies: ['list.limit'],
  profiles: ['full'],
  async run(ctx) {
    const file = ctx.state.fileIds[0];
    if (!file) return ctx.skip('no training file could be uploaded (see upload-training-file)');
    await walk(ctx, { operationId: 'listFineTuningJobs', noun: 'job', create: async (c, why) => (await createJob(c, { training_files: [file] }, why))?.job.id });
    let n = 0;
    await walk(ctx, { operationId: 'listFiles', noun: 'file', create: async (c) => (await uploadOwnFile(c, `vaero-contract-page-${++n}.txt`))?.id });
  },
};
