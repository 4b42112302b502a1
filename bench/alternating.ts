/**
 * Two measurements taken in turn, round after round, in the same run: A then B, then B then A,
 * and so on, so that the shared machine's drift (another process starting, a warmer cache)
 * weighs on both alike. One short run of each is noise; the medians of several rounds are not.
 */
export interface Rounds<T> {
  a: T[];
  b: T[];
}

export async function alternate<T>(rounds: number, a: (round: number) => Promise<T>, b: (round: number) => Promise<T>): Promise<Rounds<T>> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`bench: rounds must be a whole number >= 1, not ${rounds}`);
  const out: Rounds<T> = { a: [], b: [] };
  for (let round = 0; round < rounds; round++) {
    // ABBA order: neither side always goes first.
    if (round % 2 === 0) {
      out.a.push(await a(round));
      out.b.push(await b(round));
    } else {
      out.b.push(await b(round));
      out.a.push(await a(round));
    }
  }
  return out;
}
