/**
 * A typed helper for tests that steer a running stub through its admin endpoints
 * (/__vaero/…), one organization (bearer token) at a time:
 *
 *   const stub = createStubControl('http://127.0.0.1:8080/v1', 'my-token');
 *   await stub.reset();
 *   const job = await stub.seedJob({ status: 'failed', error: { code: 'invalid_training_file', message: 'Line 3 is empty' } });
 *
 * The MSW handlers (msw/) offer the same interface in-process. Uses fetch only.
 */
import type { FineTuningJob, FineTuningJobError, OperationId, VaeroFile } from '../../spec/index.js';
import type { FileSeed, JobSeed } from './service/control.js';
import type { RequestEntry } from './service/request-log.js';

export type { FileSeed, JobSeed, RequestEntry };

/** The steering a test has over one organization of the stub (or of the MSW handlers). */
export interface StubSteering {
  /** Forget the organization's jobs, files, armed failure, clock advances, latency and request log. */
  reset(): Promise<void>;
  /** A job in any status, with every field and event the lifecycle would have given it. */
  seedJob(seed: JobSeed): Promise<FineTuningJob>;
  /** A file, without a multipart upload. */
  seedFile(seed: FileSeed): Promise<VaeroFile>;
  /** Move the organization's existing jobs `ms` of lifecycle time further (also on a frozen clock, --speed 0). */
  advance(ms: number): Promise<void>;
  /** Answer the organization's requests `ms` later (only these operations, if given); 0 removes it. */
  setLatency(ms: number, operations?: OperationId[]): Promise<void>;
  /** The organization's next created job fails with this error (default code training_failed). */
  failNext(failure?: { code?: string; message?: string }): Promise<FineTuningJobError>;
  disarmFailNext(): Promise<void>;
  /** The API requests the organization made, oldest first. */
  requests(): Promise<RequestEntry[]>;
}

/** A refused admin request: its status and the error envelope's fields. */
export class StubControlError extends Error {
  constructor(
    readonly status: number,
    readonly error: { message: string; type: string; param: string | null; code: string | null },
  ) {
    super(`${status}: ${error.message}${error.param ? ` (param ${error.param})` : ''}`);
    this.name = 'StubControlError';
  }
}

/**
 * Steering for the stub at `baseUrl` (the API's base URL as the stub prints it, e.g.
 * http://127.0.0.1:8080/v1, or just its origin), acting as the organization of `token`.
 */
export function createStubControl(baseUrl: string, token: string): StubSteering {
  const origin = new URL(baseUrl).origin;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${origin}/__vaero/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await res.json()) as T & { error?: StubControlError['error'] };
    if (!res.ok) throw new StubControlError(res.status, answer.error ?? { message: res.statusText, type: 'unknown', param: null, code: null });
    return answer;
  };
  return {
    reset: async () => void (await call('POST', 'reset')),
    seedJob: (seed) => call('POST', 'jobs', seed),
    seedFile: (seed) => call('POST', 'files', seed),
    advance: async (ms) => void (await call('POST', 'advance', { ms })),
    setLatency: async (ms, operations) => void (await call('POST', 'latency', operations ? { ms, operations } : { ms })),
    failNext: async (failure = {}) => (await call<{ failure: FineTuningJobError }>('POST', 'fail-next', failure)).failure,
    disarmFailNext: async () => void (await call('DELETE', 'fail-next')),
    requests: async () => (await call<{ data: RequestEntry[] }>('GET', 'requests')).data,
  };
}
