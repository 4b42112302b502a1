/**
 * A request fixture as the suite sends it to a real implementation: the shared sample
 * ids of valid fixtures are replaced by the run's own files and jobs (a real service
 * holds no file-abc123), and a fixture's made-up Bearer token by the user's, keeping
 * the scheme word as the fixture spells it.
 */
import { readFileSync } from 'node:fs';
import { maxHeaderBytes, operation, readCredentials } from '../../spec/index.js';
import { PADDING_HEADER } from '../../fixtures/http.js';
import { sharedFileIds, trainingFiles, type MultipartFile, type RequestFixture } from '../../fixtures/index.js';
import type { SendOptions } from '../http/client.js';

export interface Substitutions {
  /** id in a fixture -> id to send. */
  ids: Map<string, string>;
}

function replaceIds(value: unknown, ids: Map<string, string>): unknown {
  if (typeof value === 'string') return ids.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => replaceIds(v, ids));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceIds(v, ids)]));
  return value;
}

/**
 * Replace ids in a raw body, keeping its byte length when it has whitespace padding to
 * give or take (a fixture of exactly x-vaero-max-body-bytes must stay exactly that long).
 */
function replaceIdsInRaw(raw: string, ids: Map<string, string>): string {
  let out = raw;
  for (const [from, to] of ids) out = out.split(JSON.stringify(from)).join(JSON.stringify(to));
  const diff = Buffer.byteLength(out) - Buffer.byteLength(raw);
  const pad = /[ ]{2,}/.exec(out);
  if (diff === 0 || !pad) return out;
  const width = Math.max(1, pad[0].length - diff);
  return out.slice(0, pad.index) + ' '.repeat(width) + out.slice(pad.index + pad[0].length);
}

function isMultipartFile(v: unknown): v is MultipartFile {
  return typeof v === 'object' && v !== null && 'trainingFile' in v;
}

/** Whether a fixture's request names one of the shared sample files (a stub convenience, not part of a real service). */
export function namesSharedFile(f: RequestFixture): boolean {
  const text = JSON.stringify([f.body, f.rawBody, f.pathParams, f.query]);
  return sharedFileIds.some((id) => text.includes(id));
}

export function fixtureRequest(f: RequestFixture, subs: Substitutions): SendOptions {
  const op = operation(f.operationId);
  const ids = f.valid ? subs.ids : new Map<string, string>();
  const pathParams = replaceIds(f.pathParams ?? {}, ids) as Record<string, string>;
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathParams[name] ?? ''));
  const o: SendOptions = { method: op.method, path, ...(f.query ? { query: replaceIds(f.query, ids) as Record<string, string | string[]> } : {}) };

  const headers: Record<string, string | null> = {};
  let as: SendOptions['as'] = 'a';
  for (const [name, value] of Object.entries(f.headers ?? {})) {
    const key = name.toLowerCase();
    if (key === 'authorization') {
      const read = value === null ? null : readCredentials(value);
      if (value === null) as = 'none';
      else if (read && 'token' in read) {
        // The fixture's spelling around the user's token: what is tested is the spelling (spec: x-vaero-credentials-pattern).
        o.credentials = { before: value.slice(0, read.at.start), after: value.slice(read.at.end) };
      } else {
        as = 'none';
        headers.authorization = value;
      }
    } else headers[key] = value;
  }

  if (f.body !== undefined && f.contentType?.startsWith('multipart/form-data')) {
    const fields: Record<string, string | string[]> = {};
    const files: NonNullable<SendOptions['multipart']>['files'] = [];
    // A list value is its part sent once per item, in order (a repeated part: the first counts).
    for (const [k, all] of Object.entries(f.body as Record<string, unknown>)) {
      for (const v of Array.isArray(all) ? all : [all]) {
        if (isMultipartFile(v)) files.push({ field: k, filename: v.filename, contentType: v.type ?? 'text/plain', content: readFileSync(trainingFiles[v.trainingFile]) });
        else fields[k] = Array.isArray(all) ? [...((fields[k] as string[] | undefined) ?? []), String(v)] : String(v);
      }
    }
    o.multipart = { fields, files };
  } else if (f.rawBody !== undefined || f.body !== undefined) {
    o.raw = f.rawBody !== undefined ? replaceIdsInRaw(f.rawBody, ids) : JSON.stringify(replaceIds(f.body, ids));
    if (f.rawBodyEncoding) o.rawEncoding = f.rawBodyEncoding;
    if (!('content-type' in headers)) headers['content-type'] = f.contentType ?? 'application/json';
  }
  // Headers over the spec's figure whatever else they hold: refused before any operation.
  if (f.oversizeHeaders) {
    headers[PADDING_HEADER] = 'x'.repeat(maxHeaderBytes);
    o.beforeOperation = true;
  }
  o.as = as;
  o.headers = headers;
  return o;
}
