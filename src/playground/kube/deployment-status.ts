import { clone, timestamp, type Condition, type Deployment, type ReplicaSet } from './types.js';
import { omitZero, scaledValue } from './workloads.js';

/**
 * The deployment controller's rules as pure functions (kubernetes pkg/controller/deployment/util):
 * revisions, fence posts of maxSurge/maxUnavailable, conditions and the status calculation, with
 * DeploymentComplete / DeploymentProgressing / DeploymentTimedOut as kubectl and the controller read them.
 */

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED = 'deployment.kubernetes.io/desired-replicas';
export const MAX = 'deployment.kubernetes.io/max-replicas';
export const HASH_LABEL = 'pod-template-hash';
export const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  REVISION_HISTORY,
  DESIRED,
  MAX,
  'deprecated.deployment.rollback.to',
]);
const MAX_INT32 = 2147483647;

/** The `deployment.kubernetes.io/revision` of a ReplicaSet (0 when unset). */
export const revisionOf = (rs: ReplicaSet) => Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0;
export const replicasOf = (rs: ReplicaSet | undefined) => rs?.spec.replicas ?? 0;
export const sum = (list: ReplicaSet[], f: (rs: ReplicaSet) => number) => list.reduce((n, rs) => n + f(rs), 0);
export const byCreation = (a: ReplicaSet, b: ReplicaSet) =>
  (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');

/** RollingUpdate (the default) rather than Recreate. */
export function isRolling(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** ResolveFenceposts: surge rounds up, unavailable down; both 0 means unavailable 1. */
function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const desired = d.spec.replicas ?? 1;
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const surge = scaledValue(ru.maxSurge, desired, true);
  let unavailable = scaledValue(ru.maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** MaxUnavailable: 0 for Recreate or zero replicas, never more than replicas. */
export function maxUnavailable(d: Deployment): number {
  const replicas = d.spec.replicas ?? 1;
  if (!isRolling(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

export function maxSurge(d: Deployment): number {
  return isRolling(d) ? fenceposts(d).surge : 0;
}

export function hasProgressDeadline(d: Deployment): boolean {
  return d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== MAX_INT32;
}

export type Status = NonNullable<Deployment['status']>;

export function getCondition(status: Status | undefined, type: string): Condition | undefined {
  return (status?.conditions ?? []).find((c) => c.type === type);
}

export function removeCondition(status: Status, type: string): void {
  status.conditions = (status.conditions ?? []).filter((c) => c.type !== type);
}

/** SetDeploymentCondition: no change when status and reason are equal; keep lastTransitionTime when status is. */
export function setCondition(status: Status, next: Condition): void {
  const current = getCondition(status, next.type);
  if (current && current.status === next.status && current.reason === next.reason) return;
  if (current && current.status === next.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== next.type), next];
}

/** NewDeploymentCondition, with both times set to now (second precision, like metav1.Time). */
export function newCondition(now: number, type: string, status: Condition['status'], reason: string, message: string): Condition {
  const at = timestamp(now);
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

/** calculateStatus: replica counts summed over the ReplicaSets, observedGeneration, and the Available condition. */
export function calculateStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined, now: number): Status {
  const replicas = d.spec.replicas ?? 1;
  const available = sum(all, (rs) => rs.status?.availableReplicas ?? 0);
  const status: Status = omitZero(
    {
      observedGeneration: d.metadata.generation,
      replicas: sum(all, (rs) => rs.status?.replicas ?? 0),
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: sum(all, (rs) => rs.status?.readyReplicas ?? 0),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, replicas - available),
      terminatingReplicas: sum(all, (rs) => rs.status?.terminatingReplicas ?? 0),
      collisionCount: d.status?.collisionCount,
    },
    ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'],
  );
  if (status.collisionCount === undefined) delete status.collisionCount;
  status.conditions = clone(d.status?.conditions ?? []);
  if (available >= replicas - maxUnavailable(d))
    setCondition(status, newCondition(now, 'Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'));
  else setCondition(status, newCondition(now, 'Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'));
  return status;
}

/** DeploymentComplete. */
export function deploymentComplete(d: Deployment, status: Status): boolean {
  const replicas = d.spec.replicas ?? 1;
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available replicas than before. */
export function deploymentProgressing(d: Deployment, status: Status): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: the Progressing condition was last updated longer than the deadline ago. */
export function deploymentTimedOut(d: Deployment, status: Status, now: number): boolean {
  const cond = getCondition(status, 'Progressing');
  if (!cond) return false;
  if (cond.reason === 'NewReplicaSetAvailable') return false;
  if (cond.reason === 'ProgressDeadlineExceeded') return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  return from + (d.spec.progressDeadlineSeconds ?? 600) * 1000 < now;
}
