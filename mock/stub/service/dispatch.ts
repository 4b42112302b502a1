/**
 * Step 7, the state: an admitted request (gate-pipeline.ts) handed to the service operation
 * its operationId names. Shared by the stub's Express adapter and the MSW handlers, so both
 * call the service the same way, with the same `Vaero-Mock-Fail` handling.
 */
import type { FineTuningJobError, OperationId } from '../../../spec/index.js';
import type { AdmittedRequest } from '../../http/gate-pipeline.js';
import { MOCK_FAIL_HEADER, MOCK_FAIL_MESSAGE_HEADER } from '../../http/header-names.js';
import type { Result } from './result.js';
import type { CreateJobInput, PageInput, StubService } from './service.js';


interface Context {
  org: string;
  request: AdmittedRequest;
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
 * Run the admitted request against the service, as the organization `org`. `header` reads a
 * request header (Vaero-Mock-Fail on a create).
 */
export function dispatch(service: StubService, org: string, request: AdmittedRequest, header: (name: string) => string | undefined): Result<unknown> {
  const ctx: Context = { org, request };
  if (request.operation.operationId === 'createFineTuningJob') {
    const code = header(MOCK_FAIL_HEADER);
    if (code?.trim()) ctx.failure = mockFailure(code, header(MOCK_FAIL_MESSAGE_HEADER));
  }
  return HANDLERS[request.operation.operationId](service, ctx);
}
