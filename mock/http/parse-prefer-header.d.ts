/** parse-prefer-header (what Prism parses Prefer with) ships no types: preference names camel-cased, a bare one true. */
declare module 'parse-prefer-header' {
  export default function parsePreferHeader(prefer: string | string[] | undefined): Record<string, string | true>;
}
