import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '../../ormconfig';

/** MariaDB when the run says so (CI runs the suite twice), otherwise a fresh SQLite file. */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (url && /^(mysql|mariadb):/.test(url)) return url;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jianfu-test-'));
  tempDirs.push(dir);
  return `sqlite:${path.join(dir, 'test.db')}`;
}

const tempDirs: string[] = [];
// Hundreds of test databases would otherwise pile up in /tmp run after run.
process.once('exit', () => {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

export const onMysql = (url: string) => /^(mysql|mariadb):/.test(url);

/** Empties a MySQL test database so every app starts from zero and runs migrations itself. */
export async function resetDatabase(url: string): Promise<void> {
  if (!onMysql(url)) return;
  const ds = new DataSource({ ...dataSourceOptions(url), entities: [], migrations: [] } as DataSourceOptions);
  await ds.initialize();
  const tables: { name: string }[] = await ds.query('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()');
  await ds.query('SET FOREIGN_KEY_CHECKS = 0');
  for (const t of tables) await ds.query(`DROP TABLE IF EXISTS \`${t.name}\``);
  await ds.query('SET FOREIGN_KEY_CHECKS = 1');
  await ds.destroy();
}
