/**
 * The --state journal on disk: a file cut at any byte offset (a kill mid-write) starts and
 * keeps every record that ends before the cut, whether the cut falls in a plain journal or in
 * the tail after a snapshot; a line that is not a journal record (`null`, an unknown op, a
 * missing field) stops the start naming the file and line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJournal, recordProblem } from '../service/journal-records.js';
import type { JournalOptions } from '../service/journal.js';
import { changes, open, stateOf } from './journal-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vaero-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** Restarts in the loops below skip the fdatasync: what is checked is what a start reads back. */
const noSync: JournalOptions = { io: { sync: async () => {} } };

interface Checkpoint {
  /** The file's size once the change was acknowledged. */
  bytes: number;
  state: unknown;
}

/** Run the changes on a journal, noting the file's size and the state after each acknowledged one. */
async function journalWithCheckpoints(path: string, journal: JournalOptions = {}): Promise<{ checkpoints: Checkpoint[]; snapshot: number }> {
  const s = open(path, journal);
  await s.committed();
  const checkpoints: Checkpoint[] = [{ bytes: 0, state: stateOf(s) }];
  let snapshot = 0;
  for (const change of changes(s)) {
    change();
    await s.committed();
    const bytes = s.stateBytes();
    if (bytes.snapshot !== snapshot) {
      // compacted: the file was rewritten; earlier sizes no longer describe it
      snapshot = bytes.snapshot;
      checkpoints.length = 0;
    }
    checkpoints.push({ bytes: bytes.file, state: stateOf(s) });
  }
  await s.close();
  return { checkpoints, snapshot };
}

/** Start on the first `cut` bytes of `whole`: the state is that of the last change whose record ends before the cut. */
async function expectCutsKeepWholeRecords(whole: Buffer, checkpoints: Checkpoint[], from: number): Promise<number> {
  const path = join(dir, `cut-${from}.jsonl`);
  let checked = 0;
  for (let cut = from; cut <= whole.length; cut++) {
    writeFileSync(path, whole.subarray(0, cut));
    const s = open(path, noSync);
    // A record is whole once its last character is there (its newline is added back).
    const expected = checkpoints.filter((c) => c.bytes <= cut + 1).at(-1);
    expect(expected, `a checkpoint at or before byte ${cut}`).toBeDefined();
    expect(stateOf(s), `cut at byte ${cut} of ${whole.length}`).toEqual(expected!.state);
    await s.close();
    // What is left is whole records only, and a start on it again reads the same.
    const after = readFileSync(path, 'utf8');
    for (const line of after.split('\n').slice(0, -1)) expect(recordProblem(JSON.parse(line))).toBeUndefined();
    expect(after.endsWith('\n') || after === '').toBe(true);
    checked++;
  }
  return checked;
}

describe('a journal cut at any byte offset', () => {
  it('starts and keeps every record that ends before the cut (a plain journal)', async () => {
    const path = join(dir, 'plain.jsonl');
    const { checkpoints } = await journalWithCheckpoints(path);
    const whole = readFileSync(path);
    const checked = await expectCutsKeepWholeRecords(whole, checkpoints, 0);
    expect(checked).toBe(whole.length + 1);
  });

  it('starts and keeps every record of the tail that ends before the cut (after a compaction)', async () => {
    const path = join(dir, 'compacted.jsonl');
    const { checkpoints, snapshot } = await journalWithCheckpoints(path, { minCompactBytes: 1200 });
    expect(snapshot, 'the run compacted the journal').toBeGreaterThan(0);
    const whole = readFileSync(path);
    expect(checkpoints.length, 'changes made after the compaction').toBeGreaterThan(1);
    // From the end of the snapshot (the size the compaction left) to the end of the file.
    await expectCutsKeepWholeRecords(whole, checkpoints, checkpoints[0]!.bytes);
  });
});

describe('a line that is not a journal record stops the start with its file and line', () => {
  const good = '{"op":"fail-next","org":"org-a","failure":null}';
  for (const [what, line] of [
    ['null', 'null'],
    ['a number', '42'],
    ['an array', '[]'],
    ['an unknown op', '{"op":"explode","org":"org-a"}'],
    ['a job without its id', '{"op":"job","org":"org-a","createdMs":1,"style_model":"vaero-1","base_model":"general","training_files":[],"suffix":null,"fineTunedModel":"m","failure":null}'],
    ['a cancel with a text time', '{"op":"cancel","org":"org-a","id":"ftjob-1","atMs":"soon"}'],
    ['garbage', 'not json'],
  ] as const) {
    it(`${what}, in the middle`, () => {
      const path = join(dir, `bad-${what.replace(/\W+/g, '-')}.jsonl`);
      writeFileSync(path, `${good}\n${line}\n${good}\n`);
      expect(() => open(path)).toThrow(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not a journal record`));
    });
  }

  it('null as the last line, whole (with its newline), is refused too: it is not a torn write', () => {
    const path = join(dir, 'null-last.jsonl');
    writeFileSync(path, `${'{"op":"session","atMs":1,"speed":1}'}\nnull\n`);
    expect(() => open(path)).toThrow(/null-last\.jsonl:2: not a journal record \(null is not an object\)/);
  });

  it('blank lines are skipped, and still counted in the line number', () => {
    expect(() => parseJournal(Buffer.from('\n\nnull\n'), 'f.jsonl')).toThrow(/f\.jsonl:3:/);
  });
});
