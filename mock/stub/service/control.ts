/**
 * A test's steering of the stub, per organization (WireMock/Mockoon style): reset its state,
 * seed jobs in any status and files, advance its lifecycle clock, add latency to its answers,
 * arm a failure, and read back the requests it made. Framework-free: the stub's admin
 * endpoints (mock/stub/http/admin.ts) and the MSW handlers call these same functions. Every
 * input is checked here (a seed's fields by the spec's own create validator), so both get
 * the same 400s.
 */
import {
  document,
  jobStatuses,
  operation,
  rule,
  schemaValidator,
  type FineTuningJob,
  type FineTuningJobError,
  type FineTuningJobStatus,
  type OperationId,
  type VaeroFile,
} from '../../../spec/index.js';
import { admitBody, violation } from '../../errors/answer-policy.js';
import type { LifecycleClock } from './clock.js';
import { fineTunedModelName, newFileId, newJobId } from './ids.js';
import type { JournalRecord } from './journal.js';
import { CANCELLED, FAILED, FAILURE_STEPS, HAPPY_PATH, SUCCEEDED, SUCCESS_STEPS, type Step } from './lifecycle.js';
import type { RequestLogBook } from './request-log.js';
import { err, ok, type Result } from './result.js';
import { sampleFileIds } from './samples.js';
import type { Store } from './store.js';
import { trainingFilesOf } from './training-files.js';

/** A job to seed: a create body's fields (defaulted as a create is; training_files default to the shared samples), its status, and for a failed job its error. */
export interface JobSeed {
  status: FineTuningJobStatus;
  style_model?: string;
  base_model?: string;
  training_files?: string[];
  suffix?: string | null;
  /** The error a `failed` job ends with (default: training_failed); on an unfinished job, the one it will fail with. */
  error?: { code: string; message: string; param?: string | null };
}

export interface FileSeed {
  filename: string;
  /** The file's text (UTF-8 text, as an upload must be). */
  content: string;
  purpose?: 'fine-tune';
}

export interface Latency {
  /** Added before each answer, in ms (0: none). */
  ms: number;
  /** Only these operations (default: every operation). */
  operations?: OperationId[];
}

export interface StubControl {
  /** Forget the organization's jobs, files, armed failure, clock advances, latency and request log. */
  reset(org: string): Result<{ reset: true }>;
  /** A job in `status`, with every field and event the lifecycle would have given it by now. */
  seedJob(org: string, seed: JobSeed): Result<FineTuningJob>;
  seedFile(org: string, seed: FileSeed): Result<VaeroFile>;
  /** Move the organization's existing jobs `ms` further through their lifecycle (even on a frozen clock). */
  advance(org: string, ms: number): Result<{ advanced_ms: number }>;
  setLatency(org: string, latency: Latency | null): Result<Latency>;
  /** The latency to add to an answer to this operation (ms). */
  latencyFor(org: string, operationId: OperationId | undefined): number;
  /** The organization's next created job fails with this error (null: disarm). */
  failNext(org: string, failure: FineTuningJobError | null): Result<FineTuningJobError | null>;
  /** Whether the organization has latency set. */
  hasLatency(org: string): boolean;
  /** The requests each organization made (the adapters record them). */
  readonly requests: RequestLogBook;
}

export interface ControlDeps {
  store: Store;
  clock: LifecycleClock;
  record(r: JournalRecord): void;
  requests: RequestLogBook;
  /** Called when the organization may hold nothing any more (its latency removed). */
  mayBeIdle(org: string): void;
  failNext(org: string, failure: FineTuningJobError | null): Result<FineTuningJobError | null>;
}

const SCHEMA_RULE = rule('request.schema').id;
const bad = (message: string, param: string): Result<never> => err(violation(400, SCHEMA_RULE, 'invalid_value', message, param));

/** Where a seeded job starts: the lifecycle time at which it entered its status. */
function headStart(steps: readonly Step[], status: FineTuningJobStatus): number {
  return (steps.find((s) => s.status === status) as Step).at;
}

const DEFAULT_FAILURE: FineTuningJobError = { code: 'training_failed', message: 'Training failed (seeded by the stub)', param: null };
/** The longest latency a test may ask for: longer would only look like a hung server. */
export const MAX_LATENCY_MS = 60_000;
/** The furthest one advance goes (far past a whole lifecycle). */
export const MAX_ADVANCE_MS = 24 * 3600 * 1000;

let errorValidator: ReturnType<typeof schemaValidator> | undefined;
const validError = (e: unknown): e is FineTuningJobError =>
  (errorValidator ??= schemaValidator((document.components?.schemas as Record<string, unknown>).FineTuningJobError))(e);

export function createControl({ store, clock, record, requests, mayBeIdle, failNext }: ControlDeps): StubControl {
  const latencies = new Map<string, Latency>();
  const createOp = operation('createFineTuningJob');

  return {
    requests,
    failNext,
    hasLatency: (org) => latencies.has(org),

    reset(org) {
      record({ op: 'reset', org });
      store.reset(org);
      latencies.delete(org);
      requests.clear(org);
      return ok({ reset: true });
    },

    seedJob(org, seed) {
      if (typeof seed !== 'object' || seed === null || Array.isArray(seed)) return bad('A job seed is a JSON object', 'status');
      const { status, error, ...fields } = seed as JobSeed;
      if (!jobStatuses.includes(status)) return bad(`status must be one of ${jobStatuses.join(', ')}`, 'status');
      if (error !== undefined && (status === SUCCEEDED || status === CANCELLED)) return bad(`error: a ${status} job has no error`, 'error');
      const failure = error === undefined ? (status === FAILED ? DEFAULT_FAILURE : null) : { param: null, ...error };
      if (failure && !validError(failure)) return bad('error must be {code, message, param?} with text code and message', 'error');
      // The create's own fields, checked and defaulted by the spec's create validator.
      const checked = admitBody(createOp, { training_files: [...sampleFileIds], ...fields });
      if (!checked.ok) return err(checked.violation);
      const input = checked.value as { style_model: string; base_model: string; training_files: string[]; suffix?: string | null };
      const files = trainingFilesOf(store, org, input.training_files);
      if (!files.ok) return files;

      const steps = failure ? FAILURE_STEPS : SUCCESS_STEPS;
      // A cancelled job is seeded as cancelled while it ran; any other at the step that entered its status.
      const head = headStart(steps, status === CANCELLED ? (HAPPY_PATH[HAPPY_PATH.length - 2] as FineTuningJobStatus) : status);
      const now = clock.now();
      const r: Extract<JournalRecord, { op: 'job' }> = {
        op: 'job',
        org,
        id: newJobId(),
        createdMs: now - head,
        anchorMs: now,
        style_model: input.style_model,
        base_model: input.base_model,
        training_files: files.value,
        suffix: input.suffix ?? null,
        fineTunedModel: fineTunedModelName(input.suffix),
        failure,
      };
      record(r);
      const job = store.addJob(r);
      if (status === CANCELLED) {
        record({ op: 'cancel', org, id: job.id, atMs: now });
        store.cancelAt(job, now);
      }
      return ok(store.jobView(store.materialise(job)));
    },

    seedFile(org, seed) {
      if (typeof seed !== 'object' || seed === null) return bad('A file seed is a JSON object {filename, content}', 'filename');
      const { filename, content, purpose = 'fine-tune' } = seed;
      if (typeof filename !== 'string' || !filename) return bad('filename must be a non-empty string', 'filename');
      if (typeof content !== 'string' || !content) return bad('content must be the file\'s text, not empty', 'content');
      if (content.includes('\u0000')) return bad('content must be text (no NUL characters)', 'content');
      if (purpose !== 'fine-tune') return bad('purpose must be fine-tune', 'purpose');
      const r: Extract<JournalRecord, { op: 'file' }> = { op: 'file', org, id: newFileId(), createdMs: clock.now(), filename, purpose, content };
      record(r);
      return ok(store.fileView(store.addFile(r)));
    },

    advance(org, ms) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_ADVANCE_MS) return bad(`ms must be a number from 0 to ${MAX_ADVANCE_MS}`, 'ms');
      const atMs = clock.now();
      record({ op: 'advance', org, atMs, ms });
      store.advance(org, atMs, ms);
      return ok({ advanced_ms: ms });
    },

    setLatency(org, latency) {
      if (latency === null) {
        latencies.delete(org);
        mayBeIdle(org);
        return ok({ ms: 0 });
      }
      const { ms, operations } = latency;
      if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > MAX_LATENCY_MS) return bad(`ms must be an integer from 0 to ${MAX_LATENCY_MS}`, 'ms');
      if (operations !== undefined) {
        const unknown = Array.isArray(operations) ? operations.find((id) => !isOperationId(id)) : 'not a list';
        if (unknown !== undefined) return bad(`operations must be a list of the spec's operationIds; not ${unknown}`, 'operations');
      }
      const set: Latency = operations ? { ms, operations: [...operations] } : { ms };
      if (ms === 0) {
        latencies.delete(org);
        mayBeIdle(org);
      } else latencies.set(org, set);
      return ok(set);
    },

    latencyFor(org, operationId) {
      const l = latencies.get(org);
      if (!l) return 0;
      return !l.operations || (operationId !== undefined && l.operations.includes(operationId)) ? l.ms : 0;
    },
  };
}

function isOperationId(id: unknown): id is OperationId {
  try {
    return typeof id === 'string' && operation(id as OperationId) !== undefined;
  } catch {
    return false;
  }
}
