/**
 * What `vaero stub` (and `npm start`) loads to start: the stub command and the server it starts
 * reach no Express. The server listens with the stub's handler on node:http (the request core
 * routes); Express, with body-parser, send and their mime tables, was a third of the cold start.
 * `createApp` (the Express adapter) stays for those who mount the stub in an Express app.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reachable, root } from './import-graph.js';

/** Express and the packages only Express brings. */
const EXPRESS = /^(express|body-parser|send|serve-static|router|finalhandler)(\/|$)/;

const expressChains = (entry: string) =>
  [...reachable([join(root, entry)]).packages.entries()].filter(([p]) => EXPRESS.test(p)).map(([, chain]) => chain.join(' -> '));

describe("the stub's start loads no Express", () => {
  it('the stub command (its dynamic imports included) and the server reach no Express', () => {
    expect(expressChains('mock/stub/cli.ts')).toEqual([]);
    expect(expressChains('mock/stub/server.ts')).toEqual([]);
  });

  it('would see it: the Express adapter reaches express', () => {
    expect(expressChains('mock/stub/http/app.ts')).toEqual(['mock/stub/http/app.ts -> express']);
  });
});
