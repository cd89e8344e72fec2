import type { KubeApi } from './api.js';
import type { EventRecorder } from './events.js';
import type { Controller, Scheduler } from './scheduler.js';
import { matchesSelector } from './selectors.js';
import type { StoreEvent } from './store.js';
import { clone, type Pod, type ReplicaSet } from './types.js';
import { POD, REPLICA_SET, controllerRef, isActivePod, isPodReady, omitZero, ownedBy, podAvailability, splitKey, enqueueOwnAndOwned } from './workloads.js';

/** Rank for scale-down: unscheduled, pending, not ready, then the newest go first (controller.ActivePods). */
function deletionRank(pod: Pod): number[] {
  const scheduled = pod.spec.nodeName ? 1 : 0;
  const phase = pod.status?.phase === 'Running' ? 2 : pod.status?.phase === 'Pending' ? 0 : 1;
  const ready = isPodReady(pod) ? 1 : 0;
  const restarts = -Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount));
  const age = -Date.parse(pod.metadata.creationTimestamp ?? '0');
  return [scheduled, phase, ready, restarts, age];
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * The ReplicaSet controller: keeps `spec.replicas` active pods (creating from the template with an
 * owner reference, deleting the least useful first) and reports replicas, fullyLabeled, ready and
 * available (ready for minReadySeconds) replicas with observedGeneration.
 */
export class ReplicaSetController implements Controller {
  readonly name = 'replicaset';

  constructor(
    private readonly api: KubeApi,
    private readonly events: EventRecorder,
    private readonly scheduler: Scheduler,
    private readonly now: () => number = Date.now,
  ) {}

  observe(event: StoreEvent): void {
    enqueueOwnAndOwned(this.scheduler, this.name, event, 'ReplicaSet', 'Pod');
  }

  sync(k: string): void {
    const [ns, name] = splitKey(k);
    const rs = this.api.find(REPLICA_SET, ns, name) as ReplicaSet | undefined;
    if (!rs || rs.metadata.deletionTimestamp) return;
    let pods = (ownedBy(this.api, POD, rs) as Pod[]).filter(isActivePod);
    const want = rs.spec.replicas ?? 1;
    if (pods.length < want) {
      for (let i = pods.length; i < want; i++) {
        const template = clone(rs.spec.template);
        const pod = this.api.create(
          POD,
          ns,
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              generateName: `${name}-`,
              namespace: ns,
              labels: template.metadata?.labels ?? {},
              annotations: template.metadata?.annotations,
              ownerReferences: [controllerRef(rs)],
            },
            spec: template.spec,
          },
          { fieldManager: 'kube-controller-manager' },
        );
        this.events.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller');
      }
    } else if (pods.length > want) {
      const victims = [...pods].sort((a, b) => compareRank(deletionRank(a), deletionRank(b))).slice(0, pods.length - want);
      for (const pod of victims) {
        this.api.delete(POD, ns, pod.metadata.name as string);
        this.events.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'replicaset-controller');
      }
    }
    const owned = ownedBy(this.api, POD, rs) as Pod[];
    pods = owned.filter(isActivePod);
    const now = this.now();
    let available = 0;
    for (const pod of pods) {
      const a = podAvailability(pod, rs.spec.minReadySeconds ?? 0, now);
      if (a.available) available++;
      else if (a.at) this.scheduler.enqueueAt(this.name, k, a.at);
    }
    const status = omitZero(
      {
        replicas: pods.length,
        fullyLabeledReplicas: pods.filter((p) => matchesSelector({ matchLabels: rs.spec.template.metadata?.labels ?? {} }, p.metadata.labels)).length,
        readyReplicas: pods.filter(isPodReady).length,
        availableReplicas: available,
        observedGeneration: rs.metadata.generation,
        // DeploymentReplicaSetTerminatingReplicas (on by default since v1.35): pods being deleted, 0 included.
        terminatingReplicas: owned.filter((p) => p.metadata.deletionTimestamp).length,
      },
      ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'],
    );
    const current = this.api.find(REPLICA_SET, ns, name) as ReplicaSet;
    this.api.update(REPLICA_SET, ns, name, { ...current, status }, { subresource: 'status', fieldManager: 'kube-controller-manager' });
  }
}
