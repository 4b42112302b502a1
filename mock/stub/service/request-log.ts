/**
 * The requests an organization made, as a test reads them back (GET /__vaero/requests):
 * method, path, status, the rule a rejection broke, when, and the request id. Kept in memory
 * per organization and bounded, since any token is an organization: the newest MAX_ENTRIES
 * and at most MAX_ORG_BYTES per organization, MAX_TOTAL_BYTES over all of them (the least
 * recently active organizations' oldest entries go first), each path cut at MAX_PATH_CHARS.
 */
export interface RequestEntry {
  method: string;
  /** The path and query as sent, e.g. /v1/fine_tuning/jobs?limit=5 (cut at MAX_PATH_CHARS). */
  path: string;
  status: number;
  /** The rule a rejected request broke (its x-vaero-rule id), else null. */
  rule: string | null;
  /** The parameter at fault, for a rejection, else null. */
  param: string | null;
  /** When it was answered (ISO 8601). */
  time: string;
  /** The request id the answer carried (x-request-id), or the client's, else null. */
  request_id: string | null;
}

export const MAX_ENTRIES = 1000;
export const MAX_ORG_BYTES = 256 * 1024;
export const MAX_TOTAL_BYTES = 64 * 1024 * 1024;
export const MAX_PATH_CHARS = 2048;

export interface RequestLogLimits {
  entries: number;
  orgBytes: number;
  totalBytes: number;
}

export interface RequestLogBook {
  record(org: string, entry: RequestEntry): void;
  /** Oldest first. */
  entries(org: string): RequestEntry[];
  clear(org: string): void;
  /** When the organization's newest entry was recorded (the log's clock), or undefined if it has none. */
  lastAt(org: string): number | undefined;
  /** The organizations that have entries, least recently active first. */
  organizations(): Iterable<string>;
  /** Bytes the entries take, as counted against the limits (for tests and the bench). */
  readonly bytes: number;
}

/** What an entry costs: its strings and a fixed overhead for the object and its slots. */
const ENTRY_OVERHEAD = 160;
const sizeOf = (e: RequestEntry): number => ENTRY_OVERHEAD + e.method.length + e.path.length + e.time.length + (e.rule?.length ?? 0) + (e.param?.length ?? 0) + (e.request_id?.length ?? 0);

interface OrgLog {
  list: RequestEntry[];
  /** Index of the oldest kept entry (entries before it are trimmed in batches). */
  head: number;
  bytes: number;
  lastAt: number;
}

export function createRequestLogBook(now: () => number = Date.now, limits: Partial<RequestLogLimits> = {}, afterRecord?: () => void): RequestLogBook {
  const { entries: maxEntries = MAX_ENTRIES, orgBytes = MAX_ORG_BYTES, totalBytes = MAX_TOTAL_BYTES } = limits;
  // Map order is activity order: an organization is moved to the end when it records.
  const byOrg = new Map<string, OrgLog>();
  let total = 0;

  const dropOldest = (log: OrgLog): void => {
    const e = log.list[log.head++] as RequestEntry;
    const n = sizeOf(e);
    log.bytes -= n;
    total -= n;
    if (log.head > 64 && log.head * 2 > log.list.length) {
      log.list = log.list.slice(log.head); // amortised: trim in batches
      log.head = 0;
    }
  };
  const clear = (org: string): void => {
    const log = byOrg.get(org);
    if (!log) return;
    total -= log.bytes;
    byOrg.delete(org);
  };

  return {
    record(org, entry) {
      const e = entry.path.length > MAX_PATH_CHARS ? { ...entry, path: entry.path.slice(0, MAX_PATH_CHARS) } : entry;
      let log = byOrg.get(org);
      if (log) {
        byOrg.delete(org);
        log.list.push(e);
      } else log = { list: [e], head: 0, bytes: 0, lastAt: 0 }; // most organizations make one request: an array of exactly one
      byOrg.set(org, log);
      log.lastAt = now();
      const n = sizeOf(e);
      log.bytes += n;
      total += n;
      while (log.list.length - log.head > maxEntries || (log.bytes > orgBytes && log.list.length - log.head > 1)) dropOldest(log);
      // Over the overall bound: the least recently active organizations give up their oldest entries.
      for (const [id, other] of byOrg) {
        if (total <= totalBytes || other === log) break;
        while (total > totalBytes && other.head < other.list.length) dropOldest(other);
        if (other.head >= other.list.length) clear(id);
      }
      afterRecord?.();
    },
    entries: (org) => {
      const log = byOrg.get(org);
      return log ? log.list.slice(log.head) : [];
    },
    clear,
    lastAt: (org) => byOrg.get(org)?.lastAt,
    organizations: () => byOrg.keys(),
    get bytes() {
      return total;
    },
  };
}
