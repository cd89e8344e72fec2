import type { KubeApi } from './api.js';
import type { ConfigMap, Pod, Secret } from './types.js';
import { CONFIG_MAP, SECRET } from './workloads.js';

/** The configuration a pod read when its containers started. */
export interface MountedConfig {
  /** Every ConfigMap the pod references (volumes, projected volumes, env, envFrom), by name: its data. */
  configMaps: Record<string, Record<string, string>>;
  /** Every Secret it references, by name: its data decoded as UTF-8. */
  secrets: Record<string, Record<string, string>>;
  /** The environment of the first container, resolved (literal values, key refs, envFrom, field refs). */
  env: Record<string, string>;
}

/** Why a pod cannot start yet: the kubelet's volume mount failure or CreateContainerConfigError. */
export interface ConfigProblem {
  kind: 'mount' | 'env';
  message: string;
  volume?: string;
}

function decode(secret: Secret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

/**
 * Resolves what a pod mounts, as the kubelet does at container start. A non-optional reference to
 * a missing ConfigMap, Secret or key is a problem that keeps the pod from starting.
 */
export function resolveMounted(api: KubeApi, pod: Pod): { mounted: MountedConfig; problems: ConfigProblem[] } {
  const ns = pod.metadata.namespace ?? 'default';
  const mounted: MountedConfig = { configMaps: {}, secrets: {}, env: {} };
  const problems: ConfigProblem[] = [];
  const cm = (name: string | undefined) => (name ? (api.find(CONFIG_MAP, ns, name) as ConfigMap | undefined) : undefined);
  const sec = (name: string | undefined) => (name ? (api.find(SECRET, ns, name) as Secret | undefined) : undefined);
  const useCm = (name: string | undefined, optional: boolean | undefined, problem: (msg: string) => void): ConfigMap | undefined => {
    const found = cm(name);
    if (found) mounted.configMaps[name as string] = { ...(found.data ?? {}) };
    else if (!optional) problem(`configmap "${name ?? ''}" not found`);
    return found;
  };
  const useSecret = (name: string | undefined, optional: boolean | undefined, problem: (msg: string) => void): Secret | undefined => {
    const found = sec(name);
    if (found) mounted.secrets[name as string] = decode(found);
    else if (!optional) problem(`secret "${name ?? ''}" not found`);
    return found;
  };

  for (const v of pod.spec.volumes ?? []) {
    const mountProblem = (msg: string) => problems.push({ kind: 'mount', volume: v.name, message: `MountVolume.SetUp failed for volume "${v.name}" : ${msg}` });
    if (v.configMap) useCm(v.configMap.name, v.configMap.optional, mountProblem);
    if (v.secret) useSecret(v.secret.secretName, v.secret.optional, mountProblem);
    for (const s of v.projected?.sources ?? []) {
      if (s.configMap) useCm(s.configMap.name, s.configMap.optional, mountProblem);
      if (s.secret) useSecret(s.secret.name, s.secret.optional, mountProblem);
    }
  }

  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  const first = pod.spec.containers[0];
  for (const c of containers) {
    const env: Record<string, string> = {};
    const envProblem = (msg: string) => problems.push({ kind: 'env', message: msg });
    for (const from of c.envFrom ?? []) {
      const prefix = from.prefix ?? '';
      if (from.configMapRef) {
        const found = useCm(from.configMapRef.name, from.configMapRef.optional, envProblem);
        for (const [k, v] of Object.entries(found?.data ?? {})) env[prefix + k] = v;
      }
      if (from.secretRef) {
        const found = useSecret(from.secretRef.name, from.secretRef.optional, envProblem);
        for (const [k, v] of Object.entries(found ? decode(found) : {})) env[prefix + k] = v;
      }
    }
    for (const e of c.env ?? []) {
      const from = e.valueFrom;
      if (!from) {
        env[e.name] = e.value ?? '';
        continue;
      }
      if (from.configMapKeyRef) {
        const ref = from.configMapKeyRef;
        const found = useCm(ref.name, ref.optional, envProblem);
        if (found && found.data?.[ref.key] !== undefined) env[e.name] = found.data[ref.key];
        else if (found && !ref.optional) envProblem(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name ?? ''}`);
      } else if (from.secretKeyRef) {
        const ref = from.secretKeyRef;
        const found = useSecret(ref.name, ref.optional, envProblem);
        const data = found ? decode(found) : {};
        if (found && data[ref.key] !== undefined) env[e.name] = data[ref.key];
        else if (found && !ref.optional) envProblem(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name ?? ''}`);
      } else if (from.fieldRef) {
        const path = from.fieldRef.fieldPath;
        const values: Record<string, string | undefined> = {
          'metadata.name': pod.metadata.name,
          'metadata.namespace': ns,
          'metadata.uid': pod.metadata.uid,
          'spec.nodeName': pod.spec.nodeName,
          'status.podIP': pod.status?.podIP,
          'status.hostIP': pod.status?.hostIP,
        };
        env[e.name] = values[path] ?? '';
      }
    }
    if (c === first) mounted.env = env;
  }
  return { mounted, problems };
}
