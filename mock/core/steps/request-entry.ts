/** The organization's request log (GET /__vaero/requests, the MSW control's requests()): one entry per answered request of a known caller. */
import type { StubService } from '../../stub/service/service.js';
import type { Finisher } from '../exchange.js';

export function recordRequest(service: StubService): Finisher {
  return (x, a) => {
    if (x.caller === undefined) return;
    const r = a.log!;
    service.control.requests.record(x.caller, { method: r.method, path: r.url, status: r.status, rule: r.rule, param: r.param, time: new Date().toISOString(), request_id: r.requestId });
  };
}
