/** The CORS origin policy (cors/origin-policy.ts) on its own: which origins get credentials. */
import { describe, expect, it } from 'vitest';
import { originHeaders, parseCorsOrigins } from '../origin-policy.js';

const credentialed = (origin: string) => ({ 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' });
const anyone = { 'access-control-allow-origin': '*', vary: 'Origin' };

describe('originHeaders', () => {
  it.each(['http://localhost:5173', 'https://localhost', 'http://app.localhost:3000', 'http://127.0.0.1:8080', 'http://127.1.2.3', 'http://[::1]:4000'])(
    'echoes the loopback origin %s with credentials',
    (origin) => expect(originHeaders(origin)).toEqual(credentialed(origin)),
  );
  it('echoes a listed origin with credentials', () => {
    expect(originHeaders('https://app.example.com', ['https://app.example.com'])).toEqual(credentialed('https://app.example.com'));
  });
  it.each([
    ['another origin', 'https://evil.example.com'],
    ['a listed origin on another port', 'https://app.example.com:8443'],
    ['a look-alike of localhost', 'http://localhost.example.com'],
    ['a look-alike of 127.0.0.1', 'http://127.0.0.1.example.com'],
    ['the null origin', 'null'],
    ['a non-http scheme', 'file://localhost'],
    ['no origin', undefined],
  ])('gives %s * without credentials', (_, origin) => {
    expect(originHeaders(origin, ['https://app.example.com'])).toEqual(anyone);
  });
});

describe('parseCorsOrigins', () => {
  it('reads a comma-separated list of origins', () => {
    expect(parseCorsOrigins('https://app.example.com, http://10.0.0.5:3000')).toEqual(['https://app.example.com', 'http://10.0.0.5:3000']);
  });
  it.each([
    ['a path', 'https://app.example.com/x', /not an origin/],
    ['a trailing slash', 'https://app.example.com/', /not an origin/],
    ['no scheme', 'app.example.com', /not an origin/],
    ['another scheme', 'ftp://app.example.com', /not an origin/],
    ['nothing', ' , ', /at least one origin/],
  ])('refuses %s', (_, value, why) => {
    expect(() => parseCorsOrigins(value)).toThrow(why);
  });
});
