/** `Authorization: Bearer <token>`: the scheme word case-insensitive (RFC 9110), the token one or more non-space characters. */
const BEARER = /^bearer[ \t]+([^\s]+)[ \t]*$/i;

export type BearerResult = { token: string } | { problem: 'missing_authorization' | 'invalid_authorization' };

export function readBearer(header: string | undefined): BearerResult {
  if (header === undefined || header === '') return { problem: 'missing_authorization' };
  const m = BEARER.exec(header);
  return m ? { token: m[1] as string } : { problem: 'invalid_authorization' };
}
