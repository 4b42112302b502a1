/**
 * journal.ts for a browser build (msw/, bundled by esbuild, which picks this file in place of
 * journal.ts): there is no file to keep state in, so `statePath` is refused; state lives in memory.
 */
import type { JournalRecord } from './journal-records.js';

export type { JournalRecord };
export type SnapshotSource = () => Iterable<JournalRecord>;
export interface JournalOptions {
  minCompactBytes?: number;
}

export class Journal {
  readonly path = '';
  static open(path: string, _options?: JournalOptions): { journal: Journal; records: JournalRecord[] } {
    throw new Error(`vaero-contract: no state file (${path}) in a browser build; state is kept in memory`);
  }
  compactFrom(_source: SnapshotSource): void {}
  append(_record: JournalRecord): void {}
  committed(): Promise<void> | undefined {
    return undefined;
  }
  get bytes(): { file: number; snapshot: number } {
    return { file: 0, snapshot: 0 };
  }
  async close(): Promise<void> {}
}
