// What runs in Prism's process before the pinned Prism CLI itself: mock/prism/prism-process.ts
// spawns `node prism-child.cjs <prism bin> mock …`. Plain CommonJS, so the same file runs from
// the sources (tests) and from dist/ (postbuild copies it). Three things, each for the mock:
//
// - A watchdog: the child has an IPC channel to the mock; when it closes (the mock exited,
//   even by SIGKILL, which runs no exit handler) Prism exits too.
// - Readiness over that channel: `{ prismListening: { port } }` is sent as soon as Prism's
//   server is bound, so Prism need not log its start line (nor, then, a line per request: at
//   its default level Prism formats four log lines per request, ~40% of its time per create).
// - Faker in English only: Prism's generator loads `@faker-js/faker`, whose index builds all
//   57 locales (about half of Prism's start-up CPU), and uses its default export, the English
//   faker, which `@faker-js/faker/locale/en` builds alone. Applied only to the faker major this
//   was checked on (6); any other layout is left as it is.
'use strict';
const { createRequire } = require('node:module');
const net = require('node:net');

process.on('disconnect', () => process.exit(0));

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  this.once('listening', () => {
    const a = this.address();
    if (a && typeof a === 'object' && process.send) process.send({ prismListening: { address: a.address, port: a.port } });
  });
  return listen.apply(this, args);
};

function englishFakerOnly(bin) {
  try {
    const fromHttp = createRequire(createRequire(bin).resolve('@stoplight/prism-http/package.json'));
    if (!fromHttp('@faker-js/faker/package.json').version.startsWith('6.')) return;
    const en = fromHttp('@faker-js/faker/locale/en');
    const id = fromHttp.resolve('@faker-js/faker');
    fromHttp.cache[id] = { id, filename: id, loaded: true, exports: { __esModule: true, default: en, faker: en, Faker: en.constructor } };
  } catch {
    // Not laid out as expected: Prism loads the full faker, as it would on its own.
  }
}

const prismBin = process.argv[2];
englishFakerOnly(prismBin);
// argv as if `node <prism bin> mock …` had been run (Prism's yargs reads it from index 2).
process.argv.splice(1, 1);
require(prismBin);
