import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { ALL_ENTITIES, ALL_MIGRATIONS } from './src/units';
import { loadConfig, projectPath } from './src/config';

/** Build TypeORM options from a DATABASE_URL-style string: `sqlite:path` or `mysql://…`. */
export function dataSourceOptions(url: string): DataSourceOptions {
  const common = { entities: ALL_ENTITIES, migrations: ALL_MIGRATIONS, migrationsRun: false, synchronize: false, logging: false } as const;
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    const database = file === ':memory:' ? file : projectPath(file);
    // Write-ahead log: a commit appends to one file instead of rewriting a rollback journal,
    // several times faster per message on slow disks, and readers never block the writer.
    return { type: 'better-sqlite3', database, enableWAL: file !== ':memory:', ...common };
  }
  const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
  // ?socket=/run/mysqld/mysqld.sock: a database on the same host over its Unix socket (a server
  // without networking, or an account that logs in by unix_socket authentication).
  const socketPath = u.searchParams.get('socket') ?? undefined;
  return {
    type: 'mysql',
    host: u.hostname,
    port: Number(u.port || 3306),
    ...(socketPath ? { socketPath } : {}),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ''),
    charset: 'utf8mb4',
    // Store instants in UTC so both databases hold the same values.
    timezone: 'Z',
    // mysql2 otherwise captures a stack trace for every query (TypeORM uses its promise API) only
    // to decorate errors that TypeORM wraps with its own; a few per cent of the CPU under load.
    trace: false,
    // Lets src/db-carry.ts send waiting statements with the next one in one round trip. SQL is never
    // built from input: values are bound parameters, identifiers come from the entity metadata.
    multipleStatements: true,
    ...common,
  };
}

export function createDataSource(url: string): DataSource {
  return new DataSource(dataSourceOptions(url));
}

/** Used by the TypeORM CLI (`npx typeorm -d ormconfig.ts`); the app builds its own through createDataSource. */
export default createDataSource(loadConfig().database.url);
