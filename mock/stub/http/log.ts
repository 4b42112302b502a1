/**
 * Request logging that never blocks the request path: lines are queued and written
 * once per turn of the event loop, in one write.
 */
export type LogSink = (line: string) => void;

export interface RequestLog {
  (line: string): void;
}

/** Queue lines and hand them to `sink` after the current turn (`sink` false: no logging). */
export function createRequestLog(sink: LogSink | false | undefined): RequestLog {
  if (sink === false) return () => {};
  const write: LogSink = sink ?? ((text) => process.stdout.write(text + '\n'));
  let queue: string[] = [];
  const flush = (): void => {
    const lines = queue;
    queue = [];
    if (sink) for (const l of lines) write(l);
    else write(lines.join('\n'));
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
