/** The stub's own controls for error states (documented in `vaero stub --help` and the README). No imports: the CLI reads these without loading the server. */
/** Vaero-Mock-Status and Prefer (the stub and the mock), Vaero-Mock-Fail (the stub and MSW): the steering headers. */
export { MOCK_FAIL_HEADER, MOCK_FAIL_MESSAGE_HEADER, MOCK_STATUS_HEADER, PREFER_HEADER } from '../../http/header-names.js';
/** Admin endpoint (outside the API's base path): POST arms a failure for the caller's next job, DELETE disarms it. */
export const ADMIN_FAIL_NEXT_PATH = '/__vaero/fail-next';
/** Every admin endpoint lives under this prefix (see mock/stub/README.md). */
export const ADMIN_PREFIX = '/__vaero/';
