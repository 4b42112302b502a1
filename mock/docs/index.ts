/**
 * The API reference both servers serve at /docs: Scalar's API Reference (the standalone
 * bundle of @scalar/api-reference, read from node_modules, never a CDN) over the spec, whose
 * "Test Request" calls the serving server itself: the document's `servers` is the origin the
 * page was asked from, plus the base path, and no request proxy is configured (Scalar's
 * default proxy is a third-party host; these machines are offline). Fonts and telemetry,
 * which Scalar loads from its own hosts by default, are off.
 *
 *   GET /docs              the page
 *   GET /docs/openapi.json the spec, its servers pointing here
 *   GET /docs/scalar.js    the standalone bundle
 *
 * Framework-free: `serveDocs(req, res)` answers these three paths and returns false for any
 * other, so the stub's app and the mock's front mount it the same way.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basePath, document } from '../../spec/index.js';
import { MissingPeerError, nodeResolve, resolvePeer, type Resolve } from '../optional-peer.js';

export const DOCS_PATH = '/docs';
const SCRIPT_PATH = `${DOCS_PATH}/scalar.js`;
const SPEC_PATH = `${DOCS_PATH}/openapi.json`;

const SCALAR_BUNDLE = '@scalar/api-reference/browser/standalone.js';
/** Where Scalar's bundle is (an optional peer: MissingPeerError when it is not installed). */
const scalarPath = (resolve: Resolve) => resolvePeer('@scalar/api-reference', SCALAR_BUNDLE, 'The API reference at /docs', resolve);

/** The standalone bundle, read on the first request for it (it is 3.5 MB: not at start-up). */
let script: Promise<Buffer> | undefined;
const scalarScript = () =>
  (script ??= readFile(scalarPath(nodeResolve)).catch((e: unknown) => {
    script = undefined;
    throw e;
  }));

/** Scalar's configuration: the server asked, no proxy, nothing loaded from Scalar's hosts. */
function configuration(origin: string) {
  return {
    url: SPEC_PATH,
    servers: [{ url: origin + basePath, description: 'This server' }],
    proxyUrl: '',
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    hideClientButton: false,
    showDeveloperTools: 'never',
    // The stub and the mock accept any bearer token: one is filled in so "Send" works at once.
    authentication: { preferredSecurityScheme: 'bearerAuth', securitySchemes: { bearerAuth: { token: 'docs-token' } } },
  };
}

/** The origin the client used (Host header), so the page works on any port or host the server listens on. */
function originOf(req: IncomingMessage): string {
  const host = req.headers.host ?? 'localhost';
  return /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `http://${host}` : 'http://localhost';
}

export function docsPage(origin: string): string {
  const title = `${document.info.title} (${document.info.version})`.replace(/[<&]/g, ' ');
  // </ cannot end the script element early: the JSON is the only dynamic part, and it is escaped.
  const config = JSON.stringify(configuration(origin)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="${SCRIPT_PATH}"></script>
    <script>Scalar.createApiReference('#app', ${config});</script>
  </body>
</html>
`;
}

/** The start-up line's URL of the reference, or, without Scalar, what to install to have it. */
export function docsLine(origin: string, resolve: Resolve = nodeResolve): string {
  try {
    scalarPath(resolve);
    return `${origin}${DOCS_PATH}`;
  } catch (e) {
    if (!(e instanceof MissingPeerError)) throw e;
    return `${origin}${DOCS_PATH} is off: ${e.message}`;
  }
}

export const isDocsPath = (url: string): boolean => url === DOCS_PATH || url.startsWith(DOCS_PATH + '/') || url.startsWith(DOCS_PATH + '?');

/**
 * Answer a request for the docs page or its two resources; false if the path is not one of them.
 * `resolve` finds Scalar (tests simulate its absence): without it the page is a 501 whose one
 * line says what to install.
 */
export async function serveDocs(req: IncomingMessage, res: ServerResponse, resolve: Resolve = nodeResolve): Promise<boolean> {
  const path = (req.url ?? '').split('?')[0];
  if (path !== DOCS_PATH && path !== DOCS_PATH + '/' && path !== SPEC_PATH && path !== SCRIPT_PATH) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-length': '0' }).end();
    return true;
  }
  const origin = originOf(req);
  let status = 200;
  let type: string;
  let body: string | Buffer;
  try {
    if (path !== SPEC_PATH) scalarPath(resolve); // the page and the bundle need Scalar, the spec does not
    if (path === SCRIPT_PATH) {
      type = 'text/javascript; charset=utf-8';
      body = await scalarScript();
    } else if (path === SPEC_PATH) {
      type = 'application/json; charset=utf-8';
      body = JSON.stringify({ ...document, servers: [{ url: origin + basePath, description: 'This server' }] });
    } else {
      type = 'text/html; charset=utf-8';
      body = docsPage(origin);
    }
  } catch (e) {
    if (!(e instanceof MissingPeerError)) throw e;
    [status, type, body] = [501, 'text/plain; charset=utf-8', e.message + '\n'];
  }
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
