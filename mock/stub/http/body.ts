/**
 * Reading request bodies under the operation's size limit (x-vaero-max-body-bytes):
 * a declared Content-Length over it is refused before a byte is read, a streamed
 * body as soon as it passes it.
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: true } | { ok: false; aborted: true };

/** Whether the request declares a body longer than `max`. */
export function declaredTooLarge(req: IncomingMessage, max: number | undefined): boolean {
  if (max === undefined) return false;
  const len = req.headers['content-length'];
  return len !== undefined && Number(len) > max;
}

export function readBody(req: IncomingMessage, max: number | undefined): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    // Three listeners, never removed: the request object is dropped after the answer anyway.
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (max !== undefined && size > max) {
        done = true;
        req.resume(); // drop the rest unread
        return resolve({ ok: false, tooLarge: true });
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolve({ ok: false, aborted: true });
    });
  });
}
