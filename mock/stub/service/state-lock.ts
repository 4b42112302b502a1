/**
 * One owner per `--state` file: a lock file beside it (`<state>.lock`) holding the owner's
 * pid. A second live process on the same state refuses to start; a lock left by a process
 * that is gone (killed, crashed) is taken over. Two stubs on one journal would each append
 * from their own memory and undo each other's acknowledged changes on the next restart.
 */
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';

/** Paths this process holds (a second service in the same process is refused too). */
const held = new Set<string>();

export class StateLockedError extends Error {
  constructor(
    readonly statePath: string,
    readonly holderPid: number,
  ) {
    super(`${statePath} is in use by another stub (pid ${holderPid}); stop it, or give this one another --state file`);
    this.name = 'StateLockedError';
  }
}

export const lockPathOf = (statePath: string): string => `${statePath}.lock`;

/** Whether a process with this pid is running (EPERM: it is, as another user). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const holderOf = (lockPath: string): number => {
  try {
    return Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
  } catch {
    return NaN; // gone meanwhile, or unreadable: not a live holder
  }
};

/** Take the lock on `statePath`, or throw StateLockedError naming the live holder. Returns the release. */
export function lockState(statePath: string): () => void {
  const lockPath = lockPathOf(statePath);
  if (held.has(lockPath)) throw new StateLockedError(statePath, process.pid);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx'); // atomic: exactly one creator wins
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      held.add(lockPath);
      return () => {
        held.delete(lockPath);
        if (holderOf(lockPath) === process.pid) {
          try {
            unlinkSync(lockPath);
          } catch {
            // already gone: nothing to release
          }
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = holderOf(lockPath);
    if (isAlive(pid) && pid !== process.pid) throw new StateLockedError(statePath, pid);
    // Stale (its process is gone, or it is ours from a service that was never closed): move it
    // aside atomically, so that of two starters taking it over only one removes it.
    const aside = `${lockPath}.stale-${process.pid}`;
    try {
      renameSync(lockPath, aside);
      const moved = holderOf(aside);
      unlinkSync(aside);
      // Another starter replaced the stale lock between our read and our rename: that one is live.
      if (moved !== pid && isAlive(moved) && moved !== process.pid) throw new StateLockedError(statePath, moved);
    } catch (e) {
      if (e instanceof StateLockedError) throw e;
      // ENOENT: someone else moved it first; try again
    }
  }
  throw new Error(`${statePath}: could not take its lock (${lockPath})`);
}
