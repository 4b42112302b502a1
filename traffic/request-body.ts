/**
 * Reading a captured request body as the contract's operations take it: JSON, or a
 * multipart/form-data form (busboy). A body that does not parse is reported as such
 * (the syntax layer of the order of checks), never thrown.
 */
import busboy from 'busboy';
import { utf8, type CapturedBody } from './message.js';

export type JsonRead = { ok: true; value: unknown } | { ok: false; reason: string };

/** The reason readJson gives for bytes that are not UTF-8 (a rule of its own: request.json-utf8). */
export const NOT_UTF8 = 'the body is not UTF-8 text';

export function readJson(body: CapturedBody): JsonRead {
  const text = utf8(body);
  if (text === undefined) return { ok: false, reason: NOT_UTF8 };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

export interface FormPart {
  name: string;
  /** A file part: its filename and content type. */
  file?: { filename: string; contentType: string };
  bytes: Uint8Array;
}

export type FormRead = { ok: true; parts: FormPart[] } | { ok: false; reason: string };

/** The parts of a multipart/form-data body, in order; malformed (no boundary, cut short, a part without a name) as a reason. */
export function readForm(contentType: string, body: CapturedBody): Promise<FormRead> {
  return new Promise((done) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: { 'content-type': contentType }, limits: { fieldSize: body.bytes.length + 1 } });
    } catch (err) {
      return done({ ok: false, reason: (err as Error).message });
    }
    const parts: FormPart[] = [];
    let failed: string | undefined;
    bb.on('field', (name, value) => {
      if (!name) failed ??= 'a part without a name';
      parts.push({ name, bytes: new TextEncoder().encode(value) });
    });
    bb.on('file', (name, stream, info) => {
      if (!name) failed ??= 'a part without a name';
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => parts.push({ name, file: { filename: info.filename ?? '', contentType: info.mimeType }, bytes: Buffer.concat(chunks) }));
    });
    bb.on('error', (err: Error) => done({ ok: false, reason: err.message }));
    bb.on('close', () => done(failed ? { ok: false, reason: failed } : { ok: true, parts }));
    bb.end(Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength));
  });
}

/** Whether bytes are text as the contract means it (files.text-only): UTF-8, no NUL byte. */
export function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
