/**
 * The HTTP server limits the stub and the mock share: headers up to the spec's
 * x-vaero-max-header-bytes (longer: 431, see client-error.ts), and a request timeout after
 * which a request that stopped arriving is answered 408 (`--request-timeout`).
 */
import type { ServerOptions } from 'node:http';
import { maxHeaderBytes } from '../../spec/index.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './request-timeout-option.js';

/** Node's checking interval is 30 s by default: a short timeout is checked often enough to be answered near it. */
export function serverLimits(requestTimeoutMs: number = DEFAULT_REQUEST_TIMEOUT_MS): Pick<ServerOptions, 'maxHeaderSize' | 'requestTimeout' | 'headersTimeout' | 'connectionsCheckingInterval'> {
  if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1) throw new Error(`the request timeout is a whole number of ms >= 1 (got ${requestTimeoutMs})`);
  return {
    maxHeaderSize: maxHeaderBytes,
    requestTimeout: requestTimeoutMs,
    // Node refuses a headers timeout longer than the request timeout.
    headersTimeout: Math.min(60_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.max(10, Math.min(30_000, Math.floor(requestTimeoutMs / 4))),
  };
}
