/**
 * What the traffic tools print and write: one human line per violation (side, rule, where,
 * what), a closing summary, and the same JSON/JUnit/HTML reports as `vaero test` (the
 * suite's own writers). Bytes that came from a client or a server are data: control and
 * bidi characters are shown escaped, never sent raw to a terminal.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { escapeUnsafe } from '../contract-tests/escape.js';
import { toHtml } from '../contract-tests/reports/html.js';
import { toJson } from '../contract-tests/reports/json.js';
import { toJUnit } from '../contract-tests/reports/junit.js';
import type { Report } from '../contract-tests/report.js';
import type { ExchangeJudgement } from './judge.js';
import type { Finding } from './message.js';

/** A line for a terminal: the suite's escaping of a server's bytes (contract-tests/escape.ts), and no line break inside. */
export function escapeText(s: string): string {
  return escapeUnsafe(s).replace(/\n/g, '\\n');
}

/** The path the client sent (with the base path), when the URL is known; else the path under the base URL. */
function pathAsSent(url: string, path: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return path;
  }
}

function clock(d: Date): string {
  return d.toISOString().slice(11, 23);
}

/** `09:25:53.497 server job.echo POST /v1/fine_tuning/jobs -> 200 at /training_files: training_files is …` */
export function findingLine(j: ExchangeJudgement, f: Finding, at: Date = new Date()): string {
  const ex = j.exchange;
  const where = [
    `${ex.request.method} ${pathAsSent(ex.request.url, ex.request.path)}`,
    ex.response ? `-> ${ex.response.status}` : `-> ${ex.error ?? 'no answer'}`,
    j.deliveredStatus !== undefined ? `(client got ${j.deliveredStatus})` : '',
    f.param !== undefined ? `param=${f.param === null ? 'null' : f.param}` : '',
    f.instancePath ? `at ${f.instancePath}` : '',
  ].filter(Boolean);
  return escapeText(`${clock(at)} ${f.side} ${f.ruleId} ${where.join(' ')}: ${f.message}`);
}

export interface ReportFiles {
  json?: string;
  junit?: string;
  html?: string;
}

function write(path: string, text: string): void {
  const abs = resolve(path);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}

export function writeReports(report: Report, files: ReportFiles): void {
  if (files.json) write(files.json, toJson(report));
  if (files.junit) write(files.junit, toJUnit(report));
  if (files.html) write(files.html, toHtml(report));
}

/** The closing lines: what the traffic showed, per side, and the outcome at the level. */
export function summary(tool: string, report: Report): string {
  const t = report.traffic;
  const broken = report.rules.filter((r) => r.verdict === 'broken');
  const lines = [
    `${tool}: ${t?.exchanges ?? 0} exchanges judged${t?.outsideBase ? `, ${t.outsideBase} outside ${report.baseUrl} left out` : ''} · level ${report.level ?? 'contract'} · ${t?.findings.client ?? 0} client and ${t?.findings.server ?? 0} server findings${t?.replaced ? ` · ${t.replaced} answer${t.replaced === 1 ? '' : 's'} replaced with a 502 (--strict)` : ''}`,
    ...broken.map((r) => {
      const sides = [...new Set(report.checks.flatMap((c) => c.failures.filter((f) => f.ruleId === r.id).map((f) => (c.id === 'traffic-client' ? 'client' : 'server'))))];
      return `  ${r.severity === 'error' ? 'BROKEN' : 'WARN'} ${r.id} (${sides.join(', ')}; ${r.source}): ${r.failures} time${r.failures === 1 ? '' : 's'}`;
    }),
    `${report.summary.brokenRules.length ? 'VIOLATIONS' : 'CLEAN'}: rules ${report.summary.rules.held} held, ${report.summary.rules.broken} broken (${report.summary.warnedRules.length} of them warnings), ${report.summary.rules['not-judged']} not judged · coverage ${report.coverage.filter((c) => c.answers).length}/${report.coverage.length} declared statuses seen`,
  ];
  return lines.map(escapeText).join('\n') + '\n';
}
