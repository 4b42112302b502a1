/**
 * Compaction: the journal is rewritten as a snapshot of the state plus the changes since,
 * and never grows past twice its snapshot (or the snapshot plus a floor, while it is small).
 * A crash at any step of a compaction (the new snapshot cut at any offset, before or after
 * its rename, the directory not yet synced, the first append after it) starts again and
 * loses nothing acknowledged.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compactPathOf, nodeIo, type JournalIo, type JournalOptions } from '../service/journal.js';
import { changes, open, stateOf } from './journal-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vaero-compaction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const enc = new TextEncoder();
const MIN = 1200;

const crash = (step: string) => Object.assign(new Error(`simulated crash at ${step}`), { code: 'ECRASH' });

interface Run {
  /** The state clients had been answered about (every acknowledged change). */
  acknowledged: unknown;
  /** The state with the change that was being committed when the crash came. */
  withUnacknowledged: unknown;
}

/** Run the changes until a commit fails (the simulated crash), then stop as a killed process would. */
async function runUntilCrash(path: string, io: Partial<JournalIo>): Promise<Run> {
  rmSync(path, { force: true });
  const s = open(path, { io, minCompactBytes: MIN });
  await s.committed();
  let acknowledged = stateOf(s);
  for (const change of changes(s)) {
    change();
    try {
      await s.committed();
    } catch {
      const withUnacknowledged = stateOf(s);
      await s.close(); // releases the lock, as a killed process's lock is taken over
      return { acknowledged, withUnacknowledged };
    }
    acknowledged = stateOf(s);
  }
  throw new Error('the changes never compacted: no crash happened');
}

async function restartedState(path: string): Promise<unknown> {
  const s = open(path);
  const state = stateOf(s);
  await s.close();
  return state;
}

describe('compaction', () => {
  it('keeps the journal at most twice its snapshot, and a restart reads the same state', async () => {
    const path = join(dir, 'bounded.jsonl');
    const s = open(path, { minCompactBytes: MIN });
    const org = (s.authenticate('token-a') as { value: string }).value;
    let compactions = 0;
    let last = 0;
    for (let i = 0; i < 150; i++) {
      // Files come and go (the snapshot keeps only the live ones), jobs stay.
      const f = s.uploadFile(org, { filename: `f${i}.txt`, purpose: 'fine-tune', content: enc.encode(`file ${i}\n`.repeat(20)) });
      if (f.ok && i % 3) s.deleteFile(org, f.value.id);
      if (i % 10 === 0) s.createJob(org, { style_model: 'vaero-1', base_model: 'general', training_files: ['file-abc123'] });
      await s.committed();
      const { file, snapshot } = s.stateBytes();
      if (snapshot !== last) (compactions++, (last = snapshot));
      expect(file, `after change ${i}`).toBeLessThanOrEqual(Math.max(2 * snapshot, snapshot + MIN));
      expect(readFileSync(path).length).toBe(file);
    }
    expect(compactions).toBeGreaterThan(2);
    const before = stateOf(s);
    await s.close();
    expect(await restartedState(path)).toEqual(before);
  });

  it('compacts a journal written before snapshots existed (no header) at its first change', async () => {
    const path = join(dir, 'legacy.jsonl');
    const lines = Array.from({ length: 40 }, () => '{"op":"fail-next","org":"org-x","failure":null}');
    writeFileSync(path, lines.join('\n') + '\n');
    const s = open(path, { minCompactBytes: 256 });
    await s.committed();
    expect(readFileSync(path, 'utf8').split('\n')[0]).toMatch(/^\{"op":"snapshot","bytes":\d+\}$/);
    await s.close();
  });

  // Each step a compaction takes, and what a crash there leaves: the old file (the new snapshot never renamed) or the new one.
  const steps: Array<[string, Partial<JournalIo>, 'old' | 'new']> = [
    ['before the snapshot is written', { writeFile: async () => Promise.reject(crash('writeFile')) }, 'old'],
    ['with the snapshot written and synced, before its rename', { writeFile: async (p, t) => (await nodeIo.writeFile(p, t), Promise.reject(crash('after writeFile'))) }, 'old'],
    ['at the rename (not done)', { rename: async () => Promise.reject(crash('rename')) }, 'old'],
    ['right after the rename', { rename: async (a, b) => (await nodeIo.rename(a, b), Promise.reject(crash('after rename'))) }, 'new'],
    ['at the directory sync (rename done)', { syncDir: async () => Promise.reject(crash('syncDir')) }, 'new'],
  ];
  for (const [step, io, left] of steps) {
    it(`a crash ${step} starts again and loses nothing acknowledged`, async () => {
      const path = join(dir, `crash-${step.replace(/\W+/g, '-')}.jsonl`);
      const run = await runUntilCrash(path, io);
      expect(run.withUnacknowledged).not.toEqual(run.acknowledged); // the crash came with a change in flight
      // Before the rename the old file is whole (the change in flight is not in it); after it, the snapshot carries that change too.
      expect(await restartedState(path)).toEqual(left === 'old' ? run.acknowledged : run.withUnacknowledged);
      expect(existsSync(compactPathOf(path)), 'a leftover snapshot is removed at start').toBe(false);
    });
  }

  it('a crash at the first append after a compaction loses nothing acknowledged', async () => {
    const path = join(dir, 'crash-after.jsonl');
    let compacted = false;
    const io: Partial<JournalIo> = {
      syncDir: async (p) => (await nodeIo.syncDir(p), void (compacted = true)),
      append: async (fd, text) => (compacted ? Promise.reject(crash('append after compaction')) : nodeIo.append(fd, text)),
    };
    const run = await runUntilCrash(path, io);
    expect(compacted).toBe(true);
    expect(await restartedState(path)).toEqual(run.acknowledged);
  });

  it('a crash while the new snapshot is written, cut at every byte offset, starts on the old file and loses nothing acknowledged', async () => {
    const path = join(dir, 'cut-snapshot.jsonl');
    let snapshot = '';
    const run = await runUntilCrash(path, { writeFile: async (_p, text) => ((snapshot = text), Promise.reject(crash('writeFile'))) });
    const old = readFileSync(path);
    expect(snapshot.length).toBeGreaterThan(0);
    const quick: JournalOptions = { io: { sync: async () => {} } };
    for (let cut = 0; cut <= snapshot.length; cut++) {
      writeFileSync(path, old);
      writeFileSync(compactPathOf(path), snapshot.slice(0, cut));
      const s = open(path, quick);
      expect(stateOf(s), `snapshot cut at ${cut} of ${snapshot.length}`).toEqual(run.acknowledged);
      await s.close();
    }
    // Renamed whole: the new file is the snapshot, with the change that was in flight.
    writeFileSync(path, snapshot);
    expect(await restartedState(path)).toEqual(run.withUnacknowledged);
  });
});
