/**
 * CORS with credentials, the same on the stub and the mock's front (one CORS step of the
 * request core): a loopback Origin, or one given with --cors-origins, is echoed with
 * Access-Control-Allow-Credentials: true, on answers, errors and preflights alike; any other
 * origin gets `*` without credentials; every answer says Vary: Origin. And the flag itself:
 * `vaero stub --cors-origins` as a user starts it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPath } from '../../../spec/index.js';
import { startPrismMock, type PrismMock } from '../../prism/index.js';
import { startStub, type RunningStub } from '../../stub/server.js';

const TRUSTED = 'https://app.example.com';
const root = join(specPath, '..', '..');
let stub: RunningStub;
let mock: PrismMock;

beforeAll(async () => {
  [stub, mock] = await Promise.all([startStub({ port: 0, log: false, corsOrigins: [TRUSTED] }), startPrismMock({ port: 0, corsOrigins: [TRUSTED] })]);
}, 60_000);
afterAll(async () => {
  await Promise.all([stub?.close(), mock?.close()]);
});

const servers = { stub: () => stub.baseUrl, mock: () => mock.baseUrl };
const varies = (res: Response) => (res.headers.get('vary') ?? '').split(/\s*,\s*/).map((v) => v.toLowerCase());

/** The CORS headers a request from `origin` gets (no Origin header when undefined). */
async function corsOf(url: string, origin: string | undefined, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { ...(origin ? { origin } : {}), ...(init.headers as Record<string, string>) } });
  await res.arrayBuffer();
  return { status: res.status, allowOrigin: res.headers.get('access-control-allow-origin'), credentials: res.headers.get('access-control-allow-credentials'), vary: varies(res) };
}

describe.each(Object.keys(servers) as (keyof typeof servers)[])('CORS on the %s', (name) => {
  const list = () => `${servers[name]()}/fine_tuning/jobs`;
  const withToken = { headers: { authorization: 'Bearer cors-test' } };

  it.each(['http://localhost:5173', 'http://127.0.0.1:3000', TRUSTED])('echoes %s with credentials', async (origin) => {
    expect(await corsOf(list(), origin, withToken)).toEqual({ status: 200, allowOrigin: origin, credentials: 'true', vary: ['origin'] });
  });

  it('echoes it on an error answer too (a page reads its 401)', async () => {
    expect(await corsOf(list(), 'http://localhost:5173')).toEqual({ status: 401, allowOrigin: 'http://localhost:5173', credentials: 'true', vary: ['origin'] });
  });

  it.each([['another origin', 'https://evil.example.com'], ['no origin', undefined]])('gives %s * without credentials', async (_, origin) => {
    expect(await corsOf(list(), origin, withToken)).toEqual({ status: 200, allowOrigin: '*', credentials: null, vary: ['origin'] });
  });

  it('answers a credentialed preflight from a trusted origin, varying by origin and the headers asked', async () => {
    const pre = await corsOf(list(), TRUSTED, { method: 'OPTIONS', headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(pre).toEqual({ status: 204, allowOrigin: TRUSTED, credentials: 'true', vary: ['origin', 'access-control-request-headers'] });
  });
});

describe('vaero stub --cors-origins', () => {
  it('trusts the origins it lists', async () => {
    const child = spawn(process.execPath, [join(root, 'dist', 'bin', 'vaero.js'), 'stub', '--port', '0', '--quiet', '--cors-origins', `${TRUSTED},https://other.example.com`], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const baseUrl = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+\/v1)\b/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`vaero stub exited ${code}: ${out}`)));
      });
      const headers = { authorization: 'Bearer cors-cli' };
      expect(await corsOf(`${baseUrl}/fine_tuning/jobs`, 'https://other.example.com', { headers })).toMatchObject({ allowOrigin: 'https://other.example.com', credentials: 'true' });
      expect(await corsOf(`${baseUrl}/fine_tuning/jobs`, 'https://evil.example.com', { headers })).toMatchObject({ allowOrigin: '*', credentials: null });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
