/** The files part (service/files.ts) on its own: what counts as text, what is journaled, what a delete frees. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../service/clock.js';
import { createFileOperations, uploadedText } from '../service/files.js';
import type { JournalRecord } from '../service/journal-records.js';
import { createStore } from '../service/store.js';

const enc = new TextEncoder();

describe('files', () => {
  it('an upload is text: not empty, valid UTF-8, no NUL (each refusal names the file)', () => {
    expect(uploadedText(enc.encode('héllo\n'))).toEqual({ ok: true, value: 'héllo\n' });
    for (const bad of [new Uint8Array(), new Uint8Array([0xff, 0xfe]), enc.encode('a\u0000b')]) {
      const r = uploadedText(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ status: 400, param: 'file', code: 'invalid_file_format' });
    }
  });

  it('an upload and a delete each journal one record; a deleted file is gone and keeps no text; a sample cannot be deleted', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1), 0);
    const store = createStore(clock);
    const journal: JournalRecord[] = [];
    const idle: string[] = [];
    const files = createFileOperations(store, () => clock.now(), (r) => journal.push(r), (org) => idle.push(org));
    const up = files.uploadFile('org', { filename: 'a.txt', purpose: 'fine-tune', content: enc.encode('x'.repeat(1000)) });
    if (!up.ok) throw new Error('upload refused');
    expect(up.value).toMatchObject({ object: 'file', bytes: 1000, filename: 'a.txt' });
    expect(files.deleteFile('org', up.value.id)).toEqual({ ok: true, value: { id: up.value.id, object: 'file', deleted: true } });
    expect(journal.map((r) => r.op)).toEqual(['file', 'delete-file']);
    expect(idle, 'the organization may hold nothing now').toEqual(['org']);
    expect(files.retrieveFile('org', up.value.id).ok).toBe(false);
    expect(store.orgView('org').files.find((f) => f.id === up.value.id)?.content).toBe('');
    const sample = files.deleteFile('org', 'file-abc123');
    expect(!sample.ok && sample.error.status).toBe(403);
    expect(journal).toHaveLength(2);
  });
});
