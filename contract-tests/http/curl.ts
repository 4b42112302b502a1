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

export function toCurl(req: RecordedRequest): string {
  const parts = ['curl', '--request', req.method, '--url', quote(req.url)];
  for (const [name, value] of Object.entries(req.headers)) {
    // curl computes these itself.
    if (name === 'content-length' || (req.multipart && name === 'content-type')) continue;
    parts.push('--header', quoteHeader(name, value));
  }
  if (req.multipart) {
    for (const [k, v] of Object.entries(req.multipart.fields)) parts.push('--form', quote(`${k}=${v}`));
    for (const f of req.multipart.files) parts.push('--form', quote(`${f.field}=@${f.filename};type=${f.contentType}`));
  } else if (req.body !== undefined) {
    parts.push('--data-binary', quote(req.body));
  }
  return parts.join(' \\\n  ');
}
