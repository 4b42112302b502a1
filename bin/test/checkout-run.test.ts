// `npm start` / `npm run mock` run bin/checkout-run.mjs: it rebuilds dist/ only when a build
// input is newer than the last build's stamp, so an unchanged checkout never recompiles and an
// edited one never runs stale code.
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStale } from '../checkout-run.mjs';

function checkout(): { root: string; age: (rel: string, secondsAgo: number) => void } {
  const root = mkdtempSync(join(tmpdir(), 'vaero-checkout-'));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ include: ['spec', 'mock'] }));
  writeFileSync(join(root, 'tsconfig.build.json'), '{}');
  for (const dir of ['spec', 'mock/stub', 'mock/stub/test', 'dist']) mkdirSync(join(root, dir), { recursive: true });
  for (const f of ['spec/openapi.yaml', 'mock/stub/app.ts', 'mock/stub/test/app.test.ts', 'mock/stub/README.md']) writeFileSync(join(root, f), '');
  const age = (rel: string, secondsAgo: number) => {
    const t = Date.now() / 1000 - secondsAgo;
    utimesSync(join(root, rel), t, t);
  };
  for (const f of ['tsconfig.json', 'tsconfig.build.json', 'spec/openapi.yaml', 'mock/stub/app.ts', 'mock/stub/test/app.test.ts', 'mock/stub/README.md']) age(f, 100);
  return { root, age };
}

describe('checkout-run: build only when stale', () => {
  it('a checkout never built is stale', () => {
    expect(isStale(checkout().root)).toBe(true);
  });

  it('a build newer than every input is fresh', () => {
    const c = checkout();
    writeFileSync(join(c.root, 'dist/.build-stamp'), '');
    c.age('dist/.build-stamp', 10);
    expect(isStale(c.root)).toBe(false);
  });

  it.each(['mock/stub/app.ts', 'spec/openapi.yaml', 'tsconfig.build.json'])('an edited %s makes it stale', (input) => {
    const c = checkout();
    writeFileSync(join(c.root, 'dist/.build-stamp'), '');
    c.age('dist/.build-stamp', 10);
    c.age(input, 1);
    expect(isStale(c.root)).toBe(true);
  });

  it.each(['mock/stub/test/app.test.ts', 'mock/stub/README.md'])('an edited %s (not built) does not', (other) => {
    const c = checkout();
    writeFileSync(join(c.root, 'dist/.build-stamp'), '');
    c.age('dist/.build-stamp', 10);
    c.age(other, 1);
    expect(isStale(c.root)).toBe(false);
  });
});
