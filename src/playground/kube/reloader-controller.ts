import { RELOADER_KEYS, resourceHash, resourceTypeOfKind, type ReloadResource, type ReloadStrategy } from '../../core/kube/reloader.js';
import { RELOADER_FIELD_MANAGER, pausePatch, reloadPass, reloadedMessage, resumePatch } from './reloader-plan.js';
import type { KubeApi } from './api.js';
import { ApiError } from './errors.js';
import type { EventRecorder } from './events.js';
import type { Controller, Scheduler } from './scheduler.js';
import type { StoreEvent } from './store.js';
import type { ConfigMap, Deployment, KubeObject } from './types.js';
import { resourceType } from './resources.js';
import { DAEMON_SET, DEPLOYMENT, STATEFUL_SET } from './workloads.js';

/** Kinds Reloader rolls by patching their pod template. */
const KINDS = [DEPLOYMENT, DAEMON_SET, STATEFUL_SET];
/**
 * Kinds Reloader also goes through (in its order, so an invalid annotation on one crashes it too); it rolls a
 * CronJob by creating a Job from it and a Job by re-creating it, which this emulator, with no job controller, skips.
 */
const BATCH_KINDS = [resourceType('CronJob'), resourceType('Job')];

/**
 * Stakater Reloader v1.4 running inside the emulator, with its default flags: it reacts only to
 * ConfigMap/Secret updates whose hash changed (create and delete are ignored), selects workloads in
 * the same namespace with the rules the actions use (src/core/kube/reloader.ts), pauses Deployments
 * with a pause-period first, sends the strategy's strategic merge patch (reloader-plan.ts) with
 * fieldManager Reloader through the API like any client, and records the `Reloaded` event on each workload.
 * A reload pattern Go's regexp rejects makes Reloader v1.4.21 panic (`regexp.MustCompile`): the pass stops
 * there, as the real controller's does when its process dies, and the change is never handled again.
 */
export class ReloaderController implements Controller {
  readonly name = 'reloader';
  private readonly pending: KubeObject[] = [];
  private readonly resumeTimers = new Map<string, NodeJS.Timeout>();
  enabled: boolean;

  constructor(
    private readonly api: KubeApi,
    private readonly events: EventRecorder,
    private readonly scheduler: Scheduler,
    private readonly strategy: ReloadStrategy,
    enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.enabled = enabled;
  }

  observe(event: StoreEvent): void {
    if (!this.enabled || event.type !== 'MODIFIED' || !event.old) return;
    const kind = event.resource.kind;
    if (kind !== 'ConfigMap' && kind !== 'Secret') return;
    const type = resourceTypeOfKind(kind);
    if (resourceHash(type, event.old as ConfigMap) === resourceHash(type, event.object as ConfigMap)) return;
    this.pending.push(event.object);
    this.scheduler.enqueue(this.name, 'changes');
  }

  sync(): void {
    const changes = this.pending.splice(0);
    if (!this.enabled) return;
    for (const changed of changes) this.handle(changed);
  }

  private handle(changed: KubeObject): void {
    const type = resourceTypeOfKind(changed.kind ?? '');
    const resource: ReloadResource = {
      type,
      name: changed.metadata.name as string,
      namespace: changed.metadata.namespace as string,
      annotations: changed.metadata.annotations,
      hash: resourceHash(type, changed as ConfigMap),
    };
    const component = type === 'SECRET' ? 'reloader-secrets' : 'reloader-configmaps';
    const workloads = [...KINDS, ...BATCH_KINDS].flatMap((kind) => this.api.select(kind, resource.namespace));
    // One pass in Reloader's kind order; everything here is synchronous, so no write lands between the plans.
    for (const plan of reloadPass(resource, workloads, { strategy: this.strategy }, this.now())) {
      if (plan.result === 'ReloaderCrash') {
        console.error(
          `kube emulator (Reloader): panic on ${plan.kind} ${resource.namespace}/${plan.name}: ${plan.why}; the change to ${changed.kind} ${resource.name} is dropped`,
        );
        return;
      }
      const kind = KINDS.find((k) => k.kind === plan.kind);
      const workload = kind && this.api.find(kind, resource.namespace, plan.name);
      if (!kind || !workload || !plan.patch) continue;
      if (plan.invalidPausePeriod !== undefined) {
        // PauseDeployment fails on a bad duration and the error stops this change's processing.
        console.error(
          `kube emulator (Reloader): invalid ${RELOADER_KEYS.pausePeriod} '${plan.invalidPausePeriod}' on Deployment ${resource.namespace}/${plan.name}; reload aborted`,
        );
        return;
      }
      if (plan.pausePeriodMs !== undefined) this.pause(workload as Deployment, plan.pausePeriodMs);
      try {
        this.api.patch(kind, resource.namespace, plan.name, 'application/strategic-merge-patch+json', plan.patch, { fieldManager: RELOADER_FIELD_MANAGER });
      } catch (err) {
        const message = `Update for '${plan.name}' of type '${kind.kind}' in namespace '${resource.namespace}' failed with error ${err instanceof ApiError ? err.message : String(err)}`;
        this.events.record(workload, 'Warning', 'ReloadFail', message, component);
        return;
      }
      this.events.record(workload, 'Normal', 'Reloaded', reloadedMessage(resource, kind.kind, plan.name), component);
    }
  }

  /** PauseDeployment: pause unless already paused; a user's pause is left alone; resume after the period. */
  private pause(d: Deployment, periodMs: number): void {
    const ns = d.metadata.namespace as string;
    const name = d.metadata.name as string;
    const timerKey = `${ns}/${name}`;
    if (!d.spec.paused) {
      this.api.patch(DEPLOYMENT, ns, name, 'application/strategic-merge-patch+json', pausePatch(this.now()), { fieldManager: RELOADER_FIELD_MANAGER });
      this.resumeAfter(timerKey, ns, name, periodMs);
      return;
    }
    const pausedAt = d.metadata.annotations?.[RELOADER_KEYS.pausedAt];
    if (!pausedAt) return;
    if (!this.resumeTimers.has(timerKey)) this.resumeAfter(timerKey, ns, name, Math.max(0, Date.parse(pausedAt) + periodMs - this.now()));
  }

  private resumeAfter(timerKey: string, ns: string, name: string, ms: number): void {
    if (this.resumeTimers.has(timerKey)) return;
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timerKey);
      const current = this.api.find(DEPLOYMENT, ns, name) as Deployment | undefined;
      if (!current || !current.spec.paused || !current.metadata.annotations?.[RELOADER_KEYS.pausedAt]) return;
      this.api.patch(DEPLOYMENT, ns, name, 'application/strategic-merge-patch+json', resumePatch(), { fieldManager: RELOADER_FIELD_MANAGER });
    }, ms);
    timer.unref();
    this.resumeTimers.set(timerKey, timer);
  }

  stop(): void {
    for (const t of this.resumeTimers.values()) clearTimeout(t);
    this.resumeTimers.clear();
    this.pending.length = 0;
  }
}
