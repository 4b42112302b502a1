/**
 * The requests an organization made, as a test reads them back (GET /__vaero/requests):
 * method, path, status, the rule a rejection broke, when, and the request id. Kept in memory
 * per organization, the newest MAX_ENTRIES.
 */
export interface RequestEntry {
  method: string;
  /** The path and query as sent, e.g. /v1/fine_tuning/jobs?limit=5. */
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

export interface RequestLogBook {
  record(org: string, entry: RequestEntry): void;
  /** Oldest first. */
  entries(org: string): RequestEntry[];
  clear(org: string): void;
}

export function createRequestLogBook(max = MAX_ENTRIES): RequestLogBook {
  const byOrg = new Map<string, RequestEntry[]>();
  return {
    record(org, entry) {
      let list = byOrg.get(org);
      if (!list) byOrg.set(org, (list = []));
      list.push(entry);
      if (list.length > 2 * max) list.splice(0, list.length - max); // amortised: trim in batches
    },
    entries: (org) => (byOrg.get(org) ?? []).slice(-max),
    clear: (org) => void byOrg.delete(org),
  };
}
