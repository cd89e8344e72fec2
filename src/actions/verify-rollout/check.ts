import { checkAccess, missingPermissions } from '../../core/kube/access.js';
import { kubeError, type KubeClients, type Permission } from '../../core/kube/client.js';
import type { WorkloadKind } from '../../core/kube/workload.js';
import type { Logger } from '../../core/log.js';

/**
 * `check-only`: what verify-rollout will need after the change, checked before it: the workloads to verify exist
 * (found by Reloader's rules from the object's current state), the identity may do everything the verification
 * will do, and Reloader runs (or `restart-if-not-reloaded` is set). Reads only; answers in one report.
 */

export interface PreconditionReport {
  /** Every permission asked, allowed or not. */
  permissions: Array<{ permission: Permission; allowed: boolean }>;
  /** How Reloader was found, or why it could not be checked. */
  reloader: { state: 'running' | 'not-running' | 'unknown'; detail: string };
  /** What stops the verification; empty when it can run. */
  problems: string[];
  /** What could not be checked, without stopping the switch. */
  warnings: string[];
}

const PLURAL: Record<WorkloadKind, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };
/** Reloader's image, whichever way it was installed (Helm chart, manifests, kustomize): its Deployment runs it. */
const RELOADER_IMAGE = /(^|\/)stakater\/reloader(:|@|$)/;

/** The permissions the verification uses in `namespace` for the workload kinds it follows. */
export function permissionsFor(namespace: string, kinds: WorkloadKind[], restart: boolean, resource?: { kind: 'ConfigMap' | 'Secret' }): Permission[] {
  const out: Permission[] = [];
  if (resource) out.push({ verb: 'get', resource: resource.kind === 'Secret' ? 'secrets' : 'configmaps', group: '', namespace });
  for (const kind of kinds) {
    out.push({ verb: 'list', resource: PLURAL[kind], group: 'apps', namespace }, { verb: 'watch', resource: PLURAL[kind], group: 'apps', namespace });
    if (restart) out.push({ verb: 'patch', resource: PLURAL[kind], group: 'apps', namespace });
  }
  out.push({ verb: 'list', resource: 'pods', group: '', namespace }, { verb: 'list', resource: 'events', group: '', namespace });
  return out;
}

export async function checkPreconditions(
  clients: KubeClients,
  options: { namespaces: string[]; kinds: WorkloadKind[]; restartIfNotReloaded: boolean; resource?: { kind: 'ConfigMap' | 'Secret' }; logger: Logger },
): Promise<PreconditionReport> {
  const asked = options.namespaces.flatMap((ns) => permissionsFor(ns, options.kinds, options.restartIfNotReloaded, options.resource));
  const clusterList: Permission = { verb: 'list', resource: 'deployments', group: 'apps' };
  const answers = await checkAccess(clients, [...asked, clusterList]);
  const own = answers.slice(0, asked.length);
  const problems: string[] = [];
  const warnings: string[] = [];
  const missing = missingPermissions(own);
  if (missing.length)
    problems.push(
      `the identity lacks ${missing.length} permission${missing.length === 1 ? '' : 's'} the verification uses: ${missing.join('; ')}. Grant them with the Role in docs/rbac/ccloud-dr-role.yaml`,
    );
  let reloader: PreconditionReport['reloader'];
  if (!answers[asked.length].allowed) {
    reloader = { state: 'unknown', detail: 'the identity may not list Deployments cluster-wide, so whether Reloader runs could not be checked' };
  } else {
    reloader = await findReloader(clients);
  }
  if (reloader.state === 'not-running' && !options.restartIfNotReloaded)
    problems.push(
      `Reloader does not run (${reloader.detail}): nothing would roll the clients after the change. Install it (docs/adoption.md), or set restart-if-not-reloaded: true in the client group`,
    );
  if (reloader.state === 'unknown')
    warnings.push(
      `${reloader.detail}; the rollout is still verified after the change${options.restartIfNotReloaded ? '' : " (set restart-if-not-reloaded: true to restart workloads Reloader does not roll, or grant 'list deployments' cluster-wide to check it here)"}`,
    );
  for (const w of warnings) options.logger.warning(w);
  return { permissions: answers.slice(0, asked.length).map((a) => ({ permission: a.permission, allowed: a.allowed })), reloader, problems, warnings };
}

/** Reloader's Deployment, found in any namespace by the image it runs, and whether a replica is available. */
async function findReloader(clients: KubeClients): Promise<PreconditionReport['reloader']> {
  try {
    const list = await clients.apps.listDeploymentForAllNamespaces({});
    const found = list.items.filter((d) => (d.spec?.template.spec?.containers ?? []).some((c) => RELOADER_IMAGE.test(c.image ?? '')));
    if (!found.length) return { state: 'not-running', detail: 'no Deployment in any namespace runs the stakater/reloader image' };
    const available = found.find((d) => (d.status?.availableReplicas ?? 0) > 0);
    const names = found.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`).join(', ');
    return available
      ? {
          state: 'running',
          detail: `Deployment ${available.metadata?.namespace}/${available.metadata?.name} has ${available.status?.availableReplicas} available replica(s)`,
        }
      : { state: 'not-running', detail: `Deployment ${names} has no available replica` };
  } catch (err) {
    throw kubeError(err, 'look for the Reloader Deployment', clients.server);
  }
}
