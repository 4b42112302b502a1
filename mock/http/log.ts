/**
 * The Node servers' request log (the stub's, the Prism front's); the line itself is the core's
 * (mock/core/log-line.ts). Logging that never blocks the request path: lines are queued, joined once per
 * batch (FLUSH_MS), and written to stdout with an asynchronous fs.write (libuv's
 * thread pool), so a slow terminal or pipe never stalls the server. If the reader stops
 * reading altogether, lines beyond a bound are dropped and counted rather than kept.
 */
import { write, writeSync } from 'node:fs';

export type LogSink = (line: string) => void;
export type RequestLog = (line: string) => void;

const MAX_PENDING_CHUNKS = 10_000;
/** Lines are batched this long: one write per batch, however busy the server (a person does not see 20 ms). */
export const FLUSH_MS = 20;

/** stdout, written asynchronously, one write at a time; `flushSync` writes what is left (at exit). */
function createStdoutWriter(fd = 1): { write(text: string): void; flushSync(): void } {
  let pending: string[] = [];
  let writing = false;
  let dropped = 0;
  const take = (): string => {
    if (dropped) pending.push(`(${dropped} log lines dropped: stdout is not being read)\n`), (dropped = 0);
    const text = pending.join('');
    pending = [];
    return text;
  };
  const pump = (): void => {
    if (writing || !pending.length) return;
    writing = true;
    write(fd, take(), () => {
      writing = false;
      pump();
    });
  };
  return {
    write(text) {
      if (pending.length >= MAX_PENDING_CHUNKS) return void dropped++;
      pending.push(text);
      pump();
    },
    flushSync() {
      if (!pending.length) return;
      try {
        writeSync(fd, take());
      } catch {
        // stdout is gone: nothing to save
      }
    },
  };
}

let stdout: ReturnType<typeof createStdoutWriter> | undefined;
const flushers = new Set<() => void>();

/** Queue lines and hand them to `sink` in batches (default: stdout); false: no log at all (undefined). */
export function createRequestLog(sink: LogSink | false | undefined): RequestLog | undefined {
  if (sink === false) return undefined;
  let queue: string[] = [];
  const flush = (): void => {
    if (!queue.length) return;
    // One timestamp per batch: the lines of one batch share it.
    const time = new Date().toISOString().slice(11, 23) + ' ';
    const lines = queue;
    queue = [];
    if (sink) for (const l of lines) sink(time + l);
    else stdout!.write(time + lines.join('\n' + time) + '\n');
  };
  if (!sink) {
    if (!stdout) {
      stdout = createStdoutWriter();
      // Lines still queued at exit are written synchronously, so a stopped stub loses none.
      process.once('exit', () => {
        for (const f of flushers) f();
        stdout!.flushSync();
      });
    }
    flushers.add(flush);
  }
  return (line) => {
    if (queue.push(line) === 1) setTimeout(flush, FLUSH_MS).unref();
  };
}
