import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { deployment, deploymentRolledOut, namespace, startFixture, waitFor, type KubeFixture } from './helpers.js';

let f: KubeFixture;
beforeAll(async () => {
  f = await startFixture({ reloader: false, podReadyDelayMs: 30 });
});
afterAll(() => f.emu.close());

type Obj = {
  metadata: {
    name: string;
    generation?: number;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    ownerReferences?: Array<{ kind: string; name: string; controller?: boolean }>;
  };
  spec: { replicas?: number };
  status?: Record<string, unknown>;
};
type Cond = { type: string; status: string; reason: string; message: string };
const conditions = (d: Obj | undefined) => (d?.status?.conditions ?? []) as Cond[];
const progressing = (d: Obj | undefined) => conditions(d).find((c) => c.type === 'Progressing');
const smp = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

function get(ns: string, name: string): Obj | undefined {
  return f.emu.get('Deployment', ns, name) as Obj | undefined;
}
function replicaSets(ns: string): Obj[] {
  return f.emu.list('ReplicaSet', ns) as Obj[];
}
async function rolledOut(ns: string, name: string): Promise<Obj> {
  return waitFor(`Deployment ${ns}/${name} rolled out`, () => {
    const d = get(ns, name);
    return deploymentRolledOut(d) ? d : undefined;
  });
}
async function setImage(ns: string, name: string, image: string): Promise<void> {
  await f.apps.patchNamespacedDeployment({ name, namespace: ns, body: { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } } }, smp);
}

/** Follows every pod state through a watch and checks an invariant after each event. */
async function trackPods(ns: string, check: (pods: Map<string, { ready: boolean; image: string }>) => void) {
  const pods = new Map<string, { ready: boolean; image: string }>();
  const violations: string[] = [];
  const list = await f.core.listNamespacedPod({ namespace: ns });
  const ctrl = await f.watch.watch(
    `/api/v1/namespaces/${ns}/pods`,
    { resourceVersion: list.metadata?.resourceVersion },
    (type, pod: { metadata: { name: string }; spec: { containers: Array<{ image: string }> }; status?: { conditions?: Cond[] } }) => {
      if (type === 'DELETED') pods.delete(pod.metadata.name);
      else
        pods.set(pod.metadata.name, {
          ready: (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
          image: pod.spec.containers[0].image,
        });
      try {
        check(pods);
      } catch (err) {
        violations.push((err as Error).message);
      }
    },
    () => {},
  );
  for (const p of list.items) {
    pods.set(p.metadata?.name as string, {
      ready: (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      image: p.spec?.containers[0].image as string,
    });
  }
  return { pods, violations, stop: () => ctrl.abort() };
}

describe('deployment controller', () => {
  it('rolls out a new template respecting maxSurge and maxUnavailable at every step', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
    await rolledOut(ns, 'web');
    const tracker = await trackPods(ns, (pods) => {
      const all = [...pods.values()];
      if (all.length > 5) throw new Error(`${all.length} pods exist, more than replicas + maxSurge = 5`);
      const ready = all.filter((p) => p.ready).length;
      if (ready < 3) throw new Error(`${ready} ready pods, fewer than replicas - maxUnavailable = 3`);
    });
    await setImage(ns, 'web', 'busybox:1.37');
    const done = await rolledOut(ns, 'web');
    await waitFor(
      'all four new pods seen',
      () => [...tracker.pods.values()].filter((p) => p.image === 'busybox:1.37' && p.ready).length === 4 && tracker.pods.size === 4,
    );
    tracker.stop();
    expect(tracker.violations).toEqual([]);
    expect(done.metadata.generation).toBe(2);
    expect(done.status).toMatchObject({ observedGeneration: 2, replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4 });
  });

  it('with maxUnavailable 0 never has fewer ready pods than replicas', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await rolledOut(ns, 'web');
    const tracker = await trackPods(ns, (pods) => {
      const all = [...pods.values()];
      if (all.length > 4) throw new Error(`${all.length} pods, more than 4`);
      if (all.filter((p) => p.ready).length < 3) throw new Error('fewer than 3 ready pods');
    });
    await setImage(ns, 'web', 'busybox:1.37');
    await rolledOut(ns, 'web');
    await waitFor('new pods only', () => tracker.pods.size === 3 && [...tracker.pods.values()].every((p) => p.image === 'busybox:1.37' && p.ready));
    tracker.stop();
    expect(tracker.violations).toEqual([]);
  });

  it('keeps one ReplicaSet per template with revisions, and reuses the old one when the template reverts', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 2 }));
    const first = await rolledOut(ns, 'web');
    expect(first.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const [rs1] = replicaSets(ns);
    expect(rs1.metadata.labels?.['pod-template-hash']).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs1.metadata.name).toBe(`web-${rs1.metadata.labels?.['pod-template-hash']}`);
    expect(rs1.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'web', controller: true })]);
    expect(rs1.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');

    await setImage(ns, 'web', 'busybox:1.37');
    await waitFor('revision 2', () => get(ns, 'web')?.metadata.annotations?.['deployment.kubernetes.io/revision'] === '2');
    await rolledOut(ns, 'web');
    const afterUpdate = replicaSets(ns);
    expect(afterUpdate).toHaveLength(2);
    const rs2 = afterUpdate.find((r) => r.metadata.name !== rs1.metadata.name) as Obj;
    expect(rs2.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect((f.emu.get('ReplicaSet', ns, rs1.metadata.name) as Obj).spec.replicas).toBe(0);

    await setImage(ns, 'web', 'busybox:1.36');
    await waitFor('revision 3', () => get(ns, 'web')?.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3');
    await rolledOut(ns, 'web');
    expect(replicaSets(ns)).toHaveLength(2);
    const reused = f.emu.get('ReplicaSet', ns, rs1.metadata.name) as Obj;
    expect(reused.spec.replicas).toBe(2);
    expect(reused.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(reused.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    const pods = f.emu.list('Pod', ns) as Obj[];
    expect(pods.every((p) => p.metadata.labels?.['pod-template-hash'] === rs1.metadata.labels?.['pod-template-hash'])).toBe(true);
  });

  it('reports Available and Progressing like the real controller once complete', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 2 }));
    const d = await waitFor('NewReplicaSetAvailable', () => {
      const x = get(ns, 'web');
      return progressing(x)?.reason === 'NewReplicaSetAvailable' ? x : undefined;
    });
    const rs = replicaSets(ns)[0];
    expect(conditions(d).map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    expect(progressing(d)?.message).toBe(`ReplicaSet "${rs.metadata.name}" has successfully progressed.`);
    const events = (await f.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.kind=Deployment,involvedObject.name=web' })).items;
    expect(events.map((e) => [e.reason, e.message])).toContainEqual(['ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to 2`]);
  });

  it('sets Progressing=False ProgressDeadlineExceeded when the new pods never become ready', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 1, progressDeadlineSeconds: 1 }));
    await rolledOut(ns, 'web');
    f.emu.setPodFault(ns, 'web', 'NeverReady');
    await setImage(ns, 'web', 'busybox:broken');
    const stuck = await waitFor(
      'ProgressDeadlineExceeded',
      () => {
        const d = get(ns, 'web');
        return progressing(d)?.reason === 'ProgressDeadlineExceeded' ? d : undefined;
      },
      6000,
    );
    const cond = progressing(stuck) as Cond;
    expect(cond.status).toBe('False');
    expect(cond.message).toMatch(/^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/);
    expect(stuck.status).toMatchObject({ updatedReplicas: 1, replicas: 2, availableReplicas: 1 });
    expect(deploymentRolledOut(stuck)).toBe(false);
    f.emu.setPodFault(ns, 'web', null);
  });

  it('does not roll a paused Deployment (DeploymentPaused), and rolls once resumed', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 2 }));
    await rolledOut(ns, 'web');
    await f.apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: { spec: { paused: true } } }, smp);
    await waitFor('DeploymentPaused', () => progressing(get(ns, 'web'))?.reason === 'DeploymentPaused');
    expect(progressing(get(ns, 'web'))?.status).toBe('Unknown');
    await setImage(ns, 'web', 'busybox:1.37');
    const paused = await waitFor('the new generation observed', () => {
      const d = get(ns, 'web');
      return d && d.status?.observedGeneration === d.metadata.generation ? d : undefined;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(replicaSets(ns)).toHaveLength(1);
    expect(paused.status?.updatedReplicas ?? 0).toBe(0);
    expect(deploymentRolledOut(get(ns, 'web'))).toBe(false);
    await f.apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: { spec: { paused: false } } }, smp);
    await rolledOut(ns, 'web');
    expect(replicaSets(ns)).toHaveLength(2);
    await waitFor('NewReplicaSetAvailable after resume', () => progressing(get(ns, 'web'))?.reason === 'NewReplicaSetAvailable');
  });

  it('Recreate removes every old pod before creating new ones', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 2, strategy: { type: 'Recreate' } }));
    await rolledOut(ns, 'web');
    const tracker = await trackPods(ns, (pods) => {
      const images = new Set([...pods.values()].map((p) => p.image));
      if (images.size > 1) throw new Error('old and new pods coexist');
    });
    await setImage(ns, 'web', 'busybox:1.37');
    await rolledOut(ns, 'web');
    await waitFor('new pods', () => tracker.pods.size === 2 && [...tracker.pods.values()].every((p) => p.image === 'busybox:1.37'));
    tracker.stop();
    expect(tracker.violations).toEqual([]);
  });

  it('rolls on a `kubectl rollout restart` style annotation, and deleting the Deployment removes its ReplicaSets and pods', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 1 }));
    await rolledOut(ns, 'web');
    await f.apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: ns,
        body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } },
      },
      smp,
    );
    await waitFor('second ReplicaSet', () => replicaSets(ns).length === 2);
    await rolledOut(ns, 'web');
    await f.apps.deleteNamespacedDeployment({ name: 'web', namespace: ns });
    expect(replicaSets(ns)).toEqual([]);
    expect(f.emu.list('Pod', ns)).toEqual([]);
  });

  it('re-applying the same manifest after the rollout moves nothing (defaults and controller annotations kept)', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 2 }));
    const before = await rolledOut(ns, 'web');
    const [again] = f.emu.apply(deployment('web', ns, { replicas: 2 })) as Obj[];
    expect(again.metadata.generation).toBe(before.metadata.generation);
    expect(again.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(replicaSets(ns)).toHaveLength(1);
  });

  it('scales with spec.replicas, and a ReplicaSet replaces a deleted pod', async () => {
    const ns = namespace(f.emu);
    f.emu.apply(deployment('web', ns, { replicas: 1 }));
    await rolledOut(ns, 'web');
    await f.apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: { spec: { replicas: 3 } } }, smp);
    await waitFor('3 available', () => get(ns, 'web')?.status?.availableReplicas === 3);
    expect(replicaSets(ns)).toHaveLength(1);
    const victim = (f.emu.list('Pod', ns) as Obj[])[0].metadata.name;
    await f.core.deleteNamespacedPod({ name: victim, namespace: ns });
    await waitFor(
      'replacement pod',
      () => (f.emu.list('Pod', ns) as Obj[]).length === 3 && !(f.emu.list('Pod', ns) as Obj[]).some((p) => p.metadata.name === victim),
    );
  });
});
