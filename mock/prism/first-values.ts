/**
 * What the front forwards to Prism of a query parameter or a multipart part sent more than
 * once: the first, as the contract decides (rule request.unknown-parameters) and as the gate
 * read it. Prism on its own reads `?limit=1&limit=0` as an array (400) and a repeated part by
 * its last value, so it would judge a request other than the one the gate admitted.
 */

/** The query string with each parameter's first value only, in the order of first appearance. */
export function firstQueryValues(search: string): string {
  if (search.length < 2) return search;
  const seen = new Set<string>();
  const kept = search
    .slice(1)
    .split('&')
    .filter((pair) => {
      const name = decodeURIComponentSafe(pair.split('=')[0]!.replace(/\+/g, ' '));
      if (seen.has(name)) return false;
      seen.add(name);
      return true;
    });
  return kept.length ? '?' + kept.join('&') : '';
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The part's field name from its Content-Disposition header, or undefined. */
function partName(part: Buffer): string | undefined {
  const headEnd = part.indexOf('\r\n\r\n');
  const head = part.subarray(0, headEnd < 0 ? part.length : headEnd).toString('latin1');
  return /^content-disposition:[^\r\n]*;\s*name="([^"]*)"/im.exec(head)?.[1];
}

/**
 * A multipart/form-data body with each field's first part only. The body is cut at its
 * delimiters (RFC 2046 §5.1.1: CRLF, `--`, the boundary); the bytes of the parts kept are
 * not touched. A body this cannot read is returned as it is (the gate judged it already).
 */
export function firstParts(body: Uint8Array, contentType: string): Uint8Array {
  const boundary = /;\s*boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return body;
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const first = bytes.indexOf(delimiter);
  if (first < 0) return body;
  // Each piece starts right after a delimiter: a part (CRLF, headers, body, CRLF) or the closing `--`.
  const pieces: Buffer[] = [];
  for (let at = first + delimiter.length; ; ) {
    const next = bytes.indexOf(Buffer.from(`\r\n--${boundary}`, 'latin1'), at);
    if (next < 0) {
      pieces.push(bytes.subarray(at));
      break;
    }
    pieces.push(bytes.subarray(at, next));
    at = next + 2 + delimiter.length;
  }
  const seen = new Set<string>();
  const kept = pieces.filter((piece, i) => {
    if (i === pieces.length - 1) return true; // the closing delimiter's `--` and the epilogue
    const name = partName(piece);
    if (name === undefined) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
  if (kept.length === pieces.length) return body;
  const out: Buffer[] = [bytes.subarray(0, first)];
  kept.forEach((piece, i) => out.push(i === 0 ? delimiter : Buffer.from(`\r\n--${boundary}`, 'latin1'), piece));
  return Buffer.concat(out);
}
