import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeEmulator } from '../../src/playground/kube/index.js';

/**
 * A proxy in front of the Kubernetes emulator that loses answers: per request, `pass` forwards it, `applied` forwards
 * it and drops the connection once the emulator answered (the server applied it; the client sees a reset), `drop`
 * drops the connection without forwarding (nothing applied).
 */
export type DropDecision = 'pass' | 'applied' | 'drop';

export interface DropProxy {
  kubeconfigPath: string;
  close(): Promise<void>;
}

export async function dropProxy(kube: KubeEmulator, decide: (method: string, path: string) => DropDecision): Promise<DropProxy> {
  const target = new URL(kube.url);
  const server: Server = createServer((req, res) => {
    const decision = decide(req.method ?? 'GET', (req.url ?? '/').split('?')[0]);
    if (decision === 'drop') {
      req.resume();
      req.on('end', () => req.socket.destroy());
      return;
    }
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      if (decision === 'applied') {
        up.resume();
        up.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfigPath = join(mkdtempSync(join(tmpdir(), 'drop-proxy-')), 'kubeconfig');
  writeFileSync(kubeconfigPath, kube.kubeconfig().split(kube.url).join(url), { mode: 0o600 });
  return {
    kubeconfigPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
