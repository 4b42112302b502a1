/** What every generated-client test starts from: a temp app folder that sees this repo's node_modules, and a frozen stub to run against. */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import ts from 'typescript';
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

/** The stub at --speed 0 (with `options` laid over, e.g. its tokens or checkAnswers: false), and its base URL (with /v1). */
export async function startClientStub(options: Parameters<typeof startTestStub>[0] = {}): Promise<{ stub: TestStub; baseUrl: string }> {
  const stub = await startTestStub({ speed: 0, ...options });
  return { stub, baseUrl: `http://127.0.0.1:${(stub.server.address() as AddressInfo).port}${basePath}` };
}

/**
 * A browser app's compile of `files`: strict, ES2022 with DOM and DOM.Iterable, no Node types;
 * module resolution as the generator's imports need it (NodeNext: with extensions; Bundler:
 * without, as orval writes them).
 */
export function browserAppProgram(files: string[], resolution: 'nodenext' | 'bundler'): ts.Program {
  return ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    ...(resolution === 'nodenext'
      ? { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext }
      : { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }),
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
    skipLibCheck: true,
  });
}

/** A program's diagnostics as lines, file names relative to `dir`. */
export const diagnosticLines = (p: ts.Program, dir: string): string[] =>
  ts.getPreEmitDiagnostics(p).map((d) => `${d.file?.fileName.replace(dir, '') ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);

/** What each usage file's session returns against the stub (its own types are checked in the temp folder). */
export interface Session {
  file: { id: string };
  job: { id: string };
  models: { style: string; base: string };
  jobIds: string[];
  fileIds: string[];
  rejected: { status?: number; param?: string | null };
}
