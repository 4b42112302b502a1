/**
 * The stub's sequence of the request core behind CORS (and, on its server, the admin
 * endpoints): who calls, the route, the organization, latency, the steering headers, the
 * body's checks, then the service's state. One list for the stub's Node handler and the MSW
 * handlers, so the two cannot drift apart.
 */
import type { StubService } from '../stub/service/service.js';
import type { Finisher, Step } from './exchange.js';
import { input } from './steps/input.js';
import { latency } from './steps/latency.js';
import { mockFail } from './steps/mock-fail.js';
import { caller, organization } from './steps/organization.js';
import { recordRequest } from './steps/request-entry.js';
import { route } from './steps/route.js';
import { state } from './steps/state.js';
import { simulate, steering } from './steps/steering.js';

export const stubApiSteps = (service: StubService): Step[] => [caller(service), route, organization(service), latency(service), steering, simulate, mockFail, input(), state(service)];

/** What the stub does after every answer: the organization's request log. */
export const stubFinishers = (service: StubService): Finisher[] => [recordRequest(service)];
