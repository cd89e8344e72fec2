import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { runAction, errorLines } from '../helpers/run-action.js';
import { AKS_SERVER_APP_ID, startAzureDrill, type AzureEmulator } from '../../src/playground/azure/index.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { startWorld, world } from './scenario.js';

/**
 * End to end: aks-context (bundled) gets a kubeconfig from the Azure emulator whose clusters point at
 * the Kubernetes emulator; @kubernetes/client-node, loaded with the written file, reaches that API
 * server with the token the file carries. The Kubernetes emulator only accepts the token Entra ID
 * issued for the AKS server app (and the clusters' local-account token), so a wrong scope or a
 * leftover kubelogin user would be refused.
 */
const w = world();
const aksToken = randomBytes(48).toString('base64url');
let az: AzureEmulator;
let kube: KubeEmulator;

beforeAll(async () => {
  const localToken = randomBytes(32).toString('hex');
  kube = await startKube({ tokens: [aksToken, localToken], reloader: false });
  az = await startWorld(
    w,
    { mintToken: (grant) => (grant.scope === `${AKS_SERVER_APP_ID}/.default` ? aksToken : randomBytes(48).toString('base64url')) },
    kube.url,
  );
  for (const name of Object.values(w.clusters)) az.updateCluster(name, { localAccountToken: localToken });
});
afterAll(async () => {
  await az?.close();
  await kube?.close();
});

async function namespacesWith(kubeconfigPath: string): Promise<string[]> {
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  config.loadFromFile(kubeconfigPath);
  const list = await config.makeApiClient(k8s.CoreV1Api).listNamespace();
  return list.items.map((n) => n.metadata?.name ?? '');
}

describe('aks-context kubeconfig reaches the Kubernetes emulator through @kubernetes/client-node', () => {
  it('Entra ID cluster: the token kubeconfig (no kubelogin) is accepted by the API server', async () => {
    const run = await runAction('aks-context', {
      inputs: { creds: az.sdkAuthJson(w.deployer.clientId), 'resource-group': w.resourceGroup, 'cluster-name': w.clusters.entra },
      env: { NODE_EXTRA_CA_CERTS: az.caPath },
    });
    expect(errorLines(run)).toEqual([]);
    kube.resetRequests();
    expect(await namespacesWith(run.outputs['kubeconfig-path'])).toEqual(expect.arrayContaining(['default', 'kube-system']));
    expect(kube.requests().map((r) => [r.method, r.path, r.status])).toEqual([['GET', '/api/v1/namespaces', 200]]);
  });

  it('admin credentials: the local-account kubeconfig works too', async () => {
    const run = await runAction('aks-context', {
      inputs: { creds: az.sdkAuthJson(w.deployer.clientId), 'resource-group': w.resourceGroup, 'cluster-name': w.clusters.local, admin: 'true' },
      env: { NODE_EXTRA_CA_CERTS: az.caPath },
    });
    expect(run.code).toBe(0);
    expect(await namespacesWith(run.outputs['kubeconfig-path'])).toContain('default');
  });

  it('control: the same API server refuses a token it does not know', async () => {
    const run = await runAction('aks-context', { inputs: { kubeconfig: kube.kubeconfig({ token: 'not-a-known-token-0123456789' }) } });
    expect(run.code).toBe(0);
    kube.resetRequests();
    await expect(namespacesWith(run.outputs['kubeconfig-path'])).rejects.toThrow(/401/);
    expect(kube.requests().map((r) => r.status)).toEqual([401]);
  });

  it('the playground drill (startAzureDrill) wires Azure to a Kubernetes emulator the same way', async () => {
    const kubeToken = randomBytes(32).toString('base64url');
    const drillKube = await startKube({ tokens: [kubeToken], reloader: false });
    const drill = await startAzureDrill({ kubeServer: drillKube.url, kubeToken });
    try {
      for (const [cluster, admin] of [
        [drill.clusters.entra, 'false'],
        [drill.clusters.local, 'true'],
      ]) {
        const run = await runAction('aks-context', {
          inputs: { creds: drill.creds, 'resource-group': drill.resourceGroup, 'cluster-name': cluster, admin },
          env: drill.env,
        });
        expect(errorLines(run)).toEqual([]);
        expect(await namespacesWith(run.outputs['kubeconfig-path'])).toContain('default');
      }
    } finally {
      await drill.close();
      await drillKube.close();
    }
  });
});
