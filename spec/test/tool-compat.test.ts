/**
 * What the spec does so that tools read it right (each tool is run in clients/test/): every path
 * parameter has a parameter-level `example` (Dredd and other 3.0-era tools read no 3.1 schema
 * `examples`), valid against its schema; every `const` has a `type` beside it (orval types a bare
 * `const` as `{}`, a boolean one as a string).
 */
import { describe, expect, it } from 'vitest';
import { document } from '../index.js';

type Node = Record<string, unknown>;

function walk(node: unknown, path: string, visit: (n: Node, path: string) => void): void {
  if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${path}/${i}`, visit));
  if (typeof node !== 'object' || node === null) return;
  visit(node as Node, path);
  for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`, visit);
}

describe('the spec reads right in 3.0-era tools', () => {
  it('every path parameter has a parameter-level example matching its schema', () => {
    const params: { where: string; example: unknown; pattern?: string }[] = [];
    walk(document, '#', (n, where) => {
      if (n.in === 'path' && typeof n.name === 'string') params.push({ where, example: n.example, pattern: (n.schema as Node | undefined)?.pattern as string | undefined });
    });
    expect(params.length).toBeGreaterThan(0);
    for (const p of params) {
      expect(typeof p.example, p.where).toBe('string');
      if (p.pattern) expect(p.example, p.where).toMatch(new RegExp(p.pattern));
    }
  });

  it('every const has its type beside it', () => {
    const bare: string[] = [];
    let consts = 0;
    walk(document, '#', (n, where) => {
      if (!('const' in n)) return;
      consts++;
      const type = n.type;
      const want = n.const === null ? 'null' : typeof n.const === 'number' ? (Number.isInteger(n.const) ? 'integer' : 'number') : typeof n.const;
      if (type !== want && !(want === 'integer' && type === 'number')) bare.push(`${where}: const ${JSON.stringify(n.const)} with type ${JSON.stringify(type)}`);
    });
    expect(consts).toBeGreaterThan(10);
    expect(bare).toEqual([]);
  });
});
