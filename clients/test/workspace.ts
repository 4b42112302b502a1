/** What every generated-client test starts from: a temp app folder that sees this repo's node_modules, and a frozen stub to run against. */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basePath, specPath } from '../../spec/index.js';
import { startTestStub, type TestStub } from '../../mock/stub/test/helpers.js';

export const root = join(specPath, '..', '..');

/** A temp ES-module app folder whose node_modules is this repo's. */
export function clientWorkspace(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  return dir;
}

/** The stub at --speed 0, and its base URL (with /v1). */
export async function startClientStub(): Promise<{ stub: TestStub; baseUrl: string }> {
  const stub = await startTestStub({ speed: 0 });
  return { stub, baseUrl: `http://127.0.0.1:${(stub.server.address() as AddressInfo).port}${basePath}` };
}
