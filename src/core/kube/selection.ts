import { reloadDecision, type ReloadResource, type ReloaderOptions, type WorkloadLike } from './reloader.js';
import { kubeError, type KubeClients } from './client.js';
import { WORKLOAD_KINDS, type Workload, type WorkloadKind } from './workload.js';

/**
 * Which workloads Reloader rolls for a ConfigMap or Secret, by the rules in `reloader.ts` (the ones
 * the emulator's Reloader uses too), over the workloads listed from the cluster.
 */

/** A workload chosen by Reloader's rules, and why. */
export interface ReloadTarget {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  /** `named`, `search` or `auto`. */
  match: string;
  /** The container Reloader writes into. */
  container?: string;
}

/** One namespace's workloads, by kind, with the list's resourceVersion (to start a watch from). */
export interface WorkloadListing {
  namespace: string;
  items: Record<WorkloadKind, Workload[]>;
  resourceVersions: Record<WorkloadKind, string>;
}

/** Lists the Deployments, StatefulSets and DaemonSets of a namespace (one request per kind). */
export async function listWorkloads(clients: KubeClients, namespace: string, kinds: readonly WorkloadKind[] = WORKLOAD_KINDS): Promise<WorkloadListing> {
  const listing: WorkloadListing = {
    namespace,
    items: { Deployment: [], StatefulSet: [], DaemonSet: [] },
    resourceVersions: { Deployment: '', StatefulSet: '', DaemonSet: '' },
  };
  await Promise.all(
    kinds.map(async (kind) => {
      const { items, resourceVersion } = await listKind(clients, namespace, kind);
      listing.items[kind] = items;
      listing.resourceVersions[kind] = resourceVersion;
    }),
  );
  return listing;
}

/** Lists one kind in one namespace; items get their `kind` set (list items come without it). */
export async function listKind(clients: KubeClients, namespace: string, kind: WorkloadKind): Promise<{ items: Workload[]; resourceVersion: string }> {
  try {
    const list =
      kind === 'Deployment'
        ? await clients.apps.listNamespacedDeployment({ namespace })
        : kind === 'StatefulSet'
          ? await clients.apps.listNamespacedStatefulSet({ namespace })
          : await clients.apps.listNamespacedDaemonSet({ namespace });
    const items = (list.items as unknown as Workload[]).map((w) => ({ ...w, kind }));
    return { items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  } catch (err) {
    throw kubeError(err, `list ${kind}s in namespace ${namespace}`, clients.server);
  }
}

/**
 * The workloads Reloader rolls (or already rolled) for this resource: selected by `ShouldReload`
 * and with a container to write into. A workload whose env var already holds the hash (`NotUpdated`,
 * so Reloader writes nothing now) is included: after the change it is exactly the one that rolled.
 */
export function reloadTargets(resource: ReloadResource, workloads: Workload[], options: ReloaderOptions = {}): ReloadTarget[] {
  const targets: ReloadTarget[] = [];
  for (const w of workloads) {
    const decision = reloadDecision(resource, w as unknown as WorkloadLike, options);
    if (decision.result !== 'Updated' && decision.result !== 'NotUpdated') continue;
    targets.push({
      kind: w.kind as WorkloadKind,
      namespace: w.metadata.namespace ?? resource.namespace,
      name: w.metadata.name,
      match: decision.check.match ?? '',
      container: decision.container,
    });
  }
  return targets;
}

/** Every workload of a listing, flattened. */
export function allWorkloads(listing: WorkloadListing): Workload[] {
  return [...listing.items.Deployment, ...listing.items.StatefulSet, ...listing.items.DaemonSet];
}
