import { Foundation1763800000000 } from './1763800000000-Foundation';

/** Listed explicitly (not globbed) so they load the same under tsx, tests and a bundled build. */
export const MIGRATIONS = [Foundation1763800000000];
