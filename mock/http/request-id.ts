/**
 * Every answer of the stub and the mock carries a unique request id (x-request-id, as
 * the spec declares for every response), written in the server's log line too, so that
 * an error a client reports can be matched to its line. OpenAI-style SDKs read it (the
 * openai package's `requestID`); browsers may read it because CORS exposes it (cors/headers.ts).
 */
// Web Crypto (globalThis.crypto): the MSW handlers give ids in a browser too.
const randomUUID = (): string => globalThis.crypto.randomUUID();

export const REQUEST_ID_HEADER = 'x-request-id';

/** A new id: req_ and 32 hex digits, as OpenAI's ids look. */
export function newRequestId(): string {
  return 'req_' + randomUUID().replace(/-/g, '');
}
