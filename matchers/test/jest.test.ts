/**
 * jest 30 with its default configuration runs matchers/test/jest/matchers.test.cjs: the
 * CommonJS build of the matchers (rebuilt here from the sources first), loaded by
 * `require('vaero-contract/matchers')` through the exports map's `require` condition.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { buildMatchersCjs } from '../build.js';

const here = dirname(fileURLToPath(import.meta.url));
// jest's package exports only its API: the CLI is found next to its package.json.
const jestBin = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');

beforeAll(() => buildMatchersCjs(), 60_000);

it('the matchers pass and fail as they should under jest\'s default configuration', () => {
  const run = spawnSync(process.execPath, [jestBin, '--rootDir', join(here, 'jest'), '--ci', '--json'], { encoding: 'utf8', timeout: 120_000 });
  const result = JSON.parse(run.stdout) as { success: boolean; numPassedTests: number; numFailedTests: number; testResults: { message: string }[] };
  expect(result.testResults.map((t) => t.message).join('\n')).toBe('');
  expect(result).toMatchObject({ success: true, numPassedTests: 3, numFailedTests: 0 });
}, 150_000);
