/** Steps 1-2 of the spec's order of checks: the route (404), then the bearer token (401). */
import { checkHeadWith } from '../../http/gate-pipeline.js';
import { rejection, type Answer, type Step } from '../exchange.js';

export const route: Step = (x): Answer | undefined => {
  const checked = checkHeadWith(x.reader);
  if (!checked.ok) {
    x.operation = checked.operation;
    return rejection(checked.violation);
  }
  x.head = checked.head;
  x.operation = checked.head.operation;
  return undefined;
};
