/**
 * orval as a frontend team configures it: a fetch client and MSW mocks (faker) from the contract.
 * CommonJS because orval 7.13 reads an ESM config's namespace, not its default export.
 * clients/test/orval.test.ts points the paths at a temp folder and the base URL at a test stub.
 */
module.exports = {
  vaero: {
    input: { target: process.env.VAERO_SPEC ?? '../../spec/openapi.yaml' },
    output: {
      target: process.env.VAERO_ORVAL_OUT ?? './generated/vaero.ts',
      mode: 'split', // vaero.ts (client), vaero.schemas.ts (types), vaero.msw.ts (mocks)
      client: 'fetch',
      mock: true,
      baseUrl: process.env.VAERO_BASE_URL ?? 'http://127.0.0.1:8080/v1',
    },
  },
};
