/** Listens: the stub's app on a host and port, with a clean close. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basePath } from '../../spec/index.js';
import { createApp, type StubOptions } from './http/app.js';
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
  const app = createApp({ ...options, service });
  const server = createServer(app);
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
        server.close(() => {
          service.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
