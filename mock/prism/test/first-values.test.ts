/** The front forwards a repeated query parameter or multipart part to Prism with its first value only. */
import { describe, expect, it } from 'vitest';
import { firstParts, firstQueryValues } from '../first-values.js';

async function encoded(parts: [string, string | Blob, string?][]): Promise<{ body: Uint8Array; contentType: string }> {
  const form = new FormData();
  for (const [name, value, filename] of parts) (typeof value === 'string' ? form.append(name, value) : form.append(name, value, filename));
  const req = new Request('http://x.invalid/', { method: 'POST', body: form });
  return { body: new Uint8Array(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

async function fieldsOf(body: Uint8Array, contentType: string): Promise<[string, string][]> {
  const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  return Promise.all([...form.entries()].map(async ([k, v]): Promise<[string, string]> => [k, typeof v === 'string' ? v : await v.text()]));
}

describe('firstQueryValues', () => {
  it('keeps the first value of each parameter, in order, and leaves the rest as sent', () => {
    expect(firstQueryValues('?limit=1&after=a&limit=0')).toBe('?limit=1&after=a');
    expect(firstQueryValues('?li%6Dit=5&limit=50&x')).toBe('?li%6Dit=5&x');
    expect(firstQueryValues('?limit=1')).toBe('?limit=1');
    expect(firstQueryValues('')).toBe('');
  });
});

describe('firstParts', () => {
  it('drops a repeated part, file parts included, keeping the kept parts byte for byte', async () => {
    const { body, contentType } = await encoded([
      ['purpose', 'fine-tune'],
      ['purpose', 'assistants'],
      ['file', new Blob(['first\n']), 'a.txt'],
      ['file', new Blob([new Uint8Array([0, 1, 2])]), 'b.png'],
    ]);
    const out = firstParts(body, contentType);
    expect(await fieldsOf(out, contentType)).toEqual([
      ['purpose', 'fine-tune'],
      ['file', 'first\n'],
    ]);
  });

  it('returns a body without repeats, or one it cannot read, as it is', async () => {
    const { body, contentType } = await encoded([['purpose', 'fine-tune']]);
    expect(firstParts(body, contentType)).toBe(body);
    const junk = new TextEncoder().encode('not multipart');
    expect(firstParts(junk, 'multipart/form-data; boundary=x')).toBe(junk);
    expect(firstParts(junk, 'multipart/form-data')).toBe(junk);
  });
});
