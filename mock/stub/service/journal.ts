/**
 * The `--state` journal (records: journal-records.ts), with one owner (state-lock.ts).
 *
 * Group commit: changes are applied in memory at once and their records queued; one write
 * and one fdatasync carry every record queued meanwhile, and `committed()` resolves once
 * everything queued so far is on disk. The adapters await it before answering, so nothing is
 * acknowledged (nor seen by another client) before it is durable.
 *
 * Compaction: when the file would grow past twice its snapshot, the state is written as a
 * new snapshot to `<state>.compact`, synced, renamed over the file and the directory synced.
 * A crash before the rename leaves the old file whole (the leftover is removed at start);
 * after it, the new one; the changes queued meanwhile are acknowledged only once renamed.
 */
import { close, closeSync, existsSync, fdatasync, fsync, open, openSync, readFileSync, ftruncateSync, rename, rmSync, write, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { parseJournal, type JournalRecord } from './journal-records.js';
import { lockState } from './state-lock.js';

export type { JournalRecord } from './journal-records.js';

/** The file operations the journal makes, one per step (a test replaces them to crash at any step). */
export interface JournalIo {
  /** Append text to the open journal. */
  append(fd: number, text: string): Promise<void>;
  sync(fd: number): Promise<void>;
  /** Write a whole file and sync it (the new snapshot, before its rename). */
  writeFile(path: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Sync a directory (makes a rename durable). */
  syncDir(path: string): Promise<void>;
}

const openAsync = promisify(open);
const closeAsync = promisify(close);
const fdatasyncAsync = promisify(fdatasync);

async function writeAll(fd: number, text: string): Promise<void> {
  let buf = Buffer.from(text);
  while (buf.length) {
    const n = await new Promise<number>((resolve, reject) => write(fd, buf, 0, buf.length, null, (e, written) => (e ? reject(e) : resolve(written))));
    buf = buf.subarray(n);
  }
}

export const nodeIo: JournalIo = {
  append: writeAll,
  sync: fdatasyncAsync,
  async writeFile(path, text) {
    const fd = await openAsync(path, 'w');
    try {
      await writeAll(fd, text);
      await fdatasyncAsync(fd);
    } finally {
      await closeAsync(fd);
    }
  },
  rename: promisify(rename),
  async syncDir(path) {
    const fd = await openAsync(path, 'r');
    try {
      await promisify(fsync)(fd);
    } finally {
      await closeAsync(fd);
    }
  },
};

export interface JournalOptions {
  io?: Partial<JournalIo>;
  /** The journal's tail may grow to this before compaction whatever the snapshot's size (default 64 KiB). */
  minCompactBytes?: number;
}

/** The state as records, for a snapshot (called at compaction, with every queued change applied). */
export type SnapshotSource = () => Iterable<JournalRecord>;

interface Batch {
  promise: Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
}
function batch(): Batch {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => {}); // a failed commit is reported to whoever awaits it, never as unhandled
  return { promise, resolve, reject };
}

export const compactPathOf = (path: string): string => `${path}.compact`;

/** The snapshot file's text: its header, then one record per line. */
export function snapshotText(records: Iterable<JournalRecord>): string {
  const lines: string[] = [];
  for (const r of records) lines.push(JSON.stringify(r));
  const body = lines.length ? lines.join('\n') + '\n' : '';
  return JSON.stringify({ op: 'snapshot', bytes: Buffer.byteLength(body) }) + '\n' + body;
}

export class Journal {
  private queued: string[] = [];
  private queuedBytes = 0;
  /** The batch being queued, and the one being written. */
  private next: Batch | undefined;
  private writing: Batch | undefined;
  private failed: unknown;
  private snapshot: SnapshotSource | undefined;
  private readonly io: JournalIo;
  private readonly minCompact: number;

  private constructor(
    private fd: number | undefined,
    readonly path: string,
    /** Bytes in the file, and in its snapshot. */
    private size: number,
    private snapshotBytes: number,
    private release: (() => void) | undefined,
    options: JournalOptions,
  ) {
    this.io = { ...nodeIo, ...options.io };
    this.minCompact = options.minCompactBytes ?? 64 * 1024;
  }

  /** Lock the state, open (or create) its journal and read back its records. */
  static open(path: string, options: JournalOptions = {}): { journal: Journal; records: JournalRecord[] } {
    const release = lockState(path);
    try {
      rmSync(compactPathOf(path), { force: true }); // a compaction cut short: the file itself is whole
      const buf = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
      const { records, keep, snapshotBytes } = parseJournal(buf, path);
      const fd = openSync(path, 'a+');
      let size = keep;
      if (keep < buf.length) ftruncateSync(fd, keep);
      if (keep > 0 && buf[keep - 1] !== 10) size += writeSync(fd, '\n');
      return { journal: new Journal(fd, path, size, snapshotBytes, release, options), records };
    } catch (e) {
      release();
      throw e;
    }
  }

  /** Where compaction reads the state from (set once the records are replayed). */
  compactFrom(source: SnapshotSource): void {
    this.snapshot = source;
  }

  /** Queue a record; it is on disk once `committed()` resolves. */
  append(record: JournalRecord): void {
    if (this.fd === undefined) throw new Error('journal is closed');
    if (this.failed !== undefined) throw new Error(`${this.path}: the journal could not be written (${(this.failed as Error).message}); changes are no longer kept`);
    const line = JSON.stringify(record) + '\n';
    this.queued.push(line);
    this.queuedBytes += Buffer.byteLength(line);
    if (!this.next) {
      this.next = batch();
      // Wait for the rest of this turn of the event loop: the changes of every request read in it share one write.
      if (!this.writing) setImmediate(() => void this.pump());
    }
  }

  /** Resolves once every record queued so far is on disk; rejects if the journal could not be written. */
  committed(): Promise<void> | undefined {
    if (this.failed !== undefined) return Promise.reject(this.failed as Error);
    return (this.next ?? this.writing)?.promise;
  }

  /** The file's size now (for the bench and tests: it stays at most twice its snapshot). */
  get bytes(): { file: number; snapshot: number } {
    return { file: this.size, snapshot: this.snapshotBytes };
  }

  private async pump(): Promise<void> {
    if (this.writing) return; // one writer at a time: it takes the next batch when done
    while (this.next && this.fd !== undefined && this.failed === undefined) {
      const current = (this.writing = this.next);
      this.next = undefined;
      const text = this.queued.join('');
      const bytes = this.queuedBytes;
      this.queued = [];
      this.queuedBytes = 0;
      try {
        if (this.snapshot && this.size + bytes > Math.max(2 * this.snapshotBytes, this.snapshotBytes + this.minCompact)) {
          // The state in memory already holds this batch's changes: the snapshot carries them.
          await this.compact(snapshotText(this.snapshot()));
        } else {
          await this.io.append(this.fd, text);
          await this.io.sync(this.fd);
          this.size += bytes;
        }
        current.resolve();
      } catch (e) {
        this.failed = e;
        current.reject(e);
        (this.next as Batch | undefined)?.reject(e); // queued meanwhile: never written either
        this.next = undefined;
        this.queued = [];
        this.queuedBytes = 0;
        process.stderr.write(`vaero stub: ${this.path} could not be written (${(e as Error).message}); changes are no longer acknowledged\n`);
      } finally {
        this.writing = undefined;
      }
    }
  }

  private async compact(text: string): Promise<void> {
    const tmp = compactPathOf(this.path);
    await this.io.writeFile(tmp, text);
    await this.io.rename(tmp, this.path);
    await this.io.syncDir(dirname(this.path));
    const old = this.fd!;
    this.fd = openSync(this.path, 'a');
    closeSync(old);
    this.size = Buffer.byteLength(text);
    this.snapshotBytes = this.size - (text.indexOf('\n') + 1); // as its header says: without the header line
  }

  /** Write what is queued, then close the file and release the lock. */
  async close(): Promise<void> {
    try {
      while (this.next || this.writing) {
        if (this.next && !this.writing) void this.pump();
        await (this.writing ?? this.next)!.promise.catch(() => {});
      }
    } finally {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      this.release?.();
      this.release = undefined;
    }
  }
}
