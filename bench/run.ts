/**
 * `npm run bench`: each benchmark prints the project's figure beside its anchor, both
 * measured in this run on the same data.
 */
import { benchDeadlines } from './deadlines';
import { benchFormalism } from './formalism';
import { benchReport } from './report';
import { benchRouting } from './routing';
import { benchThroughput } from './throughput';

async function main(): Promise<void> {
  const rows = [await benchDeadlines(), await benchFormalism(), await benchRouting(), await benchThroughput(), await benchReport()];
  process.stdout.write('\n== summary\n');
  for (const r of rows) process.stdout.write(`${r.name}: jianfu ${r.project} | anchor ${r.anchor}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : err}\n`);
  process.exit(1);
});
