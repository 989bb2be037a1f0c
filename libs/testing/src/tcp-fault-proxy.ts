import { connect, createServer, type Server, type Socket } from 'node:net';

type Mode = 'pass' | 'refuse' | 'hang';

interface Link {
  client: Socket;
  upstream?: Socket;
}

/**
 * A TCP proxy in front of a real server (Postgres, here) that fails on command the ways a server or a
 * network does, without touching the server itself:
 * - `refuse()`: every open connection is cut and new ones are closed at once (a restart, a crash);
 * - `hang()`: nothing moves any more, in either direction, and new connections are accepted but get no
 *   answer (a paused server, a black-holed network); `restore()` lets everything held flow again;
 * - `cut()`: every open connection is cut, new ones are served (the server ending idle sessions).
 */
export class TcpFaultProxy {
  private server: Server | undefined;
  private mode: Mode = 'pass';
  private readonly links = new Set<Link>();

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('the proxy has no port');
    return address.port;
  }

  /** The same URL, pointing at this proxy instead of the server. */
  proxied(url: string, port: number): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(port);
    return parsed.toString();
  }

  refuse(): void {
    this.mode = 'refuse';
    this.cut();
  }

  hang(): void {
    this.mode = 'hang';
    for (const { client, upstream } of this.links) {
      client.pause();
      upstream?.pause();
    }
  }

  restore(): void {
    this.mode = 'pass';
    for (const link of this.links) {
      if (link.upstream) {
        link.client.resume();
        link.upstream.resume();
      } else this.connectUpstream(link);
    }
  }

  cut(): void {
    for (const link of this.links) this.close(link);
  }

  /** Open connections through the proxy. */
  get connections(): number {
    return this.links.size;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const link: Link = { client };
    this.links.add(link);
    client.on('error', () => this.close(link));
    client.on('close', () => this.close(link));
    // Held until restore(): what the client sends meanwhile waits in its socket.
    if (this.mode === 'hang') client.pause();
    else this.connectUpstream(link);
  }

  private connectUpstream(link: Link): void {
    const upstream = connect(this.target.port, this.target.host);
    link.upstream = upstream;
    upstream.on('error', () => this.close(link));
    upstream.on('close', () => this.close(link));
    link.client.pipe(upstream);
    upstream.pipe(link.client);
    link.client.resume();
  }

  private close(link: Link): void {
    if (!this.links.delete(link)) return;
    link.client.destroy();
    link.upstream?.destroy();
  }
}
