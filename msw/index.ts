/**
 * MSW 2 handlers for the Vaero API: the stub's own stateful service (mock/stub/service) behind
 * the stub's own sequence of the request core (mock/core: the request gate on Fetch Requests,
 * the steering headers, CORS, the request log), so a browser app or a node/jsdom test gets the stub's behaviour without a server:
 * organizations, uploads, the job lifecycle, cancel, paging, the contract's 4xx with `param`, and
 * the stub's admin endpoints (/__vaero/*) at the origin of the base URL.
 *
 *   import { setupServer } from 'msw/node';        // or setupWorker from 'msw/browser'
 *   import { createVaeroHandlers } from 'vaero-contract/msw';
 *   const vaero = createVaeroHandlers({ baseUrl: 'https://vaeroapi.com/v1' });
 *   const server = setupServer(...vaero.handlers);
 *   const steer = vaero.control('my-token');        // reset, seedJob, advance, latency, requests…
 *
 * Nothing here reads files or uses Node's APIs: the browser build (dist/msw/browser.js, made by
 * msw/build.ts) bundles it with the spec's document.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { basePath } from '../spec/index.js';
import { fetchReader } from '../mock/http/fetch-gate.js';
import { newRequestId } from '../mock/http/request-id.js';
import { createService, type ServiceOptions, type StubService } from '../mock/stub/service/service.js';
import { newExchange } from '../mock/core/exchange.js';
import { composeRespond, render, type Respond } from '../mock/core/respond.js';
import { errorBody } from '../mock/errors/answer-policy.js';
import { cors } from '../mock/core/steps/cors.js';
import { stubApiSteps, stubFinishers } from '../mock/core/stub-sequence.js';
import { admin } from '../mock/stub/http/admin.js';
import { ADMIN_PREFIX } from '../mock/stub/http/headers.js';
import { inProcessSteering } from './steering.js';
import type { StubSteering } from '../mock/stub/control-client.js';

export type { StubSteering } from '../mock/stub/control-client.js';
export { ManualClock, realClock, type LifecycleClock } from '../mock/stub/service/clock.js';

export interface VaeroHandlersOptions extends Omit<ServiceOptions, 'statePath'> {
  /**
   * The base URL your app calls, as an SDK's baseURL (default `${basePath}`, i.e. /v1 on the
   * page's own origin in a browser). Any origin and path prefix works: what follows it is
   * matched against the spec's paths.
   */
  baseUrl?: string;
  /** An existing service to answer from (default: a new one, in memory). */
  service?: StubService;
}

export interface VaeroHandlers {
  /** Pass to setupServer / setupWorker. */
  handlers: HttpHandler[];
  /** The service behind them (its state, its clock). */
  service: StubService;
  /** The steering a test has over one organization (the same as the stub's createStubControl), in-process. */
  control(token: string): StubSteering;
}

export function createVaeroHandlers(options: VaeroHandlersOptions = {}): VaeroHandlers {
  const service = options.service ?? createService(options);
  const baseUrl = (options.baseUrl ?? basePath).replace(/\/+$/, '');
  // The path the app's base URL has (e.g. /v1, or /api/vaero/v1): it stands for the spec's base path.
  const mountPath = baseUrl.startsWith('/') ? baseUrl : new URL(baseUrl).pathname.replace(/\/+$/, '');

  // The stub's sequence of the request core (mock/core).
  const respond = composeRespond(
    [cors(), ...stubApiSteps(service)],
    stubFinishers(service),
  );
  // The stub's admin endpoints, at the origin of the base URL as the stub serves them, so the same
  // steering code (createStubControl, or plain HTTP) works against `npm start` and under MSW.
  const respondAdmin = composeRespond([cors(), admin(service)]);
  const adminUrl = `${baseUrl.startsWith('/') ? '' : new URL(baseUrl).origin}${ADMIN_PREFIX}*`;

  const resolve = async (request: Request, sequence: Respond, mount: string): Promise<Response> => {
    const x = newExchange(fetchReader(request, mount), newRequestId(), performance.now());
    let a = await sequence(x);
    // A Fetch body has no connection behind it: a body that could not be read is a 400 to the app.
    if (a.aborted) a = render(x, { status: 400, body: errorBody({ status: 400, param: null, code: 'aborted', message: 'The request body could not be read' }) });
    const payload = request.method === 'HEAD' ? null : (a.payload as string | Uint8Array<ArrayBuffer> | null);
    return new HttpResponse(payload, { status: a.status, headers: a.rendered });
  };

  return {
    service,
    // The admin handler first: with a base URL without a path, the API's handler would match /__vaero/ too.
    // Its reader mounts nothing there (/__vaero/ is outside any base path), so the admin step sees its own path.
    handlers: [http.all(adminUrl, ({ request }) => resolve(request, respondAdmin, basePath)), http.all(`${baseUrl}/*`, ({ request }) => resolve(request, respond, mountPath))],
    control: (token) => inProcessSteering(service, token),
  };
}
