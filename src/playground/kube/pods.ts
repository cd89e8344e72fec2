import { randomBytes } from 'node:crypto';
import type { KubeApi } from './api.js';
import type { EventRecorder } from './events.js';
import { resolveMounted, type MountedConfig } from './mounted.js';
import type { Controller, Scheduler } from './scheduler.js';
import type { StoreEvent } from './store.js';
import { clone, timestamp, type Condition, type ContainerStatus, type KubeObject, type Pod } from './types.js';
import { POD, REPLICA_SET, controllerOf, key, splitKey } from './workloads.js';

export type PodFault = 'CrashLoopBackOff' | 'ImagePullBackOff' | 'NeverReady';
export type PodEvent = 'started' | 'ready' | 'deleted';
export interface PodRef {
  namespace: string;
  name: string;
  /** Top-level owner, e.g. `Deployment/producer` (through its ReplicaSet), `StatefulSet/db`, or `Pod/<name>`. */
  owner: string;
}
export type PodListener = (event: PodEvent, pod: PodRef, mounted: MountedConfig) => void;

type Stage = 'new' | 'creating' | 'running' | 'ready' | 'crashing' | 'pulling';

interface Runtime {
  stage: Stage;
  fault: PodFault | null;
  owner: string;
  mounted: MountedConfig;
  startedAt?: number;
  restarts: number;
  backoffMs: number;
  announced: boolean;
}

/**
 * The scheduler and kubelets of the emulated nodes, for pods: bind to a node, resolve the
 * ConfigMaps/Secrets the pod mounts (a missing one keeps it in ContainerCreating or
 * CreateContainerConfigError), start the containers, and become Ready `readyDelayMs` later — or
 * fail as injected for the owning workload (CrashLoopBackOff with a growing restartCount,
 * ImagePullBackOff, never ready), with the Events a real kubelet records.
 */
export class Kubelet implements Controller {
  readonly name = 'kubelet';
  private readonly runtime = new Map<string, Runtime>();
  private readonly faults = new Map<string, PodFault>();
  private readonly listeners = new Set<PodListener>();
  private nextIp = 10;
  private nextNode = 0;

  constructor(
    private readonly api: KubeApi,
    private readonly events: EventRecorder,
    private readonly scheduler: Scheduler,
    private readonly options: { readyDelayMs: number; nodes: string[] },
    private readonly now: () => number = Date.now,
  ) {}

  /** Store events this controller reacts to. */
  observe(event: StoreEvent): void {
    const kind = event.resource.kind;
    if (kind === 'Pod') {
      if (event.type === 'ADDED') this.scheduler.enqueue(this.name, key(event.object));
      if (event.type === 'DELETED') this.forget(event.object);
    } else if ((kind === 'ConfigMap' || kind === 'Secret') && event.type !== 'DELETED') {
      // Pods waiting for a missing ConfigMap/Secret retry when one appears or changes.
      for (const [uid, rt] of this.runtime) {
        if (rt.stage !== 'creating') continue;
        const pod = this.api.select(POD, event.object.metadata.namespace).find((p) => p.metadata.uid === uid);
        if (pod) this.scheduler.enqueue(this.name, key(pod));
      }
    }
  }

  setFault(namespace: string, workload: string, fault: PodFault | null): void {
    const id = `${namespace}\u0000${workload}`;
    if (fault) this.faults.set(id, fault);
    else this.faults.delete(id);
  }

  onPod(listener: PodListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: PodEvent, pod: KubeObject, rt: Runtime): void {
    const ref = { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', owner: rt.owner };
    for (const l of [...this.listeners]) {
      try {
        l(event, ref, clone(rt.mounted));
      } catch (err) {
        console.error(`kube emulator: an onPod listener threw on ${event} ${ref.namespace}/${ref.name}:`, err);
      }
    }
  }

  private forget(pod: KubeObject): void {
    const rt = this.runtime.get(pod.metadata.uid ?? '');
    if (!rt) return;
    this.runtime.delete(pod.metadata.uid ?? '');
    if (rt.announced) this.emit('deleted', pod, rt);
  }

  /** `Deployment/x` through the ReplicaSet, or the direct controller, or the pod itself. */
  private ownerOf(pod: KubeObject): string {
    const ref = controllerOf(pod);
    if (!ref) return `Pod/${pod.metadata.name}`;
    if (ref.kind === 'ReplicaSet') {
      const rs = this.api.find(REPLICA_SET, pod.metadata.namespace, ref.name);
      const top = rs && controllerOf(rs);
      if (top) return `${top.kind}/${top.name}`;
    }
    return `${ref.kind}/${ref.name}`;
  }

  private faultFor(namespace: string, owner: string): PodFault | null {
    return this.faults.get(`${namespace}\u0000${owner}`) ?? this.faults.get(`${namespace}\u0000${owner.slice(owner.indexOf('/') + 1)}`) ?? null;
  }

  sync(k: string): void {
    const [ns, name] = splitKey(k);
    const pod = this.api.find(POD, ns, name) as Pod | undefined;
    if (!pod || pod.metadata.deletionTimestamp) return;
    const uid = pod.metadata.uid as string;
    let rt = this.runtime.get(uid);
    if (!rt) {
      const owner = this.ownerOf(pod);
      rt = {
        stage: 'new',
        fault: this.faultFor(ns, owner),
        owner,
        mounted: { configMaps: {}, secrets: {}, env: {} },
        restarts: 0,
        backoffMs: this.options.readyDelayMs,
        announced: false,
      };
      this.runtime.set(uid, rt);
    }
    const now = this.now();
    switch (rt.stage) {
      case 'new':
        return this.bind(pod, rt);
      case 'creating':
        return this.start(pod, rt, now);
      case 'running':
        if (rt.fault === 'NeverReady') return;
        if (now >= (rt.startedAt ?? now) + this.options.readyDelayMs) return this.ready(pod, rt, now);
        this.scheduler.enqueueAt(this.name, k, (rt.startedAt ?? now) + this.options.readyDelayMs);
        return;
      case 'crashing':
        return this.crash(pod, rt, now);
      case 'pulling':
        return this.pullBackOff(pod, rt, now);
      case 'ready':
        return;
    }
  }

  private writeStatus(pod: Pod, status: Pod['status']): Pod {
    return this.api.update(
      POD,
      pod.metadata.namespace,
      pod.metadata.name as string,
      { ...pod, status },
      { subresource: 'status', fieldManager: 'kubelet' },
    ) as Pod;
  }

  private bind(pod: Pod, rt: Runtime): void {
    const nodes = this.options.nodes;
    let node = pod.spec.nodeName;
    let bound = pod;
    if (!node) {
      node = nodes[this.nextNode++ % nodes.length];
      const next = clone(pod);
      next.spec.nodeName = node;
      bound = this.api.update(POD, pod.metadata.namespace, pod.metadata.name as string, next, { fieldManager: 'kube-scheduler' }) as Pod;
      this.events.record(bound, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, 'default-scheduler');
    }
    const at = timestamp(this.now());
    const ip = this.nextIp++;
    const status: Pod['status'] = {
      phase: 'Pending',
      conditions: [
        cond('PodReadyToStartContainers', 'False', at),
        cond('Initialized', 'True', at),
        cond('Ready', 'False', at, 'ContainersNotReady', notReadyMessage(pod)),
        cond('ContainersReady', 'False', at, 'ContainersNotReady', notReadyMessage(pod)),
        cond('PodScheduled', 'True', at),
      ],
      hostIP: `10.224.0.${(nodes.indexOf(node) + 4) % 250}`,
      hostIPs: [{ ip: `10.224.0.${(nodes.indexOf(node) + 4) % 250}` }],
      podIP: `10.244.${Math.floor(ip / 250) % 250}.${ip % 250}`,
      podIPs: [{ ip: `10.244.${Math.floor(ip / 250) % 250}.${ip % 250}` }],
      startTime: at,
      qosClass: 'BestEffort',
      containerStatuses: pod.spec.containers.map((c) => containerStatus(c.name, c.image ?? '', { waiting: { reason: 'ContainerCreating' } }, false, 0)),
    };
    this.writeStatus(bound, status);
    rt.stage = 'creating';
    this.scheduler.enqueue(this.name, key(pod));
  }

  private start(pod: Pod, rt: Runtime, now: number): void {
    const node = pod.spec.nodeName ?? '';
    const { mounted, problems } = resolveMounted(this.api, pod);
    if (problems.length > 0) {
      const mount = problems.find((p) => p.kind === 'mount');
      if (mount) {
        this.events.record(pod, 'Warning', 'FailedMount', mount.message, 'kubelet', node);
        return;
      }
      const message = problems[0].message;
      this.events.record(pod, 'Warning', 'Failed', `Error: ${message}`, 'kubelet', node);
      const status = clone(pod.status ?? {});
      status.containerStatuses = pod.spec.containers.map((c) =>
        containerStatus(c.name, c.image ?? '', { waiting: { reason: 'CreateContainerConfigError', message } }, false, 0),
      );
      this.writeStatus(pod, status);
      return;
    }
    rt.mounted = mounted;
    if (rt.fault === 'ImagePullBackOff') {
      rt.stage = 'pulling';
      return this.pullBackOff(pod, rt, now);
    }
    const at = timestamp(now);
    for (const c of pod.spec.containers) {
      const fieldPath = `spec.containers{${c.name}}`;
      this.events.record(pod, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, 'kubelet', node, fieldPath);
      this.events.record(pod, 'Normal', 'Created', `Created container: ${c.name}`, 'kubelet', node, fieldPath);
      this.events.record(pod, 'Normal', 'Started', `Started container ${c.name}`, 'kubelet', node, fieldPath);
    }
    const status = clone(pod.status ?? {});
    status.phase = 'Running';
    setCondition(status.conditions ?? [], cond('PodReadyToStartContainers', 'True', at));
    status.containerStatuses = pod.spec.containers.map((c) => containerStatus(c.name, c.image ?? '', { running: { startedAt: at } }, false, 0, true));
    this.writeStatus(pod, status);
    rt.startedAt = now;
    if (rt.fault === 'CrashLoopBackOff') {
      rt.stage = 'crashing';
      this.scheduler.enqueueAt(this.name, key(pod), now + this.options.readyDelayMs);
      return;
    }
    rt.stage = 'running';
    rt.announced = true;
    this.emit('started', pod, rt);
    if (rt.fault === 'NeverReady') {
      this.events.record(
        pod,
        'Warning',
        'Unhealthy',
        'Readiness probe failed: HTTP probe failed with statuscode: 503',
        'kubelet',
        node,
        `spec.containers{${pod.spec.containers[0].name}}`,
      );
      return;
    }
    this.scheduler.enqueueAt(this.name, key(pod), now + this.options.readyDelayMs);
  }

  private ready(pod: Pod, rt: Runtime, now: number): void {
    const at = timestamp(now);
    const status = clone(pod.status ?? {});
    const conditions = status.conditions ?? [];
    setCondition(conditions, cond('Ready', 'True', at));
    setCondition(conditions, cond('ContainersReady', 'True', at));
    status.conditions = conditions;
    status.containerStatuses = (status.containerStatuses ?? []).map((c) => ({ ...c, ready: true, started: true }));
    this.writeStatus(pod, status);
    rt.stage = 'ready';
    this.emit('ready', pod, rt);
  }

  /** One crash: the container exits 1, restartCount grows, and the kubelet backs off (doubling). */
  private crash(pod: Pod, rt: Runtime, now: number): void {
    const node = pod.spec.nodeName ?? '';
    const at = timestamp(now);
    rt.restarts++;
    const status = clone(pod.status ?? {});
    status.containerStatuses = pod.spec.containers.map((c, i) =>
      containerStatus(
        c.name,
        c.image ?? '',
        {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${Math.round(rt.backoffMs)}ms restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
          },
        },
        false,
        i === 0 ? rt.restarts : 0,
        false,
        { terminated: { exitCode: 1, reason: 'Error', startedAt: timestamp(rt.startedAt ?? now), finishedAt: at } },
      ),
    );
    this.writeStatus(pod, status);
    const c = pod.spec.containers[0].name;
    this.events.record(
      pod,
      'Warning',
      'BackOff',
      `Back-off restarting failed container ${c} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
      'kubelet',
      node,
      `spec.containers{${c}}`,
    );
    rt.backoffMs = Math.min(rt.backoffMs * 2, this.options.readyDelayMs * 16);
    this.scheduler.enqueueAt(this.name, key(pod), now + Math.max(rt.backoffMs, 10));
  }

  private pullBackOff(pod: Pod, rt: Runtime, now: number): void {
    const node = pod.spec.nodeName ?? '';
    const c = pod.spec.containers[0];
    const fieldPath = `spec.containers{${c.name}}`;
    const first = rt.restarts === 0;
    rt.restarts++;
    if (first) {
      this.events.record(pod, 'Normal', 'Pulling', `Pulling image "${c.image}"`, 'kubelet', node, fieldPath);
      this.events.record(
        pod,
        'Warning',
        'Failed',
        `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": not found`,
        'kubelet',
        node,
        fieldPath,
      );
      this.events.record(pod, 'Warning', 'Failed', 'Error: ErrImagePull', 'kubelet', node, fieldPath);
    } else {
      this.events.record(pod, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, 'kubelet', node, fieldPath);
      this.events.record(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', 'kubelet', node, fieldPath);
    }
    const reason = first ? 'ErrImagePull' : 'ImagePullBackOff';
    const message = first ? `failed to pull and unpack image "${c.image}": not found` : `Back-off pulling image "${c.image}"`;
    const status = clone(pod.status ?? {});
    status.phase = 'Pending';
    status.containerStatuses = pod.spec.containers.map((x) => containerStatus(x.name, x.image ?? '', { waiting: { reason, message } }, false, 0));
    this.writeStatus(pod, status);
    rt.backoffMs = Math.min(rt.backoffMs * 2, this.options.readyDelayMs * 16);
    this.scheduler.enqueueAt(this.name, key(pod), now + Math.max(rt.backoffMs, 10));
  }
}

function notReadyMessage(pod: Pod): string {
  return `containers with unready status: [${pod.spec.containers.map((c) => c.name).join(' ')}]`;
}

function cond(type: string, status: Condition['status'], at: string, reason?: string, message?: string): Condition {
  const c: Condition = { type, status, lastTransitionTime: at };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

function setCondition(list: Condition[], next: Condition): void {
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) list.push(next);
  else if (list[i].status !== next.status) list[i] = next;
}

function containerStatus(
  name: string,
  image: string,
  state: ContainerStatus['state'],
  ready: boolean,
  restartCount: number,
  started = false,
  lastState: ContainerStatus['lastState'] = {},
): ContainerStatus {
  const status: ContainerStatus = { name, image, imageID: '', ready, started, restartCount, state, lastState };
  if (state.running || state.terminated || Object.keys(lastState).length > 0) {
    status.imageID = `${image.includes('/') ? image : `docker.io/library/${image}`}@sha256:${randomBytes(32).toString('hex')}`;
    status.containerID = `containerd://${randomBytes(32).toString('hex')}`;
  }
  return status;
}
