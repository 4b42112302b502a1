/**
 * The `--state` journal: one JSON record per line, appended and flushed to disk
 * (write + fdatasync) before the change is acknowledged, replayed at start. A process
 * killed mid-write can leave a torn last line: it was never acknowledged, so replay drops
 * it and truncates the file back to the last whole record.
 */
import { closeSync, existsSync, fdatasyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { FineTuningJobError } from '../../../spec/index.js';
import type { NewJob } from './store.js';

export type JournalRecord =
  /** A job as the store adds it (a seeded job carries its anchor, see timeline.ts). */
  | ({ op: 'job' } & NewJob)
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

export class Journal {
  private constructor(
    private fd: number | undefined,
    readonly path: string,
  ) {}

  /** Open (or create) the journal and read back its records. */
  static open(path: string): { journal: Journal; records: JournalRecord[] } {
    const records: JournalRecord[] = [];
    let keep = 0;
    const buf = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
    {
      let start = 0;
      while (start < buf.length) {
        let end = buf.indexOf(10, start);
        const last = end === -1;
        if (last) end = buf.length;
        const line = buf.subarray(start, end).toString('utf8');
        if (line.trim()) {
          try {
            records.push(JSON.parse(line) as JournalRecord);
          } catch (e) {
            if (!last) throw new Error(`${path}:${records.length + 1}: not a journal record (${(e as Error).message}); refusing to start on a damaged state file`);
            break; // torn last line: never acknowledged
          }
        }
        if (last) {
          keep = buf.length; // a whole record without its newline: keep it, add the newline
          break;
        }
        start = end + 1;
        keep = start;
      }
    }
    const fd = openSync(path, 'a+');
    if (keep < buf.length) ftruncateSync(fd, keep);
    if (keep > 0 && buf[keep - 1] !== 10) writeSync(fd, '\n');
    return { journal: new Journal(fd, path), records };
  }

  /** Append a record; returns once it is on disk. */
  append(record: JournalRecord): void {
    if (this.fd === undefined) throw new Error('journal is closed');
    writeSync(this.fd, JSON.stringify(record) + '\n');
    fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
