/**
 * The steering of createStubControl (mock/stub/control-client.ts), in-process: the same
 * interface, calling the service's control directly (the MSW handlers have no server to
 * send admin requests to). A refused call throws the same StubControlError.
 */
import { errorBody } from '../mock/errors/answer-policy.js';
import { StubControlError, type StubSteering } from '../mock/stub/control-client.js';
import type { Result } from '../mock/stub/service/result.js';
import type { StubService } from '../mock/stub/service/service.js';
import { mockFailure } from '../mock/stub/service/dispatch.js';

function valueOf<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new StubControlError(r.error.status, errorBody(r.error).error);
}

export function inProcessSteering(service: StubService, token: string): StubSteering {
  const org = () => valueOf(service.authenticate(token));
  const c = service.control;
  return {
    reset: async () => void valueOf(c.reset(org())),
    seedJob: async (seed) => valueOf(c.seedJob(org(), seed)),
    seedFile: async (seed) => valueOf(c.seedFile(org(), seed)),
    advance: async (ms) => void valueOf(c.advance(org(), ms)),
    setLatency: async (ms, operations) => void valueOf(c.setLatency(org(), operations ? { ms, operations } : { ms })),
    failNext: async (failure = {}) => valueOf(c.failNext(org(), mockFailure(failure.code ?? 'training_failed', failure.message))) as NonNullable<ReturnType<typeof mockFailure>>,
    disarmFailNext: async () => void valueOf(c.failNext(org(), null)),
    requests: async () => c.requests.entries(org()),
  };
}
