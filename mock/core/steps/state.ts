/** Step 7 for the stub and the MSW handlers: the service's state answers (mock/stub/service/dispatch.ts). */
import { dispatch } from '../../stub/service/dispatch.js';
import type { StubService } from '../../stub/service/service.js';
import { rejection, type Answer, type Step } from '../exchange.js';

export function state(service: StubService): Step {
  return (x) => {
    const result = dispatch(service, x.org!, x.request!, x.failure);
    const answer: Answer = result.ok ? { status: 200, body: result.value } : rejection(result.error);
    // With --state: answered only once the change (or what was read) is on disk (group commit).
    const kept = service.committed();
    return kept ? kept.then(() => answer) : answer;
  };
}
