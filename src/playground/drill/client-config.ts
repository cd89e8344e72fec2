/**
 * What a simulated client pod connects to, read the way the real containers read it when they start: the Java
 * client's `config.properties` from its mounted ConfigMap, and, when that points at localhost, the kafka-proxy
 * sidecar's `--bootstrap-server-mapping` and SASL flags with `$(VAR)` expanded from the sidecar's environment.
 * Pure: takes the pod spec and the mounted data, returns the connection or why there is none.
 */
import type { MountedConfig } from '../kube/index.js';

/** The parts of a pod spec the clients read. */
export interface PodSpecLike {
  containers: Array<{
    name: string;
    image?: string;
    args?: string[];
    env?: Array<{ name: string; value?: string }>;
    envFrom?: Array<{ prefix?: string; configMapRef?: { name?: string }; secretRef?: { name?: string } }>;
    volumeMounts?: Array<{ name: string; mountPath: string }>;
  }>;
  volumes?: Array<{ name: string; configMap?: { name?: string }; secret?: { secretName?: string } }>;
}

/** A client's resolved connection. */
export interface ClientConnection {
  role: 'producer' | 'consumer';
  /** The cluster's bootstrap server (`host:port`, no protocol prefix). */
  bootstrap: string;
  /** SASL PLAIN user and password (the cluster API key and secret). */
  username: string;
  password: string;
  /** `direct`: the client's own config names the cluster; `proxy`: its kafka-proxy sidecar does. */
  via: 'direct' | 'proxy';
  /** Producer: the topic it writes. */
  topic?: string;
  /** Consumer: its group and subscription (a pattern, or one topic). */
  group?: string;
  pattern?: RegExp;
}

/** Why a pod has no usable connection (it then fails like a misconfigured client: errors, no records). */
export interface ConnectionProblem {
  problem: string;
}

/** Java `.properties` text as a map (comments, blank lines and `key: value` handled; no line continuations needed here). */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const at = line.search(/[=:]/);
    if (at < 0) out[line] = '';
    else out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

/** The first server of a `bootstrap.servers` list, without a `SASL_SSL://`-style prefix. */
export function firstServer(list: string): string {
  return (list.split(',')[0] ?? '').trim().replace(/^[A-Z_]+:\/\//, '');
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/;

/** Kubernetes `$(VAR)` expansion in container args (unknown variables stay as written, as the kubelet leaves them). */
export function expandVars(text: string, env: Record<string, string>): string {
  return text.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
}

/** A container's environment from envFrom ConfigMaps/Secrets and literal env values, as mounted at start. */
function containerEnv(container: PodSpecLike['containers'][number], mounted: MountedConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const data = from.configMapRef?.name ? mounted.configMaps[from.configMapRef.name] : from.secretRef?.name ? mounted.secrets[from.secretRef.name] : undefined;
    for (const [k, v] of Object.entries(data ?? {})) env[(from.prefix ?? '') + k] = v;
  }
  for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

/** The `config.properties` the app container mounts (the first container, as in the example manifests). */
function appProperties(spec: PodSpecLike, mounted: MountedConfig): { props: Record<string, string>; source: string } | undefined {
  const app = spec.containers[0];
  for (const mount of app?.volumeMounts ?? []) {
    const volume = spec.volumes?.find((v) => v.name === mount.name);
    const name = volume?.configMap?.name ?? volume?.secret?.secretName;
    const data = volume?.configMap ? mounted.configMaps[name ?? ''] : mounted.secrets[name ?? ''];
    const file = Object.keys(data ?? {}).find((k) => k.endsWith('.properties'));
    if (data && file) return { props: parseProperties(data[file]), source: `${name}/${file}` };
  }
  return undefined;
}

/** `username="..." password="..."` of a PLAIN `sasl.jaas.config`. */
function jaasCredentials(jaas: string | undefined): { username: string; password: string } | undefined {
  if (!jaas) return undefined;
  const username = /username="([^"]*)"/.exec(jaas)?.[1];
  const password = /password="([^"]*)"/.exec(jaas)?.[1];
  return username !== undefined && password !== undefined ? { username, password } : undefined;
}

/** The cluster behind a localhost bootstrap: the kafka-proxy sidecar that listens there. */
function viaSidecar(spec: PodSpecLike, mounted: MountedConfig, local: string): { bootstrap: string; username: string; password: string } | ConnectionProblem {
  for (const container of spec.containers.slice(1)) {
    const env = containerEnv(container, mounted);
    const args = (container.args ?? []).map((a) => expandVars(a, env));
    const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    for (const mapping of args.filter((a) => a.startsWith('--bootstrap-server-mapping=')).map((a) => a.slice('--bootstrap-server-mapping='.length))) {
      const [remote, listen] = mapping.split(',').map((p) => p.trim());
      if (listen !== local) continue;
      if (!remote || remote.includes('$('))
        return { problem: `kafka-proxy sidecar '${container.name}' maps ${local} to '${remote ?? ''}': its environment does not define the bootstrap server` };
      return { bootstrap: firstServer(remote), username: flag('sasl-username') ?? '', password: flag('sasl-password') ?? '' };
    }
  }
  return { problem: `bootstrap.servers is ${local}, but no kafka-proxy sidecar listens there (no --bootstrap-server-mapping=<cluster>,${local})` };
}

/**
 * Resolves a client pod's connection from its spec and the configuration it mounted when it started. A producer
 * has `topic`; a consumer has `group.id` and `topic.pattern` (or `topic`).
 */
export function resolveConnection(spec: PodSpecLike, mounted: MountedConfig): ClientConnection | ConnectionProblem {
  const app = appProperties(spec, mounted);
  if (!app) return { problem: `container '${spec.containers[0]?.name ?? '?'}' mounts no ConfigMap with a .properties file` };
  const { props, source } = app;
  const servers = props['bootstrap.servers'];
  if (!servers) return { problem: `${source} has no bootstrap.servers` };
  const server = firstServer(servers);
  const role = props['group.id'] ? 'consumer' : 'producer';
  const base = {
    role,
    topic: role === 'producer' ? props.topic : undefined,
    group: props['group.id'],
    pattern: undefined as RegExp | undefined,
  } as const;
  let pattern: RegExp | undefined;
  if (role === 'consumer') {
    try {
      pattern = props['topic.pattern']
        ? new RegExp(props['topic.pattern'])
        : props.topic
          ? new RegExp(`^${props.topic.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
          : undefined;
    } catch (err) {
      return { problem: `${source}: topic.pattern '${props['topic.pattern']}' is not a valid pattern: ${(err as Error).message}` };
    }
    if (!pattern) return { problem: `${source} has neither topic.pattern nor topic` };
  } else if (!props.topic) return { problem: `${source} has no topic to produce to` };

  if (LOOPBACK.test(server)) {
    const sidecar = viaSidecar(spec, mounted, server);
    if ('problem' in sidecar) return sidecar;
    return { ...base, pattern, ...sidecar, via: 'proxy' };
  }
  const credentials = jaasCredentials(props['sasl.jaas.config']);
  if (!credentials) return { problem: `${source} has no PLAIN sasl.jaas.config with username and password` };
  return { ...base, pattern, bootstrap: server, ...credentials, via: 'direct' };
}
