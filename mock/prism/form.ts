/**
 * The fields of a buffered multipart/form-data body, parsed with busboy, as the spec
 * module's validateForm takes them: each field as text, the file part as its text.
 */
import { Readable } from 'node:stream';
import busboy from 'busboy';

export type FormResult = { ok: true; fields: Record<string, string> } | { ok: false; malformed: string };

export function readForm(body: Buffer, contentType: string): Promise<FormResult> {
  return new Promise((resolve) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: { 'content-type': contentType }, defParamCharset: 'utf8' });
    } catch (e) {
      return resolve({ ok: false, malformed: (e as Error).message });
    }
    const fields: Record<string, string> = {};
    const files: Promise<void>[] = [];
    bb.on('field', (name, value) => {
      if (!(name in fields)) fields[name] = value;
    });
    bb.on('file', (name, stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      files.push(
        new Promise((done) =>
          stream.on('close', () => {
            if (!(name in fields)) fields[name] = Buffer.concat(chunks).toString('utf8');
            done();
          }),
        ),
      );
    });
    bb.on('close', () => void Promise.all(files).then(() => resolve({ ok: true, fields })));
    bb.on('error', (e: Error) => resolve({ ok: false, malformed: e.message }));
    Readable.from([body]).pipe(bb);
  });
}
