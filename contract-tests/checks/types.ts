/**
 * What a check is: a small named function with a stable id, tied to the x-vaero-rule it
 * verifies. It sends requests through the context, asserts, and reports failures with
 * what the spec declares and what it received (in the style of Schemathesis' checks).
 */
import type { FineTuningJob } from '../../spec/index.js';
import type { HttpClient, SendOptions } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import type { Failure, Profile } from '../report.js';

export interface FailureInput {
  /** The rule broken; the check's own rule when absent. */
  ruleId?: string;
  message: string;
  declared?: unknown;
  received?: unknown;
  exchange?: Exchange;
  /** The requests that led up to `exchange` (e.g. the earlier pages of a paging failure), in order. */
  steps?: Exchange[];
  replay?: Failure['replay'];
}

/** State the checks share within one run (filled by the checks that create things). */
export interface SuiteState {
  /** File ids the positive cases train on: uploaded by the run (full) or the shared samples (core). */
  fileIds: string[];
  /** The text uploaded as each file of the run, by id. */
  uploadedText: Map<string, string>;
  /** Jobs the run created (cancelled at the end if unfinished). */
  createdJobs: Set<string>;
  /** Jobs a check keeps to itself (it follows their lifecycle): never lent to another check's requests. */
  keptJobs: Set<string>;
  /** Files the run uploaded (deleted at the end). */
  createdFiles: Set<string>;
  /** A job of the run that reached succeeded (for the cancel-a-finished-job check), or the one --job names. */
  succeededJob?: FineTuningJob;
  /** Jobs of the run that reached a finished status (what the lifecycle showed). */
  finishedJobs: FineTuningJob[];
  /** The finished job --job names (a service whose jobs take hours): judged instead of one of the run's. */
  givenJob?: FineTuningJob;
}

export interface CheckContext {
  profile: Profile;
  seed: number;
  jobTimeoutMs: number;
  /** How many generated cases each property runs. */
  numRuns: number;
  /** --request-timeout: how long one answer may take. */
  requestTimeoutMs: number;
  /** --server-request-timeout: the server's own request timeout, when the user gave it (a stalled request is judged against it). */
  serverRequestTimeoutMs?: number;
  hasTokenB: boolean;
  state: SuiteState;
  client: HttpClient;
  /** Send a request (as token A unless `as` says otherwise); recorded and judged for conformance. */
  send(o: SendOptions): Promise<Exchange>;
  /** Count one assertion that held, about `ruleId` (default: the check's own rule). */
  pass(ruleId?: string): void;
  fail(f: FailureInput): void;
  /**
   * Say that (part of) a rule could not be judged, and why. A rule with such a note is not
   * reported held, even if other assertions about it passed.
   */
  notJudged(ruleId: string, reason: string, cause?: NotJudgedCause): void;
  /** Stop the check: every rule it verifies that no assertion reached is not judged, with the reason. */
  skip(reason: string, cause?: NotJudgedCause): never;

  /**
   * From here on the check only reads and waits (a job's lifecycle): the runner starts the
   * next checks meanwhile. `maxRequests` is the most it may still send, held back from the
   * budget so --max-requests cuts where it would with one check after another. False when
   * the budget cannot spare them: the check goes on in turn. Sending anything but GET or
   * HEAD afterwards is an error of the check.
   */
  overlap(maxRequests: number): boolean;

  /** Wait (the suite's clock; tests may speed it up). */
  sleep(ms: number): Promise<void>;
}

export interface Check {
  /** Stable id, used in reports and by CI filters. */
  id: string;
  title: string;
  /** The x-vaero-rule it verifies first of all (a test asserts every one exists in the spec). */
  ruleId: string;
  /**
   * Further rules it asserts (each assertion names its rule; these are the ones it plans to
   * reach), or a function of the profile when that differs (a stateless mock cannot show echo).
   */
  alsoVerifies?: string[] | ((profile: Profile) => string[]);
  /** The profiles it runs in: `core` checks need no state; `full` ones need a stateful implementation. */
  profiles: readonly Profile[];
  /** Checks whose outcome it uses (a succeeded job): it starts once they have ended, even if they overlap. */
  after?: readonly string[];
  run(ctx: CheckContext): Promise<void>;
}

/**
 * Why a rule was not judged. `configuration`: the user chose not to provide what it needs
 * (no second token, a profile without it): not a problem of the server. `blocked`: a rule
 * that broke stopped the check first. `server`: the server's behaviour kept it from being
 * judged (no job finished, every job failed). `budget`, `max-wait`, `server-gone`: the run
 * ran out of requests, of patience with 429s, or of a server.
 */
export type NotJudgedCause = 'configuration' | 'blocked' | 'server' | 'budget' | 'max-wait' | 'server-gone' | 'deadline';

/** Thrown by ctx.skip. */
export class Skip extends Error {
  constructor(
    readonly reason: string,
    readonly category: NotJudgedCause = 'server',
  ) {
    super(reason);
    this.name = 'Skip';
  }
}
