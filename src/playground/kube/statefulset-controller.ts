import type { KubeApi } from './api.js';
import type { EventRecorder } from './events.js';
import type { Controller, Scheduler } from './scheduler.js';
import type { StoreEvent } from './store.js';
import { clone, type Pod, type PodTemplate, type StatefulSet } from './types.js';
import {
  POD,
  STATEFUL_SET,
  controllerRef,
  isActivePod,
  isPodReady,
  omitZero,
  ownedBy,
  podAvailability,
  splitKey,
  templateHash,
  enqueueOwnAndOwned,
} from './workloads.js';

const REVISION_LABEL = 'controller-revision-hash';

/**
 * The StatefulSet controller: pods `<name>-<ordinal>` created in order (OrderedReady waits for each
 * to be ready; Parallel does not), revisions named `<name>-<hash>`, RollingUpdate from the highest
 * ordinal down to the partition one pod at a time while all are ready, OnDelete never replacing a
 * pod by itself (a deleted pod comes back at the update revision), and the status kubectl reads
 * (currentRevision becomes updateRevision once every pod is updated and ready).
 */
export class StatefulSetController implements Controller {
  readonly name = 'statefulset';
  /** Pod templates per revision (the apiserver keeps them in ControllerRevisions). */
  private readonly revisions = new Map<string, PodTemplate>();

  constructor(
    private readonly api: KubeApi,
    private readonly events: EventRecorder,
    private readonly scheduler: Scheduler,
    private readonly now: () => number = Date.now,
  ) {}

  observe(event: StoreEvent): void {
    enqueueOwnAndOwned(this.scheduler, this.name, event, 'StatefulSet', 'Pod');
  }

  sync(k: string): void {
    const [ns, name] = splitKey(k);
    const sts = this.api.find(STATEFUL_SET, ns, name) as StatefulSet | undefined;
    if (!sts || sts.metadata.deletionTimestamp) return;
    const uid = sts.metadata.uid as string;
    const updateRevision = `${name}-${templateHash(sts.spec.template)}`;
    this.revisions.set(`${uid}/${updateRevision}`, clone(sts.spec.template));
    const currentRevision = sts.status?.currentRevision || updateRevision;
    const replicas = sts.spec.replicas ?? 1;
    const ordered = (sts.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const rolling = sts.spec.updateStrategy?.type === 'RollingUpdate';
    const partition = rolling ? (sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    const ordinal = (p: Pod) => Number((p.metadata.name ?? '').slice(name.length + 1));
    const pods = () => (ownedBy(this.api, POD, sts) as Pod[]).filter(isActivePod).sort((a, b) => ordinal(a) - ordinal(b));

    // Create missing ordinals (in order, waiting for readiness when OrderedReady).
    let current = pods();
    for (let i = 0; i < replicas; i++) {
      const existing = current.find((p) => ordinal(p) === i);
      if (existing) {
        if (ordered && !isPodReady(existing)) break;
        continue;
      }
      const useCurrent = rolling && sts.spec.updateStrategy?.rollingUpdate !== undefined && i < partition;
      const revision = useCurrent ? currentRevision : updateRevision;
      this.createPod(sts, i, revision);
      if (ordered) break;
    }
    current = pods();

    // Scale down from the highest ordinal, one at a time when OrderedReady.
    const extra = current.filter((p) => ordinal(p) >= replicas).sort((a, b) => ordinal(b) - ordinal(a));
    if (extra.length > 0 && (!ordered || current.every(isPodReady))) {
      for (const p of ordered ? extra.slice(0, 1) : extra) this.deletePod(sts, p);
      current = pods();
    }

    // Rolling update: replace the highest ordinal not yet at the update revision, while all are ready.
    if (rolling && current.length === replicas && current.every(isPodReady)) {
      const stale = current
        .filter((p) => ordinal(p) >= partition && p.metadata.labels?.[REVISION_LABEL] !== updateRevision)
        .sort((a, b) => ordinal(b) - ordinal(a));
      if (stale.length > 0) {
        this.deletePod(sts, stale[0]);
        current = pods();
      }
    }

    const now = this.now();
    let available = 0;
    for (const p of current) {
      const a = podAvailability(p, sts.spec.minReadySeconds ?? 0, now);
      if (a.available) available++;
      else if (a.at) this.scheduler.enqueueAt(this.name, k, a.at);
    }
    const ready = current.filter(isPodReady).length;
    const updated = current.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
    let currentRev = currentRevision;
    let currentReplicas = current.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length;
    if (rolling && updated === current.length && ready === current.length && current.length === replicas) {
      currentRev = updateRevision;
      currentReplicas = updated;
    }
    const status = {
      ...omitZero({ observedGeneration: sts.metadata.generation, readyReplicas: ready, currentReplicas, updatedReplicas: updated, collisionCount: 0 }, [
        'readyReplicas',
        'currentReplicas',
        'updatedReplicas',
      ]),
      replicas: current.length,
      availableReplicas: available,
      currentRevision: currentRev,
      updateRevision,
    };
    const fresh = this.api.find(STATEFUL_SET, ns, name) as StatefulSet;
    this.api.update(STATEFUL_SET, ns, name, { ...fresh, status }, { subresource: 'status', fieldManager: 'kube-controller-manager' });
  }

  private createPod(sts: StatefulSet, ordinal: number, revision: string): void {
    const ns = sts.metadata.namespace;
    const template = clone(this.revisions.get(`${sts.metadata.uid}/${revision}`) ?? sts.spec.template);
    const podName = `${sts.metadata.name}-${ordinal}`;
    const labels = {
      ...(template.metadata?.labels ?? {}),
      [REVISION_LABEL]: revision,
      'statefulset.kubernetes.io/pod-name': podName,
      'apps.kubernetes.io/pod-index': String(ordinal),
    };
    const spec = { ...template.spec, hostname: podName, ...(sts.spec.serviceName ? { subdomain: sts.spec.serviceName } : {}) };
    this.api.create(
      POD,
      ns,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: podName, namespace: ns, labels, annotations: template.metadata?.annotations, ownerReferences: [controllerRef(sts)] },
        spec,
      },
      { fieldManager: 'kube-controller-manager' },
    );
    this.events.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${sts.metadata.name} successful`, 'statefulset-controller');
  }

  private deletePod(sts: StatefulSet, pod: Pod): void {
    this.api.delete(POD, pod.metadata.namespace, pod.metadata.name as string);
    this.events.record(
      sts,
      'Normal',
      'SuccessfulDelete',
      `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`,
      'statefulset-controller',
    );
  }
}
