/**
 * Steps 3-6 of the spec's order of checks, the request gate's body half (mock/http/gate-pipeline.ts):
 * content type and charset, content coding, size, syntax (JSON as UTF-8, multipart), schema.
 */
import { checkBodyWith, type GateOptions } from '../../http/gate-pipeline.js';
import { ABORTED, rejection, type Step } from '../exchange.js';

export function input(options: GateOptions = {}): Step {
  return async (x) => {
    const gate = await checkBodyWith(x.reader, x.head!, options);
    if (gate.ok) return void (x.request = gate.request);
    if ('aborted' in gate) return ABORTED;
    return rejection(gate.violation, gate.close);
  };
}
