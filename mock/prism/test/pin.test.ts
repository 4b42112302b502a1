/**
 * Prism is pinned to 5.14.2: 5.15 and later declare Node >= 24 and, on Node 20, never
 * answer a POST whose JSON is malformed. The pin must hold in package.json (the optional
 * peer an app installs, and the dev dependency this repository runs), in the lock and in
 * what is installed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specPath } from '../../../spec/index.js';

const root = join(specPath, '..', '..');
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown>>;

describe('the Prism pin', () => {
  it('is exactly 5.14.2 in package.json, the lock and node_modules', () => {
    const pkg = json(join(root, 'package.json'));
    expect(pkg.peerDependencies!['@stoplight/prism-cli']).toBe('5.14.2');
    expect(pkg.devDependencies!['@stoplight/prism-cli']).toBe('5.14.2');
    const lock = json(join(root, 'package-lock.json')).packages as Record<string, { version: string }>;
    expect(lock['node_modules/@stoplight/prism-cli']?.version).toBe('5.14.2');
    const installed = json(createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json'));
    expect(installed.version).toBe('5.14.2');
  });

  it('declares support for the Node this project runs on', () => {
    const installed = json(createRequire(import.meta.url).resolve('@stoplight/prism-cli/package.json'));
    const min = /^>=(\d+)\.(\d+)/.exec(String(installed.engines!.node))!;
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    expect(major > Number(min[1]) || (major === Number(min[1]) && minor >= Number(min[2]))).toBe(true);
  });
});
