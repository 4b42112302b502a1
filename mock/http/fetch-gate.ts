/**
 * The request gate on a Fetch `Request` (the MSW handlers, in a browser or in Node): the same
 * pipeline as the servers' (gate-pipeline.ts, steps 1-6 of the spec's order of checks), only
 * the reading of the request differs. A Fetch body has no connection behind it: an oversized
 * one is cancelled rather than drained, and nothing is ever closed.
 */
import { basePath, type Operation } from '../../spec/index.js';
import {
  checkBodyWith,
  checkHeadWith,
  readJsonWith,
  type AdmittedRequest,
  type Aborted,
  type BodyResult,
  type FilePart,
  type GateOptions,
  type MultipartResult,
  type Rejected,
  type RequestHead,
  type RequestReader,
} from './gate-pipeline.js';

const readers = new WeakMap<Request, RequestReader>();

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
 * The reading of a Fetch request (one per request: the two halves of the gate share it).
 * `mountPath`: the path the caller's base URL has (e.g. /api/vaero/v1); it stands for the
 * spec's base path, so the spec's paths are matched below it.
 */
export function fetchReader(request: Request, mountPath: string = basePath): RequestReader {
  let reader = readers.get(request);
  if (!reader) {
    const url = new URL(request.url);
    const mounted = url.pathname === mountPath || url.pathname.startsWith(mountPath + '/');
    reader = {
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
    readers.set(request, reader);
  }
  return reader;
}

/** Steps 1-2: route, then bearer auth. */
export const checkFetchHead = (request: Request, reader: RequestReader = fetchReader(request)): { ok: true; head: RequestHead } | Rejected => checkHeadWith(reader);

/** Steps 3-6 for a request that passed `checkFetchHead`. */
export const checkFetchBody = (
  request: Request,
  head: RequestHead,
  options: GateOptions = {},
  reader: RequestReader = fetchReader(request),
): Promise<{ ok: true; request: AdmittedRequest } | Rejected | Aborted> => checkBodyWith(reader, head, options);

/** Steps 4-5 for a JSON body outside the spec (`op` undefined), `empty` standing for a blank one. */
export const readFetchJson = (request: Request, max: number | undefined, op?: Operation, options: { empty?: unknown } = {}) =>
  readJsonWith(fetchReader(request), max, op, options);
