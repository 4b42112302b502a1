/**
 * The one log line every server writes for a request (the time is added when it is written):
 *
 *   POST /v1/fine_tuning/jobs 400 1.2ms req_0b5a… rule=create.suffix param=suffix
 *
 * method, path and query as sent, status, duration, request id, then for a rejection its rule
 * and param, then any notes (a steering header ignored, a simulated status, Prism only).
 */

/** What an answer leaves for the log line and the organization's request log. */
export interface LogRecord {
  method: string;
  /** The path and query as sent. */
  url: string;
  status: number;
  requestId: string;
  /** The rule a rejection broke, else null. */
  rule: string | null;
  /** The parameter at fault in a rejection, else null. */
  param: string | null;
  /** Further words for the line, else undefined. */
  notes: string | undefined;
}

export function formatLine(r: LogRecord, ms: number): string {
  let line = `${r.method} ${r.url} ${r.status} ${ms.toFixed(1)}ms ${r.requestId}`;
  if (r.rule !== null) line += r.param === null ? ` rule=${r.rule}` : ` rule=${r.rule} param=${r.param}`;
  return r.notes ? `${line} ${r.notes}` : line;
}
