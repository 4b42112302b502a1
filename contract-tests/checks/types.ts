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
  /** Files the run uploaded (deleted at the end). */
  createdFiles: Set<string>;
  /** A job of the run that reached succeeded (for the cancel-a-finished-job check). */
  succeededJob?: FineTuningJob;
}

export interface CheckContext {
  profile: Profile;
  seed: number;
  jobTimeoutMs: number;
  /** How many generated cases each property runs. */
  numRuns: number;
  hasTokenB: boolean;
  state: SuiteState;
  client: HttpClient;
  /** Send a request (as token A unless `as` says otherwise); recorded and judged for conformance. */
  send(o: SendOptions): Promise<Exchange>;
  /** Count one assertion that held. */
  pass(): void;
  fail(f: FailureInput): void;
  /** Stop the check and report it skipped, with the reason. */
  skip(reason: string): never;
  /** Wait (the suite's clock; tests may speed it up). */
  sleep(ms: number): Promise<void>;
}

export interface Check {
  /** Stable id, used in reports and by CI filters. */
  id: string;
  title: string;
  /** The x-vaero-rule it verifies first of all (a test asserts every one exists in the spec). */
  ruleId: string;
  /** Further rules its failures may name (so a passing check counts as verifying them). */
  alsoVerifies?: string[];
  /** The profiles it runs in: `core` checks need no state; `full` ones need a stateful implementation. */
  profiles: readonly Profile[];
  run(ctx: CheckContext): Promise<void>;
}

/** Thrown by ctx.skip. */
export class Skip extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Skip';
  }
}
