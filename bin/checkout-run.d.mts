/** True when dist/ was never built, or a build input changed after the last build ended. */
export function isStale(root?: string): boolean;
/** Rebuilds (npm run build) when stale; exits the process if the build fails. True if it built. */
export function buildIfStale(root?: string): boolean;
