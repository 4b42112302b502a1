/**
 * The Files API, for stateful implementations: the run uploads its own training files
 * (a real service holds no file-abc123) and uses their ids everywhere after; the text
 * comes back as uploaded; a deleted file is gone from retrieval and from the list.
 */
import { readFileSync } from 'node:fs';
import { operation, type DeletedFile, type FileObjectList, type VaeroFile } from '../../spec/index.js';
import { fixture, sharedFileIds, trainingFiles } from '../../fixtures/index.js';
import type { SendOptions } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { expectAccepted, expectRejected } from './expectations.js';
import type { Check, CheckContext } from './types.js';

const upload = operation('uploadFile');
const text = () => readFileSync(trainingFiles.text);

export function uploadRequest(filename: string): SendOptions {
  return { method: upload.method, path: upload.path, multipart: { fields: { purpose: 'fine-tune' }, files: [{ field: 'file', filename, contentType: 'text/plain', content: text() }] } };
}

/** Upload one training file; its id, or undefined (the failure is recorded). */
export async function uploadOwnFile(ctx: CheckContext, filename: string): Promise<VaeroFile | undefined> {
  const ex = await ctx.send(uploadRequest(filename));
  if (!expectAccepted(ctx, 'uploadFile', ex, `uploading ${filename}`, 'upload.file')) return undefined;
  const file = ex.response!.json as VaeroFile;
  if (typeof file?.id !== 'string') return undefined;
  ctx.state.createdFiles.add(file.id);
  ctx.state.uploadedText.set(file.id, text().toString('utf8'));
  const bytes = text().byteLength;
  if (file.filename !== filename || file.bytes !== bytes) {
    ctx.fail({ ruleId: 'file.shape', message: 'the uploaded file does not describe what was uploaded', declared: { filename, bytes }, received: { filename: file.filename, bytes: file.bytes }, exchange: ex });
  } else ctx.pass('file.shape');
  return file;
}

function path(template: string, id: string): string {
  return template.replace(/\{[^}]+\}/, encodeURIComponent(id));
}

export const uploadTrainingFile: Check = {
  id: 'upload-training-file',
  title: 'A plain-text training file uploads, and the run trains on its own files',
  ruleId: 'upload.file',
  alsoVerifies: ['file.shape'],
  profiles: ['full'],
  async run(ctx) {
    for (const name of ['vaero-contract-a.txt', 'vaero-contract-b.txt']) {
      const f = await uploadOwnFile(ctx, name);
      if (f) ctx.state.fileIds.push(f.id);
    }
  },
};

export const fileContentRoundTrip: Check = {
  id: 'file-content-round-trip',
  title: 'A file is retrieved, listed and downloaded exactly as uploaded',
  ruleId: 'upload.file',
  alsoVerifies: ['file.shape', 'response.content-type'],
  profiles: ['full'],
  async run(ctx) {
    const id = ctx.state.fileIds[0];
    if (!id) return ctx.skip('no training file could be uploaded (see upload-training-file)', 'blocked');
    const got = await ctx.send({ method: 'get', path: path(operation('retrieveFile').path, id) });
    if (expectAccepted(ctx, 'retrieveFile', got, 'retrieving an uploaded file', 'path.not-found')) {
      const f = got.response!.json as VaeroFile;
      if (f.id !== id) ctx.fail({ ruleId: 'file.shape', message: 'retrieved a different file', declared: id, received: f.id, exchange: got });
    }
    const content = await ctx.send({ method: 'get', path: path(operation('downloadFileContent').path, id) });
    if (expectAccepted(ctx, 'downloadFileContent', content, 'downloading an uploaded file', 'path.not-found')) {
      const want = ctx.state.uploadedText.get(id);
      if (content.response!.body !== want) ctx.fail({ message: 'the content is not the text uploaded', declared: want?.slice(0, 200), received: content.response!.body.slice(0, 200), exchange: content });
      else ctx.pass();
    }
    const list = await ctx.send({ method: 'get', path: operation('listFiles').path, query: { limit: '100' } });
    if (expectAccepted(ctx, 'listFiles', list, 'listing files', 'list.order-and-cursor')) {
      const ids = ((list.response!.json as FileObjectList).data ?? []).map((f) => f.id);
      if (!ids.includes(id)) ctx.fail({ ruleId: 'list.order-and-cursor', message: 'an uploaded file is missing from the first page of the file list', declared: id, received: ids, exchange: list });
      else ctx.pass('list.order-and-cursor');
    }
  },
};

export const deletedFileIsGone: Check = {
  id: 'deleted-file-is-gone',
  title: 'A deleted file answers {id, object: file, deleted: true} and is then 404 and unlisted',
  ruleId: 'files.delete',
  profiles: ['full'],
  async run(ctx) {
    const f = await uploadOwnFile(ctx, 'vaero-contract-delete-me.txt');
    if (!f) return ctx.skip('the file to delete could not be uploaded', 'blocked');
    const del = await ctx.send({ method: 'delete', path: path(operation('deleteFile').path, f.id) });
    if (!expectAccepted(ctx, 'deleteFile', del, 'deleting an uploaded file', 'files.delete')) return;
    ctx.state.createdFiles.delete(f.id);
    const body = del.response!.json as DeletedFile;
    if (body.id !== f.id || body.deleted !== true) ctx.fail({ message: 'the answer does not say this file was deleted', declared: { id: f.id, deleted: true }, received: body, exchange: del });
    const again: Exchange = await ctx.send({ method: 'get', path: path(operation('retrieveFile').path, f.id) });
    if (again.response?.status !== 404) ctx.fail({ message: 'a deleted file can still be retrieved', declared: { status: 404 }, received: { status: again.response?.status }, exchange: again });
    else ctx.pass();
    const list = await ctx.send({ method: 'get', path: operation('listFiles').path, query: { limit: '100' } });
    if (((list.response?.json as FileObjectList | undefined)?.data ?? []).some((x) => x.id === f.id)) ctx.fail({ message: 'a deleted file is still listed', declared: 'absent', received: f.id, exchange: list });
    else ctx.pass();
  },
};

/**
 * The shared sample files every organization lists (where the server has them) cannot be
 * deleted: 403 with the labelled code, and the file is still there. A server that lists no
 * sample (a real service may have none) leaves this part unjudged, which is no finding.
 */
export const sharedSamplesCannotBeDeleted: Check = {
  id: 'shared-samples-cannot-be-deleted',
  title: 'Deleting a shared sample file is refused with 403 and the file stays',
  ruleId: 'files.delete',
  profiles: ['full'],
  async run(ctx) {
    const list = await ctx.send({ method: 'get', path: operation('listFiles').path, query: { limit: '100' } });
    if (!expectAccepted(ctx, 'listFiles', list, 'listing files', 'list.order-and-cursor')) return;
    const listed = ((list.response!.json as FileObjectList).data ?? []).map((f) => f.id);
    const sample = sharedFileIds.find((id) => listed.includes(id));
    if (!sample) return ctx.skip(`the organization lists none of the shared sample files (${sharedFileIds.join(', ')}), so deleting one was not tried`, 'configuration');
    const label = fixture('delete-shared-file');
    const del = await ctx.send({ method: 'delete', path: path(operation('deleteFile').path, sample) });
    if (del.response?.status === 200) ctx.state.createdFiles.delete(sample);
    expectRejected(ctx, del, { status: label.expect.status, param: label.expect.param, ...(label.expect.code ? { code: label.expect.code } : {}), ruleId: 'files.delete' }, `deleting the shared sample ${sample}`);
    const still = await ctx.send({ method: 'get', path: path(operation('retrieveFile').path, sample) });
    if (still.response?.status !== 200) ctx.fail({ message: `the shared sample ${sample} is gone after a delete`, declared: { status: 200 }, received: { status: still.response?.status }, exchange: still, steps: [del] });
    else ctx.pass();
  },
};
