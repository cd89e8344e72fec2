import type { KubeApi } from './api.js';
import type { Scheduler } from './scheduler.js';
import type { StoreEvent } from './store.js';
import { apiVersionOf, resourceType } from './resources.js';
import { isObject, safeEncode, type KubeObject, type OwnerReference, type Pod, type PodTemplate } from './types.js';

/** Helpers the workload controllers share: owner references, template hashes, pod readiness. */

export const POD = resourceType('Pod');
export const REPLICA_SET = resourceType('ReplicaSet');
export const DEPLOYMENT = resourceType('Deployment');
export const STATEFUL_SET = resourceType('StatefulSet');
export const DAEMON_SET = resourceType('DaemonSet');
export const CONFIG_MAP = resourceType('ConfigMap');
export const SECRET = resourceType('Secret');
export const NAMESPACE = resourceType('Namespace');

/** The owner reference a controller puts on what it creates. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion ?? apiVersionOf(resourceType(owner.kind ?? '')),
    kind: owner.kind ?? '',
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** Objects of a type in a namespace whose controller is the given owner. */
export function ownedBy(api: KubeApi, type: ReturnType<typeof resourceType>, owner: KubeObject): KubeObject[] {
  return api.select(type, owner.metadata.namespace).filter((o) => controllerOf(o)?.uid === owner.metadata.uid);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * `controller.ComputeHash`: FNV-32a of the pod template (plus the collision count), printed with
 * `rand.SafeEncodeString`, e.g. `7b9c4d5f8`. Used for `pod-template-hash` and revision names.
 */
export function templateHash(template: PodTemplate, collisionCount?: number): string {
  let hash = 0x811c9dc5;
  const text = canonical(template) + (collisionCount ? String(collisionCount) : '');
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return safeEncode(String(hash >>> 0));
}

/** Template without the labels a controller adds, for "is this the same template" checks. */
export function templateWithoutLabel(template: PodTemplate, label: string): PodTemplate {
  const labels = { ...(template.metadata?.labels ?? {}) };
  delete labels[label];
  return { ...template, metadata: { ...(template.metadata ?? {}), labels } };
}

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** When the pod became ready (ms), from its Ready condition. */
export function podReadySince(pod: Pod): number | undefined {
  const c = (pod.status?.conditions ?? []).find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

/**
 * Available = ready for at least minReadySeconds. Returns whether it is, and when it will be
 * (for a wake-up) if it is ready but not yet available.
 */
export function podAvailability(pod: Pod, minReadySeconds: number, now: number): { available: boolean; at?: number } {
  if (!isPodReady(pod)) return { available: false };
  if (!minReadySeconds) return { available: true };
  const since = podReadySince(pod) ?? now;
  const at = since + minReadySeconds * 1000;
  return at <= now ? { available: true } : { available: false, at };
}

export function isActivePod(pod: KubeObject): boolean {
  const phase = (pod as Pod).status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

/** An int-or-percent of a total: percentages round up for surge, down for unavailable. */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const pct = Number(value.replace('%', ''));
  const raw = (pct * total) / 100;
  return roundUp ? Math.ceil(raw) : Math.floor(raw);
}

/** Drops zero and empty fields that the Go types mark `omitempty`. */
export function omitZero<T extends Record<string, unknown>>(status: T, keys: string[]): T {
  const out: Record<string, unknown> = { ...status };
  for (const k of keys) if (out[k] === 0 || out[k] === undefined || out[k] === '') delete out[k];
  return out as T;
}

export function key(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

export function splitKey(k: string): [string, string] {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
}

/**
 * What a workload controller's informers do in kube-controller-manager: queue the object itself on
 * its own changes, and its controlling owner on changes of the objects it owns (Pods, ReplicaSets).
 */
export function enqueueOwnAndOwned(scheduler: Scheduler, controller: string, event: StoreEvent, ownKind: string, childKind: string): void {
  if (event.resource.kind === ownKind && event.type !== 'DELETED') scheduler.enqueue(controller, key(event.object));
  if (event.resource.kind === childKind) {
    const ref = controllerOf(event.object);
    if (ref?.kind === ownKind) scheduler.enqueue(controller, `${event.object.metadata.namespace}/${ref.name}`);
  }
}
