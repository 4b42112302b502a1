/**
 * The request budget (--max-requests) shared by checks that overlap, cut where a run of one
 * check after another would cut it. A check that overlaps the next ones first holds back the
 * most it may still send; the others may use only what is left, and when they need more they
 * wait for it to end, when what it really sent is known. So the same seed and budget stop
 * the same checks at the same request, whatever the interleaving.
 */
import type { HttpClient } from './http/client.js';

export class BudgetHolds {
  /** Check id -> requests it may still send. */
  private readonly held = new Map<string, number>();
  private readonly ends = new Map<string, Promise<void>>();

  constructor(private readonly client: Pick<HttpClient, 'used' | 'maxRequests'>) {}

  private total(): number {
    let n = 0;
    for (const v of this.held.values()) n += v;
    return n;
  }

  /** Hold back `n` requests for check `id` until `ended` settles; false when the budget cannot spare them. */
  hold(id: string, n: number, ended: Promise<unknown>): boolean {
    if (this.client.used + this.total() + n > this.client.maxRequests) return false;
    this.held.set(id, n);
    const release = () => {
      this.held.delete(id);
      this.ends.delete(id);
    };
    this.ends.set(id, ended.then(release, release));
    return true;
  }

  /** Check `id` is about to send one of the requests it held back. */
  spend(id: string): void {
    const left = this.held.get(id);
    if (left !== undefined) this.held.set(id, Math.max(0, left - 1));
  }

  /** Resolves when a check holding nothing may send: at once unless the held requests fill the budget. */
  async room(): Promise<void> {
    while (this.ends.size && this.client.used + this.total() >= this.client.maxRequests) await Promise.race(this.ends.values());
  }
}
