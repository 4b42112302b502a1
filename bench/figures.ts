/**
 * The bench's record: every part returns figures (a value, the baseline it is compared with in
 * the same run, and the target its ratio or value must meet); `npm run bench` prints them as one
 * table and writes them, with the machine they were measured on, to bench/results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from './start-command.js';

export interface Target {
  /** What is compared: the value itself, the value divided by the baseline, or the value minus the baseline. */
  on: 'value' | 'ratio' | 'difference';
  op: '<=' | '>=';
  limit: number;
}

export interface Figure {
  /** What was measured, as a reader says it: "npm start to first answer". */
  name: string;
  value: number;
  unit: string;
  /** The figure it is compared with, measured in the same run. */
  baseline?: { name: string; value: number };
  target?: Target;
  /** Anything the reader needs to read the figure right. */
  note?: string;
}

export interface Judged extends Figure {
  ratio?: number;
  met?: boolean;
}

export function judge(f: Figure): Judged {
  const ratio = f.baseline && f.baseline.value > 0 ? f.value / f.baseline.value : undefined;
  if (!f.target) return { ...f, ...(ratio !== undefined ? { ratio } : {}) };
  const x = f.target.on === 'ratio' ? ratio : f.target.on === 'difference' ? (f.baseline ? f.value - f.baseline.value : undefined) : f.value;
  const met = x !== undefined && Number.isFinite(x) && (f.target.op === '<=' ? x <= f.target.limit : x >= f.target.limit);
  return { ...f, ...(ratio !== undefined ? { ratio } : {}), met };
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

export function table(figures: readonly Judged[]): string {
  const rows = figures.map((f) => [
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.baseline ? `${f.baseline.name} ${fmt(f.baseline.value)} ${f.unit}` : '',
    f.ratio !== undefined ? `${f.ratio.toFixed(2)}x` : '',
    f.target ? `${f.target.on === 'difference' ? 'value - baseline' : f.target.on} ${f.target.op} ${f.target.limit}` : '(info)',
    f.met === undefined ? '' : f.met ? 'met' : 'NOT MET',
  ]);
  const head = ['figure', 'value', 'baseline (same run)', 'ratio', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

/** A process's resident set in MB (Linux /proc, else ps). */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: ask ps
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export function machine() {
  return { cores: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform}-${process.arch}` };
}

/** Where a run of some parts only (BENCH_PARTS) writes its figures: not the record, and not committed. */
export const partialRecordPath = join(packageRoot, 'bench', 'results', 'partial.json');

/** Write the record: bench/results/latest.json (figures, ratios, targets, the machine). */
export function writeRecord(figures: readonly Judged[], file = join(packageRoot, 'bench', 'results', 'latest.json')): string {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), figures }, null, 2)}\n`);
  return file;
}
