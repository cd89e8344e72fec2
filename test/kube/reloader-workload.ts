import type { WorkloadLike } from '../../src/core/kube/reloader.js';

/**
 * A workload as Reloader's rules read it: one container `app` with the given env, plus (unless
 * `refs` is false) an env var read from ConfigMap `kafka`, so auto and search find a container.
 */
export function reloaderWorkload(
  kind: string,
  name: string,
  ns: string,
  meta: Record<string, string>,
  env: Array<{ name: string; value: string }> = [],
  refs = true,
): WorkloadLike {
  return {
    kind,
    metadata: { name, namespace: ns, annotations: meta },
    spec: {
      template: {
        metadata: {},
        spec: {
          containers: [{ name: 'app', env: [...env, ...(refs ? [{ name: 'B', valueFrom: { configMapKeyRef: { name: 'kafka' } } }] : [])] }],
        },
      },
    },
  };
}
