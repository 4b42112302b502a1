/**
 * The contract suite as a library: `runContractSuite(options)` judges the implementation
 * at `baseUrl` against spec/openapi.yaml and returns a report rule by rule.
 * `vaero test` (contract-tests/cli.ts) is a thin command line over it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { operation, specPath, type FineTuningJob } from '../spec/index.js';
import { sharedFileIds } from '../fixtures/index.js';
import { checks, type Check } from './checks/index.js';
import { DeadlineReached, HttpClient, NotTheApi, Unreachable, WaitExhausted, type FetchLike } from './http/client.js';
import type { Clock } from './clock.js';
import type { Exchange } from './http/exchange.js';
import type { Profile, Report } from './report.js';
import { runChecks, type Progress } from './runner.js';
import { atLevel, DEFAULT_LEVEL, type Level } from './level.js';

export interface ContractSuiteOptions {
  /** The URL under which /fine_tuning/jobs lives, e.g. http://127.0.0.1:8080/v1. */
  baseUrl: string;
  /** Organization A's API key. */
  token: string;
  /** A second organization's key: enables the isolation checks. */
  tokenB?: string;
  /** core: what a stateless mock can meet; full: a stateful implementation (default full). */
  profile?: Profile;
  /** Seed of the generated cases (default: random, printed in the report). */
  seed?: number;
  /** Cap on requests sent (cleanup of what the run created may go a little over). Default 5000. */
  maxRequests?: number;
  /** How long a check waits for a job to finish before it reports itself skipped. Default 30000 ms. */
  jobTimeoutMs?: number;
  /** Generated cases per property (default 8). */
  numRuns?: number;
  onProgress?: (p: Progress) => void;
  /** Injectable fetch (tests). */
  fetch?: FetchLike;
  /** Per-request timeout, the whole answer included (default 30000 ms); 3 requests in a row unanswered within it: the server is gone. */
  requestTimeoutMs?: number;
  /** Longest answer read (default 16 MiB): a longer one breaks response.size and is judged as far as it was read. */
  maxResponseBytes?: number;
  /** The whole run's time (default 10 minutes): what is left after it is not judged (deadline); cleanup gets one more request timeout. */
  deadlineMs?: number;
  /** The clock of timeouts, the deadline and waits (tests: a ManualClock they move). */
  clock?: Clock;
  /** Total time the run may spend waiting out 429s (default 120000 ms); past it the run is inconclusive. */
  maxWaitMs?: number;
  /** An existing succeeded job of organization A's: the post-success rules are judged on it when the run's own jobs do not finish in time. */
  jobId?: string;
  /** Set when the caller generated the tokens: they are printed in the report so its curl commands replay. */
  generatedTokens?: boolean;
  /** Injectable waits (429s, job polling); default: the clock's. */
  sleep?: (ms: number) => Promise<void>;
  /** reference: only the reference's rules count as errors, inferred ones are warnings; contract (default): every rule. */
  level?: Level;
  /** The checks to run (default: every check; tests run a part, e.g. without the fixture checks). */
  checks?: readonly Check[];
  /**
   * The server's own request timeout (--server-request-timeout): given, a request stalled halfway
   * is judged 408 (rule request.timeout), waiting at most this plus requestTimeoutMs; without it
   * that rule is skipped by configuration.
   */
  serverRequestTimeoutMs?: number;
}

import { DEFAULTS } from './defaults.js';

export { DEFAULTS };
export { LEVELS, DEFAULT_LEVEL, type Level } from './level.js';

const toolVersion = (JSON.parse(readFileSync(join(dirname(specPath), '..', 'package.json'), 'utf8')) as { version: string }).version;

export { NotTheApi, Unreachable, WaitExhausted, ServerGone, DeadlineReached } from './http/client.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export type * from './report.js';
export type { Progress } from './runner.js';
export { checks, allChecks } from './checks/index.js';

/** What came back, in one line (for "this is not the API"). */
function described(ex: Exchange): string {
  const res = ex.response!;
  const body = res.body.replace(/\s+/g, ' ').trim();
  return `${res.status} ${res.headers['content-type'] ?? 'without a content type'}: ${JSON.stringify(body.length > 80 ? body.slice(0, 80) + '…' : body)}`;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Anything that resembles a job list (a `data` array) or the error envelope (an `error`
 * object): the API is there, and whatever is wrong with it is judged rule by rule
 * (`"object": "page"` breaks the list's rule, it is not "another API").
 */
function looksLikeTheApi(json: unknown): boolean {
  const o = json as { data?: unknown; error?: unknown } | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) return false;
  return Array.isArray(o.data) || (typeof o.error === 'object' && o.error !== null && !Array.isArray(o.error));
}

/**
 * One request per token first: an unreachable server, a base URL under which the API is
 * not (no JSON, or JSON with neither a `data` array nor an `error` object), or a token the
 * server refuses are usage problems (exit 2), not findings. 429s past --max-wait here make
 * the run inconclusive before it starts.
 */
async function probe(client: HttpClient, options: ContractSuiteOptions): Promise<{ stop?: { cause: 'max-wait'; reason: string } }> {
  const list = operation('listFineTuningJobs');
  const url = client.redact(options.baseUrl);
  for (const as of options.tokenB ? (['a', 'b'] as const) : (['a'] as const)) {
    let ex;
    try {
      ex = await client.send({ method: list.method, path: list.path, query: { limit: '1' }, as, exempt: true });
    } catch (err) {
      if (err instanceof DeadlineReached) throw new Unreachable(url, err.message);
      if (err instanceof WaitExhausted) return { stop: { cause: 'max-wait', reason: `the probe (GET ${list.path}) met 429s past --max-wait: ${err.message}` } };
      if (err instanceof Unreachable) throw err;
      throw new Unreachable(url, (err as Error).message);
    }
    const flag = as === 'a' ? '--token (VAERO_TOKEN)' : '--token-b (VAERO_TOKEN_B)';
    const status = ex.response?.status;
    if (status === 401) throw new NotTheApi(`${url} refused ${flag}: GET ${list.path} answered 401. Check the token.`);
    if (status === 404 && !(await createIsThere(client, as))) {
      throw new NotTheApi(`${url} answered 404 to GET ${list.path}: is --base-url the URL under which /fine_tuning/jobs lives (e.g. http://127.0.0.1:8080/v1, with the /v1)?`);
    }
    // An answer cut at --max-response-bytes cannot be told apart: it is judged (response.size), not refused.
    if (ex.response?.cutAt !== undefined) continue;
    // JSON under another content type is still the API (the content type is judged later, as a finding).
    const json = ex.response ? (ex.response.json ?? parsed(ex.response.body)) : undefined;
    if (ex.response && json === undefined) throw new NotTheApi(`${url} is not the Vaero API: GET ${list.path}?limit=1 answered ${described(ex)}, not JSON.`);
    if (ex.response && !looksLikeTheApi(json)) {
      throw new NotTheApi(`${url} is not the Vaero API: GET ${list.path}?limit=1 answered ${described(ex)}, JSON with neither a data array nor an error object.`);
    }
  }
  client.used = 0;
  return {};
}

/**
 * Whether the create operation is there (a list answered 404): the reference documents
 * create, not list, so a service without a list is still the API. An empty body is a
 * request the reference refuses (training_files is required): any answer but 404 says the
 * base URL is right, and nothing is created.
 */
async function createIsThere(client: HttpClient, as: 'a' | 'b'): Promise<boolean> {
  const op = operation('createFineTuningJob');
  const ex = await client.send({ method: op.method, path: op.path, json: {}, as, exempt: true });
  return ex.response !== undefined && ex.response.status !== 404;
}

/** The job --job names: it must be organization A's and succeeded. */
async function givenJob(client: HttpClient, id: string): Promise<FineTuningJob> {
  const op = operation('retrieveFineTuningJob');
  const ex = await client.send({ method: op.method, path: op.path.replace(/\{[^}]+\}/, encodeURIComponent(id)), exempt: true });
  const job = ex.response?.json as FineTuningJob | undefined;
  if (ex.response?.status !== 200 || job?.id !== id) throw new NotTheApi(`--job ${id}: GET ${op.path} answered ${ex.response ? described(ex) : ex.error}; name a job of organization A's.`);
  if (job.status !== 'succeeded') throw new NotTheApi(`--job ${id} is ${job.status}; name a job that has succeeded.`);
  client.used = 0;
  return job;
}

export async function runContractSuite(options: ContractSuiteOptions): Promise<Report> {
  const profile = options.profile ?? DEFAULTS.profile;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const client = new HttpClient({
    baseUrl: options.baseUrl,
    token: options.token,
    ...(options.tokenB ? { tokenB: options.tokenB } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    maxRequests: options.maxRequests ?? DEFAULTS.maxRequests,
    timeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULTS.maxResponseBytes,
    deadlineMs: options.deadlineMs ?? DEFAULTS.deadlineMs,
    ...(options.clock ? { clock: options.clock } : {}),
    maxWaitMs: options.maxWaitMs ?? DEFAULTS.maxWaitMs,
    livenessPath: operation('listFineTuningJobs').path,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });

  const { stop } = await probe(client, options);
  const job = options.jobId && !stop ? await givenJob(client, options.jobId) : undefined;

  const report = await runChecks(
    options.checks ?? checks,
    client,
    {
      profile,
      seed,
      jobTimeoutMs: options.jobTimeoutMs ?? DEFAULTS.jobTimeoutMs,
      numRuns: options.numRuns ?? DEFAULTS.numRuns,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      ...(options.serverRequestTimeoutMs !== undefined ? { serverRequestTimeoutMs: options.serverRequestTimeoutMs } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      sleep: options.sleep ?? ((ms) => client.clock.sleep(ms)),
      toolVersion,
      ...(stop ? { stopBefore: stop } : {}),
      ...(job ? { givenJob: job } : {}),
      ...(options.generatedTokens ? { generatedTokens: { VAERO_TOKEN: options.token, ...(options.tokenB ? { VAERO_TOKEN_B: options.tokenB } : {}) } } : {}),
      // A stateless mock trains on the shared samples; a stateful run uploads its own.
      initialFileIds: profile === 'core' ? [...sharedFileIds] : [],
    },
    async (state) => {
      const done: Report['cleanup'] = { cancelledJobs: [], deletedFiles: [], problems: [] };
      for (const id of state.createdJobs) {
        try {
          const ex = await client.send({ method: 'post', path: operation('cancelFineTuningJob').path.replace(/\{[^}]+\}/, encodeURIComponent(id)), exempt: true });
          // 200: cancelled (or already); 400: already finished; both leave nothing running.
          if (ex.response?.status === 200) done.cancelledJobs.push(id);
          else if (ex.response?.status !== 400) done.problems.push(`cancel ${id}: ${ex.response?.status ?? ex.error}`);
        } catch (err) {
          done.problems.push(`cancel ${id}: ${(err as Error).message}`);
          if (err instanceof DeadlineReached) return done;
        }
      }
      for (const id of state.createdFiles) {
        try {
          const ex = await client.send({ method: 'delete', path: operation('deleteFile').path.replace(/\{[^}]+\}/, encodeURIComponent(id)), exempt: true });
          if (ex.response?.status === 200) done.deletedFiles.push(id);
          else done.problems.push(`delete ${id}: ${ex.response?.status ?? ex.error}`);
        } catch (err) {
          done.problems.push(`delete ${id}: ${(err as Error).message}`);
          if (err instanceof DeadlineReached) return done;
        }
      }
      return done;
    },
  );
  return atLevel(report, options.level ?? DEFAULT_LEVEL);
}
