/**
 * The Prism mock: the pinned Prism CLI on an internal loopback port, behind our front
 * (mock/prism/front.ts) on the port users call. `startPrismMock` starts both and gives
 * the base URL under which `/fine_tuning/jobs` lives.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basePath } from '../../spec/index.js';
import type { Resolve } from '../optional-peer.js';
import { serverLimits } from '../http/server-limits.js';
import { startPrismProcess } from './prism-process.js';

export interface PrismMockOptions {
  /** Port of the front (default 4010; 0 picks a free one). */
  port?: number;
  /** Host of the front (default 127.0.0.1). */
  host?: string;
  /** One line per request; without it nothing is logged. */
  log?: (line: string) => void;
  /** Also pass Prism's own output to `log`. */
  verbose?: boolean;
  /** Who decides the schema layer: the spec module (default) or Prism alone (see FrontOptions.judge). */
  judge?: 'spec' | 'prism';
  /**
   * Called if the Prism process dies while the mock runs (the front then answers 500).
   * Default: a line to `log`.
   */
  onPrismExit?: (why: string) => void;
  /** Origins besides loopback ones that may read answers with credentials (--cors-origins). */
  corsOrigins?: readonly string[];
  /** A request not received in full within it is answered 408 request_timeout (default Node's 300000 ms). */
  requestTimeoutMs?: number;
  /** How the Prism CLI (an optional peer) is found; without it the start fails with one line saying what to install. */
  resolve?: Resolve;
}

export interface PrismMock {
  /** e.g. http://127.0.0.1:4010/v1 */
  baseUrl: string;
  close(): Promise<void>;
}

export async function startPrismMock(options: PrismMockOptions = {}): Promise<PrismMock> {
  const host = options.host ?? '127.0.0.1';
  // Prism's start is most of the mock's: it is spawned first, and the front loads meanwhile.
  const prismStarting = startPrismProcess({
    verbose: options.verbose ? options.log : undefined,
    resolve: options.resolve,
    onUnexpectedExit: options.onPrismExit ?? ((why) => options.log?.(`${why}: the mock answers 500 until it is restarted`)),
  });
  const [prism, { createFront }] = await Promise.all([prismStarting, import('./front.js')]).catch(async (e: unknown) => {
    await prismStarting.then((p) => p.stop(), () => undefined);
    throw e;
  });
  const front = createFront({ prismUrl: prism.url, judge: options.judge, log: options.log, corsOrigins: options.corsOrigins });
  const server = createServer(serverLimits(options.requestTimeoutMs), front).listen(options.port ?? 4010, host);
  server.on('clientError', front.onClientError);
  try {
    await once(server, 'listening');
  } catch (e) {
    await prism.stop();
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    baseUrl: `http://${urlHost}:${port}${basePath}`,
    close: () =>
      (closing ??= (async () => {
        server.closeIdleConnections();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        setTimeout(() => server.closeAllConnections(), 1000).unref();
        await Promise.all([closed, prism.stop()]);
      })()),
  };
}
