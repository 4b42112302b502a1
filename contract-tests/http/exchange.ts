/**
 * What the suite records of every request it sends: enough to show a person the request
 * (as a curl command), the answer, and to re-judge the answer against the spec.
 * Tokens never appear here: they are replaced by the name of their environment variable.
 */
import type { OperationId } from '../../spec/index.js';

/** How much of an answer's body an exchange keeps for reports (it is judged whole, up to --max-response-bytes). */
export const MAX_BODY_KEPT = 64 * 1024;
/** Request bodies longer than this are kept cut (bodyBytes says how long they were). */
export const MAX_REQUEST_BODY_KEPT = 2048;

export interface RecordedRequest {
  method: string;
  /** Full URL as sent. */
  url: string;
  /** Path relative to the base URL (e.g. /fine_tuning/jobs), without the query string. */
  path: string;
  /** Headers as sent, tokens redacted (`Bearer $VAERO_TOKEN`). */
  headers: Record<string, string>;
  /** The body as text (JSON or raw), when it was text; cut when longer than 2 KiB. */
  body?: string;
  /** How `body`'s characters became the bytes sent, when not UTF-8: `latin1`, one byte per character (a fixture's rawBodyEncoding). */
  bodyEncoding?: 'latin1';
  /** Set when the body was cut: its full length in bytes. */
  bodyBytes?: number;
  /** A multipart body: its fields, and files by name and filename. */
  multipart?: {
    /** A list: the part sent once per value, in order. */
    fields: Record<string, string | string[]>;
    /** Each file part; its content as `text` (UTF-8) or `base64` when at most 64 KiB, so a reproduction can recreate it. */
    files: { field: string; filename: string; contentType: string; bytes: number; text?: string; base64?: string }[];
  };
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text (cut at 64 KiB), tokens redacted. */
  body: string;
  /** The body parsed as JSON, when it is JSON (and was read whole). */
  json?: unknown;
  /** Set when the answer went on past --max-response-bytes: the cap, in bytes, it was cut at (the rest was not read). */
  cutAt?: number;
}

export interface Exchange {
  /** 1-based sequence number within the run. */
  seq: number;
  /** The operation the request addresses, when it addresses one the spec declares. */
  operationId?: OperationId;
  request: RecordedRequest;
  response?: RecordedResponse;
  /** Set when no answer came (connection refused, reset, timeout). */
  error?: string;
  durationMs: number;
  /** The request as a curl command; the token is `$VAERO_TOKEN` (or `$VAERO_TOKEN_B`). */
  curl: string;
}
