import { projectPath } from '../config';
import { Vocabulary } from './vocabulary';

export const FIELDS_FILE = 'config/ledger-fields.yaml';
export const POPULATIONS_FILE = 'config/ledger-populations.yaml';

/** The shipped vocabulary, without what admins added by chat (that lives in the database). */
export function defaultVocabulary(): Vocabulary {
  return Vocabulary.load(projectPath(FIELDS_FILE), projectPath(POPULATIONS_FILE));
}
