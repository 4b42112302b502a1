/**
 * The request log's bounds (service/request-log.ts): each path cut at MAX_PATH_CHARS, at most
 * MAX_ORG_BYTES per organization (its oldest entries go), and an overall bound that takes
 * from the least recently active organizations first.
 */
import { describe, expect, it } from 'vitest';
import { createRequestLogBook, MAX_ORG_BYTES, MAX_PATH_CHARS, type RequestEntry } from '../service/request-log.js';

const entry = (path: string, n = 0): RequestEntry => ({ method: 'GET', path, status: 200, rule: null, param: null, time: new Date(n).toISOString(), request_id: `req_${n}` });

describe('the request log', () => {
  it('cuts a path at MAX_PATH_CHARS', () => {
    const book = createRequestLogBook();
    book.record('org', entry('/v1/files?' + 'q'.repeat(14_000)));
    const [e] = book.entries('org');
    expect(e!.path).toHaveLength(MAX_PATH_CHARS);
    expect(e!.path.startsWith('/v1/files?q')).toBe(true);
  });

  it('keeps at most MAX_ORG_BYTES per organization, dropping its oldest entries', () => {
    const book = createRequestLogBook();
    for (let i = 0; i < 2_000; i++) book.record('org', entry(`/v1/files?page=${i}&` + 'x'.repeat(1_000), i));
    const kept = book.entries('org');
    expect(book.bytes).toBeLessThanOrEqual(MAX_ORG_BYTES);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept.length).toBeLessThan(2_000);
    expect(kept.at(-1)!.request_id).toBe('req_1999'); // the newest are the ones kept, in order
    expect(kept.map((e) => e.request_id)).toEqual(Array.from({ length: kept.length }, (_, i) => `req_${2_000 - kept.length + i}`));
  });

  it('over the overall bound, the least recently active organizations give up their oldest entries first', () => {
    const book = createRequestLogBook(Date.now, { totalBytes: 9_000, orgBytes: 6_000 });
    for (let i = 0; i < 20; i++) book.record('old', entry(`/v1/a/${i}`, i));
    for (let i = 0; i < 20; i++) book.record('mid', entry(`/v1/b/${i}`, i));
    for (let i = 0; i < 40; i++) book.record('new', entry(`/v1/c/${i}`, i));
    expect(book.bytes).toBeLessThanOrEqual(9_000);
    expect(book.entries('old')).toEqual([]);
    expect(book.entries('new').length).toBeGreaterThan(book.entries('mid').length);
    expect([...book.organizations()]).not.toContain('old');
    // An organization that records again becomes the most recently active.
    book.record('mid', entry('/v1/b/again'));
    expect([...book.organizations()].at(-1)).toBe('mid');
  });

  it('remembers when each organization last recorded, on its clock', () => {
    let now = 1_000;
    const book = createRequestLogBook(() => now);
    book.record('org', entry('/v1/files'));
    now = 5_000;
    expect(book.lastAt('org')).toBe(1_000);
    book.record('org', entry('/v1/files'));
    expect(book.lastAt('org')).toBe(5_000);
    book.clear('org');
    expect(book.lastAt('org')).toBeUndefined();
    expect(book.bytes).toBe(0);
  });
});
