/**
 * Step 7, the state: a checked call (what the request gate admitted, as data) handed to the
 * service operation its operationId names. The request core's state step (mock/core) calls it
 * for the stub and the MSW handlers alike; a failure asked for (Vaero-Mock-Fail, read by the
 * core) arrives here as data, never as a header.
 */
import type { FineTuningJobError, OperationId } from '../../../spec/index.js';
import type { Result } from './result.js';
import type { CreateJobInput, PageInput, StubService } from './service.js';

/** What the service needs of an admitted request (the gate's AdmittedRequest is one). */
export interface OperationCall {
  operation: { operationId: OperationId };
  pathParams: Record<string, string>;
  /** Typed and defaulted by the spec's schema. */
  query: Record<string, unknown>;
  /** A JSON body, checked and defaulted. */
  body?: unknown;
  /** A multipart body's fields as text. */
  form?: Record<string, string>;
  /** The multipart part named `file`. */
  file?: { filename: string; data: Uint8Array };
}

interface Context {
  org: string;
  request: OperationCall;
  failure?: FineTuningJobError;
}

const page = (q: Record<string, unknown>): PageInput => ({ after: q.after as string | undefined, limit: q.limit as number });
const utf8 = new TextEncoder();

/** One handler per operation of the spec (the type makes a missing one a compile error). */
const HANDLERS: Record<OperationId, (s: StubService, c: Context) => Result<unknown>> = {
  createFineTuningJob: (s, c) => s.createJob(c.org, c.request.body as CreateJobInput, { failure: c.failure }),
  listFineTuningJobs: (s, c) => s.listJobs(c.org, page(c.request.query)),
  retrieveFineTuningJob: (s, c) => s.retrieveJob(c.org, c.request.pathParams.fine_tuning_job_id as string),
  cancelFineTuningJob: (s, c) => s.cancelJob(c.org, c.request.pathParams.fine_tuning_job_id as string),
  listFineTuningEvents: (s, c) => s.listEvents(c.org, c.request.pathParams.fine_tuning_job_id as string, page(c.request.query)),
  uploadFile: (s, c) => {
    // text-only is checked by the service, after the schema
    const { file, form = {} } = c.request;
    const content = file ? file.data : utf8.encode(form.file ?? '');
    return s.uploadFile(c.org, { filename: file?.filename ?? 'file', purpose: form.purpose as 'fine-tune', content });
  },
  listFiles: (s, c) => s.listFiles(c.org, page(c.request.query)),
  retrieveFile: (s, c) => s.retrieveFile(c.org, c.request.pathParams.file_id as string),
  downloadFileContent: (s, c) => s.fileContent(c.org, c.request.pathParams.file_id as string),
  deleteFile: (s, c) => s.deleteFile(c.org, c.request.pathParams.file_id as string),
};

/** A failure from a fail-next body or the Vaero-Mock-Fail headers: the code (trimmed, at most 64 characters) and a message. */
export function mockFailure(code: string, message: string | string[] | undefined): FineTuningJobError {
  const text = Array.isArray(message) ? message[0] : message;
  const c = code.trim().slice(0, 64);
  return { code: c, message: text?.trim() || `Simulated failure (${c}) requested from the stub`, param: null };
}

/**
 * Run the call against the service, as the organization `org`. `failure`: how a created job
 * is to end (Vaero-Mock-Fail on a create).
 */
export function dispatch(service: StubService, org: string, request: OperationCall, failure?: FineTuningJobError): Result<unknown> {
  return HANDLERS[request.operation.operationId](service, { org, request, failure });
}
