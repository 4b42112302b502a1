/** The spec document a browser build bundles (generated from spec/openapi.yaml by msw/build.ts's esbuild plugin). */
declare module 'virtual:vaero-openapi-document' {
  import type { OpenAPIV3_1 } from 'openapi-types';
  const document: OpenAPIV3_1.Document;
  export default document;
}
