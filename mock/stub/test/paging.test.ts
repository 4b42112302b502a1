/** The paging part (service/paging.ts): newest first from below the cursor, skipping hidden items; an unknown cursor is a 400 on `after`. */
import { describe, expect, it } from 'vitest';
import { always, listPage, pageOf } from '../service/paging.js';

const items = ['a', 'b', 'c', 'd', 'e']; // oldest first
const indexOf = (id: string) => (items.includes(id) ? items.indexOf(id) : undefined);

describe('paging', () => {
  it('pages newest first, and has_more says whether a visible item is left', () => {
    expect(pageOf(5, 2, always, (i) => items[i])).toEqual({ data: ['e', 'd'], has_more: true });
    expect(pageOf(2, 5, always, (i) => items[i])).toEqual({ data: ['b', 'a'], has_more: false });
    // Hidden items neither count nor make has_more true.
    expect(pageOf(5, 2, (i) => i !== 3 && i !== 0, (i) => items[i])).toEqual({ data: ['e', 'c'], has_more: true });
    expect(pageOf(3, 1, (i) => i === 2, (i) => items[i])).toEqual({ data: ['c'], has_more: false });
  });

  it('starts right below the `after` item; an unknown one is a 400 naming after', () => {
    expect(listPage(5, indexOf, { after: 'c', limit: 10 }, always, (i) => items[i])).toEqual({ ok: true, value: { object: 'list', data: ['b', 'a'], has_more: false } });
    const r = listPage(5, indexOf, { after: 'zz', limit: 10 }, always, (i) => items[i]);
    expect(!r.ok && r.error).toMatchObject({ status: 400, param: 'after' });
  });
});
