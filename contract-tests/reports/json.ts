/** The JSON report: the Report object as is (its shape is documented in contract-tests/report.ts and reports/README.md). */
import type { Report } from '../report.js';
import { escapeUnsafe } from '../escape.js';

export function toJson(report: Report): string {
  // Control and bidi characters from a server as JSON escapes: the same data, nothing raw in the file.
  return escapeUnsafe(JSON.stringify(report, null, 2)) + '\n';
}
