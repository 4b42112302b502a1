/**
 * The coverage table: each operation's declared statuses, whether the run provoked each
 * one, and which rules an assertion judged on those answers. A status only a stub's
 * control header provokes (429, 5xx) is listed but not required of other servers.
 */
import { operations } from '../spec/index.js';
import type { Exchange } from './http/exchange.js';
import type { CoverageRow, Profile } from './report.js';

const key = (op: string, status: number) => `${op} ${status}`;

/** Statuses a client cannot provoke through the API itself (only the stub's control headers can). */
export const controlOnly = (status: number) => status === 429 || status >= 500;

export class CoverageLog {
  private readonly cells = new Map<string, { answers: number; rules: Set<string> }>();

  private cell(ex: Exchange) {
    if (!ex.operationId || !ex.response) return undefined;
    const k = key(ex.operationId, ex.response.status);
    let c = this.cells.get(k);
    if (!c) this.cells.set(k, (c = { answers: 0, rules: new Set() }));
    return c;
  }

  answered(ex: Exchange): void {
    const c = this.cell(ex);
    if (c) c.answers++;
  }

  /** An assertion about `ruleId` held or failed on this answer. */
  judged(ex: Exchange, ruleId: string): void {
    this.cell(ex)?.rules.add(ruleId);
  }

  /** Whether any answer of the run had one of these statuses (of any operation). */
  answeredAny(statuses: readonly number[]): boolean {
    return [...this.cells].some(([k, c]) => c.answers > 0 && statuses.includes(Number(k.split(' ')[1])));
  }

  rows(profile: Profile): CoverageRow[] {
    return operations.flatMap((op) =>
      [...op.responses.keys()].sort((a, b) => a - b).map((status) => {
        const c = this.cells.get(key(op.operationId, status));
        const required = profile === 'full' && !controlOnly(status);
        const why = c?.answers
          ? undefined
          : controlOnly(status)
            ? 'only a control header of the stub provokes it (Vaero-Mock-Status); not required of other servers'
            : profile === 'core'
              ? 'not provoked by the core profile (it needs server state: run --profile full)'
              : 'no request of the run provoked it';
        return { operationId: op.operationId, status, answers: c?.answers ?? 0, rules: [...(c?.rules ?? [])].sort(), ...(why ? { why } : {}), required };
      }),
    );
  }
}
