import type { HashedResource } from '../../core/kube/reloader.js';
import type { PodTemplate, Workload } from '../../core/kube/workload.js';

/** What `kubectl rollout restart` sets on the pod template. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
/**
 * Set beside it by verify-rollout: which ConfigMap/Secret hash the restart was for. A re-run finds
 * it and knows that workload already restarted on this data (so it does not restart it again).
 */
export const RESTARTED_FOR = 'ccloud-dr-actions/restarted-for';

/**
 * The strategic merge patch of `kubectl rollout restart` (the restartedAt pod-template annotation,
 * RFC3339 to the second), plus the `restarted-for` record.
 */
export function restartPatch(nowMs: number, reason: HashedResource): Record<string, unknown> {
  const record = JSON.stringify({ type: reason.type, name: reason.name, namespace: reason.namespace, hash: reason.hash });
  return { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: rfc3339Seconds(nowMs), [RESTARTED_FOR]: record } } } } };
}

/** RFC 3339 in UTC to the second, as kubectl writes `restartedAt` (`time.Now().Format(time.RFC3339)`). */
function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Why a workload cannot be restarted like `kubectl rollout restart` would, or undefined. */
export function restartRefusal(kind: string, workload: Workload): string | undefined {
  if (kind === 'Deployment' && workload.spec?.paused) return "can't restart paused deployment (run rollout resume first)";
  return undefined;
}

/** True when the template records a restart for exactly this resource and hash. */
export function restartedFor(template: PodTemplate | undefined, reason: HashedResource): boolean {
  const text = template?.metadata?.annotations?.[RESTARTED_FOR];
  if (!text) return false;
  try {
    const value = JSON.parse(text) as Partial<HashedResource>;
    return value.type === reason.type && value.name === reason.name && value.namespace === reason.namespace && value.hash === reason.hash;
  } catch {
    return false;
  }
}
