import { InputError } from '../../core/errors.js';
import { InputReader } from '../../core/inputs.js';
import { resolveKubeconfig, type KubeTarget } from '../../core/kube/client.js';
import { isNamespaceName, isObjectName, NAMESPACE_NAME_RULE, OBJECT_NAME_RULE } from '../../core/kube/names.js';
import type { WorkloadKind } from '../../core/kube/workload.js';
import type { VerifySettings } from './verify.js';

/** Everything verify-rollout needs, validated; reading it makes no network call. */
export type VerifyInputs = Pick<VerifySettings, 'namespaces' | 'workloads' | 'timeoutMs' | 'graceMs' | 'restartIfNotReloaded' | 'checkOnly'> & {
  /** The ConfigMaps and Secrets whose workloads to verify, each on its own (in parallel). */
  resources: Array<NonNullable<VerifySettings['resource']>>;
  kube: KubeTarget;
};

/** Reads and checks every input before anything touches the cluster. */
export function getInputs(inputs = new InputReader(), env: NodeJS.ProcessEnv = process.env): VerifyInputs {
  const namespaces = inputs.list('namespace');
  if (!namespaces.length)
    throw new InputError('namespace', 'is required but was not set', 'the namespace of the workloads, e.g. `clients` (several: `clients,nproxy-clients`)');
  for (const ns of namespaces) {
    if (!isNamespaceName(ns)) throw new InputError('namespace', `has the value '${ns}', which is not a namespace name`, NAMESPACE_NAME_RULE);
  }
  const resources: VerifyInputs['resources'] = [];
  for (const [input, kind] of [
    ['configmap', 'ConfigMap'],
    ['secret', 'Secret'],
  ] as const) {
    for (const name of inputs.list(input)) {
      if (!isObjectName(name)) throw new InputError(input, `has the value '${name}', which is not a ${kind} name`, OBJECT_NAME_RULE);
      resources.push({ kind, name });
    }
  }
  const resource = resources[0];
  const workloads = inputs.has('workloads') ? parseWorkloads(inputs.list('workloads'), namespaces) : undefined;
  if (workloads && resources.length > 1)
    throw new InputError(
      'workloads',
      `was given with ${resources.length} ConfigMaps and Secrets`,
      "one 'configmap' or 'secret' with an explicit 'workloads' list (several objects are each verified by Reloader's rules)",
    );
  if (!resource && !workloads) {
    throw new InputError(
      'configmap',
      "and inputs 'secret' and 'workloads' were all left empty",
      "the ConfigMap ('configmap') or Secret ('secret') whose workloads to verify, or an explicit 'workloads' list",
    );
  }
  const timeoutMs = inputs.duration('timeout', '10m', { minMs: 1000 });
  const graceMs = inputs.duration('reload-grace', '30s');
  const restartIfNotReloaded = inputs.boolean('restart-if-not-reloaded', false);
  if (restartIfNotReloaded && !resource) {
    throw new InputError(
      'restart-if-not-reloaded',
      "is true but neither 'configmap' nor 'secret' was given",
      "a 'configmap' or 'secret' input: its hash tells whether Reloader rolled a workload",
    );
  }
  if (restartIfNotReloaded && graceMs >= timeoutMs) {
    throw new InputError(
      'reload-grace',
      `(${inputs.string('reload-grace') ?? '30s'}) is not shorter than 'timeout' (${inputs.string('timeout') ?? '10m'})`,
      'a grace period shorter than the timeout, so a restarted workload has time to roll',
    );
  }
  const kube = resolveKubeconfig(inputs.string('kubeconfig'), env);
  const checkOnly = inputs.boolean('check-only', false);
  return { namespaces, resources, workloads, timeoutMs, graceMs, restartIfNotReloaded, checkOnly, kube };
}

/** `Kind/name`, or `namespace/Kind/name` (required when several namespaces are given). */
export function parseWorkloads(items: string[], namespaces: string[]): Array<{ namespace: string; kind: WorkloadKind; name: string }> {
  const accepted = '`Kind/name` such as `Deployment/producer` (kinds: Deployment, StatefulSet, DaemonSet), or `namespace/Kind/name`';
  const seen = new Set<string>();
  const out: Array<{ namespace: string; kind: WorkloadKind; name: string }> = [];
  for (const item of items) {
    const parts = item.split('/').map((p) => p.trim());
    let namespace: string;
    let kindText: string;
    let name: string;
    if (parts.length === 2) {
      if (namespaces.length > 1)
        throw new InputError(
          'workloads',
          `has the item '${item}' without a namespace, but several namespaces were given`,
          '`namespace/Kind/name` for each item when `namespace` lists several',
        );
      [kindText, name] = parts;
      namespace = namespaces[0];
    } else if (parts.length === 3) {
      [namespace, kindText, name] = parts;
      if (!namespaces.includes(namespace))
        throw new InputError(
          'workloads',
          `has the item '${item}' in namespace '${namespace}', which is not in input 'namespace'`,
          `a namespace among: ${namespaces.join(', ')}`,
        );
    } else {
      throw new InputError('workloads', `has the item '${item}'`, accepted);
    }
    const kind = parseKind(kindText);
    if (!kind) throw new InputError('workloads', `has the item '${item}' with kind '${kindText}', which cannot be verified`, accepted);
    if (!isObjectName(name)) throw new InputError('workloads', `has the item '${item}' with name '${name}', which is not a valid name`, accepted);
    const key = `${namespace}/${kind}/${name}`;
    if (!seen.has(key)) out.push({ namespace, kind, name });
    seen.add(key);
  }
  return out;
}

/** Parses a kind as users write it: `Deployment`, `deployment`, `deployments`, `deploy`, `sts`, `ds`… */
export function parseKind(text: string): WorkloadKind | undefined {
  const t = text.trim().toLowerCase();
  if (['deployment', 'deployments', 'deploy'].includes(t)) return 'Deployment';
  if (['statefulset', 'statefulsets', 'sts'].includes(t)) return 'StatefulSet';
  if (['daemonset', 'daemonsets', 'ds'].includes(t)) return 'DaemonSet';
  return undefined;
}
