/**
 * Listens: the stub's handler on a host and port, with a clean close. It is served by
 * node:http itself, not through Express: the request core routes, so Express would only
 * decorate each request, and loading it was a third of the stub's cold start.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basePath } from '../../spec/index.js';
import { createStubHandler, type StubOptions } from './http/handler.js';
import { createService, type StubService } from './service/service.js';

export interface StartOptions extends StubOptions {
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningStub {
  /** The base URL clients are given, e.g. http://127.0.0.1:8080/v1. */
  baseUrl: string;
  port: number;
  service: StubService;
  close(): Promise<void>;
}

export async function startStub(options: StartOptions = {}): Promise<RunningStub> {
  const service = options.service ?? createService(options);
  const stub = createStubHandler({ ...options, service });
  // The handler answers every failure of a step itself; this catches only a failure to write.
  const server = createServer((req, res) => void stub.handle(req, res).catch(() => res.destroy()));
  server.on('clientError', stub.onClientError);
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    baseUrl: `http://${urlHost}:${port}${basePath}`,
    port,
    service,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => void service.close().then(resolve, resolve));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
