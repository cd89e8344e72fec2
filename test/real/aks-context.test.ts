import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { configMapHash } from '../../src/core/kube/reloader.js';
import { errorLines, findLeaks, repoRoot, runAction, type ActionRun } from '../helpers/run-action.js';
import { proxyClients, WEST } from '../verify-rollout/clients.js';
import { reloaderInUse, runCommand, startReal, type RealFixture } from './fixture.js';

/**
 * aks-context's kubeconfig route (input `kubeconfig`: content, base64 or a path; Azure never contacted)
 * with the real control plane's own kubeconfig (its CA, a bearer token): the file it writes is what kubectl
 * and the next steps of the job use, through the exported KUBECONFIG, and the post step removes it.
 */

let real: RealFixture;
const RELOADER = reloaderInUse();
const visible = (run: ActionRun) =>
  run.everything
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

beforeAll(async () => {
  real = await startReal({});
  await real.apply(proxyClients('clients', { replicas: 1 }));
  await real.settled(['clients']);
});
afterAll(() => real?.close());

const written = (run: ActionRun) => run.outputs['kubeconfig-path'];

describe("aks-context's kubeconfig route on a real API server", () => {
  it(`a job: aks-context exports KUBECONFIG, swap-configmap and verify-rollout use it (rolled by the ${RELOADER}), post removes it`, async () => {
    const content = readFileSync(real.kube.kubeconfigPath, 'utf8');
    const run = await runAction('aks-context', { inputs: { kubeconfig: content } });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    const path = written(run);
    expect(readFileSync(path, 'utf8')).toBe(content.trim());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(run.env.KUBECONFIG).toBe(path);
    expect(run.masked).toContain(real.kube.token);
    expect(findLeaks(visible(run), [real.kube.token])).toEqual([]);

    // kubectl with the written file: TLS checked against the real server's CA, the token accepted.
    const whoami = await real.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { kubeconfig: path });
    expect(whoami.stderr).toBe('');
    expect(whoami.stdout).toBe('admin');

    // The next steps of the job: no kubeconfig input, KUBECONFIG from GITHUB_ENV.
    const env = { KUBECONFIG: run.env.KUBECONFIG, GITHUB_WORKSPACE: repoRoot, ...WEST };
    const swap = await runAction('swap-configmap', {
      inputs: { name: 'kafka-proxy-config', namespace: 'clients', data: 'BOOTSTRAP_SERVER_MAPPING: ${CCLOUD_URL},0.0.0.0:32400' },
      env,
      runnerTemp: run.runnerTemp,
    });
    expect(errorLines(swap)).toEqual([]);
    const hash = configMapHash((await real.get('ConfigMap', 'clients', 'kafka-proxy-config'))!);
    expect(swap.outputs.hash).toBe(hash);
    const verify = await runAction('verify-rollout', {
      inputs: { namespace: 'clients', configmap: 'kafka-proxy-config', timeout: '90s' },
      env,
      runnerTemp: run.runnerTemp,
      timeoutMs: 120_000,
    });
    expect(errorLines(verify)).toEqual([]);
    // Rolled while verify-rollout started (a pod is ready 200 ms after it starts), or seen rolling: both carry the new hash.
    expect((JSON.parse(verify.outputs.workloads) as Array<{ result: string; strategy: string }>).map((w) => `${w.result}/${w.strategy}`)).toEqual([
      expect.stringMatching(/^(rolled|already-current)\/env-vars$/),
      expect.stringMatching(/^(rolled|already-current)\/env-vars$/),
    ]);

    const post = await runAction('aks-context', { entry: 'post', state: run.state, runnerTemp: run.runnerTemp });
    expect(post.code).toBe(0);
    expect(post.stdout).toContain(`Removed the kubeconfig ${path}`);
    expect(existsSync(path)).toBe(false);
  });

  it('base64 content and a path work the same; client-node reaches the real server with either file', async () => {
    const content = readFileSync(real.kube.kubeconfigPath, 'utf8');
    for (const input of [Buffer.from(content).toString('base64'), real.kube.kubeconfigPath]) {
      const run = await runAction('aks-context', { inputs: { kubeconfig: input } });
      expect(errorLines(run)).toEqual([]);
      expect(readFileSync(written(run), 'utf8').trim()).toBe(content.trim());
      const k8s = await import('@kubernetes/client-node');
      const config = new k8s.KubeConfig();
      config.loadFromFile(written(run));
      const list = await config.makeApiClient(k8s.CoreV1Api).listNamespace();
      expect(list.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['clients', 'default', 'kube-system']));
      expect(findLeaks(visible(run), [real.kube.token])).toEqual([]);
    }
  });

  it('a ServiceAccount token (TokenRequest API) passes through unchanged: the real server sees that identity, masked in the log', async () => {
    await real.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer', namespace: 'clients' } });
    const sa = await real.serviceAccountKubeconfig('clients', 'deployer');
    const run = await runAction('aks-context', { inputs: { kubeconfig: readFileSync(sa.path, 'utf8') } });
    expect(errorLines(run)).toEqual([]);
    expect(run.masked).toContain(sa.token);
    expect(findLeaks(visible(run), [sa.token])).toEqual([]);
    const whoami = await real.kubectl(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'], { kubeconfig: written(run) });
    expect(whoami.stdout).toBe(sa.user);
    // Without a Role it may do nothing in the namespace: the real RBAC answer.
    const get = await real.kubectl(['get', 'configmaps', '-n', 'clients'], { kubeconfig: written(run) });
    expect(get.code).not.toBe(0);
    expect(get.stderr).toContain(`User "${sa.user}" cannot list resource "configmaps" in API group "" in the namespace "clients"`);
  });

  it('control: a token the real server does not know is refused (401), and the actions say the credentials were refused', async () => {
    const content = readFileSync(real.kube.kubeconfigPath, 'utf8').replace(real.kube.token, 'not-a-known-token-0123456789abcdef');
    const run = await runAction('aks-context', { inputs: { kubeconfig: content } });
    expect(run.code).toBe(0);
    const kubectl = await runCommand(real.kubectlPath, ['get', 'namespaces'], { KUBECONFIG: written(run) });
    expect(kubectl.code).not.toBe(0);
    expect(kubectl.stderr).toContain('You must be logged in to the server (Unauthorized)');
    const swap = await runAction('swap-configmap', {
      inputs: { name: 'kafka-proxy-config', namespace: 'clients', data: 'a: b' },
      env: { KUBECONFIG: written(run), GITHUB_WORKSPACE: repoRoot },
    });
    expect(swap.code).toBe(1);
    expect(errorLines(swap).join('\n')).toContain('could not read ConfigMap clients/kafka-proxy-config: HTTP 401 Unauthorized (Kubernetes API');
    expect(errorLines(swap).join('\n')).toContain('the credentials in the kubeconfig were refused');
  });
});
