/**
 * The judge shares only the contract's data with what it judges: no module of the suite
 * (contract-tests/, its tests aside) imports, directly or through another module, the
 * servers' code (mock/**: the request gate, the answer policy, the stub, the Prism front).
 * It may reach spec/ (data, types, validators) and fixtures/ (labelled cases), nothing else
 * of this repository. Imports are read with TypeScript's own pre-processor.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The same walk the stub's layer test uses (a test helper: the suite's own modules still import nothing of mock/).
import { reachable, root, sourcesUnder } from '../../mock/stub/test/import-graph.js';

describe('the judge imports nothing of the judged', () => {
  const graph = reachable(sourcesUnder(join(root, 'contract-tests'))).files;

  it('reads a real graph: the suite reaches the spec module and the fixtures', () => {
    const files = [...graph.keys()];
    expect(files).toContain('contract-tests/runner.ts');
    expect(files).toContain('contract-tests/checks/generated.ts');
    expect(files).toContain('spec/index.ts');
    expect(files).toContain('fixtures/index.ts');
  });

  it('no module of the suite reaches mock/ (the servers and their answer policy), directly or transitively', () => {
    const intoServers = [...graph.entries()].filter(([f]) => f.startsWith('mock/')).map(([, chain]) => chain.join(' -> '));
    expect(intoServers).toEqual([]);
  });

  it('what it reaches outside contract-tests/ is spec/ and fixtures/ only', () => {
    const outside = [...graph.keys()].filter((f) => !/^(contract-tests|spec|fixtures)\//.test(f));
    expect(outside).toEqual([]);
  });

  it('would see a violation: the same walk from the stub reaches the answer policy', () => {
    const fromStub = [...reachable([join(root, 'mock/stub/index.ts')]).files.keys()];
    expect(fromStub).toContain('mock/errors/answer-policy.ts');
  });
});

/**
 * The tools that judge traffic (traffic/: the judge of one exchange; proxy/, matchers/ and
 * `vaero judge`: its users) are the judge too: the same rule, no path into the servers
 * (mock/) or the MSW handlers built on them (msw/).
 */
describe('the traffic tools import nothing of the judged', () => {
  for (const dir of ['traffic', 'proxy', 'matchers']) {
    const graph = reachable(sourcesUnder(join(root, dir))).files;

    it(`${dir}/ reaches the judge's own code (spec/ and the suite's checks)`, () => {
      const files = [...graph.keys()];
      expect(files).toContain('spec/index.ts');
      expect(files).toContain('traffic/judge.ts');
      expect(files).toContain('contract-tests/checks/conformance.ts');
    });

    it(`no module of ${dir}/ reaches mock/ or msw/, directly or transitively`, () => {
      const intoServers = [...graph.entries()].filter(([f]) => /^(mock|msw)\//.test(f)).map(([, chain]) => chain.join(' -> '));
      expect(intoServers).toEqual([]);
    });

    // cors/ is the browser-origin policy every server we ship answers with (no contract in it): the proxy answers CORS as the stub does.
    it(`what ${dir}/ reaches is the judge (spec/, fixtures/, contract-tests/, traffic/), cors/ and itself`, () => {
      const outside = [...graph.keys()].filter((f) => !new RegExp(`^(contract-tests|spec|fixtures|traffic|cors|${dir})/`).test(f));
      expect(outside).toEqual([]);
    });
  }
});
