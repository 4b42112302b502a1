/**
 * The order `npm test` starts its files in, so the slow tiers overlap instead of queueing:
 * files are sorted into tiers by what they drive (Chromium, spawned processes, generated
 * clients, the broken servers of contract-tests), each tier keeps vitest's own order (the
 * longest first once vitest has timed a run; the largest file first on a fresh clone), and
 * the tiers are dealt out in turn. With three workers, the first three files are the heaviest
 * of three different tiers, and two files of one tier (two Chromiums, say) seldom run at once.
 */
import { readFileSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Tiers in the order they are dealt; a file joins the first whose test matches its path and source. */
const TIERS: Array<[name: string, test: (path: string, source: string) => boolean]> = [
  ['broken servers', (p, s) => /contract-tests\/test\//.test(p) && /from '\.\/mutants\//.test(s) && !/playwright-core/.test(s)],
  ['chromium', (_p, s) => /playwright-core/.test(s)],
  ['processes', (_p, s) => /node:child_process|\bspawn\(|execFile/.test(s)],
  ['generated clients', (p) => /(^|\/)clients\//.test(p)],
  ['in-process', () => true],
];

function tierOf(spec: TestSpecification): number {
  let source = '';
  try {
    source = readFileSync(spec.moduleId, 'utf8');
  } catch {}
  return TIERS.findIndex(([, test]) => test(spec.moduleId, source));
}

/**
 * The longest file (every mutant of the catalogue judged by a full suite run), first of its
 * tier even on a fresh clone, where vitest has no timings yet and would order by size.
 */
const LONGEST = /contract-tests\/test\/proof-of-power\.test\.ts$/;

export class TierSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const tiers: TestSpecification[][] = TIERS.map(() => []);
    const sorted = await super.sort(files);
    for (const spec of [...sorted.filter((s) => LONGEST.test(s.moduleId)), ...sorted.filter((s) => !LONGEST.test(s.moduleId))]) tiers[tierOf(spec)]!.push(spec);
    const dealt: TestSpecification[] = [];
    while (tiers.some((t) => t.length)) for (const t of tiers) if (t.length) dealt.push(t.shift()!);
    return dealt;
  }
}
