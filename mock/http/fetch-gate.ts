/**
 * The reading of a Fetch `Request` for the request gate (the MSW handlers, in a browser or in
 * Node): the same pipeline as the servers' (gate-pipeline.ts, steps 1-6 of the spec's order of
 * checks, run as steps of mock/core), only the reading of the request differs. A Fetch body has no connection behind it: an oversized
 * one is cancelled rather than drained, and nothing is ever closed.
 */
import { basePath } from '../../spec/index.js';
import type { BodyResult, FilePart, MultipartResult, RequestReader } from './gate-pipeline.js';

/** The whole body through its stream, stopping as soon as it passes `max`. */
async function readLimited(request: Request, max: number | undefined): Promise<BodyResult> {
  if (!request.body) return { ok: true, body: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (max !== undefined && size > max) {
        void reader.cancel().catch(() => undefined); // not awaited: a stream behind an interceptor may never settle it
        return { ok: false, tooLarge: { complete: true, bytes: size } };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, aborted: true };
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) body.set(c, (at += c.byteLength) - c.byteLength);
  return { ok: true, body };
}

/** Multipart through the platform's own parser (Response.formData), on the bytes read under the limit. */
async function readForm(request: Request, max: number | undefined, options: { raw?: boolean }): Promise<MultipartResult> {
  const read = await readLimited(request, max);
  if (!read.ok) return read;
  let form: FormData;
  try {
    form = await new Response(read.body as Uint8Array<ArrayBuffer>, { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData();
  } catch (e) {
    return { ok: false, malformed: (e as Error).message, drained: { complete: true, bytes: read.body.byteLength } };
  }
  const fields: Record<string, string> = {};
  let file: FilePart | undefined;
  for (const [name, value] of form) {
    if (typeof value === 'string') {
      if (!(name in fields)) fields[name] = value;
      continue;
    }
    const data = new Uint8Array(await value.arrayBuffer());
    if (name === 'file' && !file) file = { filename: value.name || 'file', data };
    if (!(name in fields)) fields[name] = new TextDecoder().decode(data);
  }
  return { ok: true, fields, file, raw: options.raw ? read.body : undefined };
}

/**
 * The reading of a Fetch request (one per request: the exchange holds it for every step).
 * `mountPath`: the path the caller's base URL has (e.g. /api/vaero/v1); it stands for the
 * spec's base path, so the spec's paths are matched below it.
 */
export function fetchReader(request: Request, mountPath: string = basePath): RequestReader {
  const url = new URL(request.url);
  const mounted = url.pathname === mountPath || url.pathname.startsWith(mountPath + '/');
  return {
    method: request.method,
    url: (mounted ? basePath + url.pathname.slice(mountPath.length) : url.pathname) + url.search,
    header: (name) => request.headers.get(name) ?? undefined,
    declaredLength: () => {
      const len = request.headers.get('content-length');
      const n = len === null ? NaN : Number(len);
      return Number.isFinite(n) ? n : undefined;
    },
    drain: async () => {
      void request.body?.cancel().catch(() => undefined);
      return { complete: true, bytes: 0 };
    },
    readBody: (max) => readLimited(request, max),
    readMultipart: (max, options) => readForm(request, max, options),
  };
}
