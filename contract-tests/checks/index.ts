/** The catalogue, in the order the checks run (later checks use what earlier ones created). */
import { authRequired, organizationsAreIsolated } from './access.js';
import { conformanceChecks } from './conformance.js';
import { retrieveAndListAgree } from './consistency.js';
import { deletedFileIsGone, fileContentRoundTrip, sharedSamplesCannotBeDeleted, uploadTrainingFile } from './files.js';
import { invalidFixturesRejected, validFixturesAccepted } from './fixtures.js';
import { generatedCheckOrder, generatedInvalidBodies, generatedInvalidQueries, generatedValidBodies } from './generated.js';
import {
  cancelSemantics,
  createdJobStartsFresh,
  defaultsApplied,
  jobSucceedsWithModelName,
  retrievedJobIsStable,
} from './jobs.js';
import { connectionFixturesRefused } from './connections.js';
import { DEFAULTS } from '../defaults.js';
import { paginationNeitherSkipsNorRepeats } from './pagination.js';
import { situationsHold } from './situations.js';
import { everyOperationAnswers, unknownRouteIs404 } from './routes.js';
import type { Check } from './types.js';

export const checks: readonly Check[] = [
  uploadTrainingFile,
  fileContentRoundTrip,
  createdJobStartsFresh,
  defaultsApplied,
  retrievedJobIsStable,
  paginationNeitherSkipsNorRepeats,
  situationsHold,
  jobSucceedsWithModelName,
  cancelSemantics,
  retrieveAndListAgree,
  everyOperationAnswers,
  validFixturesAccepted,
  invalidFixturesRejected,
  // Without the server's request timeout (--server-request-timeout), stalls are skipped by configuration.
  connectionFixturesRefused({ requestTimeoutMs: DEFAULTS.requestTimeoutMs }),
  generatedValidBodies,
  generatedInvalidBodies,
  generatedInvalidQueries,
  generatedCheckOrder,
  authRequired,
  unknownRouteIs404,
  organizationsAreIsolated,
  deletedFileIsGone,
  sharedSamplesCannotBeDeleted,
];

/** Every check, including the conformance checks that judge every answer. */
export const allChecks: readonly Check[] = [...conformanceChecks, ...checks];

export type { Check, CheckContext } from './types.js';
