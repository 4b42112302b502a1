/**
 * The shared sample files every organization can list, read and train on, and none can
 * delete. Their ids are the ones the reference's own curl example trains on (read from the
 * spec's `reference` example), so that example works against the stub verbatim.
 */
import { operation, type CreateFineTuningJobRequest } from '../../../spec/index.js';

const referenceExample = operation('createFineTuningJob').requestExamples['reference'] as CreateFineTuningJobRequest | undefined;
if (!referenceExample?.training_files.length) throw new Error('spec: createFineTuningJob has no `reference` example naming training files');

export const sampleFileIds: readonly string[] = referenceExample.training_files;

/** Plain-text training documents in the documented form: documents separated by a line of `***`. */
const SAMPLE_TEXTS: readonly string[] = [
  [
    'Thank you for reaching out! I have looked into your order and it ships tomorrow.',
    '***',
    'Good news: your refund was approved today and should arrive within five business days.',
    '***',
    'I am sorry for the wait. A specialist will call you back before noon.',
    '',
  ].join('\n'),
  [
    'Our quarterly report is ready. Revenue grew by twelve percent over the last quarter.',
    '***',
    'The team shipped three features this month and fixed every reported crash.',
    '',
  ].join('\n'),
];

export interface SampleFile {
  id: string;
  filename: string;
  content: string;
  /** Fixed, so that every run and every replayed journal shows the same samples. */
  createdAt: number;
}

export const sampleFiles: readonly SampleFile[] = sampleFileIds.map((id, i) => ({
  id,
  filename: `sample-${String.fromCharCode(97 + (i % 26))}.txt`,
  content: SAMPLE_TEXTS[i % SAMPLE_TEXTS.length] as string,
  createdAt: 1721764600 + i * 100,
}));
