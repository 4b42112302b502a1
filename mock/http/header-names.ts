/** Names of the steering headers both servers read (mock/http/steering-headers.ts). No imports: the CLIs print them without loading a server. */
/** Answer this status instead (after route and auth); the same as `Prefer: code=N`. */
export const MOCK_STATUS_HEADER = 'vaero-mock-status';
/** RFC 7240 preferences, as Prism reads them: code=N, example=NAME, dynamic=true. */
export const PREFER_HEADER = 'prefer';
/** On a create (stub and MSW): that job ends failed with this error code. */
export const MOCK_FAIL_HEADER = 'vaero-mock-fail';
/** Optional message for that failure. */
export const MOCK_FAIL_MESSAGE_HEADER = 'vaero-mock-fail-message';
