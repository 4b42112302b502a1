/**
 * A team's code over what orval generates with clients/orval/orval.config.cjs (fetch client,
 * MSW mocks). The test copies this file next to the generated ./orval/, type-checks it with the
 * generated code under `strict` and `moduleResolution: bundler`, and runs `session` against the stub.
 */
import { createFineTuningJob, listFiles, listFineTuningJobs, uploadFile } from './orval/vaero';
import { getVaeroFineTuningJobsAPIUnofficialContractMock } from './orval/vaero.msw';
import type { CreateFineTuningJobRequestBody, DeletedFile, FineTuningJob } from './orval/vaero.schemas';

export const minimal: CreateFineTuningJobRequestBody = { training_files: ['file-abc123'] };
// @ts-expect-error training_files is required
export const empty: CreateFineTuningJobRequestBody = {};

// A `const` is typed as its value (with `type` beside it in the spec), not as `{}` or a string.
export const deleted: DeletedFile['deleted'] = true;
// @ts-expect-error deleted is the boolean true, not the string 'true'
export const deletedText: DeletedFile['deleted'] = 'true';
// @ts-expect-error object is always 'fine_tuning.job'
export const wrongObject: FineTuningJob['object'] = 'file';

/** The generated MSW handlers, ready for setupServer / setupWorker. */
export const mockHandlers = getVaeroFineTuningJobsAPIUnofficialContractMock();

export async function session(token: string) {
  const init = { headers: { Authorization: `Bearer ${token}` } };

  const file = new File(['The first training document.\n***\nThe second.\n'], 'train.txt', { type: 'text/plain' });
  const upload = await uploadFile({ file, purpose: 'fine-tune' }, init);
  if (upload.status !== 200) throw new Error(`upload failed: ${JSON.stringify(upload.data)}`);

  const created = await createFineTuningJob({ training_files: [upload.data.id] }, init);
  if (created.status !== 200) throw new Error(`create failed: ${JSON.stringify(created.data)}`);
  const job: FineTuningJob = created.data;

  const list = await listFineTuningJobs({ limit: 5 }, init);
  const files = await listFiles(undefined, init);
  const rejected = await createFineTuningJob({ training_files: [upload.data.id], suffix: '' }, init);
  return {
    file: upload.data,
    job,
    models: { style: job.style_model, base: job.base_model },
    jobIds: list.status === 200 ? list.data.data.map((j) => j.id) : [],
    fileIds: files.status === 200 ? files.data.data.map((f) => f.id) : [],
    rejected: { status: rejected.status, param: rejected.status === 400 ? rejected.data.error.param : undefined },
  };
}
