/**
 * A method and path the spec does not declare is answered 404 in the error envelope
 * (rule request.unknown-route), never 2xx or 5xx. The envelope is judged with the spec
 * module's validator for a declared 404 answer.
 */
import { matchOperation, operation, operations } from '../../spec/index.js';
import { requestFixtures, sharedFileIds } from '../../fixtures/index.js';
import { expectAccepted } from './expectations.js';
import type { Check } from './types.js';

/** Paths and methods no operation declares (checked against the spec before sending). */
const UNDECLARED: readonly [string, string][] = [
  ['get', '/fine_tuning/nonexistent-route'],
  ['delete', '/fine_tuning/jobs'],
  ['post', '/fine_tuning/jobs/ftjob-abc123/pause'],
];

export const unknownRouteIs404: Check = {
  id: 'unknown-route-is-404',
  title: 'A method and path the spec does not declare is answered 404 in the error envelope',
  ruleId: 'request.unknown-route',
  alsoVerifies: ['error.envelope'],
  profiles: ['core', 'full'],
  async run(ctx) {
    const notFound = operation('retrieveFineTuningJob').responses.get(404);
    for (const [method, path] of UNDECLARED) {
      if (matchOperation(method, path)) continue;
      const ex = await ctx.send({ method, path });
      const status = ex.response?.status;
      const envelope = notFound?.validate(ex.response?.json);
      if (status !== 404 || !envelope) {
        ctx.fail({
          message: `${method.toUpperCase()} ${path} was answered ${status ?? ex.error}${envelope ? '' : ' without the error envelope'}`,
          declared: { status: 404, body: 'the error envelope' },
          received: { status: status ?? null, body: ex.response?.json ?? ex.response?.body.slice(0, 300) },
          exchange: ex,
        });
      } else ctx.pass();
    }
  },
};

/**
 * core: every operation answers a well-formed request with 200 and a valid body (a
 * stateless mock answers its examples). Creates and uploads are covered by the fixture
 * and generated checks; this sends the others, on the ids the fixtures use.
 */
export const everyOperationAnswers: Check = {
  id: 'every-operation-answers',
  title: 'Every operation answers a well-formed request with 200 and a body valid for it',
  ruleId: 'response.schema',
  profiles: ['core'],
  async run(ctx) {
    for (const op of operations) {
      if (op.requestMediaTypes.length) continue;
      const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(requestFixtures.find((f) => f.valid && f.pathParams?.[name])?.pathParams?.[name] ?? sharedFileIds[0]!));
      const ex = await ctx.send({ method: op.method, path });
      expectAccepted(ctx, op.operationId, ex, `${op.operationId} on ${path}`, 'response.schema');
    }
  },
};
