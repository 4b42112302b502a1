/**
 * JSON is UTF-8 (RFC 8259 §8.1), so a JSON body is held to it twice, in the spec's order of
 * checks: a Content-Type declaring another charset is refused at step 3 (rule
 * request.json-charset, 415 param content-type), and bytes that are not UTF-8 are malformed
 * JSON at step 5 (rule request.json-utf8, 400 invalid_json param null), never decoded with
 * replacement characters. Framework-free: the request gate (gate-pipeline.ts) calls it for
 * every server.
 */

import { jsonCharsets } from '../../spec/index.js';

/** The charset a Content-Type declares (lower-case, unquoted), or undefined if it declares none. */
export function charsetOf(contentType: string): string | undefined {
  let at = contentType.indexOf(';');
  while (at !== -1) {
    const next = contentType.indexOf(';', at + 1);
    const param = contentType.slice(at + 1, next === -1 ? undefined : next);
    const eq = param.indexOf('=');
    if (eq !== -1 && param.slice(0, eq).trim().toLowerCase() === 'charset') return param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    at = next;
  }
  return undefined;
}

/** Whether a JSON body's Content-Type declares a charset the spec does not list as UTF-8's name (x-vaero-json-charsets; none declared is UTF-8). */
export const declaresOtherCharset = (contentType: string | undefined): string | undefined => {
  const charset = contentType === undefined ? undefined : charsetOf(contentType);
  return charset !== undefined && !jsonCharsets.has(charset) ? charset : undefined;
};

// fatal: a byte sequence that is not UTF-8 throws instead of becoming U+FFFD.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text, or undefined if its bytes are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}
