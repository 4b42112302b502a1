/**
 * The default transport: node:http(s) behind a fetch-shaped function. Unlike fetch, it
 * keeps an answer that arrives while the body is still being sent (a server may answer
 * 413 to an oversized upload and close the connection at once, as curl would show),
 * instead of reporting the broken pipe as "no answer". The answer's body is streamed,
 * never buffered here: the reader decides how much of it to take (bounded-body.ts), and
 * cancelling it destroys the connection.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FetchLike } from './client.js';

async function encode(body: RequestInit['body'], headers: Record<string, string>): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (body instanceof FormData) {
    // The platform's own multipart encoder, with its boundary.
    const encoded = new Request('http://encode.invalid/', { method: 'POST', body });
    headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
    return Buffer.from(await encoded.arrayBuffer());
  }
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new Error('transport: unsupported body type');
}

/** Statuses whose Response may not carry a body. */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

const CHUNK = 64 * 1024;
/** How long a large body waits after its headers for an early answer. */
const EARLY_ANSWER_WAIT_MS = 50;

/**
 * Send the body in chunks and stop as soon as the server has answered: a server that
 * answers early (413 on the declared length) has stopped reading, and more bytes would
 * only turn its close into a reset that loses the answer.
 */
async function writeUntilAnswered(req: ClientRequest, body: Buffer | undefined, answered: () => boolean): Promise<void> {
  if (!body || body.length <= CHUNK) return void req.end(body);
  // Headers first, and a moment for a server that judges them alone (as Expect: 100-continue would give).
  req.flushHeaders();
  for (let waited = 0; waited < EARLY_ANSWER_WAIT_MS && !answered() && !req.destroyed; waited += 5) await new Promise<void>((r) => setTimeout(r, 5));
  for (let at = 0; at < body.length && !answered() && !req.destroyed; at += CHUNK) {
    if (!req.write(body.subarray(at, at + CHUNK))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          req.off('drain', done);
          req.off('close', done);
          resolve();
        };
        req.on('drain', done);
        req.on('close', done);
      });
    }
    // Let an early answer be read before the next chunk.
    await new Promise<void>((r) => setImmediate(r));
  }
  // A body cut short leaves its connection unusable: it is not ended, but dropped once answered.
  if (!req.destroyed && !answered()) req.end();
}

/**
 * The answer's body as a web stream that reads only when pulled (no queue fills ahead of
 * the reader); cancelling it destroys the answer and its socket.
 */
function streamOf(res: IncomingMessage): ReadableStream<Uint8Array> {
  const chunks = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      },
      cancel() {
        res.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

export const nodeTransport: FetchLike = async (input, init) => {
  const url = new URL(input);
  const headers: Record<string, string> = { ...((init.headers as Record<string, string> | undefined) ?? {}) };
  const body = await encode(init.body, headers);
  if (body) headers['content-length'] = String(body.length);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    // A large body gets a connection of its own, so one cut short is never reused.
    const large = (body?.length ?? 0) > CHUNK;
    const req = send(url, { method: init.method ?? 'GET', headers, ...(large ? { agent: false } : {}), ...(init.signal ? { signal: init.signal } : {}) }, (res: IncomingMessage) => {
      answered = true;
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 599) {
        res.destroy();
        return reject(new Error(`invalid HTTP status ${status}`));
      }
      if (large) res.once('close', () => req.destroy());
      if (NO_BODY.has(status)) res.resume();
      resolve(new Response(NO_BODY.has(status) ? null : streamOf(res), { status, statusText: res.statusMessage ?? '', headers: h }));
    });
    // An error after the answer began (EPIPE while still sending) does not undo the answer.
    req.on('error', (err) => {
      if (!answered) reject(Object.assign(new Error('fetch failed'), { cause: err }));
    });
    void writeUntilAnswered(req, body, () => answered);
  });
};
