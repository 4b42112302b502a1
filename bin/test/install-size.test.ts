/**
 * The package as a frontend installs it (slow: it packs and installs the package). `npm pack`
 * of this repository, then, in an empty app, the tarball and msw 2 installed with `--offline`
 * from the npm cache `npm ci` filled (through a lock cut from this repository's, see
 * app-lockfile.ts): node_modules stays within 60 MB (Prism and Scalar are optional peers, not
 * installed), and the installed `vaero` works: `vaero stub` answers, `vaero test` judges it,
 * `vaero --version` prints the version, `vaero mock` says in one line what it needs, and
 * `vaero-contract/msw` answers under msw's setupServer.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPath } from '../../spec/index.js';
import { appLockfile } from './app-lockfile.js';

const run = promisify(execFile);
const root = join(specPath, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
const MAX_MB = 60;

let app: string;
let stub: ChildProcess | undefined;
let stubBaseUrl: string;

/** `npx vaero ARGS` in the app, as its developer would type it (exit code and output, never a throw). */
async function npxVaero(args: string[], timeout = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['--offline', 'vaero', ...args], { cwd: app, timeout });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), 'vaero-app-'));
  // dist/ is already built (npm test builds first): the pack must not rebuild it.
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', app], { cwd: root });
  const tarballName = readdirSync(app).find((f) => f.endsWith('.tgz'))!;
  const { manifest, lock } = appLockfile(root, tarballName, readFileSync(join(app, tarballName)));
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: app, timeout: 150_000 }).catch((e: { stderr?: string }) => {
    // ENOTCACHED: a package of the lock is not in the npm cache (npm ci in this checkout puts them all there).
    throw new Error(`npm install --offline of the packed package failed; run npm ci first so the npm cache holds the lock's packages:\n${e.stderr ?? e}`);
  });
}, 180_000);

afterAll(async () => {
  if (stub?.pid && stub.exitCode === null) {
    process.kill(-stub.pid, 'SIGTERM'); // npx, its shell and vaero: the group this test started
    await new Promise((resolve) => stub!.once('exit', resolve));
  }
  if (app) rmSync(app, { recursive: true, force: true });
});

describe(`npm install --offline ./${pkg.name}-*.tgz msw@2 in an empty app`, () => {
  it(`keeps node_modules within ${MAX_MB} MB, without the optional peers`, async () => {
    const { stdout } = await run('du', ['-sm', 'node_modules'], { cwd: app });
    const mb = Number(stdout.split(/\s/)[0]);
    expect(mb).toBeGreaterThan(0);
    expect(mb).toBeLessThanOrEqual(MAX_MB);
    expect(existsSync(join(app, 'node_modules', '@stoplight', 'prism-cli'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', '@scalar', 'api-reference'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'msw'))).toBe(true);
  });

  it('installs one YAML parser', () => {
    expect(existsSync(join(app, 'node_modules', 'yaml'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', 'js-yaml'))).toBe(false);
  });

  it('npx vaero stub answers', async () => {
    stub = spawn('npx', ['--offline', 'vaero', 'stub', '--port', '0', '--speed', '50'], { cwd: app, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    stubBaseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`vaero stub did not start:\n${out}`)), 30_000);
      stub!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/v1)\b/.exec(out);
        if (m) clearTimeout(timer), resolve(m[1]!);
      });
      stub!.once('exit', (code) => (clearTimeout(timer), reject(new Error(`vaero stub exited ${code}:\n${out}`))));
    });
    // Scalar is not installed: the start-up line says how to have /docs.
    expect(out).toMatch(/API reference: http:\/\/127\.0\.0\.1:\d+\/docs is off: .*npm install -D @scalar\/api-reference@/);
    const res = await fetch(`${stubBaseUrl}/fine_tuning/jobs`, { headers: { authorization: 'Bearer install-test' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { object: string }).object).toBe('list');
  });

  it('npx vaero test judges the stub and exits 0 (conforms)', async () => {
    expect(stubBaseUrl).toBeDefined();
    const { code, stdout } = await npxVaero(['test', '--base-url', stubBaseUrl, '--num-runs', '2', '--no-progress']);
    expect(stdout).toMatch(/^CONFORMS: /m);
    expect(code).toBe(0);
  }, 60_000);

  it('npx vaero test --help and npx vaero --version work', async () => {
    const help = await npxVaero(['test', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--base-url');
    const version = await npxVaero(['--version']);
    expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('npx vaero mock, without Prism installed, says in one line what to install', async () => {
    const { code, stdout, stderr } = await npxVaero(['mock', '--port', '0']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/needs @stoplight\/prism-cli.*: npm install -D @stoplight\/prism-cli@/)]);
  });

  it('vaero-contract/msw answers under msw/node', async () => {
    const script = `
      import { setupServer } from 'msw/node';
      import { createVaeroHandlers } from '${pkg.name}/msw';
      const vaero = createVaeroHandlers({ baseUrl: 'https://vaeroapi.com/v1' });
      const server = setupServer(...vaero.handlers);
      server.listen({ onUnhandledRequest: 'error' });
      const res = await fetch('https://vaeroapi.com/v1/fine_tuning/jobs', { headers: { Authorization: 'Bearer t' } });
      console.log(res.status, (await res.json()).object);
      server.close();
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app, timeout: 30_000 });
    expect(stdout.trim()).toBe('200 list');
  });
});
