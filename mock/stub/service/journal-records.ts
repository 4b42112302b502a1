/**
 * What a `--state` file holds: one JSON record per line. A compacted file starts with a
 * `snapshot` header and the state as records (a job carries how far it got), then the
 * journal's tail: the changes made since, as they were made. `parseJournal` reads a file's
 * bytes back: a torn last line (a kill mid-write, never acknowledged) is dropped, anything
 * else that is not a journal record stops the start with its file and line.
 */
import type { FineTuningJobError } from '../../../spec/index.js';
import type { JobProgress, NewJob } from './store.js';

export type JournalRecord =
  /** A compacted file's first line: the snapshot that follows is `bytes` long (the tail after it is the journal). */
  | { op: 'snapshot'; bytes: number }
  /** A job as the store adds it (a seeded job carries its anchor, see timeline.ts; a snapshot's, its progress). */
  | ({ op: 'job' } & NewJob & Partial<JobProgress>)
  | { op: 'cancel'; org: string; id: string; atMs: number }
  | { op: 'file'; org: string; id: string; createdMs: number; filename: string; purpose: string; content: string }
  | { op: 'delete-file'; org: string; id: string }
  | { op: 'fail-next'; org: string; failure: FineTuningJobError | null }
  /** The organization's state was reset (POST /__vaero/reset). */
  | { op: 'reset'; org: string }
  /** The organization's lifecycle clock was advanced by `ms` (POST /__vaero/advance). */
  | { op: 'advance'; org: string; atMs: number; ms: number }
  /** The stub started on this journal at `atMs`, its lifecycle running at `speed`. */
  | { op: 'session'; atMs: number; speed: number };

type Kind = 'string' | 'number' | 'object?' | 'string?' | 'strings' | 'number?' | 'numbers?';
/** The fields each record must have, and their kinds: enough that replay never reads a missing field. */
const SHAPES: Record<JournalRecord['op'], Record<string, Kind>> = {
  snapshot: { bytes: 'number' },
  job: {
    org: 'string',
    id: 'string',
    createdMs: 'number',
    anchorMs: 'number?',
    style_model: 'string',
    base_model: 'string',
    training_files: 'strings',
    suffix: 'string?',
    fineTunedModel: 'string',
    failure: 'object?',
    cancelledMs: 'number?',
    stepTimes: 'numbers?',
    advancedMs: 'number?',
    advancedAtMs: 'number?',
  },
  cancel: { org: 'string', id: 'string', atMs: 'number' },
  file: { org: 'string', id: 'string', createdMs: 'number', filename: 'string', purpose: 'string', content: 'string' },
  'delete-file': { org: 'string', id: 'string' },
  'fail-next': { org: 'string', failure: 'object?' },
  reset: { org: 'string' },
  advance: { org: 'string', atMs: 'number', ms: 'number' },
  session: { atMs: 'number', speed: 'number' },
};

const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
/** Each kind's check, made once (a start checks every field of every record: 100,000 jobs are 1.4 million checks). */
const CHECKS: Record<Kind, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  'string?': (v) => v == null || typeof v === 'string',
  number: isNumber,
  'number?': (v) => v == null || isNumber(v),
  'object?': (v) => v == null || (typeof v === 'object' && !Array.isArray(v)),
  strings: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  'numbers?': (v) => v == null || (Array.isArray(v) && v.every(isNumber)),
};

interface Field {
  name: string;
  kind: Kind;
  check: (v: unknown) => boolean;
}
const FIELDS = Object.fromEntries(
  Object.entries(SHAPES).map(([op, shape]) => [op, Object.entries(shape).map(([name, kind]): Field => ({ name, kind, check: CHECKS[kind] }))]),
) as Record<JournalRecord['op'], Field[]>;

/** Why a parsed line is not a journal record, or undefined if it is one. */
export function recordProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${JSON.stringify(value)} is not an object`;
  const op = (value as { op?: unknown }).op;
  const fields = typeof op === 'string' && Object.hasOwn(FIELDS, op) ? FIELDS[op as JournalRecord['op']] : undefined;
  if (!fields) return `unknown op ${JSON.stringify(op)}`;
  for (const f of fields) {
    if (!f.check((value as Record<string, unknown>)[f.name])) return `${op}: ${f.name} is not a ${f.kind.replace('?', '')}`;
  }
  return undefined;
}

export interface ParsedJournal {
  records: JournalRecord[];
  /** Bytes that hold whole records; what follows (a torn last line) is cut away. */
  keep: number;
  /** The snapshot's size, from its header (0: the file was never compacted). */
  snapshotBytes: number;
}

const damaged = (path: string, line: number, why: string) => new Error(`${path}:${line}: not a journal record (${why}); refusing to start on a damaged state file`);

/** Read a journal's bytes (`path` names it in errors). */
export function parseJournal(buf: Uint8Array, path: string): ParsedJournal {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  // The whole lines, and what follows the last newline: a record without its newline, or a torn write.
  const whole = bytes.lastIndexOf(10) + 1;
  const lines = bytes.toString('utf8', 0, whole).split('\n');
  lines.pop(); // after the last newline
  const tail = bytes.toString('utf8', whole);
  const values = parseLines(lines, path);
  let keep = whole;
  if (tail.trim()) {
    try {
      values.push([lines.length + 1, JSON.parse(tail)]);
      keep = bytes.length; // a whole record without its newline is kept (the newline is added back)
    } catch {
      // a torn last line: never acknowledged
    }
  }
  const records: JournalRecord[] = [];
  for (const [line, value] of values) {
    const problem = recordProblem(value);
    if (problem) throw damaged(path, line, problem);
    records.push(value as JournalRecord);
  }
  const head = records[0];
  return { records, keep, snapshotBytes: head?.op === 'snapshot' ? head.bytes : 0 };
}

/** Each non-blank line's number and value (the first that is not JSON stops the start). */
function parseLines(lines: string[], path: string): Array<[number, unknown]> {
  const values: Array<[number, unknown]> = [];
  lines.forEach((text, i) => {
    if (!text.trim()) return;
    try {
      values.push([i + 1, JSON.parse(text)]);
    } catch (e) {
      throw damaged(path, i + 1, (e as Error).message);
    }
  });
  return values;
}
