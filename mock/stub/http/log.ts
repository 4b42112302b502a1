/**
 * Request logging that never blocks the request path: lines are queued, joined once per
 * turn of the event loop, and written to stdout with an asynchronous fs.write (libuv's
 * thread pool), so a slow terminal or pipe never stalls the server. If the reader stops
 * reading altogether, lines beyond a bound are dropped and counted rather than kept.
 */
import { write, writeSync } from 'node:fs';

export type LogSink = (line: string) => void;
export type RequestLog = (line: string) => void;

const MAX_PENDING_CHUNKS = 10_000;

/** stdout, written asynchronously; whatever is still queued at exit is written synchronously. */
function createStdoutWriter(fd = 1): (text: string) => void {
  let pending: string[] = [];
  let writing = false;
  let dropped = 0;
  const pump = (): void => {
    if (writing || !pending.length) return;
    if (dropped) pending.push(`(${dropped} log lines dropped: stdout is not being read)\n`), (dropped = 0);
    const text = pending.join('');
    pending = [];
    writing = true;
    write(fd, text, () => {
      writing = false;
      pump();
    });
  };
  process.once('exit', () => {
    if (pending.length) {
      try {
        writeSync(fd, pending.join(''));
      } catch {
        // stdout is gone: nothing to save
      }
    }
  });
  return (text) => {
    if (pending.length >= MAX_PENDING_CHUNKS) return void dropped++;
    pending.push(text);
    pump();
  };
}

let stdoutWriter: ((text: string) => void) | undefined;

/** Queue lines and hand them to `sink` after the current turn (default: stdout; false: no logging). */
export function createRequestLog(sink: LogSink | false | undefined): RequestLog {
  if (sink === false) return () => {};
  const toStdout = sink === undefined ? (stdoutWriter ??= createStdoutWriter()) : undefined;
  let queue: string[] = [];
  const flush = (): void => {
    const lines = queue;
    queue = [];
    if (toStdout) toStdout(lines.join('\n') + '\n');
    else for (const l of lines) sink!(l);
  };
  return (line) => {
    if (queue.push(line) === 1) setImmediate(flush);
  };
}

/** One human line: time, method, path, status, duration, and for a rejection the rule and param. */
export function formatLine(method: string, url: string, status: number, ms: number, rejection?: { ruleId: string; param: string | null }): string {
  const time = new Date().toISOString().slice(11, 23);
  const base = `${time} ${method} ${url} ${status} ${ms.toFixed(1)}ms`;
  return rejection ? `${base} rule=${rejection.ruleId}${rejection.param === null ? '' : ` param=${rejection.param}`}` : base;
}
