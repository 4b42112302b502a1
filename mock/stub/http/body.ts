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
    const finish = (r: BodyResult) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
      if (!r.ok) req.resume(); // drop the rest unread
      resolve(r);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (max !== undefined && size > max) return finish({ ok: false, tooLarge: true });
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    const onError = () => finish({ ok: false, aborted: true });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}
