/**
 * Which origins may read answers with credentials (cookies, `credentials: 'include'`): a
 * browser refuses a credentialed answer whose Access-Control-Allow-Origin is `*`, so such an
 * origin is echoed back with Access-Control-Allow-Credentials. Loopback origins (a dev server
 * on localhost:5173) always are, and those listed with --cors-origins; any other origin is
 * still allowed to read, without credentials (`*`). Every answer varies by Origin, so a cache
 * never hands one origin's answer to another. One policy for the stub, the mock's front and
 * the MSW handlers, and the loopback part of it for `vaero proxy`.
 */
/** localhost, *.localhost, 127.0.0.0/8 and [::1], on any port, over http or https. */
const LOOPBACK_HOST = /^(?:localhost|[a-z0-9-]+\.localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function isLoopback(origin: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOST.test(url.hostname);
  } catch {
    return false; // `null` (a file:// page, a sandboxed frame) or garbage: not an origin we can echo
  }
}

/** The CORS headers that depend on the request's Origin. */
export function originHeaders(origin: string | undefined, trusted: readonly string[] = []): Record<string, string> {
  if (origin && (isLoopback(origin) || trusted.includes(origin))) {
    return { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' };
  }
  return { 'access-control-allow-origin': '*', vary: 'Origin' };
}

/**
 * `--cors-origins https://app.example.com,https://staging.example.com`: each must be an origin as
 * a browser sends it (scheme, host, port; no path). Throws an Error that says which is not.
 */
export function parseCorsOrigins(value: string): string[] {
  const list = value.split(',').map((o) => o.trim()).filter(Boolean);
  if (!list.length) throw new Error('give at least one origin, separated by commas');
  for (const item of list) {
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== item) {
      throw new Error(`${item} is not an origin: scheme, host and port only, e.g. https://app.example.com`);
    }
  }
  return list;
}
