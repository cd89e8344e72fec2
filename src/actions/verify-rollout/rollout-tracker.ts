import { configMarker, type ExpectedData, type MarkerVerdict } from '../../core/kube/config-marker.js';
import { envVarName, LAST_RELOADED_FROM, RELOADER_KEYS, reloaderEnvValue } from '../../core/kube/reloader.js';
import { rolloutStatus, type RolloutStatus } from './rollout-status.js';
import type { OtherKind, PodTemplate, Workload, WorkloadKind } from '../../core/kube/workload.js';

/**
 * The verification of a set of workloads, as a pure state machine: feed it every version of every
 * workload (`observe`) and the passing of time (`tick`); it says which workloads are done, which need
 * a restart, and which failed and why. No I/O: the caller runs the watches, timers and restarts.
 *
 * A workload is verified when (1) its pod template's latest marker for the ConfigMap/Secret is for the
 * current data (Reloader's env var in `containers`, its `last-reloaded-from` annotation, or our restart
 * record; `configMarker` decides which marker is the latest), and (2) its rollout is complete by
 * `kubectl rollout status` rules on a version whose `status.observedGeneration` is at least the generation
 * at which that marker first appeared — so the status describes the pods running that template.
 */

/** The ConfigMap/Secret, at its current data, that the workloads must run with. */
export type Expected = ExpectedData & {
  /** A workload of the namespace on whose annotation Reloader panics, so it rolls nothing after it. */
  reloaderCrash?: string;
};

export type Strategy = 'env-vars' | 'annotations' | 'restart' | 'none';
/** `found`: check-only, the workload exists and will be verified after the change. */
export type Result = 'rolled' | 'already-current' | 'restarted' | 'failed' | 'found';
export type FailureKind =
  | 'timeout'
  | 'not-reloaded'
  | 'progress-deadline'
  | 'on-delete'
  | 'deleted'
  | 'restart-refused'
  | 'error'
  | 'reloader-crash'
  | 'config-deleted'
  | 'config-changed';

export interface TrackerSettings {
  /** When the verification started (clock ms). */
  startedAt: number;
  timeoutMs: number;
  /** How long Reloader has to write the hash before it is deemed not to have acted. */
  graceMs: number;
  restartIfNotReloaded: boolean;
}

/** One workload under verification. */
export interface Tracked {
  key: string;
  namespace: string;
  /** Jobs and CronJobs are only tracked to report Reloader crashing on them (failed from the start). */
  kind: WorkloadKind | OtherKind;
  name: string;
  expected?: Expected;
  /** What the latest version's markers said, when they did not prove the data (for the reason). */
  verdict?: MarkerVerdict;
  state: 'waiting' | 'restarting' | 'rolling' | 'done' | 'failed';
  strategy?: Strategy;
  /** metadata.generation of the first version seen carrying the hash. */
  markerGeneration?: number;
  /** True until the first version of the workload was seen. */
  unseen: boolean;
  /** The hash was there and the rollout complete on the first version seen. */
  currentAtFirstSight: boolean;
  restarted: boolean;
  doneAt?: number;
  result?: Result;
  failure?: FailureKind;
  reason?: string;
  status?: RolloutStatus;
  latest?: Workload;
}

/** What the caller must do after a tick. */
export interface TickActions {
  /** Workloads Reloader did not roll within the grace period: restart them. */
  restart: Tracked[];
}

/** `namespace/Kind/name`. */
export function trackedKey(namespace: string, kind: string, name: string): string {
  return `${namespace}/${kind}/${name}`;
}

export class RolloutTracker {
  private readonly items = new Map<string, Tracked>();

  constructor(
    workloads: Array<{ namespace: string; kind: WorkloadKind | OtherKind; name: string; expected?: Expected }>,
    private readonly settings: TrackerSettings,
  ) {
    for (const w of workloads) {
      const key = trackedKey(w.namespace, w.kind, w.name);
      this.items.set(key, {
        key,
        namespace: w.namespace,
        kind: w.kind,
        name: w.name,
        expected: w.expected,
        state: 'waiting',
        unseen: true,
        currentAtFirstSight: false,
        restarted: false,
      });
    }
  }

  get all(): Tracked[] {
    return [...this.items.values()];
  }

  get(key: string): Tracked | undefined {
    return this.items.get(key);
  }

  /** Workloads still in progress. */
  pending(): Tracked[] {
    return this.all.filter((t) => t.state !== 'done' && t.state !== 'failed');
  }

  settled(): boolean {
    return this.pending().length === 0;
  }

  /** A new version of a workload (from a list or a watch event). Ignores workloads not tracked. */
  observe(object: Workload, now: number, type: 'ADDED' | 'MODIFIED' | 'DELETED' = 'MODIFIED'): Tracked | undefined {
    const kind = object.kind as WorkloadKind;
    const t = this.items.get(trackedKey(object.metadata.namespace ?? '', kind, object.metadata.name));
    if (!t || t.state === 'done' || t.state === 'failed') return t;
    const firstSight = t.unseen;
    t.unseen = false;
    if (type === 'DELETED') {
      this.fail(t, 'deleted', `${t.kind} ${t.name} was deleted during the verification`, now);
      return t;
    }
    t.latest = object;
    const template = object.spec?.template;
    const status = rolloutStatus(kind as WorkloadKind, object);
    t.status = status;

    // OnDelete never rolls by waiting: kubectl refuses it outright, and so do we.
    if (status.error && status.message.startsWith('rollout status is only available')) {
      this.fail(t, 'on-delete', `${status.message}: with updateStrategy OnDelete the pods only get the new configuration when they are deleted`, now);
      return t;
    }

    const strategy = this.markerOf(t, template);
    if (strategy === undefined) {
      // Not (or no longer) carrying the hash: wait for Reloader (or our restart).
      if (t.state === 'rolling') t.state = 'waiting';
      t.markerGeneration = undefined;
      return t;
    }
    if (t.markerGeneration === undefined) {
      t.markerGeneration = object.metadata.generation ?? 0;
      t.strategy = strategy;
    }
    if (t.state === 'waiting' || t.state === 'restarting') t.state = 'rolling';

    const observed = object.status?.observedGeneration ?? 0;
    if (observed < t.markerGeneration) return t;
    if (status.error) {
      this.fail(t, 'progress-deadline', status.message, now);
      return t;
    }
    if (status.done) {
      t.state = 'done';
      t.doneAt = now;
      t.currentAtFirstSight = firstSight;
      t.result = firstSight ? 'already-current' : t.strategy === 'restart' ? 'restarted' : 'rolled';
      t.reason = status.message;
    }
    return t;
  }

  /**
   * The passing of time: past the grace period, a workload without the hash is restarted (when
   * allowed) or failed; past the timeout, everything pending fails with its last status.
   */
  tick(now: number): TickActions {
    const restart: Tracked[] = [];
    const elapsed = now - this.settings.startedAt;
    for (const t of this.pending()) {
      if (elapsed >= this.settings.timeoutMs) {
        this.fail(t, 'timeout', this.timeoutReason(t), now);
        continue;
      }
      if (t.state !== 'waiting' || !t.expected || elapsed < this.settings.graceMs || t.unseen) continue;
      if (this.settings.restartIfNotReloaded && !t.restarted) {
        t.state = 'restarting';
        t.restarted = true;
        restart.push(t);
      } else if (!this.settings.restartIfNotReloaded) {
        this.fail(t, 'not-reloaded', this.notReloadedReason(t), now);
      }
    }
    return { restart };
  }

  /** Milliseconds until `tick` has something to decide (grace or timeout), from `now`. */
  nextDeadline(now: number): number {
    const elapsed = now - this.settings.startedAt;
    let next = this.settings.timeoutMs - elapsed;
    const graceLeft = this.settings.graceMs - elapsed;
    if (graceLeft > 0 && this.pending().some((t) => t.state === 'waiting' && t.expected && !t.restarted)) next = Math.min(next, graceLeft);
    return Math.max(0, next);
  }

  /** The restart patch was refused or failed. */
  restartFailed(key: string, reason: string, now: number): void {
    const t = this.items.get(key);
    if (t) this.fail(t, 'restart-refused', reason, now);
  }

  /** Marks a workload failed for a reason found outside the tracker (e.g. a lost watch). */
  failWith(key: string, kind: FailureKind, reason: string, now: number): void {
    const t = this.items.get(key);
    if (t && t.state !== 'done' && t.state !== 'failed') this.fail(t, kind, reason, now);
  }

  private fail(t: Tracked, failure: FailureKind, reason: string, now: number): void {
    t.state = 'failed';
    t.result = 'failed';
    t.failure = failure;
    t.reason = reason;
    t.doneAt = now;
  }

  private markerOf(t: Tracked, template: PodTemplate | undefined): Strategy | undefined {
    if (!t.expected) return 'none';
    const verdict = configMarker(template, t.expected);
    t.verdict = verdict.current ? undefined : verdict;
    return verdict.current ? verdict.strategy : undefined;
  }

  private timeoutReason(t: Tracked): string {
    if (t.unseen) return `${t.kind} ${t.name} was never seen`;
    if (t.state === 'waiting' || t.state === 'restarting') return this.notReloadedReason(t);
    const parts = [t.status?.message ?? 'rollout not complete'];
    const w = t.latest;
    if (w && t.markerGeneration !== undefined && (w.status?.observedGeneration ?? 0) < t.markerGeneration) {
      parts.push(`the controller has not observed generation ${t.markerGeneration} yet (observedGeneration ${w.status?.observedGeneration ?? 0})`);
    }
    if (w?.spec?.paused) {
      const pausedAt = w.metadata.annotations?.[RELOADER_KEYS.pausedAt];
      parts.push(
        pausedAt
          ? `the Deployment is paused by Reloader's pause-period since ${pausedAt}`
          : 'the Deployment is paused (spec.paused: true): run `kubectl rollout resume`',
      );
    }
    return parts.join('; ');
  }

  private notReloadedReason(t: Tracked): string {
    const e = t.expected!;
    const env = envVarName(e.name, e.type);
    const seconds = Math.round(this.settings.graceMs / 1000);
    const object = `${e.type === 'SECRET' ? 'Secret' : 'ConfigMap'} ${e.name}`;
    const why = t.verdict?.why ?? `its pod template has neither ${env}=${e.hash} nor a ${LAST_RELOADED_FROM} annotation for ${object} with that hash`;
    const inInit = (t.latest?.spec?.template?.spec?.initContainers ?? []).some((c) => (c.env ?? []).some((v) => v.name === env))
      ? ` (${env} in an init container does not count: Reloader only writes into containers)`
      : '';
    const crash = e.reloaderCrash ? `. Reloader panics on ${e.reloaderCrash} in this namespace and rolls nothing after it` : '';
    const holds = reloaderEnvValue(t.latest?.spec?.template, e)?.value === e.hash;
    const action =
      holds || e.collision
        ? `Reloader will not roll it: to Reloader the data did not change${holds ? ` (${env} already holds ${e.hash})` : ''}. Set restart-if-not-reloaded: true to restart it instead`
        : `Is Reloader running and watching namespace ${e.namespace}? Set restart-if-not-reloaded: true to restart it instead`;
    return `Reloader did not roll it within reload-grace (${seconds}s): ${why}${inInit}${crash}. ${action}`;
  }
}
