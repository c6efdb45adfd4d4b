import { expect } from 'chai';
import { dataSourceOptions } from '../../ormconfig';
import { openDatabase } from '../../src/db';
import { onMysql, testDatabaseUrl } from '../helpers/db';

describe('foundation: database on the same host over its Unix socket', () => {
  const url = testDatabaseUrl();

  it('reads ?socket= from a mysql:// URL and keeps host and port otherwise', () => {
    const viaSocket = dataSourceOptions('mysql://app:p%40ss@localhost/jianfu?socket=/run/mysqld/mysqld.sock') as { socketPath?: string; username: string; password: string; database: string };
    expect(viaSocket).to.include({ socketPath: '/run/mysqld/mysqld.sock', username: 'app', password: 'p@ss', database: 'jianfu' });
    const viaTcp = dataSourceOptions('mysql://root@127.0.0.1:3307/test') as { socketPath?: string; host: string; port: number };
    expect(viaTcp).to.include({ host: '127.0.0.1', port: 3307 });
    expect(viaTcp.socketPath).to.equal(undefined);
  });

  it('connects through the socket the server reports (MariaDB)', async function () {
    if (!onMysql(url)) this.skip();
    const tcp = await openDatabase(url, { migrate: false });
    let socket: string;
    try {
      [{ socket }] = await tcp.query('SELECT @@socket AS socket');
      // The server shows a TCP client's host with its port, a socket client's as plain localhost.
      const [{ host }] = await tcp.query('SELECT HOST AS host FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()');
      expect(host).to.match(/:\d+$/);
    } finally {
      await tcp.destroy();
    }
    const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
    u.searchParams.set('socket', socket);
    const local = await openDatabase(u.toString(), { migrate: false });
    try {
      const [{ host }] = await local.query('SELECT HOST AS host FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()');
      expect(host).to.equal('localhost');
    } finally {
      await local.destroy();
    }
  });
});
