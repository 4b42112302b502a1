/**
 * The command `npm start` runs (package.json `scripts.start`), as arguments for node, so the
 * benches measure exactly what a user starts: the same entry point and the same node flags.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package root (this file is dist/bench/start-command.js once built). */
export const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface StartCommand {
  /** The script as written in package.json. */
  script: string;
  /** Node's own flags in the script (before the entry file), e.g. GC settings. */
  nodeFlags: string[];
  /** Everything node is given: flags, entry file, its arguments, then `extra`. */
  args: string[];
}

export function npmStartCommand(extra: readonly string[] = []): StartCommand {
  const pkg = JSON.parse(readFileSync(`${packageRoot}package.json`, 'utf8')) as { scripts?: Record<string, string> };
  const script = pkg.scripts?.start ?? '';
  // A leading `exec` only makes npm's shell replace itself with node (so npm's signals reach it).
  const [bin, ...rest] = script.trim().replace(/^exec\s+/, '').split(/\s+/);
  // A plain `node [flags] entry args` keeps the bench honest; anything else must be taught here.
  if (bin !== 'node' || rest.some((t) => /["'$&|;<>]/.test(t))) {
    throw new Error(`bench: package.json's start script is not a plain "node [flags] file args" command: ${script}`);
  }
  const entry = rest.findIndex((t) => !t.startsWith('-'));
  if (entry === -1) throw new Error(`bench: no entry file in the start script: ${script}`);
  return { script, nodeFlags: rest.slice(0, entry), args: [...rest, ...extra] };
}
