import net from 'node:net';

/**
 * A loopback TCP proxy in front of the test database, so a test can take "the database server"
 * away and bring it back without touching the real server that CI and other runs share: cut()
 * drops every open connection and refuses new ones (as a stopped server does), restore() listens
 * again on the same port (as the restarted server does).
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly open = new Set<net.Socket>();
  port = 0;

  private constructor(private readonly target: { host: string; port: number }) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const p = new TcpProxy(target);
    await p.listen(0);
    return p;
  }

  /** The database URL with the proxy in place of the server's host and port. */
  static url(url: string, proxy: TcpProxy): string {
    const u = new URL(url.replace(/^mariadb:/, 'mysql:'));
    u.hostname = '127.0.0.1';
    u.port = String(proxy.port);
    return u.toString();
  }

  private listen(port: number): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.open.add(s);
        s.on('close', () => this.open.delete(s));
        // A reset on one side ends the other; the error itself is the point of the test.
        s.on('error', () => undefined);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /** The server goes down: open connections are reset, new ones refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.open) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The server is back on the same address. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.cut();
  }
}
