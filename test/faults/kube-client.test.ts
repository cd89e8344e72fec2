import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configMapHash, envVarName } from '../../src/core/kube/reloader.js';
import { startKube, type KubeEmulator } from '../../src/playground/kube/index.js';
import { faultProxy, injectedCommands, type FaultDecision, type FaultProxy, type ProxiedRequest } from '../helpers/fault-proxy.js';
import { errorLines, runAction, type ActionRun } from '../helpers/run-action.js';
import { until } from '../verify-rollout/clients.js';

/**
 * The fault matrix of what both Kubernetes actions share (src/core/kube): swap-configmap and verify-rollout,
 * bundled, against the emulator through the fault proxy: data compared as data (not by Reloader's hash), and a
 * bound on every request when the API accepts connections and never answers.
 */

const CONFIG = 'client-config';
const ENV = envVarName(CONFIG, 'CONFIGMAP');

let kube: KubeEmulator;
let proxy: FaultProxy | undefined;

beforeAll(async () => {
  kube = await startKube({ podReadyDelayMs: 150 });
});
afterAll(async () => kube.close());
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function through(rule?: (req: ProxiedRequest, n: number) => FaultDecision): Promise<string> {
  proxy = await faultProxy(kube.url, rule);
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'fault-kube-')), 'kubeconfig');
  writeFileSync(kubeconfig, kube.kubeconfig().split(kube.url).join(proxy.url), { mode: 0o600 });
  return kubeconfig;
}

interface Timed extends ActionRun {
  ms: number;
}
async function run(action: 'swap-configmap' | 'verify-rollout', inputs: Record<string, string>, limitMs = 60_000): Promise<Timed> {
  const started = Date.now();
  const result = await runAction(action, { inputs, timeoutMs: limitMs });
  return { ...result, ms: Date.now() - started };
}
const writes = () => (proxy?.mutating() ?? []).map((r) => `${r.method} ${r.path.split('?')[0]}`);

function producer(namespace: string): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'producer', namespace, annotations: { 'configmap.reloader.stakater.com/reload': CONFIG } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'producer' } },
      template: {
        metadata: { labels: { app: 'producer' } },
        spec: { containers: [{ name: 'app', image: 'registry.local/producer:1.0', envFrom: [{ configMapRef: { name: CONFIG } }] }] },
      },
    },
  };
}
const config = (namespace: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CONFIG, namespace }, data });
type Dep = {
  metadata: { generation: number };
  spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } };
  status?: { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number };
};
function rolledOut(namespace: string): boolean {
  const d = kube.get('Deployment', namespace, 'producer') as Dep;
  const s = d.status ?? {};
  return (s.observedGeneration ?? 0) >= d.metadata.generation && s.updatedReplicas === 1 && s.availableReplicas === 1 && s.replicas === 1;
}
const envOf = (namespace: string) =>
  (kube.get('Deployment', namespace, 'producer') as Dep).spec.template.spec.containers.flatMap((c) => c.env ?? []).find((e) => e.name === ENV)?.value;

describe('the Kubernetes core of both actions (bundled, emulator, fault proxy)', () => {
  it('2: data that differs but hashes the same for Reloader is written, announced, and its workloads restarted and verified', async () => {
    const ns = 'collide';
    kube.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, config(ns, { a: 'x' }), producer(ns)]);
    await until(() => rolledOut(ns), 'the first rollout');
    kube.apply(config(ns, { a: 'b', c: 'd' }));
    const hash = configMapHash({ data: { a: 'b', c: 'd' } });
    await until(() => envOf(ns) === hash && rolledOut(ns), 'Reloader rolling to {a: b, c: d}');
    const pods = new Map<string, string>();
    const stop = kube.onPod((event, pod, mounted) => {
      if (event === 'deleted') pods.delete(pod.name);
      else if (event === 'started' && pod.owner === 'Deployment/producer') pods.set(pod.name, JSON.stringify(mounted.configMaps[CONFIG]));
    });
    try {
      const kubeconfig = await through();
      // {a: "b;c=d"} and {a: "b", c: "d"} are both `a=b;c=d` to Reloader.
      const swapped = await run('swap-configmap', { kubeconfig, name: CONFIG, namespace: ns, data: 'a: b;c=d\nc: null' });
      expect(errorLines(swapped)).toEqual([]);
      expect(swapped.code).toBe(0);
      expect(swapped.outputs.changed).toBe('true');
      expect(swapped.outputs.hash).toBe(hash);
      expect((kube.get('ConfigMap', ns, CONFIG) as { data: Record<string, string> }).data).toEqual({ a: 'b;c=d' });
      expect(swapped.stdout).toMatch(/::warning::.*same Reloader hash.*Reloader will not roll/);
      expect(writes()).toEqual([`PUT /api/v1/namespaces/${ns}/configmaps/${CONFIG}`, `PATCH /apis/apps/v1/namespaces/${ns}/deployments/producer`]);
      expect(injectedCommands(swapped.stdout)).toEqual([]);

      await proxy!.close();
      const again = await through();
      const verified = await run('verify-rollout', { kubeconfig: again, namespace: ns, configmap: CONFIG, timeout: '10s', 'reload-grace': '2s' });
      expect(errorLines(verified)).toEqual([]);
      expect(verified.code).toBe(0);
      expect(verified.ms).toBeLessThan(15_000);
      expect(JSON.parse(verified.outputs.workloads)).toEqual([expect.objectContaining({ name: 'producer', strategy: 'restart' })]);
      expect(writes()).toEqual([]);
      await until(() => rolledOut(ns) && pods.size === 1, 'the restart');
      expect([...pods.values()]).toEqual([JSON.stringify({ a: 'b;c=d' })]);
    } finally {
      stop();
    }
  });

  it('4: swap-configmap against an API that accepts and never answers ends with the request timeout, writing nothing', async () => {
    const kubeconfig = await through(() => ({ hang: true }));
    const swapped = await run('swap-configmap', { kubeconfig, name: CONFIG, namespace: 'collide', data: 'a: z' }, 45_000);
    expect(swapped.code).toBe(1);
    expect(errorLines(swapped).join('\n')).toContain('did not answer within 30s');
    expect(swapped.ms).toBeLessThan(35_000);
    expect(writes()).toEqual([]);
    expect(injectedCommands(swapped.stdout)).toEqual([]);
  });
});
