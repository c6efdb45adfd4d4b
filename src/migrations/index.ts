import { Foundation1763800000000 } from './1763800000000-Foundation';
import { NoticeGate1763900000000 } from './1763900000000-NoticeGate';
import { CallbackReplay1764200000000 } from './1764200000000-CallbackReplay';
import { Cluster1764700000000 } from './1764700000000-Cluster';

/** Listed explicitly (not globbed) so they load the same under tsx, tests and a bundled build. */
export const MIGRATIONS = [Foundation1763800000000, NoticeGate1763900000000, CallbackReplay1764200000000, Cluster1764700000000];
