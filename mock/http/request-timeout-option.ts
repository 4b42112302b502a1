/**
 * `--request-timeout` (VAERO_REQUEST_TIMEOUT), the same on `vaero stub` and `vaero mock`: a
 * request not received in full within it is answered 408 (mock/http/server-limits.ts). Apart
 * from the limits, so registering the commands loads no spec.
 */
import { InvalidArgumentError, Option } from 'commander';

/** Node's own default (5 minutes): what a server that says nothing gives a slow client. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;

/** `500`, `500ms`, `30s` -> ms. */
function durationMs(value: string): number {
  const m = /^(\d+)(ms|s)?$/.exec(value.trim());
  if (!m || Number(m[1]) < 1) throw new InvalidArgumentError('a duration: ms (500, 500ms) or seconds (30s), at least 1 ms');
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

export function requestTimeoutOption(): Option {
  return new Option('--request-timeout <duration>', 'a request not received in full within it is answered 408 request_timeout: ms, or 30s')
    .env('VAERO_REQUEST_TIMEOUT')
    .default(DEFAULT_REQUEST_TIMEOUT_MS, '300s')
    .argParser(durationMs);
}
