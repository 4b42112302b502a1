/**
 * Whose request this is (the stub and the MSW handlers: each accepted token is its own
 * organization). `caller`: read before the route, so that even a request for an unknown route
 * is written to its organization's request log. `organization`: after the route and the bearer
 * token, a token this server does not accept (--tokens) is a 401.
 */
import { readBearer } from '../../http/bearer.js';
import type { StubService } from '../../stub/service/service.js';
import { rejection, type Answer, type Step } from '../exchange.js';

export function caller(service: StubService): Step {
  return (x) => {
    const bearer = readBearer(x.reader.header('authorization'));
    if ('token' in bearer) {
      const known = service.authenticate(bearer.token);
      if (known.ok) x.caller = known.value;
    }
    return undefined;
  };
}

export function organization(service: StubService): Step {
  return (x): Answer | undefined => {
    // The caller's organization, when `caller` found one: the same token, already accepted.
    if (x.caller !== undefined) return void (x.org = x.caller);
    const org = service.authenticate(x.head!.token);
    if (!org.ok) return rejection(org.error);
    x.org = org.value;
    return undefined;
  };
}
