/**
 * Reading request bodies under the operation's size limit (x-vaero-max-body-bytes).
 *
 * An oversized body is not left unread: it is read and dropped to its end before the
 * 413 is sent, so a client still writing it reads the answer instead of a reset
 * connection (EPIPE). Only a client that keeps sending far past the limit, or stalls,
 * is cut off: then the answer goes with `Connection: close` (`complete: false`).
 */
import type { IncomingMessage } from 'node:http';

/** Bytes read and dropped past the limit at most: the limit again, and at least 1 MiB. */
export function drainBound(max: number): number {
  return max + Math.max(max, 1 << 20);
}
/** A drain gives up when the client sends nothing for this long. */
export const DRAIN_IDLE_MS = 2000;

export type Drained = { complete: boolean; bytes: number };

/**
 * Read and drop the rest of a body. `seen`: bytes already read. Resolves once the body
 * ended (`complete`), or more than `bound` bytes were seen or the client stalled (not
 * complete: the caller closes the connection).
 */
export function drain(req: IncomingMessage, seen: number, bound: number): Promise<Drained> {
  return new Promise((resolve) => {
    let bytes = seen;
    if (req.readableEnded) return resolve({ complete: true, bytes });
    if (bytes > bound) return resolve({ complete: false, bytes });
    const timer = setTimeout(() => finish(false), DRAIN_IDLE_MS);
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > bound) finish(false);
      else timer.refresh();
    };
    const onEnd = () => finish(true);
    const onClose = () => finish(req.readableEnded);
    function finish(complete: boolean) {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onClose);
      resolve({ complete, bytes });
    }
    req.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onClose);
    req.resume();
  });
}

/** The Content-Length a request declares (undefined if none or not a number). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const len = req.headers['content-length'];
  if (len === undefined) return undefined;
  const n = Number(len);
  return Number.isFinite(n) ? n : undefined;
}

export type BodyResult = { ok: true; body: Buffer } | { ok: false; tooLarge: Drained } | { ok: false; aborted: true };

/** The whole body, or `tooLarge` (drained) as soon as it passes `max`. */
export function readBody(req: IncomingMessage, max: number | undefined): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (max !== undefined && size > max) {
        stop();
        chunks.length = 0;
        return void drain(req, size, drainBound(max)).then((d) => resolve({ ok: false, tooLarge: d }));
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    };
    const onAbort = () => {
      stop();
      resolve({ ok: false, aborted: true });
    };
    const stop = () => req.off('data', onData).off('end', onEnd).off('error', onAbort).off('close', onAbort);
    req.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onAbort);
  });
}
