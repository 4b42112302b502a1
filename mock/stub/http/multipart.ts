/**
 * multipart/form-data bodies, parsed with busboy under the operation's size limit.
 * Fields come back as text; the first part named `file` as bytes with its filename.
 */
import type { IncomingMessage } from 'node:http';
import type busboyType from 'busboy';

// Loaded on the first upload, not at start (cold start counts).
let busboyModule: Promise<typeof busboyType> | undefined;
const loadBusboy = () => (busboyModule ??= import('busboy').then((m) => m.default));

export interface FilePart {
  filename: string;
  data: Buffer;
}

export type MultipartResult =
  | { ok: true; fields: Record<string, string>; file?: FilePart }
  | { ok: false; tooLarge: true }
  | { ok: false; malformed: string };

export async function readMultipart(req: IncomingMessage, max: number | undefined, fileField = 'file'): Promise<MultipartResult> {
  const busboy = await loadBusboy();
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: MultipartResult) => {
      if (done) return;
      done = true;
      if (!r.ok) {
        req.unpipe();
        req.resume(); // drop the rest unread
      }
      resolve(r);
    };
    let bb: busboyType.Busboy;
    try {
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fields: 50, files: 10, parts: 60 } });
    } catch (e) {
      return finish({ ok: false, malformed: (e as Error).message });
    }
    const fields: Record<string, string> = {};
    let file: { filename: string; chunks: Buffer[] } | undefined;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (max !== undefined && size > max) finish({ ok: false, tooLarge: true });
    });
    bb.on('field', (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      if (name !== fileField || file) return void stream.resume();
      const part = { filename: info.filename || fileField, chunks: [] as Buffer[] };
      file = part;
      stream.on('data', (c: Buffer) => part.chunks.push(c));
    });
    // busboy closes once every part, file streams included, has been read.
    bb.on('close', () => finish({ ok: true, fields, file: file && { filename: file.filename, data: Buffer.concat(file.chunks) } }));
    bb.on('error', (e: Error) => finish({ ok: false, malformed: e.message }));
    req.on('error', (e: Error) => finish({ ok: false, malformed: e.message }));
    req.pipe(bb);
  });
}
