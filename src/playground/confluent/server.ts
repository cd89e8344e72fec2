/**
 * One HTTP server per cluster (node:http on 127.0.0.1): records every request, applies the cluster's fault
 * (refuse, hang, 429, 5xx, slow), authenticates the cluster API key, checks permissions, then runs the route.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { advance } from './engine.js';
import { RestError } from './errors.js';
import { match, type Reply } from './routes.js';
import type { Cluster, World } from './state.js';
import type { Fault, RequestRecord } from './types.js';
import { errorBody } from './views.js';

const MAX_BODY = 16 * 1024 * 1024;

/** The page Jetty's DoSFilter serves with a 429 (the spec's example): HTML, not the JSON error shape. */
export function rateLimitPage(path: string): string {
  return [
    '<html>',
    '<head>',
    '<meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
    '<title>Error 429 Too Many Requests</title>',
    '</head>',
    '<body><h2>HTTP ERROR 429 Too Many Requests</h2>',
    '<table>',
    `<tr><th>URI:</th><td>${path.replace(/[<>&]/g, '')}</td></tr>`,
    '<tr><th>STATUS:</th><td>429</td></tr>',
    '<tr><th>MESSAGE:</th><td>Too Many Requests</td></tr>',
    '<tr><th>SERVLET:</th><td>default</td></tr>',
    '</table>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** The HTTP front of one cluster; `setFault` switches its fault while it runs. */
export class ClusterServer {
  private readonly server: Server;
  private fault: Fault | null = null;
  /** Requests left before a counted fault clears itself. */
  private remaining: number | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private listening = false;
  port = 0;

  constructor(
    private readonly world: World,
    private readonly cluster: Cluster,
    private readonly log: RequestRecord[],
  ) {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(new Error(`Cannot listen on 127.0.0.1:${port} for cluster ${this.cluster.name}: ${err.message}`));
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }

  /** Closes the listening socket and every open connection (clients then see ECONNREFUSED / a reset). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.hanging.clear();
    await closed;
  }

  async setFault(fault: Fault | null): Promise<void> {
    const refusing = isRefuse(this.fault);
    const hanging = isHang(this.fault);
    this.fault = fault;
    this.remaining = fault && (fault.kind === 'rate-limit' || fault.kind === 'server-error') ? fault.count : undefined;
    if (isRefuse(fault) && !refusing) await this.stop();
    // Re-listen on the same port, so clients configured with the endpoint reconnect.
    if (!isRefuse(fault) && refusing) await this.listen(this.port);
    if (hanging && !isHang(fault)) {
      for (const res of this.hanging) res.socket?.destroy();
      this.hanging.clear();
    }
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const found = match(method, url.pathname);
    const record: RequestRecord = {
      cluster: this.cluster.name,
      method,
      path: url.pathname,
      query: url.search.slice(1),
      route: found ? ('route' in found ? found.route.template : found.template) : '',
      status: 0,
    };
    this.log.push(record);
    if (isHang(this.fault)) {
      // Accept and never answer: the client's own timeout is the only way out.
      this.hanging.add(res);
      req.resume();
      return;
    }
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch (err) {
      if (err instanceof RestError) return this.send(res, record, { status: err.status, body: errorBody(err.errorCode, err.message) });
      return;
    }
    const fault = this.fault;
    if (fault?.kind === 'rate-limit') {
      this.consume();
      const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds) } : {};
      return this.sendRaw(res, record, 429, 'text/html;charset=utf-8', rateLimitPage(url.pathname), headers);
    }
    if (fault?.kind === 'server-error') {
      this.consume();
      return this.send(res, record, {
        status: fault.status ?? 503,
        body: errorBody(50003, 'Retriable Kafka error: the request timed out inside the cluster. Retry later.'),
      });
    }
    if (fault?.kind === 'slow') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, fault.delayMs);
        this.timers.add(timer);
      });
      if (!this.listening) return;
    }
    this.send(res, record, await this.handle(req, found, rawBody));
  }

  private async handle(req: IncomingMessage, found: ReturnType<typeof match>, rawBody: string): Promise<Reply> {
    advance(this.world);
    const principal = this.authenticated(req.headers.authorization);
    if (!principal) return { status: 401, body: errorBody(40101, 'Authentication failed') };
    if (!found) return { status: 404, body: errorBody(404, 'HTTP 404 Not Found') };
    if ('methodNotAllowed' in found) return { status: 405, body: errorBody(405, 'HTTP 405 Method Not Allowed') };
    if (found.params.cluster_id !== this.cluster.id) return { status: 404, body: errorBody(404, `Cluster ${found.params.cluster_id} cannot be found.`) };
    const permissions = this.cluster.permissions;
    // The applications' key holds topic ACLs only: no cluster DESCRIBE or ALTER, so no link or mirror call.
    if (principal === 'application') return { status: 403, body: errorBody(40301, 'Request is not authorized') };
    if (permissions === 'none' || (permissions === 'read-only' && found.route.write))
      return { status: 403, body: errorBody(40301, 'Request is not authorized') };
    try {
      return await found.route.handle({
        world: this.world,
        cluster: this.cluster,
        params: found.params,
        query: new URL(req.url ?? '/', 'http://emulator').searchParams,
        rawBody,
        contentType: req.headers['content-type'] ?? '',
      });
    } catch (err) {
      if (err instanceof RestError) return { status: err.status, body: errorBody(err.errorCode, err.message) };
      console.error(`confluent emulator: ${req.method ?? ''} ${req.url ?? ''} failed:`, err);
      return { status: 500, body: errorBody(500, 'Internal Server Error') };
    }
  }

  /** Which of the cluster's keys the request carries: the DR operator's, the applications', or neither. */
  private authenticated(header: string | undefined): 'operator' | 'application' | undefined {
    const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    const [key, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    if (key === this.cluster.apiKey && secret === this.cluster.apiSecret) return 'operator';
    if (key === this.cluster.appApiKey && secret === this.cluster.appApiSecret) return 'application';
    return undefined;
  }

  private consume(): void {
    if (this.remaining === undefined) return;
    this.remaining--;
    if (this.remaining <= 0) {
      this.fault = null;
      this.remaining = undefined;
    }
  }

  private send(res: ServerResponse, record: RequestRecord, reply: Reply): void {
    if (reply.text !== undefined) return this.sendRaw(res, record, reply.status, 'application/json', reply.text);
    if (reply.body === undefined) return this.sendRaw(res, record, reply.status, undefined, '');
    this.sendRaw(res, record, reply.status, 'application/json', JSON.stringify(reply.body));
  }

  private sendRaw(
    res: ServerResponse,
    record: RequestRecord,
    status: number,
    contentType: string | undefined,
    text: string,
    headers: Record<string, string> = {},
  ): void {
    record.status = status;
    if (res.destroyed || res.writableEnded) return;
    const out: Record<string, string | number> = { ...headers };
    if (status !== 204) out['Content-Length'] = Buffer.byteLength(text);
    if (contentType) out['Content-Type'] = contentType;
    res.writeHead(status, out);
    res.end(status === 204 ? undefined : text);
  }
}

function isRefuse(fault: Fault | null): boolean {
  return fault?.kind === 'unreachable' && (fault.mode ?? 'refuse') === 'refuse';
}

function isHang(fault: Fault | null): boolean {
  return fault?.kind === 'unreachable' && fault.mode === 'hang';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new RestError(413, 413, 'The request included a message larger than the maximum message size the server can accept.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
