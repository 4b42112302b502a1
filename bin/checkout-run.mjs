#!/usr/bin/env node
// Runs the `vaero` CLI from a checkout (npm start, npm run mock, npm run contract).
// An unchanged checkout starts at once from dist/; a checkout with a source newer than the
// last build (or no build) is rebuilt first (tsc --incremental), so a stale dist/ never runs.
// Plain JS on purpose: it must run before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const checkout = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Written by `npm run build` when it ends (package.json postbuild). */
const stampOf = (root) => join(root, 'dist', '.build-stamp');

/** What a path (or a symbolic link) points to: 'dir', 'file', or undefined when it points nowhere. */
function statKind(path) {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/** Inputs of the build: the compiled folders (tsconfig.json's include) and the configs. */
function newestInput(root) {
  const { include = [] } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
  let newest = 0;
  const isInput = (name) => /\.(ts|cjs|ya?ml)$/.test(name) && !/\.test\.ts$/.test(name);
  // Directory entries say which are folders (no stat each); only the inputs' mtimes are read.
  const visit = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const kind = entry.isSymbolicLink() ? statKind(path) : entry.isDirectory() ? 'dir' : 'file';
      if (kind === 'dir') {
        if (entry.name !== 'node_modules' && entry.name !== 'test' && entry.name !== 'usage') visit(path);
      } else if (kind === 'file' && isInput(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const entry of include) {
    const path = join(root, entry);
    const kind = statKind(path);
    if (kind === 'dir') visit(path);
    else if (kind === 'file' && isInput(entry)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  for (const config of ['tsconfig.json', 'tsconfig.build.json']) newest = Math.max(newest, statSync(join(root, config)).mtimeMs);
  return newest;
}

/** True when dist/ was never built, or a build input changed after the last build ended. */
export function isStale(root = checkout) {
  if (!existsSync(stampOf(root))) return true;
  return newestInput(root) > statSync(stampOf(root)).mtimeMs;
}

export function buildIfStale(root = checkout) {
  if (!isStale(root)) return false;
  process.stderr.write('vaero: sources changed since the last build; rebuilding dist/ (npm run build)\n');
  const r = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`vaero: the build failed (exit ${r.status ?? r.signal}); not starting a stale dist/\n`);
    process.exit(r.status || 1);
  }
  return true;
}

// Run as the entry point: build if needed, then the CLI in this same process (signals, exit code).
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  buildIfStale();
  await import(pathToFileURL(join(checkout, 'dist', 'bin', 'vaero.js')).href);
}
