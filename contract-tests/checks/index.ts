/**
 * The catalogue, in the order the checks start (later checks use what earlier ones created;
 * a check that overlaps lets the next ones start while it waits, see runner.ts).
 */
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
import { paginationNeitherSkipsNorRepeats } from './pagination.js';
import { situationsHold } from './situations.js';
import { everyOperationAnswers, unknownRouteIs404 } from './routes.js';
import type { Check } from './types.js';

export const checks: readonly Check[] = [
  uploadTrainingFile,
  // The lifecycle's wait overlaps every check below that does not need its outcome.
  jobSucceedsWithModelName,
  fileContentRoundTrip,
  createdJobStartsFresh,
  defaultsApplied,
  retrievedJobIsStable,
  paginationNeitherSkipsNorRepeats,
  situationsHold,
  everyOperationAnswers,
  validFixturesAccepted,
  invalidFixturesRejected,
  // Without the server's request timeout (--server-request-timeout), stalls are skipped by configuration.
  connectionFixturesRefused,
  generatedValidBodies,
  generatedInvalidBodies,
  generatedInvalidQueries,
  generatedCheckOrder,
  authRequired,
  unknownRouteIs404,
  organizationsAreIsolated,
  deletedFileIsGone,
  sharedSamplesCannotBeDeleted,
  // These use the job the lifecycle check saw succeed: they start once it has ended.
  cancelSemantics,
  retrieveAndListAgree,
];

/** Every check, including the conformance checks that judge every answer. */
export const allChecks: readonly Check[] = [...conformanceChecks, ...checks];

export type { Check, CheckContext } from './types.js';
