import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { int } from '../../migrations/columns';

/** Each edit of a department's duties counts up, so the desk knows its router is stale without reading every duty list. */
export class DutyRevision1764800000000 implements MigrationInterface {
  name = 'DutyRevision1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('whistle_department', new TableColumn(int('revision', { default: 1 })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('whistle_department', 'revision');
  }
}
