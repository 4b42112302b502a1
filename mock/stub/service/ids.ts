import { sha256 } from '@noble/hashes/sha2';
import { idPrefixes } from '../../../spec/index.js';

// Web Crypto (globalThis.crypto, in Node 20 and every browser), so the service also runs in a
// browser under MSW. Its digest is asynchronous, and an organization id is needed synchronously
// on every request: sha256 comes from @noble/hashes, the same digest as before (ids unchanged).
const randomUUID = (): string => globalThis.crypto.randomUUID();
const utf8 = new TextEncoder();
function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
const { job, file, event, organization, fineTunedModel } = idPrefixes;

/** A random id body: 20 hex characters, well inside the spec's `[A-Za-z0-9_-]{1,64}`. */
function randomBody(): string {
  const u = randomUUID();
  return u.slice(0, 8) + u.slice(9, 13) + u.slice(14, 18) + u.slice(19, 23);
}

export const newJobId = (): string => `${job}${randomBody()}`;
export const newFileId = (): string => `${file}${randomBody()}`;

/** Event ids are derived from the job and the step, so a replayed journal gives the same ids. */
export const eventId = (jobId: string, step: number): string => `${event}${jobId.slice(job.length)}-${step}`;
export const stepOfEventId = (jobId: string, id: string): number | undefined => {
  const prefix = eventId(jobId, 0).slice(0, -1);
  if (!id.startsWith(prefix)) return undefined;
  const n = id.slice(prefix.length);
  return /^(0|[1-9]\d{0,5})$/.test(n) ? Number(n) : undefined;
};

/** ftm-{suffix}-{uuid}, or ftm-{uuid} without a suffix (rule job.fine_tuned_model.suffix). */
export const fineTunedModelName = (suffix: string | null | undefined): string =>
  suffix ? `${fineTunedModel}${suffix}-${randomUUID()}` : `${fineTunedModel}${randomUUID()}`;

/** A stable organization id for a token: the same token is always the same organization. */
export const organizationIdFor = (token: string): string =>
  `${organization}${base64url(sha256(utf8.encode(token))).slice(0, 24)}`;
