import * as path from 'path';

/** The shared benchmark data: ../shared next to the repo, or JIANFU_SHARED when the repo is checked out elsewhere. */
export const SHARED = process.env.JIANFU_SHARED ? path.resolve(process.env.JIANFU_SHARED) : path.resolve(__dirname, '../../shared');
