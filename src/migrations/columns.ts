import { TableColumnOptions } from 'typeorm';

/**
 * Column builders for migrations, written with TypeORM's portable Table API so the same
 * migration produces the same schema on SQLite and MySQL/MariaDB.
 */
export const id = (): TableColumnOptions => ({
  name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment',
});
export const varchar = (name: string, length: number, opts: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name, type: 'varchar', length: String(length), ...opts,
});
export const int = (name: string, opts: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'integer', ...opts });
export const text = (name: string, opts: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'text', ...opts });
export const datetime = (name: string, opts: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'datetime', ...opts });
export const bool = (name: string, opts: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'boolean', ...opts });
