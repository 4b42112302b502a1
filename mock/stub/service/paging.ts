/**
 * One page of a list kept oldest first and answered newest first: it starts right below the
 * `after` item, found by index (never by scanning); an unknown cursor is a 400.
 */
import { violation } from '../../errors/answer-policy.js';
import { err, ok, type Result } from './result.js';
import { RULES } from './rules.js';

export interface PageInput {
  after?: string;
  limit: number;
}

export type Page<U> = { object: 'list'; data: U[]; has_more: boolean };

/** Items newest first (highest index first), starting below index `start`, skipping what `visible` rejects. */
export function pageOf<U>(start: number, limit: number, visible: (i: number) => boolean, view: (i: number) => U): { data: U[]; has_more: boolean } {
  const data: U[] = [];
  let i = start - 1;
  for (; i >= 0 && data.length < limit; i--) if (visible(i)) data.push(view(i));
  let has_more = false;
  for (; i >= 0 && !has_more; i--) has_more = visible(i);
  return { data, has_more };
}

export const always = (): boolean => true;

export function listPage<U>(
  length: number,
  indexOf: (id: string) => number | undefined,
  page: PageInput,
  visible: (i: number) => boolean,
  view: (i: number) => U,
): Result<Page<U>> {
  let start = length;
  if (page.after !== undefined) {
    const i = indexOf(page.after);
    if (i === undefined) return err(violation(400, RULES.unknownCursor, 'invalid_value', `after: no item with id ${page.after} in this list`, 'after'));
    start = i;
  }
  return ok({ object: 'list', ...pageOf(start, page.limit, visible, view) });
}
