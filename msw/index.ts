/**
 * MSW 2 handlers for the Vaero API: the stub's own stateful service (mock/stub/service) behind
 * the same request gate (mock/http/gate-pipeline.ts, on Fetch Requests) and the same steering
 * headers, so a browser app or a node/jsdom test gets the stub's behaviour without a server:
 * organizations, uploads, the job lifecycle, cancel, paging, the contract's 4xx with `param`.
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
import { delay, http, HttpResponse, type HttpHandler } from 'msw';
import { basePath, type Operation } from '../spec/index.js';
import { errorBody, type Violation } from '../mock/http/answer-policy.js';
import { checkFetchBody, checkFetchHead, fetchReader } from '../mock/http/fetch-gate.js';
import { EXPOSED_HEADERS, newRequestId, REQUEST_ID_HEADER } from '../mock/http/request-id.js';
import { asksForError, exampleAnswer, readSteering, SIMULATED_RETRY_AFTER } from '../mock/http/steering-headers.js';
import { readBearer } from '../mock/http/bearer.js';
import { dispatch } from '../mock/stub/service/dispatch.js';
import { createService, type ServiceOptions, type StubService } from '../mock/stub/service/service.js';
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

const JSON_TYPE = 'application/json; charset=utf-8';

export function createVaeroHandlers(options: VaeroHandlersOptions = {}): VaeroHandlers {
  const service = options.service ?? createService(options);
  const baseUrl = (options.baseUrl ?? basePath).replace(/\/+$/, '');
  // The path the app's base URL has (e.g. /v1, or /api/vaero/v1): it stands for the spec's base path.
  const mountPath = baseUrl.startsWith('/') ? baseUrl : new URL(baseUrl).pathname.replace(/\/+$/, '');

  const answer = (request: Request, op: Operation | undefined, status: number, body: unknown, org: string | undefined, rejection?: Violation, headers: Record<string, string> = {}): Response => {
    const requestId = newRequestId();
    const text = op?.responses.get(status)?.mediaType.startsWith('text/') && typeof body === 'string';
    const url = new URL(request.url);
    if (org) {
      service.control.requests.record(org, {
        method: request.method,
        path: url.pathname + url.search,
        status,
        rule: rejection?.ruleId ?? null,
        param: rejection?.param ?? null,
        time: new Date().toISOString(),
        request_id: requestId,
      });
    }
    const all = {
      'content-type': text ? `${op!.responses.get(status)!.mediaType}; charset=utf-8` : JSON_TYPE,
      [REQUEST_ID_HEADER]: requestId,
      'access-control-allow-origin': '*',
      'access-control-expose-headers': EXPOSED_HEADERS.join(', '),
      ...headers,
    };
    const payload = request.method === 'HEAD' ? null : text ? (body as string) : JSON.stringify(body);
    return new HttpResponse(payload, { status, headers: all });
  };
  const reject = (request: Request, op: Operation | undefined, v: Violation, org: string | undefined) => answer(request, op, v.status, errorBody(v), org, v);

  const resolve = async (request: Request): Promise<Response> => {
    // Whose request this is, for the organization's request log (even one for an unknown route).
    const caller = readBearer(request.headers.get('authorization') ?? undefined);
    const known = 'token' in caller ? service.authenticate(caller.token) : undefined;
    const logAs = known?.ok ? known.value : undefined;

    // 1. route, 2. auth (the gate), then the token's organization
    const reader = fetchReader(request, mountPath);
    const checked = checkFetchHead(request, reader);
    if (!checked.ok) return reject(request, checked.operation, checked.violation, logAs);
    const head = checked.head;
    const org = service.authenticate(head.token);
    if (!org.ok) return reject(request, head.operation, org.error, logAs);
    const latency = service.control.latencyFor(org.value, head.operation.operationId);
    if (latency) await delay(latency);

    // Steering headers, as the stub and the mock read them.
    const steered = readSteering(Object.fromEntries(request.headers), head.operation);
    if (!steered.ok) return reject(request, head.operation, steered.violation, org.value);
    if (asksForError(steered.steering)) {
      const extra = steered.steering.status === 429 ? { 'retry-after': SIMULATED_RETRY_AFTER } : undefined;
      return answer(request, head.operation, steered.steering.status, exampleAnswer(head.operation, steered.steering), org.value, undefined, extra);
    }

    // 3. content type, 4. size, 5. syntax, 6. schema (the gate), 7. state (the service)
    const gate = await checkFetchBody(request, head, {}, reader);
    if (!gate.ok) {
      if ('aborted' in gate) return answer(request, head.operation, 400, errorBody({ status: 400, param: null, code: 'aborted', message: 'The request body could not be read' }), org.value);
      return reject(request, gate.operation, gate.violation, org.value);
    }
    const result = dispatch(service, org.value, gate.request, (name) => request.headers.get(name) ?? undefined);
    await service.committed(); // a service given with a state file: answer once the change is kept
    if (!result.ok) return reject(request, head.operation, result.error, org.value);
    return answer(request, head.operation, 200, result.value, org.value);
  };

  const pattern = `${baseUrl}/*`;
  return {
    service,
    handlers: [
      // A cross-origin app's preflight: answered as the stub answers it.
      http.options(pattern, ({ request }) =>
        new HttpResponse(null, {
          status: 204,
          headers: {
            'access-control-allow-origin': '*',
            'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
            'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? '*',
            'access-control-max-age': '600',
          },
        }),
      ),
      http.all(pattern, ({ request }) => resolve(request)),
    ],
    control: (token) => inProcessSteering(service, token),
  };
}
