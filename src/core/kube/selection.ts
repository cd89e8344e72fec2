import { reloadDecision, type ReloadResource, type ReloaderOptions, type WorkloadLike } from './reloader.js';
import { describePermission, errorStatus, kubeError, type KubeClients, type Permission } from './client.js';
import { OTHER_KINDS, WORKLOAD_KINDS, type OtherKind, type Workload, type WorkloadKind } from './workload.js';

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

/** The RBAC permission to list a kind in a namespace. */
export function listPermission(kind: WorkloadKind | OtherKind, namespace: string): Permission {
  return { verb: 'list', resource: `${kind.toLowerCase()}s`, group: kind === 'Job' || kind === 'CronJob' ? 'batch' : 'apps', namespace };
}

/** Lists one kind in one namespace; items get their `kind` set (list items come without it). A 403 names the permission needed. */
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
    throw kubeError(err, `list ${kind}s in namespace ${namespace}`, clients.server, listPermission(kind, namespace));
  }
}

/** The Jobs and CronJobs of a namespace, or why they could not be listed (a 403 or a 404 is not fatal: they are only reported). */
export interface OtherKindsListing {
  items: WorkloadLike[];
  /** One line per kind that could not be listed, naming the permission when it was refused. */
  problems: string[];
}

/** Lists the kinds Reloader also rolls that the actions do not verify (Jobs, CronJobs); never throws. */
export async function listOtherKinds(clients: KubeClients, namespace: string): Promise<OtherKindsListing> {
  const listing: OtherKindsListing = { items: [], problems: [] };
  await Promise.all(
    OTHER_KINDS.map(async (kind) => {
      try {
        const list = kind === 'Job' ? await clients.batch.listNamespacedJob({ namespace }) : await clients.batch.listNamespacedCronJob({ namespace });
        listing.items.push(...(list.items as unknown as WorkloadLike[]).map((w) => ({ ...w, kind })));
      } catch (err) {
        const code = errorStatus(err);
        const permission = listPermission(kind, namespace);
        listing.problems.push(
          code === 403
            ? `could not check the ${kind}s of namespace ${namespace} that Reloader may roll: the identity lacks the RBAC permission to ${describePermission(permission)}`
            : `could not check the ${kind}s of namespace ${namespace} that Reloader may roll: ${kubeError(err, `list ${kind}s in namespace ${namespace}`, clients.server, permission).message}`,
        );
      }
    }),
  );
  return listing;
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

/** A workload on which Reloader panics (an invalid reload pattern), and why. */
export interface ReloaderCrash {
  kind: string;
  namespace: string;
  name: string;
  /** `Reloader will crash on this annotation: …`. */
  why: string;
}

/** Reloader's view of one change over a namespace's workloads: what it rolls, and where it crashes. */
export interface ReloadSelection {
  targets: ReloadTarget[];
  crashes: ReloaderCrash[];
}

/**
 * What Reloader does for this change with these workloads (any kinds, Jobs and CronJobs included): the targets as
 * `reloadTargets` finds them, and every workload on whose annotation Reloader panics (it evaluates every workload
 * of the namespace, so one with an invalid pattern crashes it whatever object it names).
 */
export function reloadSelection(resource: ReloadResource, workloads: WorkloadLike[], options: ReloaderOptions = {}): ReloadSelection {
  const crashes: ReloaderCrash[] = [];
  for (const w of workloads) {
    const decision = reloadDecision(resource, w, options);
    if (decision.result === 'ReloaderCrash') crashes.push({ kind: decision.kind, namespace: decision.namespace, name: decision.name, why: decision.why });
  }
  return { targets: reloadTargets(resource, workloads as Workload[], options), crashes };
}

/** Every workload of a listing, flattened. */
export function allWorkloads(listing: WorkloadListing): Workload[] {
  return [...listing.items.Deployment, ...listing.items.StatefulSet, ...listing.items.DaemonSet];
}
