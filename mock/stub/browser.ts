/**
 * `vaero-contract/stub` as a bundler targeting browsers sees it (the `browser` export
 * condition): the control client only, which needs nothing but fetch. The rest of the entry
 * (the server, the Express app, the service with its journal) needs Node; a page that
 * steers the stub, or the MSW handlers, imports this.
 */
export { createStubControl, StubControlError, type StubSteering, type FileSeed, type JobSeed, type RequestEntry } from './control-client.js';
