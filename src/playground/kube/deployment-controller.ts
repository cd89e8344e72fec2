import type { KubeApi } from './api.js';
import type { EventRecorder } from './events.js';
import type { Controller, Scheduler } from './scheduler.js';
import type { StoreEvent } from './store.js';
import {
  DESIRED,
  HASH_LABEL,
  MAX,
  NOT_COPIED,
  REVISION,
  REVISION_HISTORY,
  byCreation,
  calculateStatus,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  isRolling,
  maxSurge,
  maxUnavailable,
  newCondition,
  removeCondition,
  replicasOf,
  revisionOf,
  setCondition,
  sum,
  type Status,
} from './deployment-status.js';
import { clone, deepEqual, type Condition, type Deployment, type ReplicaSet } from './types.js';
import {
  DEPLOYMENT,
  REPLICA_SET,
  controllerOf,
  controllerRef,
  key,
  ownedBy,
  splitKey,
  templateHash,
  templateWithoutLabel,
  enqueueOwnAndOwned,
} from './workloads.js';

/**
 * The deployment controller of kube-controller-manager (pkg/controller/deployment), ported in its
 * decisions: one ReplicaSet per pod-template hash, revisions on ReplicaSets and the Deployment, an
 * old ReplicaSet reused (and its revision bumped) when the template reverts, rolling updates that
 * honour maxSurge and maxUnavailable, Recreate, proportional scaling, paused Deployments, the
 * Available and Progressing conditions (ProgressDeadlineExceeded after progressDeadlineSeconds
 * without progress), and history cleanup beyond revisionHistoryLimit.
 */

export class DeploymentController implements Controller {
  readonly name = 'deployment';

  constructor(
    private readonly api: KubeApi,
    private readonly events: EventRecorder,
    private readonly scheduler: Scheduler,
    private readonly now: () => number = Date.now,
  ) {}

  observe(event: StoreEvent): void {
    enqueueOwnAndOwned(this.scheduler, this.name, event, 'Deployment', 'ReplicaSet');
  }

  private condition(type: string, status: Condition['status'], reason: string, message: string): Condition {
    return newCondition(this.now(), type, status, reason, message);
  }

  private fresh(d: Deployment): Deployment {
    return this.api.find(DEPLOYMENT, d.metadata.namespace, d.metadata.name as string) as Deployment;
  }

  private writeStatus(d: Deployment, status: Status, annotations?: Record<string, string>): Deployment {
    const current = this.fresh(d);
    const body = { ...current, status, metadata: { ...current.metadata, annotations: annotations ?? current.metadata.annotations } };
    return this.api.update(DEPLOYMENT, d.metadata.namespace, d.metadata.name as string, body, {
      subresource: 'status',
      fieldManager: 'kube-controller-manager',
    }) as Deployment;
  }

  sync(k: string): void {
    const [ns, name] = splitKey(k);
    let d = this.api.find(DEPLOYMENT, ns, name) as Deployment | undefined;
    if (!d || d.metadata.deletionTimestamp) return;
    d = this.checkPausedConditions(d);
    const rsList = ownedBy(this.api, REPLICA_SET, d) as ReplicaSet[];
    if (d.spec.paused) return this.syncScaleOnly(d, rsList);
    if (this.isScalingEvent(d, rsList)) return this.syncScaleOnly(d, rsList);
    if (isRolling(d)) this.rolloutRolling(d, rsList);
    else this.rolloutRecreate(d, rsList);
  }

  private checkPausedConditions(d: Deployment): Deployment {
    if (!hasProgressDeadline(d)) return d;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') return d;
    const paused = d.spec.paused === true;
    let next: Condition | undefined;
    if (paused && cond?.reason !== 'DeploymentPaused') next = this.condition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused');
    else if (!paused && cond?.reason === 'DeploymentPaused') next = this.condition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed');
    if (!next) return d;
    const status = clone(d.status ?? {});
    setCondition(status, next);
    return this.writeStatus(d, status);
  }

  /** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's, ignoring the hash label. */
  private split(d: Deployment, rsList: ReplicaSet[]): { newRS?: ReplicaSet; oldRSs: ReplicaSet[] } {
    const sorted = [...rsList].sort(byCreation);
    const want = templateWithoutLabel(d.spec.template, HASH_LABEL);
    const newRS = sorted.find((rs) => deepEqual(templateWithoutLabel(rs.spec.template, HASH_LABEL), want));
    return { newRS, oldRSs: sorted.filter((rs) => rs !== newRS) };
  }

  private isScalingEvent(d: Deployment, rsList: ReplicaSet[]): boolean {
    const { newRS, oldRSs } = this.split(d, rsList);
    if (!newRS) return false;
    for (const rs of [newRS, ...oldRSs].filter((r) => replicasOf(r) > 0)) {
      const desired = rs.metadata.annotations?.[DESIRED];
      if (desired !== undefined && Number(desired) !== (d.spec.replicas ?? 1)) return true;
    }
    return false;
  }

  /** getAllReplicaSetsAndSyncRevision: finds or (optionally) creates the new ReplicaSet and syncs revisions. */
  private syncRevision(d: Deployment, rsList: ReplicaSet[], create: boolean): { d: Deployment; newRS?: ReplicaSet; oldRSs: ReplicaSet[] } {
    const { newRS: found, oldRSs } = this.split(d, rsList);
    const newRevision = Math.max(0, ...oldRSs.map(revisionOf)) + 1;
    const ns = d.metadata.namespace;
    if (found) {
      const rs = clone(found);
      const ann = { ...(rs.metadata.annotations ?? {}) };
      const old = revisionOf(found);
      let changed = false;
      if (old < newRevision) {
        if (old > 0) ann[REVISION_HISTORY] = ann[REVISION_HISTORY] ? `${ann[REVISION_HISTORY]},${old}` : String(old);
        ann[REVISION] = String(newRevision);
        changed = true;
      }
      for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
        if (!NOT_COPIED.has(k) && ann[k] !== v) {
          ann[k] = v;
          changed = true;
        }
      }
      if ((rs.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
        rs.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
        changed = true;
      }
      let newRS = found;
      if (changed) {
        rs.metadata.annotations = ann;
        newRS = this.api.update(REPLICA_SET, ns, rs.metadata.name as string, rs, { fieldManager: 'kube-controller-manager' }) as ReplicaSet;
      }
      const revision = newRS.metadata.annotations?.[REVISION] ?? '';
      const status = clone(d.status ?? {});
      const needsRevision = d.metadata.annotations?.[REVISION] !== revision;
      const hasProgressing = getCondition(status, 'Progressing') !== undefined;
      if (hasProgressDeadline(d) && !hasProgressing)
        setCondition(status, this.condition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${newRS.metadata.name}"`));
      if (needsRevision || (hasProgressDeadline(d) && !hasProgressing)) {
        d = this.writeStatus(d, status, { ...(d.metadata.annotations ?? {}), [REVISION]: revision });
      }
      return { d, newRS, oldRSs };
    }
    if (!create) return { d, oldRSs };

    let collisions = d.status?.collisionCount ?? 0;
    for (;;) {
      const hash = templateHash(d.spec.template, collisions);
      const rsName = `${d.metadata.name}-${hash}`;
      const existing = this.api.find(REPLICA_SET, ns, rsName) as ReplicaSet | undefined;
      if (existing) {
        if (
          controllerOf(existing)?.uid === d.metadata.uid &&
          deepEqual(templateWithoutLabel(existing.spec.template, HASH_LABEL), templateWithoutLabel(d.spec.template, HASH_LABEL))
        ) {
          return this.syncRevision(d, [...rsList, existing], create);
        }
        collisions++;
        continue;
      }
      const template = clone(d.spec.template);
      template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
      const selector = clone(d.spec.selector);
      selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) annotations[k] = v;
      const replicas = this.newReplicas(d, oldRSs, undefined);
      annotations[REVISION] = String(newRevision);
      annotations[DESIRED] = String(d.spec.replicas ?? 1);
      annotations[MAX] = String((d.spec.replicas ?? 1) + maxSurge(d));
      const newRS = this.api.create(
        REPLICA_SET,
        ns,
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: { name: rsName, namespace: ns, labels: template.metadata.labels, annotations, ownerReferences: [controllerRef(d)] },
          spec: { replicas, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
        },
        { fieldManager: 'kube-controller-manager' },
      ) as ReplicaSet;
      if (replicas > 0) this.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rsName} from 0 to ${replicas}`, 'deployment-controller');
      const status = clone(d.status ?? {});
      if (hasProgressDeadline(d)) setCondition(status, this.condition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${rsName}"`));
      if (collisions !== (d.status?.collisionCount ?? 0)) status.collisionCount = collisions;
      d = this.writeStatus(d, status, { ...(d.metadata.annotations ?? {}), [REVISION]: String(newRevision) });
      return { d, newRS, oldRSs };
    }
  }

  /** NewRSNewReplicas. */
  private newReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): number {
    const replicas = d.spec.replicas ?? 1;
    if (!isRolling(d)) return replicas;
    const current = sum(allRSs, replicasOf) + (newRS && !allRSs.includes(newRS) ? replicasOf(newRS) : 0);
    const maxTotal = replicas + maxSurge(d);
    if (current >= maxTotal) return replicasOf(newRS);
    const scaleUp = Math.min(maxTotal - current, replicas - replicasOf(newRS));
    return replicasOf(newRS) + scaleUp;
  }

  /** Scales a ReplicaSet (and refreshes its desired/max annotations); returns the stored RS and whether replicas changed. */
  private scale(rs: ReplicaSet, replicas: number, d: Deployment): { rs: ReplicaSet; scaled: boolean } {
    const desired = String(d.spec.replicas ?? 1);
    const max = String((d.spec.replicas ?? 1) + maxSurge(d));
    const ann = rs.metadata.annotations ?? {};
    const sizeChange = replicasOf(rs) !== replicas;
    if (!sizeChange && ann[DESIRED] === desired && ann[MAX] === max) return { rs, scaled: false };
    const next = clone(this.api.find(REPLICA_SET, rs.metadata.namespace, rs.metadata.name as string) as ReplicaSet);
    const from = replicasOf(next);
    next.spec.replicas = replicas;
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [DESIRED]: desired, [MAX]: max };
    const stored = this.api.update(REPLICA_SET, rs.metadata.namespace, rs.metadata.name as string, next, {
      fieldManager: 'kube-controller-manager',
    }) as ReplicaSet;
    if (sizeChange) {
      const dir = replicas > from ? 'up' : 'down';
      this.events.record(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${dir} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
        'deployment-controller',
      );
    }
    return { rs: stored, scaled: sizeChange };
  }

  private rolloutRolling(d0: Deployment, rsList: ReplicaSet[]): void {
    const synced = this.syncRevision(d0, rsList, true);
    const d = synced.d;
    let newRS = synced.newRS as ReplicaSet;
    let oldRSs = synced.oldRSs;

    // reconcileNewReplicaSet
    const replicas = d.spec.replicas ?? 1;
    if (replicasOf(newRS) !== replicas) {
      const target = replicasOf(newRS) > replicas ? replicas : this.newReplicas(d, [...oldRSs, newRS], newRS);
      const r = this.scale(newRS, target, d);
      newRS = r.rs;
      if (r.scaled) return this.syncRolloutStatus(d, [...oldRSs, newRS], newRS);
    }

    // reconcileOldReplicaSets
    const active = oldRSs.filter((rs) => replicasOf(rs) > 0);
    if (sum(active, replicasOf) > 0) {
      const all = [...oldRSs, newRS];
      const minAvailable = replicas - maxUnavailable(d);
      const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
      const maxScaledDown = sum(all, replicasOf) - minAvailable - newUnavailable;
      let scaledDown = 0;
      if (maxScaledDown > 0) {
        // cleanupUnhealthyReplicas: old pods that are not available go first.
        let cleaned = 0;
        oldRSs = oldRSs.sort(byCreation).map((rs) => {
          if (cleaned >= maxScaledDown || replicasOf(rs) === 0) return rs;
          const unhealthy = replicasOf(rs) - (rs.status?.availableReplicas ?? 0);
          if (unhealthy <= 0) return rs;
          const n = Math.min(maxScaledDown - cleaned, unhealthy);
          cleaned += n;
          return this.scale(rs, replicasOf(rs) - n, d).rs;
        });
        // scaleDownOldReplicaSetsForRollingUpdate: never below minAvailable available pods.
        const available = sum([...oldRSs, newRS], (rs) => rs.status?.availableReplicas ?? 0);
        let budget = available - minAvailable;
        oldRSs = oldRSs.map((rs) => {
          if (budget <= 0 || replicasOf(rs) === 0) return rs;
          const n = Math.min(replicasOf(rs), budget);
          budget -= n;
          scaledDown += n;
          return this.scale(rs, replicasOf(rs) - n, d).rs;
        });
        scaledDown += cleaned;
      }
      if (scaledDown > 0) return this.syncRolloutStatus(d, [...oldRSs, newRS], newRS);
    }

    if (deploymentComplete(d, calculateStatus(d, [...oldRSs, newRS], newRS, this.now()))) this.cleanup(d, oldRSs);
    this.syncRolloutStatus(d, [...oldRSs, newRS], newRS);
  }

  private rolloutRecreate(d0: Deployment, rsList: ReplicaSet[]): void {
    let { d, newRS, oldRSs } = this.syncRevision(d0, rsList, false);
    const active = oldRSs.filter((rs) => replicasOf(rs) > 0);
    if (active.length > 0) {
      oldRSs = oldRSs.map((rs) => (replicasOf(rs) > 0 ? this.scale(rs, 0, d).rs : rs));
      return this.syncRolloutStatus(d, newRS ? [...oldRSs, newRS] : oldRSs, newRS);
    }
    if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return this.syncRolloutStatus(d, newRS ? [...oldRSs, newRS] : oldRSs, newRS);
    if (!newRS) ({ d, newRS, oldRSs } = this.syncRevision(d, rsList, true));
    const scaled = this.scale(newRS as ReplicaSet, d.spec.replicas ?? 1, d).rs;
    const all = [...oldRSs, scaled];
    if (deploymentComplete(d, calculateStatus(d, all, scaled, this.now()))) this.cleanup(d, oldRSs);
    this.syncRolloutStatus(d, all, scaled);
  }

  /** sync(): paused Deployments and scaling events only scale, never roll. */
  private syncScaleOnly(d0: Deployment, rsList: ReplicaSet[]): void {
    const synced = this.syncRevision(d0, rsList, false);
    const d = synced.d;
    let newRS = synced.newRS;
    let oldRSs = synced.oldRSs;
    const replicas = d.spec.replicas ?? 1;
    const all = newRS ? [newRS, ...oldRSs] : oldRSs;
    const active = all.filter((rs) => replicasOf(rs) > 0);
    const target = active.length === 1 ? active[0] : active.length === 0 ? (newRS ?? [...oldRSs].sort((a, b) => revisionOf(b) - revisionOf(a))[0]) : undefined;
    const replace = (rs: ReplicaSet) => {
      if (newRS && rs.metadata.name === newRS.metadata.name) newRS = rs;
      oldRSs = oldRSs.map((o) => (o.metadata.name === rs.metadata.name ? rs : o));
    };
    if (target) {
      if (replicasOf(target) !== replicas) replace(this.scale(target, replicas, d).rs);
    } else if (isRolling(d) && active.length > 1) {
      // Proportional scaling: spread the difference over active ReplicaSets by size.
      const allowed = replicas + maxSurge(d);
      const current = sum(active, replicasOf);
      let toAdd = allowed - current;
      if (toAdd !== 0) {
        const ordered = [...active].sort(
          (a, b) => replicasOf(b) - replicasOf(a) || (toAdd > 0 ? revisionOf(b) - revisionOf(a) : revisionOf(a) - revisionOf(b)),
        );
        const total = toAdd;
        const sizes = ordered.map((rs) => {
          const share = Math.min(Math.abs(toAdd), Math.round((replicasOf(rs) * Math.abs(total)) / current));
          const delta = Math.sign(total) * share;
          toAdd -= delta;
          return Math.max(0, replicasOf(rs) + delta);
        });
        if (toAdd !== 0) sizes[0] = Math.max(0, sizes[0] + toAdd);
        ordered.forEach((rs, i) => replace(this.scale(rs, sizes[i], d).rs));
      }
    }
    if (d.spec.paused) this.cleanup(d, oldRSs);
    const status = calculateStatus(d, newRS ? [...oldRSs, newRS] : oldRSs, newRS, this.now());
    if (!deepEqual(status, d.status ?? {})) this.writeStatus(d, status);
  }

  private syncRolloutStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined): void {
    const status = calculateStatus(d, all, newRS, this.now());
    if (!hasProgressDeadline(d)) removeCondition(status, 'Progressing');
    const current = getCondition(status, 'Progressing');
    const isComplete = status.replicas === status.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
    if (hasProgressDeadline(d) && !isComplete) {
      const rsName = newRS?.metadata.name;
      if (deploymentComplete(d, status)) {
        setCondition(
          status,
          this.condition(
            'Progressing',
            'True',
            'NewReplicaSetAvailable',
            rsName ? `ReplicaSet "${rsName}" has successfully progressed.` : 'Deployment has successfully progressed.',
          ),
        );
      } else if (deploymentProgressing(d, status)) {
        const next = this.condition(
          'Progressing',
          'True',
          'ReplicaSetUpdated',
          rsName ? `ReplicaSet "${rsName}" is progressing.` : 'Deployment is progressing.',
        );
        if (current) {
          if (current.status === 'True') next.lastTransitionTime = current.lastTransitionTime;
          removeCondition(status, 'Progressing');
        }
        setCondition(status, next);
      } else if (deploymentTimedOut(d, status, this.now())) {
        setCondition(
          status,
          this.condition(
            'Progressing',
            'False',
            'ProgressDeadlineExceeded',
            rsName ? `ReplicaSet "${rsName}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`,
          ),
        );
      }
    }
    if (!deepEqual(status, d.status ?? {})) this.writeStatus(d, status);
    // requeueStuckDeployment: look again when the deadline would pass without progress.
    const cond = getCondition(status, 'Progressing');
    if (hasProgressDeadline(d) && cond && cond.status === 'True' && cond.reason !== 'NewReplicaSetAvailable' && !deploymentComplete(d, status)) {
      const at = Date.parse(cond.lastUpdateTime ?? '') + (d.spec.progressDeadlineSeconds ?? 600) * 1000 + 1;
      this.scheduler.enqueueAt(this.name, key(d), Math.max(at, this.now() + 1));
    }
  }

  /** cleanupDeployment: delete the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
  private cleanup(d: Deployment, oldRSs: ReplicaSet[]): void {
    const limit = d.spec.revisionHistoryLimit;
    if (limit === undefined) return;
    const cleanable = oldRSs.filter((rs) => replicasOf(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp);
    const diff = cleanable.length - limit;
    if (diff <= 0) return;
    for (const rs of cleanable.sort((a, b) => revisionOf(a) - revisionOf(b)).slice(0, diff)) {
      this.api.delete(REPLICA_SET, rs.metadata.namespace, rs.metadata.name as string);
    }
  }
}
