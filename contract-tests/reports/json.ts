/** The JSON report: the Report object as is (its shape is documented in contract-tests/report.ts and reports/README.md). */
import type { Report } from '../report.js';

export function toJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
