import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeEmulator } from '../../src/playground/kube/index.js';

/**
 * A pass-through HTTP proxy in front of the Kubernetes emulator that plays a concurrent writer:
 * the first `times` PUTs matching `path` are preceded by `interfere()` (another client changing the
 * object), so the action's write carries a stale resourceVersion and the real API answers 409.
 */
export interface ConflictProxy {
  url: string;
  kubeconfigPath: string;
  interfered: number;
  close(): Promise<void>;
}

export async function conflictProxy(kube: KubeEmulator, path: string, interfere: (n: number) => void, times = 1): Promise<ConflictProxy> {
  const target = new URL(kube.url);
  const state = { interfered: 0 };
  const server: Server = createServer((req, res) => {
    if (req.method === 'PUT' && req.url?.split('?')[0] === path && state.interfered < times) interfere(++state.interfered);
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'conflict-proxy-')), 'kubeconfig');
  writeFileSync(kubeconfigPath, kube.kubeconfig().split(kube.url).join(url), { mode: 0o600 });
  return {
    url,
    kubeconfigPath,
    get interfered() {
      return state.interfered;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
