import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { namespace, sleep, startFixture, waitFor, type KubeFixture } from './helpers.js';

let f: KubeFixture;
beforeAll(async () => {
  f = await startFixture({ reloader: false, podReadyDelayMs: 20 });
});
afterAll(() => f.emu.close());

type Pod = {
  metadata: { name: string; labels: Record<string, string>; creationTimestamp: string };
  spec: { nodeName: string; containers: Array<{ image: string }> };
  status: { conditions?: Array<{ type: string; status: string }> };
};
type Sts = {
  metadata: { generation: number };
  spec: { replicas: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    currentReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
  };
};
type Ds = {
  metadata: { generation: number };
  status?: { desiredNumberScheduled: number; updatedNumberScheduled?: number; numberAvailable?: number; observedGeneration?: number };
};
const smp = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const ready = (p: Pod) => (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const pods = (ns: string) => f.emu.list('Pod', ns) as Pod[];

function sts(name: string, ns: string, replicas: number, updateStrategy?: object): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      ...(updateStrategy ? { updateStrategy } : {}),
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'db', image: 'db:1' }] } },
    },
  };
}

/** kubectl's StatefulSet rollout verdict (kubectl's polymorphichelpers/rollout_status.go). */
function stsDone(s: Sts | undefined, partitioned: boolean, partition = 0): boolean {
  if (!s?.status) return false;
  if (!s.status.observedGeneration || s.metadata.generation > s.status.observedGeneration) return false;
  if ((s.status.readyReplicas ?? 0) < s.spec.replicas) return false;
  if (partitioned) return (s.status.updatedReplicas ?? 0) >= s.spec.replicas - partition;
  return s.status.updateRevision === s.status.currentRevision;
}

describe('StatefulSet controller', () => {
  it('creates ordinals in order, waiting for each to be ready (OrderedReady)', async () => {
    const ns = namespace(f.emu);
    const created: string[] = [];
    const off = f.emu.onPod((event, pod) => {
      if (pod.namespace === ns && event === 'started') created.push(pod.name);
    });
    f.emu.apply(sts('db', ns, 3));
    await waitFor('3 ready pods', () => pods(ns).filter(ready).length === 3);
    off();
    expect(created).toEqual(['db-0', 'db-1', 'db-2']);
    const all = pods(ns).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    expect(all.map((p) => p.metadata.labels['apps.kubernetes.io/pod-index'])).toEqual(['0', '1', '2']);
    const s = f.emu.get('StatefulSet', ns, 'db') as Sts;
    expect(stsDone(s, true)).toBe(true);
    expect(s.status?.currentRevision).toBe(s.status?.updateRevision);
  });

  it('rolls from the highest ordinal down, one at a time, and stops at the partition', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(sts('db', ns, 3, { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }));
    await waitFor('3 ready', () => pods(ns).filter(ready).length === 3);
    const order: string[] = [];
    const off = f.emu.onPod((event, pod) => {
      if (pod.namespace === ns && event === 'deleted') order.push(pod.name);
    });
    await f.apps.patchNamespacedStatefulSet(
      { name: 'db', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'db', image: 'db:2' }] } } } } },
      smp,
    );
    const s = await waitFor('partitioned rollout complete', () => {
      const x = f.emu.get('StatefulSet', ns, 'db') as Sts;
      return stsDone(x, true, 1) && pods(ns).filter(ready).length === 3 ? x : undefined;
    });
    off();
    expect(order).toEqual(['db-2', 'db-1']);
    const images = Object.fromEntries(pods(ns).map((p) => [p.metadata.name, p.spec.containers[0].image]));
    expect(images).toEqual({ 'db-0': 'db:1', 'db-1': 'db:2', 'db-2': 'db:2' });
    expect(s.status).toMatchObject({ updatedReplicas: 2, currentReplicas: 1 });
    expect(s.status?.currentRevision).not.toBe(s.status?.updateRevision);
  });

  it('OnDelete never replaces a pod by itself; a deleted pod comes back at the new revision', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(sts('db', ns, 2, { type: 'OnDelete' }));
    await waitFor('2 ready', () => pods(ns).filter(ready).length === 2);
    await f.apps.patchNamespacedStatefulSet(
      { name: 'db', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'db', image: 'db:2' }] } } } } },
      smp,
    );
    await waitFor('generation observed', () => {
      const x = f.emu.get('StatefulSet', ns, 'db') as Sts;
      return x.status?.observedGeneration === 2;
    });
    await sleep(100);
    expect(pods(ns).map((p) => p.spec.containers[0].image)).toEqual(['db:1', 'db:1']);
    await f.core.deleteNamespacedPod({ name: 'db-1', namespace: ns });
    await waitFor('db-1 back at db:2', () => pods(ns).some((p) => p.metadata.name === 'db-1' && p.spec.containers[0].image === 'db:2' && ready(p)));
    expect(pods(ns).find((p) => p.metadata.name === 'db-0')?.spec.containers[0].image).toBe('db:1');
  });
});

describe('DaemonSet controller', () => {
  const ds = (ns: string, updateStrategy?: object) => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: ns },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      ...(updateStrategy ? { updateStrategy } : {}),
      template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'agent:1' }] } },
    },
  });

  it('runs one pod per emulated node and rolls a new template with at most one unavailable', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(ds(ns));
    await waitFor('2 ready pods', () => pods(ns).filter(ready).length === 2);
    expect(new Set(pods(ns).map((p) => p.spec.nodeName))).toEqual(new Set(['kube-node-1', 'kube-node-2']));
    const violations: string[] = [];
    const list = await f.core.listNamespacedPod({ namespace: ns });
    const state = new Map<string, boolean>(list.items.map((p) => [p.metadata?.name as string, true]));
    const ctrl = await f.watch.watch(
      `/api/v1/namespaces/${ns}/pods`,
      { resourceVersion: list.metadata?.resourceVersion },
      (type, p: Pod) => {
        if (type === 'DELETED') state.delete(p.metadata.name);
        else state.set(p.metadata.name, ready(p));
        const readyCount = [...state.values()].filter(Boolean).length;
        if (readyCount < 1) violations.push(`only ${readyCount} ready`);
      },
      () => {},
    );
    await f.apps.patchNamespacedDaemonSet(
      { name: 'agent', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'a', image: 'agent:2' }] } } } } },
      smp,
    );
    const done = await waitFor('rolled', () => {
      const x = f.emu.get('DaemonSet', ns, 'agent') as Ds;
      return x.status?.observedGeneration === 2 && x.status.updatedNumberScheduled === 2 && x.status.numberAvailable === 2 ? x : undefined;
    });
    ctrl.abort();
    expect(done.status?.desiredNumberScheduled).toBe(2);
    expect(pods(ns).map((p) => p.spec.containers[0].image)).toEqual(['agent:2', 'agent:2']);
    expect(violations).toEqual([]);
  });

  it('OnDelete keeps old pods until they are deleted', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(ds(ns, { type: 'OnDelete' }));
    await waitFor('2 ready pods', () => pods(ns).filter(ready).length === 2);
    await f.apps.patchNamespacedDaemonSet(
      { name: 'agent', namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'a', image: 'agent:2' }] } } } } },
      smp,
    );
    await waitFor('observed', () => (f.emu.get('DaemonSet', ns, 'agent') as Ds).status?.observedGeneration === 2);
    await sleep(100);
    expect(pods(ns).map((p) => p.spec.containers[0].image)).toEqual(['agent:1', 'agent:1']);
    expect((f.emu.get('DaemonSet', ns, 'agent') as Ds).status?.updatedNumberScheduled ?? 0).toBe(0);
  });
});
