/**
 * The anchor: a bare Koa endpoint that does one INSERT per request on the same database,
 * run as its own process like an instance, so jianfu's rate reads as a share of what the
 * machine and database allow at all.
 */
import Database from 'better-sqlite3';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import mysql from 'mysql2/promise';
import { listen } from '../../src/server/http';
import { projectPath } from '../../src/config';
import { dataSourceOptions } from '../../ormconfig';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL!;
  let insert: (text: string) => Promise<unknown>;
  if (url.startsWith('sqlite:')) {
    const db = new Database(projectPath(url.slice('sqlite:'.length)));
    db.pragma('journal_mode = WAL'); // as jianfu opens its SQLite file
    db.exec('CREATE TABLE IF NOT EXISTS load_anchor (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL, at DATETIME NOT NULL)');
    const stmt = db.prepare('INSERT INTO load_anchor (text, at) VALUES (?, ?)');
    insert = async (text) => stmt.run(text, new Date().toISOString());
  } else {
    // The same connection options as jianfu's (host or ?socket=), so the two are compared on one transport.
    const o = dataSourceOptions(url) as { host: string; port: number; username: string; password: string; database: string; socketPath?: string };
    const pool = mysql.createPool({ host: o.host, port: o.port, user: o.username, password: o.password, database: o.database, socketPath: o.socketPath, connectionLimit: 10 });
    await pool.query('CREATE TABLE IF NOT EXISTS load_anchor (id INT AUTO_INCREMENT PRIMARY KEY, text TEXT NOT NULL, at DATETIME NOT NULL) CHARSET utf8mb4');
    insert = (text) => pool.execute('INSERT INTO load_anchor (text, at) VALUES (?, ?)', [text, new Date()]);
  }
  const app = new Koa();
  const router = new Router();
  router.post('/load/message', async (ctx) => {
    await insert(String((ctx.request.body as { text?: string }).text ?? ''));
    ctx.body = { duplicate: false };
  });
  app.use(bodyParser()).use(router.routes());
  const server = await listen(app, 0, '127.0.0.1');
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stop') server.close(() => process.exit(0));
  });
  process.send!({ type: 'ready', port: (server.address() as { port: number }).port });
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
