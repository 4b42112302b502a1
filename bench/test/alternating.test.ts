import { describe, expect, it } from 'vitest';
import { alternate } from '../alternating.js';

describe('alternate (the bench\'s A/B rounds)', () => {
  it('runs each side once a round, in ABBA order, and returns each side in round order', async () => {
    const calls: string[] = [];
    const rounds = await alternate(
      4,
      async (r) => (calls.push(`a${r}`), `a${r}`),
      async (r) => (calls.push(`b${r}`), `b${r}`),
    );
    expect(calls).toEqual(['a0', 'b0', 'b1', 'a1', 'a2', 'b2', 'b3', 'a3']);
    expect(rounds).toEqual({ a: ['a0', 'a1', 'a2', 'a3'], b: ['b0', 'b1', 'b2', 'b3'] });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s rounds (a bench with no round would judge nothing)', async (n) => {
    await expect(alternate(n, async () => 1, async () => 2)).rejects.toThrow(/rounds must be a whole number >= 1/);
  });
});
