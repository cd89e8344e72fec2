import type { KubeApi } from './api.js';
import type { EventRecorder } from './events.js';
import type { Controller, Scheduler } from './scheduler.js';
import type { StoreEvent } from './store.js';
import { clone, type DaemonSet, type Pod } from './types.js';
import {
  DAEMON_SET,
  POD,
  controllerRef,
  isActivePod,
  isPodReady,
  omitZero,
  ownedBy,
  podAvailability,
  scaledValue,
  splitKey,
  templateHash,
  enqueueOwnAndOwned,
} from './workloads.js';

const REVISION_LABEL = 'controller-revision-hash';

/**
 * The DaemonSet controller over the emulator's fixed nodes: one pod per node, RollingUpdate that
 * replaces old pods while no more than maxUnavailable are unavailable (old unavailable pods go
 * first), OnDelete that only recreates deleted pods, and the status kubectl reads.
 */
export class DaemonSetController implements Controller {
  readonly name = 'daemonset';

  constructor(
    private readonly api: KubeApi,
    private readonly events: EventRecorder,
    private readonly scheduler: Scheduler,
    private readonly nodes: string[],
    private readonly now: () => number = Date.now,
  ) {}

  observe(event: StoreEvent): void {
    enqueueOwnAndOwned(this.scheduler, this.name, event, 'DaemonSet', 'Pod');
  }

  sync(k: string): void {
    const [ns, name] = splitKey(k);
    const ds = this.api.find(DAEMON_SET, ns, name) as DaemonSet | undefined;
    if (!ds || ds.metadata.deletionTimestamp) return;
    const hash = templateHash(ds.spec.template);
    const pods = () => (ownedBy(this.api, POD, ds) as Pod[]).filter(isActivePod);
    let current = pods();
    for (const node of this.nodes) {
      const onNode = current.filter((p) => p.spec.nodeName === node);
      if (onNode.length === 0) this.createPod(ds, node, hash);
      for (const extra of onNode.slice(1)) this.deletePod(ds, extra);
    }
    current = pods();
    const now = this.now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    const availableNow = (p: Pod) => {
      const a = podAvailability(p, minReady, now);
      if (!a.available && a.at) this.scheduler.enqueueAt(this.name, k, a.at);
      return a.available;
    };

    if (ds.spec.updateStrategy?.type === 'RollingUpdate') {
      const maxUnavailable = Math.max(1, scaledValue(ds.spec.updateStrategy.rollingUpdate?.maxUnavailable ?? 1, this.nodes.length, false));
      const old = current.filter((p) => p.metadata.labels?.[REVISION_LABEL] !== hash);
      const unavailable = current.filter((p) => !availableNow(p)).length + (this.nodes.length - current.length);
      let budget = maxUnavailable - unavailable;
      const deletions = [...old.filter((p) => !availableNow(p))];
      for (const p of old.filter((x) => availableNow(x))) {
        if (budget <= 0) break;
        deletions.push(p);
        budget--;
      }
      if (deletions.length > 0) {
        for (const p of deletions) this.deletePod(ds, p);
        for (const p of deletions) this.createPod(ds, p.spec.nodeName as string, hash);
        current = pods();
      }
    }

    const available = current.filter(availableNow).length;
    const status = {
      currentNumberScheduled: new Set(current.map((p) => p.spec.nodeName)).size,
      numberMisscheduled: 0,
      desiredNumberScheduled: this.nodes.length,
      numberReady: current.filter(isPodReady).length,
      ...omitZero(
        {
          observedGeneration: ds.metadata.generation,
          updatedNumberScheduled: current.filter((p) => p.metadata.labels?.[REVISION_LABEL] === hash).length,
          numberAvailable: available,
          numberUnavailable: Math.max(0, this.nodes.length - available),
        },
        ['updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'],
      ),
    };
    const fresh = this.api.find(DAEMON_SET, ns, name) as DaemonSet;
    this.api.update(DAEMON_SET, ns, name, { ...fresh, status }, { subresource: 'status', fieldManager: 'kube-controller-manager' });
  }

  private createPod(ds: DaemonSet, node: string, hash: string): void {
    const ns = ds.metadata.namespace;
    const template = clone(ds.spec.template);
    const labels = { ...(template.metadata?.labels ?? {}), [REVISION_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) };
    const pod = this.api.create(
      POD,
      ns,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          generateName: `${ds.metadata.name}-`,
          namespace: ns,
          labels,
          annotations: template.metadata?.annotations,
          ownerReferences: [controllerRef(ds)],
        },
        spec: { ...template.spec, nodeName: node },
      },
      { fieldManager: 'kube-controller-manager' },
    );
    this.events.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'daemonset-controller');
  }

  private deletePod(ds: DaemonSet, pod: Pod): void {
    this.api.delete(POD, pod.metadata.namespace, pod.metadata.name as string);
    this.events.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, 'daemonset-controller');
  }
}
