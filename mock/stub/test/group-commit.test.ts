/**
 * Group commit: the changes that arrive while the journal is busy share one write and one
 * fdatasync, and no answer (over HTTP, or from `committed()`) comes before the fdatasync
 * that carries its change. A journal that cannot be written answers 500, never a false 200.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../service/clock.js';
import { nodeIo, type JournalIo } from '../service/journal.js';
import { createService, type StubService } from '../service/service.js';
import { bearer, referenceBody, startTestStub, v1 } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vaero-group-commit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The journal's file operations, counted; once `hold()` is called, each fdatasync waits until `release()`. */
function heldIo() {
  const calls = { append: [] as string[], sync: 0 };
  const held: Array<() => void> = [];
  let holding = false;
  let waiting: (() => void) | undefined;
  const io: Partial<JournalIo> = {
    append: async (fd, text) => {
      calls.append.push(text);
      await nodeIo.append(fd, text);
    },
    sync: async (fd) => {
      calls.sync++;
      if (holding) {
        const go = new Promise<void>((resolve) => held.push(resolve));
        waiting?.();
        await go;
      }
      await nodeIo.sync(fd);
    },
  };
  return {
    io,
    calls,
    hold: () => {
      holding = true;
      calls.append.length = 0;
      calls.sync = 0;
    },
    /** Let the held fdatasyncs finish, and those to come. */
    release: () => {
      holding = false;
      held.splice(0).forEach((go) => go());
    },
    /** Resolves once an fdatasync is being held. */
    syncing: () => new Promise<void>((resolve) => (held.length ? resolve() : (waiting = resolve))),
  };
}
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};
const enc = new TextEncoder();

describe('group commit', () => {
  it('one write and one fdatasync carry every change made meanwhile; committed() resolves only after that fdatasync', async () => {
    const j = heldIo();
    const s: StubService = createService({ statePath: join(dir, 'batch.jsonl'), clock: new ManualClock(Date.now(), 0), journal: { io: j.io } });
    await s.committed(); // the session record's
    j.hold();

    const org = (s.authenticate('t') as { value: string }).value;
    for (let i = 0; i < 10; i++) s.createJob(org, { ...referenceBody, training_files: ['file-abc123'] } as never);
    s.uploadFile(org, { filename: 'f.txt', purpose: 'fine-tune', content: enc.encode('text\n') });
    let durable = false;
    const committed = s.committed()!.then(() => (durable = true));
    await j.syncing(); // the write is done, its fdatasync held
    await turns(3);
    expect(j.calls.append, 'one write of all eleven records').toHaveLength(1);
    expect(j.calls.append[0]!.trimEnd().split('\n')).toHaveLength(11);
    expect(j.calls.sync).toBe(1);
    expect(durable, 'not committed while its fdatasync is held').toBe(false);
    j.release();
    await committed;
    expect(durable).toBe(true);
    expect(j.calls.sync).toBe(1);
    await s.close();
  });

  it('an HTTP answer waits for the fdatasync that carries its change (and a read that saw it waits too)', async () => {
    const j = heldIo();
    const service = createService({ statePath: join(dir, 'http.jsonl'), clock: new ManualClock(Date.now(), 0), journal: { io: j.io } });
    await service.committed();
    j.hold();
    const stub = await startTestStub({ service, clock: service.clock as ManualClock });
    try {
      const syncing = j.syncing();
      let created: { status: number; body: { id: string } } | undefined;
      const create = stub.http.post(v1('/fine_tuning/jobs')).set('authorization', bearer('gc')).send(referenceBody).then((r) => (created = r));
      await syncing;
      // The job is in memory now; a list that sees it must not answer before it is on disk either.
      let listed = false;
      const list = stub.http.get(v1('/fine_tuning/jobs')).set('authorization', bearer('gc')).then((r) => ((listed = true), r));
      await turns(20);
      expect(created, 'no answer before its fdatasync').toBeUndefined();
      expect(listed, 'no read of it before its fdatasync').toBe(false);
      j.release();
      await create;
      expect(created!.status).toBe(200);
      expect((await list).body.data.map((x: { id: string }) => x.id)).toContain(created!.body.id);
      expect(readFileSync(join(dir, 'http.jsonl'), 'utf8')).toContain(created!.body.id);
    } finally {
      j.release();
      await stub.close();
    }
  });

  it('a journal that cannot be written: the change is answered 500 in the envelope, and so is every later change', async () => {
    const failing: Partial<JournalIo> = { sync: async () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })) };
    let first = true;
    const service = createService({
      statePath: join(dir, 'eio.jsonl'),
      clock: new ManualClock(Date.now(), 0),
      // The session record at start is written; the disk fails after.
      journal: { io: { sync: (fd) => (first ? ((first = false), nodeIo.sync(fd)) : failing.sync!(fd)) } },
    });
    await service.committed();
    const stub = await startTestStub({ service, clock: service.clock as ManualClock });
    try {
      const res = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', bearer('eio')).send(referenceBody);
      expect(res.status).toBe(500);
      expect(res.body.error).toMatchObject({ code: 'internal_error' });
      const again = await stub.http.post(v1('/files')).set('authorization', bearer('eio')).field('purpose', 'fine-tune').attach('file', Buffer.from('x\n'), 'x.txt');
      expect(again.status).toBe(500);
    } finally {
      await stub.close();
    }
  });
});
