/**
 * The Express 5 app of the stub: the stub's handler (./handler.ts, the request core's steps)
 * as its one handler. `vaero stub` listens with it (../server.ts); mount it in your own app or
 * drive it with supertest.
 */
import express, { type Express } from 'express';
import { createStubHandler, type StubOptions } from './handler.js';

export type { StubOptions } from './handler.js';
export { ADMIN_FAIL_NEXT_PATH, ADMIN_PREFIX, MOCK_FAIL_HEADER, MOCK_FAIL_MESSAGE_HEADER, MOCK_STATUS_HEADER, PREFER_HEADER } from './headers.js';

export function createApp(options: StubOptions = {}): Express {
  const stub = createStubHandler(options);
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // One handler, no router layers: the core does the routing.
  app.use(stub.handle);
  app.locals.service = stub.service;
  // For the server that listens with this app: requests Node's parser rejects, answered in the envelope and logged.
  app.locals.onClientError = stub.onClientError;
  return app;
}
