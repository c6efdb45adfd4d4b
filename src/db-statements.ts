import { DataSource, DateUtils, EntityManager, FindOperator, In, UpdateResult } from 'typeorm';
import type { EntityMetadata, EntityTarget, ObjectLiteral, QueryRunner } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { carries, carry } from './db-carry';
import { insertRow, isDuplicateKey } from './db-dialect';

/*
 * TypeORM builds every statement afresh through its general query builder: for the flat
 * entities here that cost more CPU than the database spends running the statement (about a
 * third of a notice's processing, measured with `bench:cost` and a CPU profile). The common
 * shapes — rows found by column equality, IN and comparisons, with an order, a limit and a
 * column list; updates of plain values; inserts — are answered here with SQL written straight
 * from the entity's metadata and rows hydrated by the driver, so values read and written are
 * exactly TypeORM's. Anything else (relations, locks, raw operators, nested where) is handed to
 * TypeORM unchanged. test/foundation/db-statements.test.ts compares both paths row for row.
 */

/** A shape this module does not answer; the caller hands the call to TypeORM. */
const UNSUPPORTED = Symbol('unsupported');
type Maybe<T> = T | typeof UNSUPPORTED;

interface Table {
  meta: EntityMetadata;
  name: string;
  /** Plain columns by property name; relation, embedded and virtual columns are absent, so using one falls back. */
  columns: Map<string, ColumnMetadata>;
  /** The default column list (every selectable column), written once. */
  selectAll: SelectList;
}

/** A SELECT's column list: the SQL, and each column with the alias its value comes back under. */
interface SelectList {
  sql: string;
  columns: ColumnMetadata[];
  aliases: string[];
}

const tables = new WeakMap<EntityMetadata, Table | null>();

function tableOf(em: EntityManager, target: EntityTarget<ObjectLiteral>): Table | null {
  const meta = em.connection.getMetadata(target);
  let t = tables.get(meta);
  if (t !== undefined) return t;
  const plain = meta.relations.length === 0 && meta.embeddeds.length === 0 && !meta.deleteDateColumn && !meta.versionColumn
    && !meta.updateDateColumn && meta.afterLoadListeners.length === 0 && meta.inheritanceTree.length === 1 && meta.primaryColumns.length === 1;
  if (!plain) {
    tables.set(meta, null);
    return null;
  }
  const columns = new Map(meta.columns.filter((c) => !c.relationMetadata && !c.embeddedMetadata && !c.isVirtual && !c.isVirtualProperty).map((c) => [c.propertyName, c]));
  const selectable = [...columns.values()].filter((c) => c.isSelect);
  const name = em.connection.driver.escape(meta.tableName);
  t = { meta, name, columns, selectAll: selectList(em, selectable) };
  tables.set(meta, t);
  return t;
}

function selectList(em: EntityManager, columns: ColumnMetadata[]): SelectList {
  const q = (s: string) => em.connection.driver.escape(s);
  const aliases = columns.map((_, i) => `c${i}`);
  return { sql: columns.map((c, i) => `${q(c.databaseName)} AS ${q(aliases[i])}`).join(', '), columns, aliases };
}

const sqlite = (em: EntityManager) => em.connection.options.type === 'better-sqlite3';

/** A where value as TypeORM binds it: SQLite has no boolean or date type; mysql2 formats dates itself. */
function bindValue(em: EntityManager, v: unknown): unknown {
  if (!sqlite(em)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return DateUtils.mixedDateToUtcDatetimeString(v);
  return v;
}

const plainValue = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date;

const COMPARISONS: Record<string, string> = { moreThan: '>', moreThanOrEqual: '>=', lessThan: '<', lessThanOrEqual: '<=', like: 'LIKE' };

/** One where condition, or UNSUPPORTED. */
function condition(em: EntityManager, column: string, value: unknown, params: unknown[]): Maybe<string> {
  if (!(value instanceof FindOperator)) {
    if (!plainValue(value)) return UNSUPPORTED;
    params.push(bindValue(em, value));
    return `${column} = ?`;
  }
  const op = value as FindOperator<unknown>;
  switch (op.type) {
    case 'equal':
      if (!plainValue(op.value)) return UNSUPPORTED;
      params.push(bindValue(em, op.value));
      return `${column} = ?`;
    case 'in': {
      const list = op.value as unknown;
      if (!Array.isArray(list) || !list.every(plainValue)) return UNSUPPORTED;
      if (!list.length) return '0=1';
      for (const v of list) params.push(bindValue(em, v));
      return `${column} IN (${list.map(() => '?').join(', ')})`;
    }
    case 'isNull':
      return `${column} IS NULL`;
    case 'between': {
      const [a, b] = op.value as unknown as unknown[];
      if (!plainValue(a) || !plainValue(b)) return UNSUPPORTED;
      params.push(bindValue(em, a), bindValue(em, b));
      return `${column} BETWEEN ? AND ?`;
    }
    case 'not': {
      if (op.child) {
        const inner = condition(em, column, op.child, params);
        return inner === UNSUPPORTED ? UNSUPPORTED : `NOT(${inner})`;
      }
      if (!plainValue(op.value)) return UNSUPPORTED;
      params.push(bindValue(em, op.value));
      return `${column} != ?`;
    }
    default: {
      const sign = COMPARISONS[op.type];
      if (!sign || !plainValue(op.value)) return UNSUPPORTED;
      params.push(bindValue(em, op.value));
      return `${column} ${sign} ?`;
    }
  }
}

/** The WHERE clause of a plain where object, or a list of them meaning OR (no nesting, no transformed columns); '' for none. */
function whereClause(em: EntityManager, t: Table, where: unknown, params: unknown[]): Maybe<string> {
  if (where === undefined) return '';
  if (Array.isArray(where)) {
    if (!where.length) return UNSUPPORTED;
    const any: string[] = [];
    for (const w of where) {
      const one = conditions(em, t, w, params);
      if (one === UNSUPPORTED || !one) return UNSUPPORTED;
      any.push(`(${one})`);
    }
    return ` WHERE ${any.join(' OR ')}`;
  }
  const all = conditions(em, t, where, params);
  return all === UNSUPPORTED ? UNSUPPORTED : all ? ` WHERE ${all}` : '';
}

/** The conditions of one where object joined by AND; '' for none. */
function conditions(em: EntityManager, t: Table, where: unknown, params: unknown[]): Maybe<string> {
  if (where === null || typeof where !== 'object' || Array.isArray(where) || where instanceof FindOperator) return UNSUPPORTED;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    const c = t.columns.get(key);
    // Undefined and null values follow the data source's invalidWhereValuesBehavior, which TypeORM applies.
    if (!c || c.transformer || value === undefined || value === null) return UNSUPPORTED;
    const part = condition(em, em.connection.driver.escape(c.databaseName), value, params);
    if (part === UNSUPPORTED) return UNSUPPORTED;
    parts.push(part);
  }
  return parts.join(' AND ');
}

interface FindShape {
  where?: unknown;
  select?: unknown;
  order?: unknown;
  take?: number;
}

const FIND_KEYS = new Set(['where', 'select', 'order', 'take']);

/** SELECT for find options this module answers, or UNSUPPORTED. */
function selectStatement(em: EntityManager, t: Table, options: FindShape, limit?: number): Maybe<{ sql: string; params: unknown[]; list: SelectList }> {
  for (const k of Object.keys(options)) if (!FIND_KEYS.has(k) && (options as Record<string, unknown>)[k] !== undefined) return UNSUPPORTED;
  const q = (s: string) => em.connection.driver.escape(s);
  let list = t.selectAll;
  if (options.select !== undefined) {
    if (!options.select || typeof options.select !== 'object' || Array.isArray(options.select)) return UNSUPPORTED;
    const chosen: ColumnMetadata[] = [];
    for (const [key, on] of Object.entries(options.select)) {
      if (on === undefined || on === false) continue;
      const c = t.columns.get(key);
      if (!c || on !== true) return UNSUPPORTED;
      chosen.push(c);
    }
    list = selectList(em, chosen);
  }
  const params: unknown[] = [];
  const where = whereClause(em, t, options.where, params);
  if (where === UNSUPPORTED) return UNSUPPORTED;
  let order = '';
  if (options.order !== undefined) {
    if (!options.order || typeof options.order !== 'object') return UNSUPPORTED;
    const parts: string[] = [];
    for (const [key, dir] of Object.entries(options.order)) {
      const c = t.columns.get(key);
      const d = typeof dir === 'string' ? dir.toUpperCase() : dir === 1 ? 'ASC' : dir === -1 ? 'DESC' : null;
      if (!c || (d !== 'ASC' && d !== 'DESC')) return UNSUPPORTED;
      parts.push(`${q(c.databaseName)} ${d}`);
    }
    if (parts.length) order = ` ORDER BY ${parts.join(', ')}`;
  }
  const take = limit ?? options.take;
  if (take !== undefined && !(Number.isInteger(take) && take >= 0)) return UNSUPPORTED;
  return { sql: `SELECT ${list.sql} FROM ${t.name}${where}${order}${take !== undefined ? ` LIMIT ${take}` : ''}`, params, list };
}

async function run(em: EntityManager, sql: string, params: unknown[]): Promise<{ records: ObjectLiteral[]; raw: unknown; affected?: number }> {
  const own = em.queryRunner;
  const runner: QueryRunner = own ?? em.connection.createQueryRunner();
  try {
    const r = await runner.query(sql, params, true);
    return { records: r.records ?? [], raw: r.raw, affected: r.affected };
  } finally {
    if (!own) await runner.release();
  }
}

/**
 * Entities as TypeORM builds them from rows (metadata.create with fromDeserializer: the class's
 * prototype, no constructor), for plain tables only: no relations or embedded columns, so each
 * value is set on its property directly.
 */
function hydrate<T extends ObjectLiteral>(em: EntityManager, t: Table, { columns, aliases }: SelectList, rows: ObjectLiteral[]): T[] {
  const driver = em.connection.driver;
  const proto = typeof t.meta.target === 'function' ? (t.meta.target.prototype as object) : null;
  return rows.map((raw) => {
    const e = (proto && !t.meta.isAlwaysUsingConstructor ? Object.create(proto) : t.meta.create(em.queryRunner, { fromDeserializer: true })) as Record<string, unknown>;
    for (let i = 0; i < columns.length; i++) {
      const v = raw[aliases[i]];
      if (v !== undefined) e[columns[i].propertyName] = driver.prepareHydratedValue(v, columns[i]);
    }
    return e as T;
  });
}

/** SET list and parameters for plain values of plain columns, or UNSUPPORTED. */
function assignments(em: EntityManager, t: Table, values: ObjectLiteral, params: unknown[]): Maybe<string> {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const c = t.columns.get(key);
    if (!c || typeof value === 'function' || value instanceof FindOperator) return UNSUPPORTED;
    params.push(em.connection.driver.preparePersistentValue(value, c));
    parts.push(`${em.connection.driver.escape(c.databaseName)} = ?`);
  }
  return parts.length ? parts.join(', ') : UNSUPPORTED;
}

/**
 * The rows' shared column list and their values as the driver persists them, or UNSUPPORTED
 * (rows naming different columns, or anything but plain values of plain columns).
 */
/** An INSERT's column list and each row's parameters, or UNSUPPORTED for rows it cannot bind as they are. */
function insertParts(em: EntityManager, t: Table, rows: ObjectLiteral[]): Maybe<{ list: string; rows: unknown[][] }> {
  if (!rows.length) return UNSUPPORTED;
  const keys = Object.keys(rows[0]).filter((k) => rows[0][k] !== undefined);
  const columns: ColumnMetadata[] = [];
  for (const k of keys) {
    const c = t.columns.get(k);
    if (!c) return UNSUPPORTED;
    columns.push(c);
  }
  if (!columns.length) return UNSUPPORTED;
  const driver = em.connection.driver;
  const bound: unknown[][] = [];
  for (const row of rows) {
    if (Object.keys(row).filter((k) => row[k] !== undefined).length !== keys.length) return UNSUPPORTED;
    const params: unknown[] = [];
    for (let i = 0; i < keys.length; i++) {
      const v = row[keys[i]];
      if (v === undefined || typeof v === 'function' || v instanceof FindOperator) return UNSUPPORTED;
      params.push(driver.preparePersistentValue(v, columns[i]));
    }
    bound.push(params);
  }
  return { list: columns.map((c) => driver.escape(c.databaseName)).join(', '), rows: bound };
}

function insertValues(em: EntityManager, t: Table, rows: ObjectLiteral[]): Maybe<{ sql: string; params: unknown[] }> {
  const parts = insertParts(em, t, rows);
  if (parts === UNSUPPORTED) return UNSUPPORTED;
  const one = `(${parts.rows[0].map(() => '?').join(', ')})`;
  return { sql: `INSERT INTO ${t.name} (${parts.list}) VALUES ${parts.rows.map(() => one).join(', ')}`, params: parts.rows.flat() };
}

function insertSql(em: EntityManager, target: EntityTarget<ObjectLiteral>, rows: ObjectLiteral[]): Maybe<{ sql: string; params: unknown[] }> {
  const t = tableOf(em, target);
  return t ? insertValues(em, t, rows) : UNSUPPORTED;
}

/** The same INSERT written by TypeORM, for a shape insertStatement() does not answer. */
export function insertByOrm(em: EntityManager, target: EntityTarget<ObjectLiteral>, rows: ObjectLiteral[]): Promise<{ raw: unknown }> {
  return em.createQueryBuilder().insert().into(target).values(rows).updateEntity(false).execute();
}

/**
 * INSERT of rows in one statement; the id the database reports (MySQL: the first row's,
 * SQLite: the last row's), or UNSUPPORTED for a shape TypeORM must write.
 */
export async function insertStatement(em: EntityManager, target: EntityTarget<ObjectLiteral>, rows: ObjectLiteral[]): Promise<Maybe<number>> {
  const s = insertSql(em, target, rows);
  if (s === UNSUPPORTED) return UNSUPPORTED;
  return reportedId((await run(em, s.sql, s.params)).raw);
}

/** Columns of another table set by a joined UPDATE: rows of `entity` whose `column` holds the updated row's id. */
export interface JoinedSet {
  entity: EntityTarget<ObjectLiteral>;
  column: string;
  values: ObjectLiteral;
}

/**
 * One MySQL/MariaDB multi-table UPDATE: the rows of `target` with these ids (and `also`'s equal
 * values) get `values`, and the rows joined to them get theirs, atomically in one statement. Rows
 * the WHERE leaves out take their joined rows with them. SQLite has no such UPDATE.
 */
export async function updateJoined(em: EntityManager, target: EntityTarget<ObjectLiteral>, ids: number[], also: ObjectLiteral, values: ObjectLiteral, joins: JoinedSet[]): Promise<void> {
  if (sqlite(em) || !ids.length) throw new Error('updateJoined needs MySQL/MariaDB and at least one id');
  const driver = em.connection.driver;
  const q = (name: string) => driver.escape(name);
  const column = (meta: EntityMetadata, prop: string): ColumnMetadata => {
    const c = meta.findColumnWithPropertyName(prop);
    if (!c) throw new Error(`${meta.name} has no column ${prop}`);
    return c;
  };
  const params: unknown[] = [];
  const sets: string[] = [];
  const setAll = (alias: string, meta: EntityMetadata, v: ObjectLiteral) => {
    for (const [prop, value] of Object.entries(v)) {
      if (value === undefined) continue;
      const c = column(meta, prop);
      sets.push(`${alias}.${q(c.databaseName)} = ?`);
      params.push(driver.preparePersistentValue(value, c));
    }
  };
  const main = em.connection.getMetadata(target);
  const id = main.primaryColumns[0];
  let sql = `UPDATE ${q(main.tableName)} t`;
  joins.forEach((j, k) => {
    const meta = em.connection.getMetadata(j.entity);
    sql += ` LEFT JOIN ${q(meta.tableName)} j${k} ON j${k}.${q(column(meta, j.column).databaseName)} = t.${q(id.databaseName)}`;
  });
  setAll('t', main, values);
  joins.forEach((j, k) => setAll(`j${k}`, em.connection.getMetadata(j.entity), j.values));
  const where = [`t.${q(id.databaseName)} IN (${ids.map(() => '?').join(', ')})`];
  params.push(...ids);
  for (const [prop, value] of Object.entries(also)) {
    where.push(`t.${q(column(main, prop).databaseName)} = ?`);
    params.push(value);
  }
  await em.query(`${sql} SET ${sets.join(', ')} WHERE ${where.join(' AND ')}`, params);
}

/**
 * INSERT of rows whose ids nobody needs. In a transaction on MySQL/MariaDB it waits and goes out
 * with the transaction's next statement (db-carry), so it costs no round trip of its own. With
 * skipDuplicate a row whose unique key is taken is left out instead of failing the INSERT (as
 * enqueue() drops a repeated key), which lets such an INSERT wait too.
 */
export async function insertLater(em: EntityManager, target: EntityTarget<ObjectLiteral>, rows: ObjectLiteral[], opts: { skipDuplicate?: boolean } = {}): Promise<void> {
  if (!rows.length) return;
  const s = insertSql(em, target, rows);
  if (s !== UNSUPPORTED && opts.skipDuplicate && carries(em)) {
    // Only a duplicate key is passed over; any other error still fails the statement.
    const id = em.connection.driver.escape(em.connection.getMetadata(target).primaryColumns[0].databaseName);
    carry(em, `${s.sql} ON DUPLICATE KEY UPDATE ${id} = ${id}`, s.params);
    return;
  }
  try {
    if (s === UNSUPPORTED) await insertByOrm(em, target, rows);
    else if (!carry(em, s.sql, s.params)) await run(em, s.sql, s.params);
  } catch (err) {
    if (!opts.skipDuplicate || !isDuplicateKey(err)) throw err;
  }
}

/**
 * insertLater() of one row whose id the caller needs, though not before the transaction's next
 * statement: `written(id)` runs when the row is written (at once where nothing waits).
 */
export async function insertRowLater(em: EntityManager, target: EntityTarget<ObjectLiteral>, row: ObjectLiteral, written: (id: number) => void): Promise<void> {
  const s = insertSql(em, target, [row]);
  if (s !== UNSUPPORTED && carry(em, s.sql, s.params, (raw) => written(reportedId(raw)))) return;
  written(await insertRow(em, target, row));
}

/** Rows of another table found by a unique column, whose ids a referring row stores. */
export interface Referred {
  entity: EntityTarget<ObjectLiteral>;
  /** The unique column (property name) that finds each row. */
  by: string;
  /** The referring rows' column (property name) that gets the found row's id. */
  column: string;
}

/**
 * insertLater() of rows (without `ref.column`) that each point at a row found by a unique key
 * (`keys[i]` for `rows[i]`), written as INSERT … SELECT, so they wait with the rows they point at
 * instead of those rows' ids being read back first. False when statements cannot wait (see
 * carries()): the caller then reads the ids and inserts as usual. A key that finds no row would
 * insert nothing, so each must name a row written before it in this transaction (a failed write
 * fails the COMMIT, see db-carry).
 */
export function insertReferringLater(em: EntityManager, target: EntityTarget<ObjectLiteral>, rows: ObjectLiteral[], ref: Referred, keys: string[]): boolean {
  if (!carries(em)) return false;
  if (!rows.length) return true;
  const t = tableOf(em, target);
  const r = tableOf(em, ref.entity);
  const into = t?.columns.get(ref.column);
  const by = r?.columns.get(ref.by);
  const parts = t ? insertParts(em, t, rows) : UNSUPPORTED;
  // A shape this cannot write is the caller's mistake, not a reason to fall back.
  if (!t || !r || !into || !by || parts === UNSUPPORTED || rows.length !== keys.length || ref.column in rows[0]) {
    throw new Error(`insertReferringLater: cannot write ${String(t?.meta.tableName)} rows referring to ${String(r?.meta.tableName)}.${ref.by}`);
  }
  const driver = em.connection.driver;
  const id = driver.escape(r.meta.primaryColumns[0].databaseName);
  const one = `SELECT ${parts.rows[0].map(() => '?').join(', ')}, x.${id} FROM ${r.name} x WHERE x.${driver.escape(by.databaseName)} = ?`;
  carry(em, `INSERT INTO ${t.name} (${parts.list}, ${driver.escape(into.databaseName)}) ${rows.map(() => one).join(' UNION ALL ')}`,
    parts.rows.flatMap((params, i) => [...params, keys[i]]));
  return true;
}

/** The id an INSERT's raw result reports: better-sqlite3's last row id, mysql2's insertId, or a RETURNING row's id. */
export function reportedId(raw: unknown): number {
  const r = raw as number | bigint | { insertId?: number | string } | { id: number }[];
  if (typeof r === 'number' || typeof r === 'bigint') return Number(r);
  if (Array.isArray(r)) return Number(r[0].id);
  return Number(r.insertId);
}

export { UNSUPPORTED };

/** An EntityManager that answers the common shapes itself and hands the rest to TypeORM. */
export class StatementManager extends EntityManager {
  override async find<T extends ObjectLiteral>(target: EntityTarget<T>, options?: object): Promise<T[]> {
    const t = tableOf(this, target);
    const s = t ? selectStatement(this, t, (options ?? {}) as FindShape) : UNSUPPORTED;
    if (s === UNSUPPORTED) return super.find(target, options);
    return hydrate<T>(this, t!, s.list, (await run(this, s.sql, s.params)).records);
  }

  override async findBy<T extends ObjectLiteral>(target: EntityTarget<T>, where: object): Promise<T[]> {
    return this.find(target, { where });
  }

  override async findOne<T extends ObjectLiteral>(target: EntityTarget<T>, options: object): Promise<T | null> {
    const t = tableOf(this, target);
    const o = options as FindShape;
    const s = t && o.where ? selectStatement(this, t, o, 1) : UNSUPPORTED;
    if (s === UNSUPPORTED) return super.findOne(target, options);
    return hydrate<T>(this, t!, s.list, (await run(this, s.sql, s.params)).records)[0] ?? null;
  }

  override async findOneBy<T extends ObjectLiteral>(target: EntityTarget<T>, where: object): Promise<T | null> {
    return this.findOne(target, { where });
  }

  override async count<T extends ObjectLiteral>(target: EntityTarget<T>, options?: object): Promise<number> {
    const t = tableOf(this, target);
    const o = (options ?? {}) as FindShape;
    const params: unknown[] = [];
    const where = t && Object.keys(o).every((k) => k === 'where') ? whereClause(this, t, o.where, params) : UNSUPPORTED;
    if (where === UNSUPPORTED) return super.count(target, options);
    const [row] = (await run(this, `SELECT COUNT(*) AS ${this.connection.driver.escape('n')} FROM ${t!.name}${where}`, params)).records;
    return Number(row.n);
  }

  override async countBy<T extends ObjectLiteral>(target: EntityTarget<T>, where: object): Promise<number> {
    return this.count(target, { where });
  }

  override async update<T extends ObjectLiteral>(target: EntityTarget<T>, criteria: unknown, values: object): Promise<UpdateResult> {
    const s = updateStatement(this, target, criteria, values);
    if (s === UNSUPPORTED) return super.update(target, criteria as never, values as never);
    const r = await run(this, s.sql, s.params);
    const result = new UpdateResult();
    result.raw = r.raw;
    result.affected = r.affected;
    return result;
  }
}

/** UPDATE of plain values by id, id list or where, or UNSUPPORTED. */
function updateStatement(em: EntityManager, target: EntityTarget<ObjectLiteral>, criteria: unknown, values: object): Maybe<{ sql: string; params: unknown[] }> {
  const t = tableOf(em, target);
  if (!t) return UNSUPPORTED;
  const params: unknown[] = [];
  const set = assignments(em, t, values, params);
  if (set === UNSUPPORTED) return UNSUPPORTED;
  const id = t.meta.primaryColumns[0].propertyName;
  const byIds = typeof criteria === 'number' || typeof criteria === 'string' ? { [id]: criteria }
    : Array.isArray(criteria) && criteria.length && criteria.every((c) => typeof c === 'number' || typeof c === 'string') ? { [id]: In(criteria) }
      : criteria;
  // TypeORM refuses an update without criteria; so does this, by handing it over.
  if (!byIds || typeof byIds !== 'object' || !Object.keys(byIds).length) return UNSUPPORTED;
  const where = whereClause(em, t, byIds, params);
  if (where === UNSUPPORTED) return UNSUPPORTED;
  return { sql: `UPDATE ${t.name} SET ${set}${where}`, params };
}

/**
 * UPDATE whose outcome (rows affected) nobody reads: in a transaction on MySQL/MariaDB it waits
 * for the transaction's next statement (db-carry), else it runs now.
 */
export async function updateLater(em: EntityManager, target: EntityTarget<ObjectLiteral>, criteria: unknown, values: object): Promise<void> {
  const s = updateStatement(em, target, criteria, values);
  if (s === UNSUPPORTED) await em.update(target, criteria as never, values as never);
  else if (!carry(em, s.sql, s.params)) await run(em, s.sql, s.params);
}

/** Every EntityManager of this DataSource (its own and each transaction's) becomes a StatementManager. */
export function useStatementManager(ds: DataSource): void {
  ds.createEntityManager = (queryRunner?: QueryRunner) => new StatementManager(ds, queryRunner);
  (ds as { manager: EntityManager }).manager = new StatementManager(ds);
}
