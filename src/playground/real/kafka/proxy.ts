import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * What the proxy does with traffic:
 * - `forward`: passes bytes both ways;
 * - `refuse`: the port is closed (new connections get ECONNREFUSED) and every open connection is reset,
 *   like a host that is down;
 * - `drop`: connections are accepted but nothing moves either way, like a network that loses every packet:
 *   clients see their requests time out. Bytes already sent wait in the socket buffers and flow again,
 *   in order, when the mode goes back to `forward`.
 */
export type ProxyMode = 'forward' | 'refuse' | 'drop';

export interface ProxyTarget {
  host: string;
  port: number;
}

/** One client connection and, once forwarding started, its upstream one. */
interface Pair {
  client: Socket;
  upstream?: Socket;
}

/**
 * A TCP proxy on 127.0.0.1 in front of one Kafka listener. Kafka tells clients which address to use after
 * the first request (the listener's advertised address), so the broker must advertise this proxy's address
 * for clients to stay behind it: start the proxy first (`port` is known at once), then the broker with
 * `advertised.listeners` naming `127.0.0.1:<port>`, then `setTarget` if the broker's port was not known yet.
 */
export class KafkaProxy {
  private server: Server;
  private readonly pairs = new Set<Pair>();
  private modeNow: ProxyMode = 'forward';
  private accepted = 0;
  private closed = false;
  private portNow = 0;

  private constructor(
    readonly name: string,
    private target: ProxyTarget | undefined,
  ) {
    this.server = this.newServer();
  }

  /** Listens on 127.0.0.1:`port` (0: a free port). `target` may be given later with setTarget. */
  static async start(name: string, options: { port?: number; target?: ProxyTarget } = {}): Promise<KafkaProxy> {
    const proxy = new KafkaProxy(name, options.target);
    await listen(proxy.server, options.port ?? 0);
    proxy.portNow = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  get port(): number {
    return this.portNow;
  }

  /** `127.0.0.1:<port>`, what clients use as bootstrap server. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get mode(): ProxyMode {
    return this.modeNow;
  }

  /** Client connections open now, and accepted since start. */
  get connections(): { open: number; accepted: number } {
    return { open: this.pairs.size, accepted: this.accepted };
  }

  setTarget(target: ProxyTarget): void {
    this.target = target;
  }

  /** Switches the mode; resolves once it applies to the port and to every open connection. */
  async setMode(mode: ProxyMode): Promise<void> {
    if (this.closed) throw new Error(`proxy ${this.name} is closed`);
    const before = this.modeNow;
    if (mode === before) return;
    this.modeNow = mode;
    if (mode === 'refuse') {
      for (const pair of this.pairs) destroyPair(pair, true);
      this.pairs.clear();
      await closeServer(this.server);
      return;
    }
    if (before === 'refuse') {
      // The same port again (SO_REUSEADDR is on, so no TIME_WAIT delay).
      this.server = this.newServer();
      await listen(this.server, this.port);
    }
    for (const pair of this.pairs) {
      if (mode === 'drop') {
        pair.client.pause();
        pair.upstream?.pause();
      } else if (pair.upstream) {
        pair.client.resume();
        pair.upstream.resume();
      } else {
        this.connectUpstream(pair);
      }
    }
  }

  /** Closes the port and every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const pair of this.pairs) destroyPair(pair, false);
    this.pairs.clear();
    if (this.modeNow !== 'refuse') await closeServer(this.server);
  }

  private newServer(): Server {
    return createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => this.onConnection(socket));
  }

  private onConnection(client: Socket): void {
    this.accepted++;
    const pair: Pair = { client };
    this.pairs.add(pair);
    client.setNoDelay(true);
    client.once('close', () => {
      pair.upstream?.destroy();
      this.pairs.delete(pair);
    });
    client.on('error', () => client.destroy());
    // In `drop` the connection is held, unread, until the mode changes.
    if (this.modeNow === 'forward') this.connectUpstream(pair);
  }

  private connectUpstream(pair: Pair): void {
    const { client } = pair;
    if (!this.target) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: this.target.host, port: this.target.port, allowHalfOpen: true });
    pair.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.once('close', () => client.destroy());
    upstream.on('error', () => upstream.destroy());
    relay(client, upstream, () => this.modeNow === 'forward');
    relay(upstream, client, () => this.modeNow === 'forward');
    client.resume();
  }
}

/** Copies `from` into `to` with back-pressure; never resumes `from` while `flowing()` is false. */
function relay(from: Socket, to: Socket, flowing: () => boolean): void {
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => {
        if (flowing()) from.resume();
      });
    }
  });
  from.on('end', () => to.end());
}

function destroyPair(pair: Pair, reset: boolean): void {
  for (const socket of [pair.client, pair.upstream]) {
    if (!socket) continue;
    if (reset && !socket.destroyed) socket.resetAndDestroy();
    else socket.destroy();
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
