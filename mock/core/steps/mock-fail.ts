/** Vaero-Mock-Fail (and -Message) on a create: how the job is to end, read here and handed to the service as data. */
import { MOCK_FAIL_HEADER, MOCK_FAIL_MESSAGE_HEADER } from '../../http/header-names.js';
import { mockFailure } from '../../stub/service/dispatch.js';
import type { Step } from '../exchange.js';

export const mockFail: Step = (x) => {
  if (x.head!.operation.operationId !== 'createFineTuningJob') return undefined;
  const code = x.reader.header(MOCK_FAIL_HEADER);
  if (code?.trim()) x.failure = mockFailure(code, x.reader.header(MOCK_FAIL_MESSAGE_HEADER));
  return undefined;
};
