/** The stub's own controls for error states (documented in `vaero stub --help` and the README). No imports: the CLI reads these without loading the server. */
/** Request header that makes the job being created fail at the end of training, with this error code. */
export const MOCK_FAIL_HEADER = 'vaero-mock-fail';
/** Optional message for that failure. */
export const MOCK_FAIL_MESSAGE_HEADER = 'vaero-mock-fail-message';
/**
 * Request header that makes the stub answer with this status instead (429 or a 5xx the
 * operation declares), after route and auth, so a frontend can build its rate-limit and
 * outage states. 429 answers carry Retry-After.
 */
export const MOCK_STATUS_HEADER = 'vaero-mock-status';
/** Admin endpoint (outside the API's base path): POST arms a failure for the caller's next job, DELETE disarms it. */
export const ADMIN_FAIL_NEXT_PATH = '/__vaero/fail-next';
/** Every admin endpoint lives under this prefix (see mock/stub/README.md). */
export const ADMIN_PREFIX = '/__vaero/';
