/** The CORS headers every server answers with (cors/headers.ts): an answer's, and what a preflight adds. */
import { describe, expect, it } from 'vitest';
import { answerCorsHeaders, preflightHeaders } from '../headers.js';

describe('answerCorsHeaders', () => {
  it('is the origin policy plus the headers a page may read', () => {
    expect(answerCorsHeaders('https://app.example', ['https://app.example'])).toEqual({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
      'access-control-expose-headers': 'Retry-After,X-Request-Id',
    });
    expect(answerCorsHeaders('https://app.example')['access-control-allow-origin']).toBe('*');
  });
});

describe('preflightHeaders', () => {
  it('allows the headers asked for, and then varies by them too', () => {
    expect(preflightHeaders('authorization, content-type')).toEqual({
      'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
      'access-control-max-age': '600',
      'access-control-allow-headers': 'authorization, content-type',
      vary: 'Origin, Access-Control-Request-Headers',
    });
  });
  it('asked for no headers: allows none, and keeps the answer\'s Vary', () => {
    const h = preflightHeaders(undefined);
    expect(h['access-control-allow-headers']).toBeUndefined();
    expect(h.vary).toBeUndefined();
  });
});
