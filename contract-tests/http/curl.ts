/** A recorded request as a curl command a person can paste (with the token in the environment). */
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
  } else if (req.body !== undefined) {
    lines.push(`--data-binary ${quote(req.body)}`);
  }
  return lines.join(' \\\n  ');
}
