/**
 * Who is calling, and for how long the stub remembers them. A bearer token is an
 * organization (any token, unless --tokens lists them). Since any web page can make up
 * tokens, an organization that holds nothing is not kept: with no jobs or files of its own
 * (the shared samples do not count), no armed failure, no latency and no request-log entry
 * younger than IDLE_MS, it is dropped (a later request from it starts from the samples again,
 * as it would anyway).
 */
import { violation } from '../../errors/answer-policy.js';
import { organizationIdFor } from './ids.js';
import { err, ok, type Result } from './result.js';
import { RULES } from './rules.js';
import type { Store } from './store.js';
import type { RequestLogBook } from './request-log.js';

/** An organization's request log keeps it this long after its last request. */
export const IDLE_MS = 10 * 60_000;
/** Idle organizations are looked for at most this often (on a request). */
export const SWEEP_EVERY_MS = 60_000;
/** Tokens whose organization id is cached (a cache, not state: cleared when full). */
const TOKEN_CACHE_SIZE = 10_000;

export interface TenancyDeps {
  tokens?: readonly string[];
  store: Store;
  requests: RequestLogBook;
  hasLatency(org: string): boolean;
  now(): number;
}

export interface Tenancy {
  /** The organization a bearer token belongs to, or 401 if the token is not accepted. */
  authenticate(token: string): Result<string>;
  /** Drop the organization if it holds nothing (see above); true if it was dropped. */
  dropIfIdle(org: string): boolean;
  /** Drop every idle organization (run on requests, at most every SWEEP_EVERY_MS). */
  sweep(): void;
  /** Run `sweep` if SWEEP_EVERY_MS have passed since the last one. */
  sweepSometimes(): void;
}

export function createTenancy({ tokens, store, requests, hasLatency, now }: TenancyDeps): Tenancy {
  const allowed = tokens?.length ? new Set(tokens) : undefined;
  const orgByToken = new Map<string, string>();
  let lastSweep = now();

  const dropIfIdle = (org: string): boolean => {
    if (!store.ownsNothing(org) || hasLatency(org)) return false;
    const last = requests.lastAt(org);
    if (last !== undefined && now() - last < IDLE_MS) return false;
    store.reset(org);
    requests.clear(org);
    return true;
  };

  const sweep = (): void => {
    lastSweep = now();
    for (const org of [...requests.organizations(), ...store.organizations()]) dropIfIdle(org);
  };

  return {
    authenticate(token) {
      if (allowed && !allowed.has(token)) {
        return err(violation(401, RULES.auth, 'invalid_authorization', 'This bearer token is not accepted by this server', 'authorization'));
      }
      let org = orgByToken.get(token);
      if (!org) {
        org = organizationIdFor(token);
        if (orgByToken.size >= TOKEN_CACHE_SIZE) orgByToken.clear();
        orgByToken.set(token, org);
      }
      return ok(org);
    },
    dropIfIdle,
    sweep,
    sweepSometimes() {
      if (now() - lastSweep >= SWEEP_EVERY_MS) sweep();
    },
  };
}
