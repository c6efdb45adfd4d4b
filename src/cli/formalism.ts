/**
 * jianfu formalism train: trains the formalism classifier from the examples the patterns file names and writes the
 * trained file beside them, so start-up reads it instead of training. Run after editing the examples or the patterns.
 */
import { loadConfig, projectPath } from '../config';
import { FormalismPatternsError, writeTrainedFormalismModel } from '../gate/formalism';

const USAGE = '用法：jianfu formalism train\n';

export async function main(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0] !== 'train') {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    const r = writeTrainedFormalismModel(projectPath(loadConfig().formalismPatterns));
    process.stdout.write(`已训练：${r.examples} 条样例，${r.terms} 个特征，写入 ${r.path}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${err instanceof FormalismPatternsError ? err.message : String(err)}\n`);
    return 1;
  }
}
