/**
 * A package-lock.json for a new app that depends on this package's tarball and msw, cut from
 * this repository's own lock: the same versions and integrities that `npm ci` put in the npm
 * cache, so `npm install --offline` can install the app from that cache alone. (Without a lock
 * npm must fetch each package's registry document, which `npm ci` does not cache.)
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}
interface Lock {
  name: string;
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

/** Where Node would find `name` from the package installed at `from` (a lock key), as the lock lays it out. */
function locate(packages: Lock['packages'], from: string, name: string): string | undefined {
  for (let dir = from; ; ) {
    const key = (dir ? `${dir}/` : '') + `node_modules/${name}`;
    if (packages[key]) return key;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up < 0 ? '' : dir.slice(0, up);
  }
}

/**
 * The app's lock: its root depends on `tarball` (this package, packed) and on msw; every package
 * either needs at run time is copied from the repository's lock (the dev-only flags dropped).
 */
export function appLockfile(repoRoot: string, tarballName: string, tarball: Buffer): { manifest: object; lock: object } {
  const repoLock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as Lock;
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as LockEntry & { name: string; bin?: unknown; engines?: unknown; license?: string };
  const mswRange = pkg.peerDependencies?.msw ?? '^2.0.0';

  const packages: Record<string, LockEntry> = {};
  const visit = (key: string) => {
    if (packages[key]) return;
    const { dev: _d, devOptional: _o, peer: _p, ...entry } = repoLock.packages[key] as LockEntry;
    packages[key] = entry;
    // Required peers are installed by npm too; optional ones only if something else brings them.
    const required = Object.keys(entry.peerDependencies ?? {}).filter((n) => !entry.peerDependenciesMeta?.[n]?.optional);
    for (const name of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...required]) {
      const found = locate(repoLock.packages, key, name);
      if (found) visit(found);
      else if (!entry.optionalDependencies?.[name]) throw new Error(`${key} needs ${name}, which the repository's lock does not hold`);
    }
  };
  for (const name of [...Object.keys(pkg.dependencies ?? {}), 'msw']) visit(`node_modules/${name}`);

  const dependencies = { msw: mswRange, [pkg.name]: `file:${tarballName}` };
  const own: LockEntry = {
    version: pkg.version,
    resolved: `file:${tarballName}`,
    integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
    license: pkg.license,
    dependencies: pkg.dependencies,
    bin: pkg.bin,
    engines: pkg.engines,
    peerDependencies: pkg.peerDependencies,
    peerDependenciesMeta: pkg.peerDependenciesMeta,
  };
  const manifest = { name: 'app', version: '1.0.0', private: true, dependencies };
  const lock = {
    name: 'app',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: 'app', version: '1.0.0', dependencies }, [`node_modules/${pkg.name}`]: own, ...packages },
  };
  return { manifest, lock };
}
