/**
 * journal.ts for a browser build (msw/, bundled by esbuild, which picks this file in place of
 * journal.ts): there is no file to keep state in, so `statePath` is refused; state lives in memory.
 */
import type { JournalRecord } from './journal.js';

export type { JournalRecord };

export class Journal {
  readonly path = '';
  static open(path: string): { journal: Journal; records: JournalRecord[] } {
    throw new Error(`vaero-contract: no state file (${path}) in a browser build; state is kept in memory`);
  }
  append(_record: JournalRecord): void {}
  close(): void {}
}
