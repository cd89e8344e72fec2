import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MountedConfig } from '../../src/playground/kube/index.js';
import { deployment, deploymentRolledOut, namespace, startFixture, waitFor, type KubeFixture } from './helpers.js';

let f: KubeFixture;
beforeAll(async () => {
  f = await startFixture({ reloader: false, podReadyDelayMs: 20 });
});
afterAll(() => f.emu.close());

type Pod = {
  metadata: { name: string; ownerReferences?: Array<{ kind: string }> };
  spec: { nodeName?: string };
  status: {
    phase: string;
    conditions?: Array<{ type: string; status: string }>;
    containerStatuses?: Array<{
      ready: boolean;
      restartCount: number;
      state: { waiting?: { reason: string; message?: string }; running?: object };
      lastState: { terminated?: { exitCode: number } };
    }>;
  };
};
const pods = (ns: string) => f.emu.list('Pod', ns) as Pod[];
const ready = (p: Pod) => (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const events = async (ns: string) =>
  (await f.core.listNamespacedEvent({ namespace: ns })).items.map((e) => ({
    reason: e.reason,
    type: e.type,
    message: e.message ?? '',
    count: e.count,
    kind: e.involvedObject.kind,
  }));

describe('pods: lifecycle and injected faults', () => {
  it('schedules, starts and readies a pod after the delay, with the kubelet events', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns));
    const pod = await waitFor('a ready pod', () => pods(ns).find(ready));
    expect(pod.spec.nodeName).toMatch(/^kube-node-\d$/);
    expect(pod.status.phase).toBe('Running');
    expect(pod.status.containerStatuses?.[0]).toMatchObject({ ready: true, restartCount: 0 });
    const reasons = (await events(ns)).filter((e) => e.kind === 'Pod').map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Scheduled', 'Pulled', 'Created', 'Started']));
  });

  it('CrashLoopBackOff: restartCount grows, the container waits with that reason, BackOff events, never ready', async () => {
    const ns = namespace(f.emu);
    f.emu.setPodFault(ns, 'Deployment/web', 'CrashLoopBackOff');
    f.emu.apply(deployment('web', ns));
    const crashing = await waitFor('restartCount >= 3', () => pods(ns).find((p) => (p.status.containerStatuses?.[0]?.restartCount ?? 0) >= 3), 8000);
    const cs = crashing.status.containerStatuses?.[0];
    expect(cs?.state.waiting?.reason).toBe('CrashLoopBackOff');
    expect(cs?.lastState.terminated?.exitCode).toBe(1);
    expect(ready(crashing)).toBe(false);
    const backoff = (await events(ns)).find((e) => e.reason === 'BackOff');
    expect(backoff).toMatchObject({ type: 'Warning', kind: 'Pod' });
    expect(backoff?.message).toMatch(/^Back-off restarting failed container app in pod web-[a-z0-9]+-[a-z0-9]{5}_ns-\d+\(.+\)$/);
    expect(backoff?.count).toBeGreaterThanOrEqual(2);
    expect(deploymentRolledOut(f.emu.get('Deployment', ns, 'web') as never)).toBe(false);
  });

  it('ImagePullBackOff: ErrImagePull then ImagePullBackOff, Failed events, phase Pending', async () => {
    const ns = namespace(f.emu);
    f.emu.setPodFault(ns, 'web', 'ImagePullBackOff');
    f.emu.apply(deployment('web', ns));
    const pod = await waitFor('ImagePullBackOff', () => pods(ns).find((p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === 'ImagePullBackOff'));
    expect(pod.status.phase).toBe('Pending');
    const evs = await events(ns);
    expect(evs.map((e) => e.message)).toEqual(expect.arrayContaining(['Error: ErrImagePull', 'Error: ImagePullBackOff']));
    expect(evs.some((e) => e.reason === 'Failed' && e.message.startsWith('Failed to pull image "busybox:1.36"'))).toBe(true);
  });

  it('NeverReady: running but never ready, Unhealthy event; a fault only affects pods created after it is set', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns));
    await waitFor('first pod ready', () => pods(ns).some(ready));
    f.emu.setPodFault(ns, 'web', 'NeverReady');
    f.emu.apply(deployment('other', ns));
    f.emu.apply(deployment('web', ns, { replicas: 2 }));
    await waitFor('second web pod running', () => pods(ns).filter((p) => p.metadata.name.startsWith('web-') && p.status.phase === 'Running').length === 2);
    await waitFor('other pod ready', () => pods(ns).some((p) => p.metadata.name.startsWith('other-') && ready(p)));
    await new Promise((r) => setTimeout(r, 80));
    const web = pods(ns).filter((p) => p.metadata.name.startsWith('web-'));
    expect(web.filter(ready)).toHaveLength(1);
    expect((await events(ns)).some((e) => e.reason === 'Unhealthy' && e.type === 'Warning')).toBe(true);
  });

  it('keeps a pod from starting while a referenced ConfigMap is missing, then starts it when it appears', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('env', ns, { containers: [{ name: 'app', image: 'i:1', envFrom: [{ configMapRef: { name: 'later' } }] }] }));
    f.emu.apply(
      deployment('vol', ns, {
        containers: [{ name: 'app', image: 'i:1', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }] }],
        volumes: [{ name: 'cfg', configMap: { name: 'later' } }],
      }),
    );
    const envPod = await waitFor('CreateContainerConfigError', () =>
      pods(ns).find((p) => p.status.containerStatuses?.[0]?.state.waiting?.reason === 'CreateContainerConfigError'),
    );
    expect(envPod.status.containerStatuses?.[0].state.waiting?.message).toBe('configmap "later" not found');
    await waitFor('FailedMount event', async () =>
      (await events(ns)).some((e) => e.reason === 'FailedMount' && e.message.includes('configmap "later" not found')),
    );
    expect(pods(ns).some(ready)).toBe(false);
    f.emu.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later', namespace: ns }, data: { k: 'v' } });
    await waitFor('both pods ready', () => pods(ns).filter(ready).length === 2);
  });

  it('tells onPod listeners what each pod mounted: ConfigMaps, Secrets and the resolved environment', async () => {
    const ns = namespace(f.emu);
    const seen: Array<{ event: string; owner: string; mounted: MountedConfig }> = [];
    const off = f.emu.onPod((event, pod, mounted) => {
      if (pod.namespace === ns) seen.push({ event, owner: pod.owner, mounted });
    });
    f.emu.apply([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kafka', namespace: ns }, data: { 'bootstrap.servers': 'west:9092', 'client.id': 'p' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: ns }, stringData: { key: 'K', secret: 'S' } },
      deployment('producer', ns, {
        containers: [
          {
            name: 'app',
            image: 'p:1',
            env: [
              { name: 'BOOTSTRAP', valueFrom: { configMapKeyRef: { name: 'kafka', key: 'bootstrap.servers' } } },
              { name: 'API_KEY', valueFrom: { secretKeyRef: { name: 'creds', key: 'key' } } },
              { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'PLAIN', value: 'x' },
            ],
            envFrom: [{ prefix: 'K_', configMapRef: { name: 'kafka' } }],
            volumeMounts: [{ name: 'creds', mountPath: '/creds' }],
          },
        ],
        volumes: [{ name: 'creds', secret: { secretName: 'creds' } }],
      }),
    ]);
    await waitFor('ready', () => seen.some((s) => s.event === 'ready'));
    off();
    expect(seen.map((s) => s.event)).toEqual(['started', 'ready']);
    const { mounted, owner } = seen[0];
    expect(owner).toBe('Deployment/producer');
    expect(mounted.configMaps).toEqual({ kafka: { 'bootstrap.servers': 'west:9092', 'client.id': 'p' } });
    expect(mounted.secrets).toEqual({ creds: { key: 'K', secret: 'S' } });
    expect(mounted.env).toMatchObject({ BOOTSTRAP: 'west:9092', API_KEY: 'K', PLAIN: 'x', 'K_bootstrap.servers': 'west:9092', 'K_client.id': 'p' });
    expect(mounted.env.POD).toMatch(/^producer-/);
  });

  it('reports deleted pods to onPod listeners', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns));
    const pod = await waitFor('ready', () => pods(ns).find(ready));
    const deleted: string[] = [];
    const off = f.emu.onPod((event, p) => {
      if (event === 'deleted') deleted.push(p.name);
    });
    await f.core.deleteNamespacedPod({ name: pod.metadata.name, namespace: ns });
    off();
    expect(deleted).toEqual([pod.metadata.name]);
  });
});
