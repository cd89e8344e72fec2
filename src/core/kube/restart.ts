import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { FIELD_MANAGER, kubeError, type KubeClients } from './client.js';
import { reloaderEnvValue, reloadSourceFor, type HashedResource, type PodTemplateLike } from './reloader.js';
import type { ReloadTarget } from './selection.js';
import type { Workload, WorkloadKind } from './workload.js';

/**
 * Restarting a workload the way `kubectl rollout restart` does, for what Reloader will not roll: verify-rollout
 * with `restart-if-not-reloaded`, and swap-configmap when new data has the old data's Reloader hash. Each restart
 * records which data it was for and what the template's other markers said at that moment, so that a later
 * reader can tell which marker is the latest (config-marker.ts).
 */

/** What `kubectl rollout restart` sets on the pod template. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
/** Set beside it: which ConfigMap/Secret data the restart was for, and the template's other markers at that moment. */
export const RESTARTED_FOR = 'ccloud-dr-actions/restarted-for';

/** The value of the `restarted-for` annotation. */
export interface RestartRecord {
  type: string;
  name: string;
  namespace: string;
  /** Reloader's hash of the data the pods restarted with. */
  hash: string;
  /** `dataDigest` of that data: tells data apart that Reloader's hash does not. */
  data?: string;
  /** The `restartedAt` written with it. */
  at?: string;
  /** Reloader's env var for the resource in the template when it was restarted (null: none). */
  env?: string | null;
  /** `observedAt` of the template's `last-reloaded-from` for the resource when it was restarted (null: none). */
  reloadedAt?: number | null;
}

/** RFC 3339 in UTC to the second, as kubectl writes `restartedAt` (`time.Now().Format(time.RFC3339)`). */
function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The strategic merge patch of `kubectl rollout restart` (the restartedAt pod-template annotation), plus the
 * `restarted-for` record of the data and of the markers `template` carries now for the resource.
 */
export function restartPatch(nowMs: number, reason: HashedResource & { data?: string }, template: PodTemplateLike | undefined): Record<string, unknown> {
  const at = rfc3339Seconds(nowMs);
  const record: RestartRecord = {
    type: reason.type,
    name: reason.name,
    namespace: reason.namespace,
    hash: reason.hash,
    ...(reason.data ? { data: reason.data } : {}),
    at,
    env: reloaderEnvValue(template, reason)?.value ?? null,
    reloadedAt: reloadSourceFor(template, reason)?.observedAt ?? null,
  };
  return { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at, [RESTARTED_FOR]: JSON.stringify(record) } } } } };
}

/** The template's `restarted-for` record, when it is for this resource (type, name, namespace). */
export function restartRecordOf(template: PodTemplateLike | undefined, resource: Omit<HashedResource, 'hash'>): RestartRecord | undefined {
  const text = template?.metadata?.annotations?.[RESTARTED_FOR];
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<RestartRecord>;
    if (value?.type !== resource.type || value.name !== resource.name || value.namespace !== resource.namespace || typeof value.hash !== 'string')
      return undefined;
    return value as RestartRecord;
  } catch {
    return undefined;
  }
}

/** Why a workload cannot be restarted like `kubectl rollout restart` would, or undefined. */
export function restartRefusal(kind: string, workload: Workload): string | undefined {
  if (kind === 'Deployment' && workload.spec?.paused) return "can't restart paused deployment (run rollout resume first)";
  return undefined;
}

/** Sends the restart patch (strategic merge, our field manager); returns the workload as the server stored it. */
export async function sendRestart(
  clients: KubeClients,
  kind: WorkloadKind,
  namespace: string,
  name: string,
  patch: Record<string, unknown>,
): Promise<Workload> {
  const { lib } = clients;
  const options = lib.setHeaderOptions('Content-Type', lib.PatchStrategy.StrategicMergePatch);
  const params = { name, namespace, body: patch, fieldManager: FIELD_MANAGER };
  try {
    const patched =
      kind === 'Deployment'
        ? await clients.apps.patchNamespacedDeployment(params, options)
        : kind === 'StatefulSet'
          ? await clients.apps.patchNamespacedStatefulSet(params, options)
          : await clients.apps.patchNamespacedDaemonSet(params, options);
    return { ...(patched as unknown as Workload), kind };
  } catch (err) {
    throw kubeError(err, `restart ${kind} ${namespace}/${name}`, clients.server, {
      verb: 'patch',
      resource: `${kind.toLowerCase()}s`,
      group: 'apps',
      namespace,
    });
  }
}

/**
 * After new data whose Reloader hash equals the old data's (a hash collision) was written: Reloader sees no change
 * and rolls nothing, so the workloads it would have rolled are restarted here, each with a record of this data.
 * Says so in a warning; a restart that fails is a warning too (verify-rollout then does not take the old hash as
 * proof, and restarts or fails them). A dry run only says what it would restart.
 */
export async function restartForCollision(
  clients: KubeClients,
  reason: HashedResource & { data: string; kind: 'ConfigMap' | 'Secret' },
  targets: ReloadTarget[] | null,
  workloads: Workload[] | null,
  options: { dryRun: boolean; logger: Logger; now?: () => number },
): Promise<string[]> {
  const object = `${reason.kind}/${reason.namespace}/${reason.name}`;
  const why = `the new data of ${object} has the same Reloader hash as the old data (${reason.hash}: Reloader joins key=value pairs with ';' without escaping), so Reloader will not roll its workloads`;
  if (targets === null || workloads === null) {
    options.logger.warning(`${why}; its workloads could not be listed, so restart them yourself (verify-rollout with restart-if-not-reloaded: true)`);
    return [];
  }
  if (!targets.length) {
    options.logger.warning(`${why}; none is selected by Reloader's rules either`);
    return [];
  }
  const names = targets.map((t) => `${t.kind}/${t.name}`);
  if (options.dryRun) {
    options.logger.warning(`${why}; without dry-run they would be restarted like kubectl rollout restart: ${names.join(', ')}`);
    return [];
  }
  const restarted: string[] = [];
  const failed: string[] = [];
  for (const t of targets) {
    const current = workloads.find((w) => w.kind === t.kind && w.metadata.name === t.name);
    try {
      await sendRestart(clients, t.kind, t.namespace, t.name, restartPatch((options.now ?? Date.now)(), reason, current?.spec?.template));
      restarted.push(`${t.kind}/${t.name}`);
    } catch (err) {
      failed.push(`${t.kind}/${t.name} (${describeError(err)})`);
    }
  }
  options.logger.warning(
    `${why}; restarted them like kubectl rollout restart: ${restarted.join(', ') || 'none'}${failed.length ? `; could not restart ${failed.join('; ')}: restart them yourself (verify-rollout with restart-if-not-reloaded: true)` : ''}`,
  );
  return restarted;
}
