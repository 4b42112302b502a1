/** Latency a test asked for (POST /__vaero/latency, or the MSW control), before anything is answered. */
import type { StubService } from '../../stub/service/service.js';
import type { Step } from '../exchange.js';

const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(resolve, ms, undefined));

export function latency(service: StubService): Step {
  return (x) => {
    const ms = service.control.latencyFor(x.org!, x.head!.operation.operationId);
    return ms ? sleep(ms) : undefined;
  };
}
