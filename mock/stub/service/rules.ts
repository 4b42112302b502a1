/**
 * The rule ids the stub answers with. Each is looked up in the spec at load, so a rule
 * renamed or removed there fails the stub's start-up instead of producing answers that
 * name a rule that does not exist.
 */
import { rule } from '../../../spec/index.js';

const id = (ruleId: string): string => rule(ruleId).id;

export const RULES = {
  auth: id('auth.bearer'),
  unknownRoute: id('request.unknown-route'),
  checkOrder: id('request.check-order'),
  noServerErrorOnBadInput: id('request.no-5xx-on-bad-input'),
  notFound: id('path.not-found'),
  trainingFiles: id('create.training_files'),
  cancel: id('job.cancel'),
  unknownCursor: id('list.unknown-cursor'),
  textOnly: id('files.text-only'),
  uploadFile: id('upload.file'),
  deleteFile: id('files.delete'),
  createBody: id('create.body'),
  statusDeclared: id('response.status-declared'),
} as const;
