/**
 * One owner per `--state` file: a lock file beside it (`<state>.lock`) holding the owner's
 * pid. A second live process on the same state refuses to start; a lock left by a process
 * that is gone (killed, crashed) is taken over. Two stubs on one journal would each append
 * from their own memory and undo each other's acknowledged changes on the next restart.
 *
 * Why it is safe when several stubs start at once on a stale lock:
 * - A lock file appears whole: the pid is written to a temp file first, then hard-linked to
 *   the lock's name (`link` fails if the name exists, so exactly one creator wins), so nobody
 *   ever reads a half-written lock and takes it for stale.
 * - Only one starter at a time may remove a given stale lock file (its inode): it must first
 *   create a claim named after that inode, the same way. A claim whose creator is gone (it
 *   died mid-takeover) is passed over by claiming the next generation of the name.
 * - Under its claim, the starter reads the lock again and removes it only if it is still that
 *   inode and its holder still gone. A fresh lock (another starter that won meanwhile) is never
 *   removed: its holder is alive, so this starter is refused naming it.
 * The steps are a generator (`takeLock`) so a test can interleave two takeovers step by step.
 */
import { closeSync, fstatSync, linkSync, openSync, readSync, unlinkSync, writeFileSync } from 'node:fs';

/** Paths this process holds (a second service in the same process is refused too). */
const held = new Set<string>();

/** How many times a start goes round (the lock vanished or changed under it) before it gives up. */
const ATTEMPTS = 5;
/** Claim generations passed over (each left by a starter that died mid-takeover) before giving up. */
const CLAIM_GENERATIONS = 100;

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

/** Who takes a lock: its pid, and how it tells a live process (a test injects both). */
export interface Contender {
  pid: number;
  isAlive(pid: number): boolean;
}

const thisProcess: Contender = { pid: process.pid, isAlive };

const code = (e: unknown): string | undefined => (e as NodeJS.ErrnoException).code;

/** A lock (or claim) file as one snapshot: its inode and the pid in it (NaN: none). undefined: no such file. */
function readHolder(path: string): { ino: number; pid: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (code(e) === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const buf = Buffer.alloc(32);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return { ino: fstatSync(fd).ino, pid: Number.parseInt(buf.toString('utf8', 0, n), 10) };
  } finally {
    closeSync(fd);
  }
}

/** Create `path` as a hard link to `whole` (a complete file); false when `path` exists. */
function linkExclusive(whole: string, path: string): boolean {
  try {
    linkSync(whole, path);
    return true;
  } catch (e) {
    if (code(e) === 'EEXIST') return false;
    throw e;
  }
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if (code(e) !== 'ENOENT') throw e;
  }
}

/** A holder that counts: alive, and not the contender itself (its own pid there is a service never closed). */
const liveOther = (me: Contender, pid: number): boolean => pid !== me.pid && me.isAlive(pid);

/**
 * The claim to remove the stale lock whose inode is `ino`: the first generation of its name
 * that can be created, passing over those whose creator is gone. Throws StateLockedError when
 * a live starter holds it (it is taking the lock over). Returns the claim's path.
 */
function* claimTakeover(statePath: string, ino: number, whole: string, me: Contender): Generator<string, string> {
  for (let generation = 0; generation < CLAIM_GENERATIONS; generation++) {
    const claim = `${lockPathOf(statePath)}.takeover-${ino}-${generation}`;
    yield `claim ${generation}`;
    if (linkExclusive(whole, claim)) return claim;
    yield `read claim ${generation}`;
    const claimant = readHolder(claim)?.pid ?? NaN; // gone meanwhile: its takeover is over
    if (liveOther(me, claimant)) throw new StateLockedError(statePath, claimant);
  }
  throw new Error(`${statePath}: could not claim its stale lock (${CLAIM_GENERATIONS} claims left by starters that died)`);
}

/**
 * The steps of taking the lock on `statePath` for `me`, one `yield` before each file
 * operation another starter could race with. Ends holding the lock (the lock file holds
 * `me.pid`), or throws StateLockedError naming a live holder.
 */
export function* takeLock(statePath: string, me: Contender): Generator<string, void> {
  const lockPath = lockPathOf(statePath);
  const whole = `${lockPath}.${me.pid}.tmp`;
  writeFileSync(whole, `${me.pid}\n`);
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      yield 'create';
      if (linkExclusive(whole, lockPath)) return;
      yield 'read';
      const seen = readHolder(lockPath);
      if (!seen) continue; // removed meanwhile: create again
      if (liveOther(me, seen.pid)) throw new StateLockedError(statePath, seen.pid);
      const claim = yield* claimTakeover(statePath, seen.ino, whole, me);
      try {
        yield 'read again';
        const now = readHolder(lockPath);
        // Still the stale file judged above (same inode, holder still gone): remove it. Anything else is left alone.
        if (now && now.ino === seen.ino) {
          if (liveOther(me, now.pid)) throw new StateLockedError(statePath, now.pid); // the inode was reused by a live lock
          yield 'remove';
          unlinkIfThere(lockPath);
        }
      } finally {
        unlinkIfThere(claim);
      }
    }
    throw new Error(`${statePath}: could not take its lock (${lockPath})`);
  } finally {
    unlinkIfThere(whole);
  }
}

/** Take the lock on `statePath`, or throw StateLockedError naming the live holder. Returns the release. */
export function lockState(statePath: string, me: Contender = thisProcess): () => void {
  const lockPath = lockPathOf(statePath);
  if (held.has(lockPath)) throw new StateLockedError(statePath, me.pid);
  const steps = takeLock(statePath, me);
  while (!steps.next().done);
  held.add(lockPath);
  return () => {
    held.delete(lockPath);
    if (readHolder(lockPath)?.pid === me.pid) unlinkIfThere(lockPath);
  };
}
