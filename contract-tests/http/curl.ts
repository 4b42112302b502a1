/** A recorded request as a curl command a person can paste (with the token in the environment). */
import { escapeUnsafe } from '../escape.js';
import type { RecordedRequest } from './exchange.js';

/** POSIX shell single-quoting; `$VAERO_TOKEN` stays outside the quotes so the shell expands it. */
function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function quoteHeader(name: string, value: string): string {
  const text = `${name}: ${value}`;
  // Keep $VAERO_TOKEN / $VAERO_TOKEN_B expandable: "..." with the rest escaped for double quotes.
  if (/\$VAERO_TOKEN(_B)?\b/.test(text)) return `"${text.replace(/(["\\`])/g, '\\$1').replace(/\$(?!VAERO_TOKEN(_B)?\b)/g, '\\$')}"`;
  return quote(text);
}

/**
 * A body's bytes as a POSIX printf format: printable ASCII as itself (`\\` and `%%` for
 * printf's own), every other byte as an octal escape (`\351`; POSIX printf has no `\x`,
 * and /bin/sh may be dash). Its text is printable ASCII, so no escaping of the script alters it.
 */
function printfFormat(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x25) out += '%%';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += '\\' + b.toString(8).padStart(3, '0');
  }
  return out;
}

/**
 * Whether a body can be shown as quoted text that the shell sends as the same bytes: not
 * when it was sent in latin1 with a byte past ASCII (the script is UTF-8 text), nor when it
 * holds a character the suite shows escaped in everything it writes (escape.ts).
 */
function textIsExact(req: RecordedRequest): boolean {
  const body = req.body ?? '';
  if (req.bodyEncoding === 'latin1' && /[^\x00-\x7f]/.test(body)) return false;
  return escapeUnsafe(body) === body;
}

/** authorization -> Authorization, content-type -> Content-Type (HTTP names are case-insensitive; people read these). */
function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

export function toCurl(req: RecordedRequest): string {
  const lines = [`curl --request ${req.method} --url ${quote(req.url)}`];
  for (const [name, value] of Object.entries(req.headers)) {
    // curl computes these itself.
    if (name === 'content-length' || (req.multipart && name === 'content-type')) continue;
    lines.push(`--header ${quoteHeader(headerName(name), value)}`);
  }
  if (req.multipart) {
    for (const [k, v] of Object.entries(req.multipart.fields)) for (const one of typeof v === 'string' ? [v] : v) lines.push(`--form ${quote(`${k}=${one}`)}`);
    for (const f of req.multipart.files) lines.push(`--form ${quote(`${f.field}=@${f.filename};type=${f.contentType}`)}`);
  } else if (req.bodyBytes !== undefined) {
    // Too long to show: the request carried this many bytes (the report keeps the start of them).
    lines.push(`--data-binary @body.txt  # a body of ${req.bodyBytes} bytes, starting ${quote(req.body?.slice(0, 60) ?? '')}`);
  } else if (req.body !== undefined && !textIsExact(req)) {
    // The exact bytes, from printf on stdin.
    lines.push('--data-binary @-');
    return `printf ${quote(printfFormat(Buffer.from(req.body, req.bodyEncoding ?? 'utf8')))} | ` + lines.join(' \\\n  ');
  } else if (req.body !== undefined) {
    lines.push(`--data-binary ${quote(req.body)}`);
  }
  return lines.join(' \\\n  ');
}
