/**
 * Reading request bodies under the operation's size limit (x-vaero-max-body-bytes).
 *
 * An oversized body, of any size, is not left unread: it is read and dropped before the
 * 413 is sent, so a client still writing it (an SDK uploading a file with a known
 * length) reads the answer instead of a reset connection (EPIPE) that it would retry.
 * The drain stops at DRAIN_MAX_BYTES of body or DRAIN_MAX_MS, whichever comes first, or
 * when the client sends nothing for DRAIN_IDLE_MS; then the answer goes with
 * `Connection: close` (`complete: false`). A body drained to its end keeps the connection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bytes of an oversized body read and dropped before its 413, at most (64 MiB). */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
/** Time spent draining an oversized body before its 413, at most. */
export const DRAIN_MAX_MS = 10_000;
/** A drain gives up sooner when the client sends nothing for this long. */
export const DRAIN_IDLE_MS = 2000;

export type Drained = { complete: boolean; bytes: number };

/**
 * Read and drop the rest of a body. `seen`: bytes of it already read. Resolves once the
 * body ended (`complete`), or at DRAIN_MAX_BYTES, DRAIN_MAX_MS or DRAIN_IDLE_MS (not
 * complete: the caller closes the connection).
 */
export function drain(req: IncomingMessage, seen: number): Promise<Drained> {
  return new Promise((resolve) => {
    let bytes = seen;
    if (req.readableEnded) return resolve({ complete: true, bytes });
    if (bytes >= DRAIN_MAX_BYTES) return resolve({ complete: false, bytes });
    const idle = setTimeout(() => finish(false), DRAIN_IDLE_MS);
    const deadline = setTimeout(() => finish(false), DRAIN_MAX_MS);
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes >= DRAIN_MAX_BYTES) finish(false);
      else idle.refresh();
    };
    const onEnd = () => finish(true);
    const onClose = () => finish(req.readableEnded);
    function finish(complete: boolean) {
      clearTimeout(idle);
      clearTimeout(deadline);
      req.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onClose);
      resolve({ complete, bytes });
    }
    req.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onClose);
    req.resume();
  });
}

/** After an answer that closes a connection the client is still sending on, its bytes are read and dropped this long before the socket goes. */
export const LINGER_MS = 2000;

/**
 * Answer with `Connection: close` on a body not read to its end, and close lingering:
 * after the answer, the server ends its side and keeps reading and dropping what the
 * client still sends for LINGER_MS, then destroys the socket. Destroyed at once (Node's
 * default), the client's next write would meet a reset, and a client still writing its
 * body (fetch, an SDK) would often lose the answer it had not read yet (EPIPE).
 */
export function closeLingering(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('connection', 'close');
  const socket = req.socket as IncomingMessage['socket'] & { destroySoon?: () => void };
  // Node's server calls destroySoon once the answer of a closing response is written.
  socket.destroySoon = () => {
    socket.end();
    req.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => clearTimeout(timer));
  };
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
        return void drain(req, size).then((d) => resolve({ ok: false, tooLarge: d }));
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
