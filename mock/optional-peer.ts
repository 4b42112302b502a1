/**
 * The package's optional peers: Prism (for `vaero mock`) and Scalar (for `/docs`). An app that
 * only uses the MSW handlers, the stub or `vaero test` does not install them (they are most of
 * what the package would otherwise weigh); the part that needs one resolves it here, and when it
 * is absent says in one line what to install.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** How a module specifier is resolved to a file (Node's require.resolve; tests pass one that fails). */
export type Resolve = (specifier: string) => string;
export const nodeResolve: Resolve = (specifier) => require.resolve(specifier);

export type PeerName = '@stoplight/prism-cli' | '@scalar/api-reference';

/** The version range this package declares for a peer (package.json is the one place it is written). */
export function peerRange(name: PeerName): string {
  // Self-reference by the package's own name: works from the sources and from an install.
  const pkg = require('vaero-contract/package.json') as { peerDependencies: Record<string, string> };
  const range = pkg.peerDependencies[name];
  if (!range) throw new Error(`vaero-contract: ${name} is not a declared peer dependency`);
  return range;
}

/** The one line that says what is missing and the command that installs it. */
export class MissingPeerError extends Error {
  constructor(
    readonly peer: PeerName,
    readonly neededFor: string,
  ) {
    super(`${neededFor} needs ${peer}, which is not installed: npm install -D ${peer}@${peerRange(peer)}`);
    this.name = 'MissingPeerError';
  }
}

/**
 * The file `specifier` (the peer's name or a path inside it) resolves to, or a MissingPeerError
 * when the peer is not installed. Any other failure (a broken install) is rethrown as it is.
 */
export function resolvePeer(peer: PeerName, specifier: string, neededFor: string, resolve: Resolve = nodeResolve): string {
  try {
    return resolve(specifier);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw new MissingPeerError(peer, neededFor);
    throw e;
  }
}
