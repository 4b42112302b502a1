/**
 * The stateful stub of the Vaero fine-tuning jobs API: a framework-free service
 * (mock/stub/service), an Express 5 adapter over it (mock/stub/http) and a server.
 */
export { createService } from './service/service.js';
export type { CreateJobInput, CreateJobOptions, PageInput, ServiceOptions, StubService, UploadInput } from './service/service.js';
export type { Result } from './service/result.js';
export { realClock, ManualClock, type LifecycleClock } from './service/clock.js';
export { LIFECYCLE_MS } from './service/lifecycle.js';
export { sampleFileIds } from './service/samples.js';
export { createApp, ADMIN_FAIL_NEXT_PATH, ADMIN_PREFIX, MOCK_FAIL_HEADER, MOCK_FAIL_MESSAGE_HEADER, MOCK_STATUS_HEADER, type StubOptions } from './http/app.js';
export { startStub, type RunningStub, type StartOptions } from './server.js';
export type { StubControl, JobSeed, FileSeed, Latency } from './service/control.js';
export type { RequestEntry } from './service/request-log.js';
export { StateLockedError } from './service/state-lock.js';
export { createStubControl, StubControlError, type StubSteering } from './control-client.js';
