/**
 * `npm run bench`: every part of the bench in one run, one table (each figure beside its
 * baseline of the same run and its target), and the record in bench/results/latest.json.
 * BENCH_PARTS=throughput,reads runs some parts only; BENCH_SECONDS sets each load's length.
 */
import { coldStartFigures } from './cold-start.js';
import { judge, machine, partialRecordPath, table, writeRecord, type Figure } from './figures.js';
import { firstAnswerFigures } from './first-answer.js';
import { proxyOverheadFigures } from './proxy-overhead.js';
import { readFigures } from './reads.js';
import { memoryFigures, stateFigures } from './state.js';
import { suiteWallFigures } from './suite-wall.js';
import { throughputFigures } from './throughput.js';

const parts: Record<string, () => Promise<Figure[]>> = {
  throughput: throughputFigures,
  reads: readFigures,
  'cold-start': coldStartFigures,
  'first-answer': firstAnswerFigures,
  proxy: proxyOverheadFigures,
  state: stateFigures,
  memory: memoryFigures,
  suite: suiteWallFigures,
};

const chosen = process.env.BENCH_PARTS?.split(',').map((s) => s.trim()).filter(Boolean) ?? Object.keys(parts);
const unknown = chosen.filter((p) => !parts[p]);
if (unknown.length) {
  console.error(`bench: unknown part(s) ${unknown.join(', ')}; parts: ${Object.keys(parts).join(', ')}`);
  process.exit(2);
}
const t0 = performance.now();
const figures = [];
for (const name of chosen) {
  process.stderr.write(`\n== ${name}\n`);
  figures.push(...(await parts[name]!()).map(judge));
}
const m = machine();
console.log(`\nvaero-contract bench: ${m.cores} cores (${m.cpu}), Node ${m.node}, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
console.log(table(figures));
const missed = figures.filter((f) => f.met === false);
console.log(`\n${figures.filter((f) => f.met).length} targets met, ${missed.length} not met${missed.length ? `: ${missed.map((f) => f.name).join('; ')}` : ''}`);
// Only a run of every part is the record; a run of some parts writes beside it.
console.log(`record: ${writeRecord(figures, process.env.BENCH_PARTS ? partialRecordPath : undefined)}`);
