import { expect } from 'chai';
import { openDatabase } from '../../src/db';
import { ALL_MIGRATIONS as MIGRATIONS } from '../../src/units';
import { onMysql, resetDatabase, testDatabaseUrl } from '../helpers/db';

describe('foundation: migrations', () => {
  const url = testDatabaseUrl();

  beforeEach(async () => {
    await resetDatabase(url);
  });

  it(`run from empty and leave the schema exactly as the entities describe it (${onMysql(url) ? 'MariaDB' : 'SQLite'})`, async () => {
    const ds = await openDatabase(url);
    try {
      const executed = await ds.query(`SELECT name FROM migrations ORDER BY id`);
      expect(executed.map((r: { name: string }) => r.name)).to.deep.equal(MIGRATIONS.map((m) => new m().name));
      expect(await ds.showMigrations()).to.equal(false);
      // If an entity and its migration disagree, TypeORM would want to alter the schema.
      const diff = await ds.driver.createSchemaBuilder().log();
      expect(diff.upQueries.map((q) => q.query)).to.deep.equal([]);
    } finally {
      await ds.destroy();
    }
  });

  it('are idempotent on restart and can be reverted to empty', async () => {
    const first = await openDatabase(url);
    await first.destroy();
    const again = await openDatabase(url);
    try {
      expect(await again.showMigrations()).to.equal(false);
      for (let i = 0; i < MIGRATIONS.length; i++) await again.undoLastMigration();
      const diff = await again.driver.createSchemaBuilder().log();
      expect(diff.upQueries.length).to.be.greaterThan(0);
      await again.runMigrations();
      expect((await again.driver.createSchemaBuilder().log()).upQueries).to.deep.equal([]);
    } finally {
      await again.destroy();
    }
  });
});
