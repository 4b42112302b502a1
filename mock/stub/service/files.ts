/**
 * The files API (upload, list, retrieve, content, delete) over the store: an upload must be
 * text (valid UTF-8, no NUL); shared sample files are listed to every organization and
 * cannot be deleted; a deleted file's text is freed at once.
 */
import type { DeletedFile, FileObjectList, VaeroFile } from '../../../spec/index.js';
import { violation } from '../../errors/answer-policy.js';
import { newFileId } from './ids.js';
import type { JournalRecord } from './journal-records.js';
import { listPage, type PageInput } from './paging.js';
import { err, ok, type Result } from './result.js';
import { RULES } from './rules.js';
import type { FileRecord, Store } from './store.js';

export interface UploadInput {
  filename: string;
  purpose: VaeroFile['purpose'];
  content: Uint8Array;
}

export interface FileOperations {
  uploadFile(org: string, upload: UploadInput): Result<VaeroFile>;
  listFiles(org: string, page: PageInput): Result<FileObjectList>;
  retrieveFile(org: string, fileId: string): Result<VaeroFile>;
  /** The file's text, exactly as uploaded. */
  fileContent(org: string, fileId: string): Result<string>;
  deleteFile(org: string, fileId: string): Result<DeletedFile>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export const fileNotFound = (id: string) => err(violation(404, RULES.notFound, 'not_found', `No file with id ${id}`));

/** The upload's text, or the 400 that says why it is not text. */
export function uploadedText(content: Uint8Array): Result<string> {
  if (content.byteLength === 0) return err(violation(400, RULES.uploadFile, 'invalid_file_format', 'file: the uploaded file is empty', 'file'));
  let text: string;
  try {
    text = utf8.decode(content);
  } catch {
    return err(violation(400, RULES.textOnly, 'invalid_file_format', 'file: files must be text-only (valid UTF-8)', 'file'));
  }
  if (text.includes('\u0000')) return err(violation(400, RULES.textOnly, 'invalid_file_format', 'file: files must be text-only (no NUL bytes)', 'file'));
  return ok(text);
}

export function createFileOperations(store: Store, now: () => number, record: (r: JournalRecord) => void, afterDelete: (org: string) => void): FileOperations {
  return {
    uploadFile(org, upload) {
      const text = uploadedText(upload.content);
      if (!text.ok) return text;
      const r: Extract<JournalRecord, { op: 'file' }> = {
        op: 'file',
        org,
        id: newFileId(),
        createdMs: now(),
        filename: upload.filename,
        purpose: upload.purpose,
        content: text.value,
      };
      record(r);
      return ok(store.fileView(store.addFile(r)));
    },

    listFiles(org, page) {
      const o = store.orgView(org);
      return listPage(o.files.length, (id) => o.fileIndex.get(id), page, (i) => !(o.files[i] as FileRecord).deleted, (i) => store.fileView(o.files[i] as FileRecord));
    },

    retrieveFile(org, fileId) {
      const f = store.findFile(org, fileId);
      return f ? ok(store.fileView(f)) : fileNotFound(fileId);
    },

    fileContent(org, fileId) {
      const f = store.findFile(org, fileId);
      return f ? ok(f.content) : fileNotFound(fileId);
    },

    deleteFile(org, fileId) {
      const f = store.findFile(org, fileId);
      if (!f) return fileNotFound(fileId);
      if (f.shared) return err(violation(403, RULES.deleteFile, 'file_not_deletable', `${fileId} is a shared sample file and cannot be deleted`));
      record({ op: 'delete-file', org, id: fileId });
      store.deleteFile(org, fileId);
      afterDelete(org);
      return ok({ id: fileId, object: 'file', deleted: true });
    },
  };
}
