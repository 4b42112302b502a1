/**
 * A team's code over the SDK @hey-api/openapi-ts generates with its default plugins
 * (`openapi-ts -i spec/openapi.yaml -o hey-api`). The test copies this file next to the
 * generated ./hey-api/, type-checks it under `strict` and runs `session` against the stub.
 */
import { createClient } from './hey-api/client/index.js';
import { createFineTuningJob, listFiles, listFineTuningJobs, uploadFile } from './hey-api/sdk.gen.js';
import type { CreateFineTuningJobRequest, FineTuningJob, UploadFileRequest } from './hey-api/types.gen.js';

export const minimal: CreateFineTuningJobRequest = { training_files: ['file-abc123'] };
// @ts-expect-error training_files is required
export const empty: CreateFineTuningJobRequest = {};

// The upload's file is a Blob or File, as a browser hands it over; not a string.
export const blobPart: UploadFileRequest['file'] = new Blob(['text']);
export const filePart: UploadFileRequest['file'] = new File(['text'], 'train.txt');
// @ts-expect-error a string is not a file part
export const textPart: UploadFileRequest['file'] = 'text';

// The globals stay usable next to the generated types: no generated name shadows them.
export const oops: Error = new Error('still the global Error');

export function models(job: FineTuningJob): { style: 'vaero-1'; base: string } {
  return { style: job.style_model, base: job.base_model };
}

export async function session(baseUrl: string, token: string) {
  const client = createClient({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

  const file = new File(['The first training document.\n***\nThe second.\n'], 'train.txt', { type: 'text/plain' });
  const upload = await uploadFile({ client, body: { file, purpose: 'fine-tune' } });
  if (!upload.data) throw new Error(`upload failed: ${JSON.stringify(upload.error)}`);

  const created = await createFineTuningJob({ client, body: { training_files: [upload.data.id] } });
  if (!created.data) throw new Error(`create failed: ${JSON.stringify(created.error)}`);

  const list = await listFineTuningJobs({ client, query: { limit: 5 } });
  const files = await listFiles({ client });
  const rejected = await createFineTuningJob({ client, body: { training_files: [upload.data.id], suffix: '' } });
  return {
    file: upload.data,
    job: created.data,
    models: models(created.data),
    jobIds: list.data?.data.map((j) => j.id) ?? [],
    fileIds: files.data?.data.map((f) => f.id) ?? [],
    rejected: { status: rejected.response?.status, param: rejected.error?.error.param },
  };
}
