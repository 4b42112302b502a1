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

/**
 * An entry as kept: its time as a number (the ISO text is made again when read) and when the
 * log's clock recorded it. Most organizations (a token used once) have one of these and nothing
 * else: a log of several entries is an OrgLog.
 */
class Kept {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly rule: string | null,
    readonly param: string | null,
    /** Wall ms of `time`, or the text itself if it is not an ISO time that reads back the same. */
    readonly time: number | string,
    readonly request_id: string | null,
    readonly at: number,
  ) {}
}

/** Paths many organizations send (/v1/files…) are kept once, not once per entry (a bounded cache). */
const commonPaths = new Map<string, string>();
const INTERNED_PATH_CHARS = 64;
function shared(path: string): string {
  if (path.length > INTERNED_PATH_CHARS) return path;
  const known = commonPaths.get(path);
  if (known !== undefined) return known;
  if (commonPaths.size >= 1024) commonPaths.clear();
  commonPaths.set(path, path);
  return path;
}

function keep(e: RequestEntry, at: number): Kept {
  const path = e.path.length > MAX_PATH_CHARS ? e.path.slice(0, MAX_PATH_CHARS) : shared(e.path);
  const ms = Date.parse(e.time);
  const time = Number.isFinite(ms) && new Date(ms).toISOString() === e.time ? ms : e.time;
  return new Kept(e.method, path, e.status, e.rule, e.param, time, e.request_id, at);
}

const entryOf = (k: Kept): RequestEntry => ({
  method: k.method,
  path: k.path,
  status: k.status,
  rule: k.rule,
  param: k.param,
  time: typeof k.time === 'number' ? new Date(k.time).toISOString() : k.time,
  request_id: k.request_id,
});

/** What an entry costs: its strings and a fixed overhead for the object, its slots and its organization's share of the map. */
const ENTRY_OVERHEAD = 160;
const sizeOf = (k: Kept): number => ENTRY_OVERHEAD + k.method.length + k.path.length + (typeof k.time === 'string' ? k.time.length : 0) + (k.rule?.length ?? 0) + (k.param?.length ?? 0) + (k.request_id?.length ?? 0);

interface OrgLog {
  list: Kept[];
  /** Index of the oldest kept entry (entries before it are trimmed in batches). */
  head: number;
  bytes: number;
}

const newest = (log: Kept | OrgLog): Kept => (log instanceof Kept ? log : (log.list[log.list.length - 1] as Kept));
const bytesOf = (log: Kept | OrgLog): number => (log instanceof Kept ? sizeOf(log) : log.bytes);

export function createRequestLogBook(now: () => number = Date.now, limits: Partial<RequestLogLimits> = {}, afterRecord?: () => void): RequestLogBook {
  const { entries: maxEntries = MAX_ENTRIES, orgBytes = MAX_ORG_BYTES, totalBytes = MAX_TOTAL_BYTES } = limits;
  // Map order is activity order: an organization is moved to the end when it records.
  const byOrg = new Map<string, Kept | OrgLog>();
  let total = 0;

  /** Drop the log's oldest entry; false if it was its last (the caller removes the log). */
  const dropOldest = (log: OrgLog): boolean => {
    const n = sizeOf(log.list[log.head++] as Kept);
    log.bytes -= n;
    total -= n;
    if (log.head > 64 && log.head * 2 > log.list.length) {
      log.list = log.list.slice(log.head); // amortised: trim in batches
      log.head = 0;
    }
    return log.head < log.list.length;
  };
  const clear = (org: string): void => {
    const log = byOrg.get(org);
    if (!log) return;
    total -= bytesOf(log);
    byOrg.delete(org);
  };

  return {
    record(org, entry) {
      const k = keep(entry, now());
      const n = sizeOf(k);
      total += n;
      const had = byOrg.get(org);
      if (had) byOrg.delete(org);
      let log: Kept | OrgLog = k;
      if (had instanceof Kept) log = { list: [had, k], head: 0, bytes: sizeOf(had) + n };
      else if (had) {
        had.list.push(k);
        had.bytes += n;
        log = had;
      }
      if (!(log instanceof Kept)) {
        while (log.list.length - log.head > maxEntries || (log.bytes > orgBytes && log.list.length - log.head > 1)) dropOldest(log);
      }
      byOrg.set(org, log);
      // Over the overall bound: the least recently active organizations give up their oldest entries.
      for (const [id, other] of byOrg) {
        if (total <= totalBytes || other === log) break;
        if (other instanceof Kept) clear(id);
        else {
          while (total > totalBytes && dropOldest(other));
          if (other.head >= other.list.length) byOrg.delete(id);
        }
      }
      afterRecord?.();
    },
    entries: (org) => {
      const log = byOrg.get(org);
      if (!log) return [];
      return log instanceof Kept ? [entryOf(log)] : log.list.slice(log.head).map(entryOf);
    },
    clear,
    lastAt: (org) => {
      const log = byOrg.get(org);
      return log && newest(log).at;
    },
    organizations: () => byOrg.keys(),
    get bytes() {
      return total;
    },
  };
}
