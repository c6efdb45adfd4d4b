import { loadConfig } from '../config';
import { exclusively, openDatabase } from '../db';

export async function main(_args: string[]): Promise<number> {
  const config = loadConfig();
  const ds = await openDatabase(config.database.url, { migrate: false });
  const done = await exclusively(ds, 'migrate', () => ds.runMigrations({ transaction: 'each' }));
  process.stdout.write(done.length ? `已执行迁移：${done.map((m) => m.name).join('、')}\n` : '数据库已是最新。\n');
  await ds.destroy();
  return 0;
}
