/** Judging a HAR file: its exchanges under the base URL, in order, through one judge (the rules across exchanges see them all). */
import type { Level } from '../contract-tests/level.js';
import type { Report } from '../contract-tests/report.js';
import { readHar } from './har.js';
import { TrafficJudge } from './judge.js';
import { findingLine } from './output.js';
import { TrafficReport } from './report.js';

export interface JudgeHarOptions {
  baseUrl?: string;
  level: Level;
  stateful?: boolean;
}

/** The report, and one line per violation. Throws NotHar for a file that is not HAR. */
export async function judgeHar(text: string, o: JudgeHarOptions): Promise<{ report: Report; lines: string[] }> {
  const read = readHar(text, o.baseUrl);
  const judge = new TrafficJudge({ stateful: o.stateful ?? true });
  const traffic = new TrafficReport(read.baseUrl || '(no API request found)', 'har');
  for (let i = 0; i < read.outside; i++) traffic.outside();
  const lines: string[] = [];
  for (const ex of read.exchanges) {
    const j = await judge.judge(ex);
    for (const f of j.findings) lines.push(findingLine(j, f));
    traffic.add(j);
  }
  return { report: traffic.report(o.level), lines };
}
