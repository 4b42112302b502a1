/**
 * One owner per --state file: a second live owner (another process, or another service in
 * this one) is refused with the file and the holder's pid; a lock left by a process that is
 * gone does not block, nor does one released by a clean close.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPathOf, StateLockedError } from '../service/state-lock.js';
import { open } from './journal-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vaero-lock-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A node process that waits (alive until killed). */
function sleeper(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('the --state lock', () => {
  it('refuses a second service on the same file in this process, naming the file and this pid; a close releases it', async () => {
    const path = join(dir, 'same-process.jsonl');
    const first = open(path);
    let refusal: unknown;
    try {
      open(path);
    } catch (e) {
      refusal = e;
    }
    expect(refusal).toBeInstanceOf(StateLockedError);
    expect((refusal as Error).message).toContain(path);
    expect((refusal as Error).message).toContain(`pid ${process.pid}`);
    await first.close();
    expect(existsSync(lockPathOf(path))).toBe(false);
    const second = open(path);
    await second.close();
  });

  it('refuses while another live process holds the lock, naming its pid', async () => {
    const path = join(dir, 'other-process.jsonl');
    const holder = sleeper();
    writeFileSync(lockPathOf(path), `${holder.pid}\n`);
    expect(() => open(path)).toThrow(new RegExp(`is in use by another stub \\(pid ${holder.pid}\\)`));
    expect(readFileSync(lockPathOf(path), 'utf8').trim(), 'the holder keeps its lock').toBe(String(holder.pid));
  });

  it('takes over a lock whose process is gone (killed, crashed)', async () => {
    const path = join(dir, 'stale.jsonl');
    writeFileSync(lockPathOf(path), `${await deadPid()}\n`);
    const s = open(path);
    expect(readFileSync(lockPathOf(path), 'utf8').trim()).toBe(String(process.pid));
    await s.close();
  });

  it('takes over a lock file that holds no pid', async () => {
    const path = join(dir, 'empty-lock.jsonl');
    writeFileSync(lockPathOf(path), '');
    const s = open(path);
    await s.close();
  });

  it('a refused start leaves the journal as it was', async () => {
    const path = join(dir, 'untouched.jsonl');
    const s = open(path);
    await s.close();
    const before = readFileSync(path);
    const holder = sleeper();
    writeFileSync(lockPathOf(path), `${holder.pid}\n`);
    expect(() => open(path)).toThrow(StateLockedError);
    expect(readFileSync(path)).toEqual(before);
  });
});
