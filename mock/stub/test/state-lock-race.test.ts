/**
 * Two stubs starting at once on the same --state, whose lock was left by a stub that is gone:
 * exactly one takes it over, the other is refused naming the winner, and the lock file holds
 * the winner's pid. Not timed: the takeover's steps (state-lock.ts `takeLock`) are driven by
 * hand, in every order the two starters' steps can interleave, with injected pids.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPathOf, lockState, StateLockedError, takeLock, type Contender } from '../service/state-lock.js';

const root = mkdtempSync(join(tmpdir(), 'vaero-lock-race-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const STALE = 100; // the stub that is gone
const live = new Set([101, 102]);
const contender = (pid: number): Contender => ({ pid, isAlive: (p) => live.has(p) });

type Ending = { won: true } | { refusedBy: number } | { failed: string };

interface Run {
  dir: string;
  endings: Ending[];
  /** Each point where both could step: how many could, and which was picked. */
  choices: { options: number; picked: number }[];
}

let runs = 0;

/** One run: both start on a stale lock; at each choice point the step is `prefix`'s choice, then the first runnable. */
function runOnce(prefix: number[]): Run {
  const dir = join(root, String(runs++));
  mkdirSync(dir);
  const state = join(dir, 'state.jsonl');
  writeFileSync(lockPathOf(state), `${STALE}\n`);
  const starters = [101, 102].map((pid) => takeLock(state, contender(pid)));
  const endings: (Ending | undefined)[] = [undefined, undefined];
  const choices: Run['choices'] = [];
  for (;;) {
    const runnable = [0, 1].filter((i) => !endings[i]);
    if (!runnable.length) break;
    let picked = 0;
    if (runnable.length > 1) {
      picked = prefix[choices.length] ?? 0;
      choices.push({ options: runnable.length, picked });
    }
    const i = runnable[picked]!;
    try {
      if (starters[i]!.next().done) endings[i] = { won: true };
    } catch (e) {
      endings[i] = e instanceof StateLockedError ? { refusedBy: e.holderPid } : { failed: (e as Error).message };
    }
  }
  return { dir, endings: endings as Ending[], choices };
}

/** Every interleaving, depth first: the next one flips the last choice that has an alternative left. */
function everyInterleaving(check: (run: Run) => void): number {
  let prefix: number[] = [];
  for (let count = 1; ; count++) {
    const run = runOnce(prefix);
    check(run);
    let i = run.choices.length - 1;
    while (i >= 0 && run.choices[i]!.picked === run.choices[i]!.options - 1) i--;
    if (i < 0) return count;
    prefix = [...run.choices.slice(0, i).map((c) => c.picked), run.choices[i]!.picked + 1];
  }
}

describe('two takeovers of a stale lock, racing', () => {
  it('in every interleaving of their steps, exactly one holds the lock and the other is refused naming it', () => {
    const winners = new Set<number>();
    const interleavings = everyInterleaving((run) => {
      const won = [101, 102].filter((_, i) => 'won' in run.endings[i]!);
      expect(won, JSON.stringify(run)).toHaveLength(1);
      const winner = won[0]!;
      winners.add(winner);
      const loser = run.endings[[101, 102].indexOf(winner) ^ 1]!;
      expect(loser, JSON.stringify(run)).toEqual({ refusedBy: winner });
      expect(readFileSync(lockPathOf(join(run.dir, 'state.jsonl')), 'utf8')).toBe(`${winner}\n`);
      // No temp file or claim left behind.
      expect(readdirSync(run.dir)).toEqual(['state.jsonl.lock']);
    });
    // The exploration reached real races: many orders, each starter winning in some.
    expect(interleavings).toBeGreaterThan(20);
    expect(winners).toEqual(new Set([101, 102]));
  });

  it('the steps are file operations another starter can race with (create, read, claim, read again, remove)', () => {
    const dir = join(root, 'steps');
    mkdirSync(dir);
    const state = join(dir, 'state.jsonl');
    writeFileSync(lockPathOf(state), `${STALE}\n`);
    expect([...takeLock(state, contender(101))]).toEqual(['create', 'read', 'claim 0', 'read again', 'remove', 'create']);
  });
});

describe('a starter that died mid-takeover', () => {
  it('left its claim on the stale lock: the next start passes over it and takes the lock', () => {
    const dir = join(root, 'died');
    mkdirSync(dir);
    const state = join(dir, 'state.jsonl');
    writeFileSync(lockPathOf(state), `${STALE}\n`);
    const { ino } = statSync(lockPathOf(state));
    writeFileSync(`${lockPathOf(state)}.takeover-${ino}-0`, '99\n'); // pid 99: gone
    const release = lockState(state, contender(101));
    expect(readFileSync(lockPathOf(state), 'utf8')).toBe('101\n');
    release();
  });

  it('a live starter\'s claim refuses the start, naming it', () => {
    const dir = join(root, 'claimed');
    mkdirSync(dir);
    const state = join(dir, 'state.jsonl');
    writeFileSync(lockPathOf(state), `${STALE}\n`);
    const { ino } = statSync(lockPathOf(state));
    writeFileSync(`${lockPathOf(state)}.takeover-${ino}-0`, '102\n');
    expect(() => lockState(state, contender(101))).toThrow(new StateLockedError(state, 102));
    expect(readFileSync(lockPathOf(state), 'utf8'), 'the stale lock is left to the claimant').toBe(`${STALE}\n`);
  });
});
