import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { kubeconfigYaml } from '../../src/playground/kube/kubeconfig.js';
import type { ApiTarget } from '../../src/playground/real/kube/http.js';

/**
 * A plain-HTTP pass-through in front of the real API server (HTTPS, its own CA), for tests that need to
 * see or steer requests: it records every request (method, path, status, watch) and can run a hook before
 * forwarding one (a concurrent writer changing the object first, so the real server answers 409).
 * Clients reach it with a kubeconfig whose server is `http://127.0.0.1:PORT` and the same bearer token.
 */
export interface ProxiedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  watch: boolean;
  userAgent: string;
}

export interface ApiProxy {
  readonly url: string;
  readonly requests: ProxiedRequest[];
  /** Requests that changed something (not GET), as `METHOD path status`. */
  writes(): string[];
  reset(): void;
  close(): Promise<void>;
}

export async function apiProxy(
  target: ApiTarget,
  beforeForward?: (req: { method: string; path: string; query: string }) => Promise<void> | void,
): Promise<ApiProxy> {
  const upstream = new URL(target.server);
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const method = (req.method ?? 'GET').toUpperCase();
    const watch = method === 'GET' && /^(1|true)$/.test(url.searchParams.get('watch') ?? '');
    const record: ProxiedRequest = { method, path: url.pathname, query: url.search, status: 0, watch, userAgent: String(req.headers['user-agent'] ?? '') };
    requests.push(record);
    void (async () => {
      try {
        await beforeForward?.({ method, path: url.pathname, query: url.search });
      } catch (err) {
        res.writeHead(599, { 'content-type': 'text/plain' });
        res.end(`api-proxy hook failed: ${(err as Error).message}`);
        return;
      }
      const headers = { ...req.headers, host: upstream.host };
      const forward = (upstream.protocol === 'https:' ? httpsRequest : httpRequest)(
        { host: upstream.hostname, port: upstream.port, method, path: req.url, headers, ca: target.ca },
        (up) => {
          record.status = up.statusCode ?? 0;
          res.writeHead(up.statusCode ?? 502, up.headers);
          // At once, as the API server does for a watch: a client waits for the headers before it sees any event.
          res.flushHeaders();
          up.pipe(res);
        },
      );
      forward.on('error', (err) => {
        record.status = 502;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`api-proxy: ${err.message}`);
      });
      res.on('close', () => forward.destroy());
      req.pipe(forward);
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${r.status}`),
    reset: () => void (requests.length = 0),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A kubeconfig for the proxy: plain HTTP to 127.0.0.1 (client-node only allows it with `insecure-skip-tls-verify`), the given bearer token. */
export function proxyKubeconfig(proxyUrl: string, token: string, user = 'admin'): string {
  return kubeconfigYaml(proxyUrl, token, user);
}
