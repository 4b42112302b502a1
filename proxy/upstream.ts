/**
 * The upstream side of the proxy: `/v1/X` (the proxy's base path) goes to `UPSTREAM/X`,
 * over one keep-alive agent so the proxy adds no connection set-up per request.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { forwardedRequestHeaders } from './headers.js';

export class Upstream {
  readonly base: URL;
  private readonly agent: http.Agent;
  private readonly lib: typeof http | typeof https;

  constructor(upstream: string) {
    this.base = new URL(upstream.replace(/\/+$/, ''));
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') throw new Error(`--upstream must be http or https, not ${this.base.protocol}`);
    this.lib = this.base.protocol === 'https:' ? https : http;
    this.agent = new this.lib.Agent({ keepAlive: true });
  }

  /** The upstream URL of a target relative to the base (path and query). */
  url(target: string): URL {
    return new URL(this.base.pathname.replace(/\/$/, '') + target, this.base.origin);
  }

  /** Start a request to the upstream; the caller writes or pipes the body and ends it. */
  request(req: IncomingMessage, target: string): http.ClientRequest {
    const url = this.url(target);
    return this.lib.request(url, { method: req.method, headers: forwardedRequestHeaders(req.headers, url.host), agent: this.agent });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The answer of an upstream request, or why none came. */
export function answerOf(up: http.ClientRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    up.once('response', resolve);
    up.once('error', reject);
  });
}
