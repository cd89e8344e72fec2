import type { KubeEmulator } from '../../src/playground/kube/index.js';

/**
 * The example Kafka clients (as in src/playground/manifests/), as emulator objects: the proxy clients (one `kafka-proxy-config`
 * read by the kafka-proxy sidecar of a producer and a consumer, both annotated
 * `configmap.reloader.stakater.com/reload`), the no-proxy clients (one ConfigMap each, the producer
 * in search mode, the consumer in auto mode), and a client reading its API key from a Secret.
 */

export const NORTH = { CCLOUD_URL: 'north.kafka.local:9092', CCLOUD_APIKEY: 'NKQ2W7ZP4RT8YB6H', CCLOUD_PASSWD: 'n0rth/Secret+Pa55w0rd==' };
export const WEST = { CCLOUD_URL: 'west.kafka.local:9092', CCLOUD_APIKEY: 'WK7M3XJ9QD2LC5VA', CCLOUD_PASSWD: 'w3st: #S3cret "Pa55"' };

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

/** A Deployment with one app container plus optional extra containers and volumes. */
export function deployment(
  namespace: string,
  name: string,
  o: { annotations?: Record<string, string>; replicas?: number; containers?: object[]; volumes?: object[]; progressDeadlineSeconds?: number } = {},
): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, annotations: o.annotations ?? {} },
    spec: {
      replicas: o.replicas ?? 2,
      ...(o.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: o.containers ?? [{ name: 'app', image: `registry.local/${name}:1.0` }], volumes: o.volumes ?? [] },
      },
    },
  };
}

/** The kafka-proxy-config ConfigMap as swap-configmap fills it for a cluster. */
export function kafkaProxyConfig(namespace: string, c: typeof NORTH): object {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kafka-proxy-config', namespace, annotations: { 'reloader.stakater.com/match': 'true' } },
    data: { BOOTSTRAP_SERVER_MAPPING: `${c.CCLOUD_URL},0.0.0.0:32400`, SASL_USERNAME: c.CCLOUD_APIKEY, SASL_PASSWORD: c.CCLOUD_PASSWD, TLS_ENABLE: 'true' },
  };
}

const sidecar = { name: 'kafka-proxy', image: 'grepplabs/kafka-proxy:0.3.12', envFrom: [{ configMapRef: { name: 'kafka-proxy-config' } }] };

/** Proxy clients in `clients`: producer and consumer, each with its own app config and the shared proxy config. */
export function proxyClients(namespace = 'clients', o: { replicas?: number; progressDeadlineSeconds?: number } = {}): object[] {
  const app = (name: string) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `java-cloud-${name}-config`, namespace },
    data: { 'application.properties': `bootstrap.servers=localhost:32400\ntopic=orders\n` },
  });
  const client = (name: string) =>
    deployment(namespace, `java-cloud-${name}`, {
      replicas: o.replicas,
      progressDeadlineSeconds: o.progressDeadlineSeconds,
      annotations: { 'configmap.reloader.stakater.com/reload': `java-cloud-${name}-config,kafka-proxy-config` },
      containers: [{ name: 'app', image: `registry.local/java-cloud-${name}:1.0`, volumeMounts: [{ name: 'config', mountPath: '/config' }] }, sidecar],
      volumes: [{ name: 'config', configMap: { name: `java-cloud-${name}-config` } }],
    });
  return [ns(namespace), kafkaProxyConfig(namespace, NORTH), app('producer'), app('consumer'), client('producer'), client('consumer')];
}

/** The no-proxy client config (config.properties) for a cluster. */
export function noProxyConfig(namespace: string, name: string, c: typeof NORTH, match: boolean): object {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, annotations: match ? { 'reloader.stakater.com/match': 'true' } : {} },
    data: {
      'config.properties': `bootstrap.servers=${c.CCLOUD_URL}\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username='${c.CCLOUD_APIKEY}' password='${c.CCLOUD_PASSWD}';\n`,
    },
  };
}

/** No-proxy clients in `nproxy-clients`: the producer uses search/match, the consumer auto. */
export function noProxyClients(namespace = 'nproxy-clients'): object[] {
  const mount = (cm: string) => ({
    containers: [{ name: 'app', image: 'registry.local/java-cloud-noproxy:1.0', volumeMounts: [{ name: 'kafka', mountPath: '/etc/kafka' }] }],
    volumes: [{ name: 'kafka', configMap: { name: cm } }],
  });
  return [
    ns(namespace),
    noProxyConfig(namespace, 'java-cloud-producer-noproxy-config', NORTH, true),
    noProxyConfig(namespace, 'java-cloud-consumer-noproxy-config', NORTH, false),
    deployment(namespace, 'java-cloud-producer-noproxy', {
      annotations: { 'reloader.stakater.com/search': 'true' },
      ...mount('java-cloud-producer-noproxy-config'),
    }),
    deployment(namespace, 'java-cloud-consumer-noproxy', {
      annotations: { 'reloader.stakater.com/auto': 'true' },
      ...mount('java-cloud-consumer-noproxy-config'),
    }),
  ];
}

/** A client reading the API key and secret from the `ccloud-api-key` Secret. */
export function secretClients(namespace = 'clients'): object[] {
  return [
    ns(namespace),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ccloud-api-key', namespace },
      type: 'Opaque',
      stringData: { username: NORTH.CCLOUD_APIKEY, password: NORTH.CCLOUD_PASSWD },
    },
    deployment(namespace, 'java-cloud-streams', {
      annotations: { 'secret.reloader.stakater.com/reload': 'ccloud-api-key' },
      containers: [
        {
          name: 'app',
          image: 'registry.local/java-cloud-streams:1.0',
          env: [
            { name: 'SASL_USERNAME', valueFrom: { secretKeyRef: { name: 'ccloud-api-key', key: 'username' } } },
            { name: 'SASL_PASSWORD', valueFrom: { secretKeyRef: { name: 'ccloud-api-key', key: 'password' } } },
          ],
        },
      ],
    }),
  ];
}

type Dep = {
  metadata: { generation?: number; name: string };
  spec: { replicas?: number };
  status?: { observedGeneration?: number; updatedReplicas?: number; availableReplicas?: number; replicas?: number };
};

/** True when every Deployment of the namespace finished its rollout (test-side check on the emulator). */
export function allRolledOut(kube: KubeEmulator, namespace: string): boolean {
  return (kube.list('Deployment', namespace) as Dep[]).every((d) => {
    const s = d.status ?? {};
    const want = d.spec.replicas ?? 1;
    return (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) && s.updatedReplicas === want && s.availableReplicas === want && s.replicas === want;
  });
}

/** Waits (a few ms at a time) until the namespaces' Deployments have rolled out. */
export async function settled(kube: KubeEmulator, namespaces: string[], timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!namespaces.every((n) => allRolledOut(kube, n))) {
    if (Date.now() > end) throw new Error(`deployments in ${namespaces.join(', ')} did not settle within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits (a few ms at a time) until `condition` holds; the emulator's controllers act on their own ticks. */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The env var Reloader wrote into a Deployment's containers, if any. */
export function reloaderEnv(kube: KubeEmulator, namespace: string, name: string, envName: string): string | undefined {
  const d = kube.get('Deployment', namespace, name) as {
    spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } };
  };
  return d.spec.template.spec.containers.flatMap((c) => c.env ?? []).find((e) => e.name === envName)?.value;
}

/** Requests that changed something (not GET), and per-kind counts. */
export function writes(kube: KubeEmulator): string[] {
  return kube
    .requests()
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path} ${r.status}`);
}
