/**
 * multipart/form-data bodies, streamed through busboy under the operation's size limit.
 * Every part comes back as a form field in text (the first of a name wins; a file part
 * as its decoded text, as the spec module's validateForm takes it); the first file part
 * named `file` also as bytes with its filename. A body that does not parse is still
 * read to its end, so that one also over the limit is 413 (size comes before syntax).
 */
import type { IncomingMessage } from 'node:http';
import type busboyType from 'busboy';
import { drain, type Drained } from './body.js';

// Loaded on the first upload, not at start (cold start counts).
let busboyModule: Promise<typeof busboyType> | undefined;
const loadBusboy = () => (busboyModule ??= import('busboy').then((m) => m.default));

export interface FilePart {
  filename: string;
  data: Buffer;
}

export type MultipartResult =
  | { ok: true; fields: Record<string, string>; file?: FilePart; raw?: Buffer }
  | { ok: false; tooLarge: Drained }
  | { ok: false; malformed: string; drained: Drained }
  | { ok: false; aborted: true };

export interface MultipartOptions {
  /** Also keep the body's bytes as they came (`raw`). */
  raw?: boolean;
  /** The name of the file part kept as bytes. */
  fileField?: string;
}

export async function readMultipart(req: IncomingMessage, max: number | undefined, options: MultipartOptions = {}): Promise<MultipartResult> {
  const busboy = await loadBusboy();
  const fileField = options.fileField ?? 'file';
  return new Promise((resolve) => {
    let done = false;
    let size = 0;
    const rawChunks: Buffer[] | undefined = options.raw ? [] : undefined;
    const stop = () => {
      done = true;
      req.off('data', onData).off('error', onAbort).off('close', onAbort);
      req.unpipe();
    };
    const tooLarge = () => {
      stop();
      void drain(req, size).then((d) => resolve({ ok: false, tooLarge: d }));
    };
    const malformed = (why: string) => {
      if (done) return;
      stop();
      // The rest is read anyway: over the limit it is 413, not 400.
      void drain(req, size).then((d) =>
        resolve(max !== undefined && d.bytes > max ? { ok: false, tooLarge: d } : { ok: false, malformed: why, drained: d }),
      );
    };
    const onAbort = () => {
      if (done || req.readableEnded) return;
      stop();
      resolve({ ok: false, aborted: true });
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (max !== undefined && size > max) return tooLarge();
      rawChunks?.push(chunk);
    };

    let bb: busboyType.Busboy;
    try {
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fields: 50, files: 10, parts: 60 } });
    } catch (e) {
      req.on('data', onData).on('error', onAbort).on('close', onAbort);
      return malformed((e as Error).message);
    }
    const fields: Record<string, string> = {};
    const texts: Array<Promise<void>> = [];
    let file: FilePart | undefined;
    bb.on('field', (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      texts.push(
        new Promise((ended) =>
          stream.on('end', () => {
            const data = Buffer.concat(chunks);
            if (name === fileField && !file) file = { filename: info.filename || fileField, data };
            if (!(name in fields)) fields[name] = data.toString('utf8');
            ended();
          }),
        ),
      );
    });
    // busboy closes once every part, file streams included, has been read.
    bb.on('close', () => {
      void Promise.all(texts).then(() => {
        if (done) return;
        stop();
        resolve({ ok: true, fields, file, raw: rawChunks && Buffer.concat(rawChunks, size) });
      });
    });
    bb.on('error', (e: Error) => malformed(e.message));
    req.on('data', onData).on('error', onAbort).on('close', onAbort);
    req.pipe(bb);
  });
}
