import type { Workload, WorkloadKind } from '../../core/kube/workload.js';

/**
 * `kubectl rollout status` rules, per kind, as kubectl computes them
 * (kubernetes/kubectl `pkg/polymorphichelpers/rollout_status.go`). Pure.
 */
export interface RolloutStatus {
  /** The rollout is complete (or, with `error`, will never complete by waiting). */
  done: boolean;
  /** A terminal failure: ProgressDeadlineExceeded, or an OnDelete update strategy. */
  error: boolean;
  /** kubectl's own message, without the trailing newline. */
  message: string;
}

const waiting = (message: string): RolloutStatus => ({ done: false, error: false, message });
const failed = (message: string): RolloutStatus => ({ done: true, error: true, message });
const complete = (message: string): RolloutStatus => ({ done: true, error: false, message });

/** Status of a workload's rollout by kubectl's rules. */
export function rolloutStatus(kind: WorkloadKind, w: Workload): RolloutStatus {
  switch (kind) {
    case 'Deployment':
      return deploymentStatus(w);
    case 'DaemonSet':
      return daemonSetStatus(w);
    case 'StatefulSet':
      return statefulSetStatus(w);
  }
}

function deploymentStatus(w: Workload): RolloutStatus {
  const name = w.metadata.name;
  const generation = w.metadata.generation ?? 0;
  const status = w.status ?? {};
  if (generation > (status.observedGeneration ?? 0)) return waiting('Waiting for deployment spec update to be observed...');
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return failed(`deployment "${name}" exceeded its progress deadline`);
  const updated = status.updatedReplicas ?? 0;
  const replicas = w.spec?.replicas;
  if (replicas !== undefined && replicas !== null && updated < replicas) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`);
  }
  const total = status.replicas ?? 0;
  if (total > updated) return waiting(`Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...`);
  const available = status.availableReplicas ?? 0;
  if (available < updated) return waiting(`Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`);
  return complete(`deployment "${name}" successfully rolled out`);
}

function daemonSetStatus(w: Workload): RolloutStatus {
  const name = w.metadata.name;
  const type = w.spec?.updateStrategy?.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate') return failed('rollout status is only available for RollingUpdate strategy type');
  const status = w.status ?? {};
  if ((w.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) return waiting('Waiting for daemon set spec update to be observed...');
  const desired = status.desiredNumberScheduled ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  if (updated < desired) return waiting(`Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`);
  const available = status.numberAvailable ?? 0;
  if (available < desired) return waiting(`Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`);
  return complete(`daemon set "${name}" successfully rolled out`);
}

function statefulSetStatus(w: Workload): RolloutStatus {
  const strategy = w.spec?.updateStrategy;
  const type = strategy?.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate') return failed('rollout status is only available for RollingUpdate strategy type');
  const status = w.status ?? {};
  const observed = status.observedGeneration ?? 0;
  if (observed === 0 || (w.metadata.generation ?? 0) > observed) return waiting('Waiting for statefulset spec update to be observed...');
  const replicas = w.spec?.replicas ?? 1;
  const ready = status.readyReplicas ?? 0;
  if (ready < replicas) return waiting(`Waiting for ${replicas - ready} pods to be ready...`);
  const rolling = strategy?.rollingUpdate;
  if (rolling !== undefined && rolling !== null) {
    const updated = status.updatedReplicas ?? 0;
    if (rolling.partition !== undefined && rolling.partition !== null && updated < replicas - rolling.partition) {
      return waiting(`Waiting for partitioned roll out to finish: ${updated} out of ${replicas - rolling.partition} new pods have been updated...`);
    }
    return complete(`partitioned roll out complete: ${updated} new pods have been updated...`);
  }
  if (status.updateRevision !== status.currentRevision) {
    return waiting(`waiting for statefulset rolling update to complete ${status.updatedReplicas ?? 0} pods at revision ${status.updateRevision ?? ''}...`);
  }
  return complete(`statefulset rolling update complete ${ready} pods at revision ${status.currentRevision ?? ''}...`);
}
