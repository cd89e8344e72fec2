/**
 * The drill's topology: two Confluent clusters (north, the primary, and west) linked both ways, emulated in this
 * process; a Kubernetes cluster with Reloader (the emulator, or with `--kube real` the real local control plane);
 * and the example client manifests of one client style applied with north's connection filled in. Also the
 * repository secrets and variables that point the workflows at it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { startConfluent, type ClusterInfo, type ConfluentEmulator } from '../confluent/index.js';
import type { KubeEmulator } from '../kube/index.js';
import { parseProperties } from './client-config.js';
import { startEmulatedDrillKube, type DrillKube, type EmulatedDrillKube } from './kube.js';
import type { KafkaChoice, KubeChoice, Scenario, Style, Timing } from './options.js';
import { startRealDrillKube } from './real-kube.js';
import { startRealKafkaClusters, startRealKafkaWorld, type RealKafkaWorld } from './real-kafka.js';

export const PRIMARY = 'north';
export const SECONDARY = 'west';
/** The bidirectional link of the active-passive pattern, the same name on both sides. */
export const AP_LINK = 'dr-link';

/** The link on `cluster` that mirrors the other cluster's topics, and the prefix of those mirrors. */
export function activeActiveLink(cluster: string): { link: string; prefix: string; source: string } {
  const source = cluster === PRIMARY ? SECONDARY : PRIMARY;
  return { link: `${source}-to-${cluster}`, prefix: `${source}-`, source };
}

/** Where the example manifests of a client style are, relative to the repository root. */
export function manifestDir(style: Exclude<Style, 'both'>): string {
  return `src/playground/manifests/${style}`;
}

/** The example manifests of a style, placeholders filled from `values`, as plain objects (all documents of all files). */
export function loadManifests(workspace: string, style: Style, values: Record<string, string>): Array<Record<string, unknown>> {
  if (style === 'both')
    return [...loadManifests(workspace, 'proxy', values), ...loadManifests(workspace, 'noproxy', values)].sort((a, b) => applyOrder(a) - applyOrder(b));
  const dir = join(workspace, manifestDir(style));
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((file) => {
      const text = readFileSync(join(dir, file), 'utf8').replace(/\$\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
      return parseAllDocuments(text).map((doc) => doc.toJS() as Record<string, unknown>);
    })
    .filter((obj) => obj && typeof obj === 'object')
    .sort((a, b) => applyOrder(a) - applyOrder(b));
}

/** The placeholders of the client manifests, filled for one cluster: its bootstrap and its applications' key. */
export function clientValues(cluster: ClusterInfo): Record<string, string> {
  return { CCLOUD_URL: cluster.bootstrap, CCLOUD_APIKEY: cluster.appApiKey, CCLOUD_PASSWD: cluster.appApiSecret };
}

/**
 * The repository variables and secrets `.github/ccloud-dr.yml` names for the playground's clusters: connection
 * facts as variables; the DR operator's key (ccloud-mirror) and the applications' key (the clients' configuration)
 * as secrets; the kubeconfig as the KUBECONFIG secret.
 */
export function repositorySettings(clusters: ClusterInfo[], kubeconfig: string): { vars: Record<string, string>; secrets: Record<string, string> } {
  const vars: Record<string, string> = {};
  const secrets: Record<string, string> = { KUBECONFIG: kubeconfig };
  for (const info of clusters) {
    const p = `CCLOUD_${info.name.toUpperCase()}_`;
    Object.assign(vars, { [`${p}REST_ENDPOINT`]: info.restEndpoint, [`${p}CLUSTERID`]: info.id, [`${p}URL`]: info.bootstrap });
    Object.assign(secrets, {
      [`${p}DR_APIKEY`]: info.apiKey,
      [`${p}DR_PASSWD`]: info.apiSecret,
      [`${p}APIKEY`]: info.appApiKey,
      [`${p}PASSWD`]: info.appApiSecret,
    });
  }
  return { vars, secrets };
}

/** kubectl's order: namespaces first, then configuration, then the workloads that mount it. */
function applyOrder(obj: Record<string, unknown>): number {
  const order = ['Namespace', 'ConfigMap', 'Secret'];
  const at = order.indexOf(String(obj.kind));
  return at < 0 ? order.length : at;
}

/** The topics the producers write (`topic=` in their config.properties), read from the manifests, in order. */
export function producerTopics(manifests: Array<Record<string, unknown>>): string[] {
  const topics: string[] = [];
  for (const obj of manifests) {
    if (obj.kind !== 'ConfigMap') continue;
    for (const text of Object.values((obj.data ?? {}) as Record<string, string>)) {
      const props = parseProperties(String(text));
      if (props.topic && !props['group.id'] && !topics.includes(props.topic)) topics.push(props.topic);
    }
  }
  if (!topics.length) throw new Error('drill: no producer ConfigMap with a topic= line in the example manifests');
  return topics;
}

/** The clients' namespace (the manifests' Namespace object). */
export function clientNamespace(manifests: Array<Record<string, unknown>>): string {
  const ns = manifests.find((o) => o.kind === 'Namespace') as { metadata?: { name?: string } } | undefined;
  if (!ns?.metadata?.name) throw new Error('drill: the example manifests define no Namespace');
  return ns.metadata.name;
}

/** A running playground for one scenario. */
export interface Topology {
  scenario: Scenario;
  confluent: ConfluentEmulator;
  /** Kubernetes, whichever runs it. */
  kube: DrillKube;
  /** The emulator, when it is the one (tests steer it: pod faults, direct writes). */
  emulator?: KubeEmulator;
  /** With `--kafka real`: the real Kafka clusters and links under the Confluent emulator's REST control plane. */
  realKafka?: RealKafkaWorld;
  /** The topic the producers write (the same name on both clusters); the first of `topics`. */
  topic: string;
  /** Every topic the producers write (two with both client groups). */
  topics: string[];
  namespace: string;
  /** Repository secrets and variables for the workflows, as the README recommends (facts as variables, credentials as secrets). */
  secrets: Record<string, string>;
  vars: Record<string, string>;
  /** Every secret value of the playground, for leak checks. */
  secretValues: string[];
  /** The bearer token of the KUBECONFIG secret. */
  kubeToken: string;
  /** Client pods the Deployments ask for (the sum of their replicas). */
  clientReplicas: number;
  /** Applies the client manifests (Deployments start their pods). */
  deployClients(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the emulators and lays out the topics and links of the scenario's pattern:
 * - active-passive: the topic on north, mirrored on west under the same name over the bidirectional link `dr-link`;
 * - active-active: the topic on both clusters, each mirrored to the other with the source's prefix (`north-orders`
 *   on west over `north-to-west`, `west-orders` on north over `west-to-north`).
 * Consumer offset sync is on for every link (all groups), so consumers that move resume near where they were.
 */
export async function startTopology(
  workspace: string,
  scenario: Scenario,
  timing: Timing,
  options: { kube?: KubeChoice; kafka?: KafkaChoice; log?: (line: string) => void } = {},
): Promise<Topology> {
  // Real brokers first: their application users are the emulator's application keys (the clients' ConfigMaps).
  const kafka = options.kafka === 'real' ? await startRealKafkaClusters(options.log && ((line) => options.log!(`real kafka: ${line}`))) : undefined;
  const appKey = (name: string) => {
    const app = kafka?.cluster(name).users.app;
    return app ? { appApiKey: app.username, appApiSecret: app.password } : {};
  };
  let confluent: ConfluentEmulator;
  try {
    confluent = await startConfluent({
      clusters: [
        { name: PRIMARY, ...appKey(PRIMARY) },
        { name: SECONDARY, ...appKey(SECONDARY) },
      ],
      replicationDelayMs: timing.replicationDelayMs,
      transitionMs: timing.transitionMs,
    });
  } catch (err) {
    await kafka?.stop();
    throw err;
  }
  let kube: DrillKube | undefined;
  let realKafka: RealKafkaWorld | undefined;
  try {
    kube =
      options.kube === 'real'
        ? await startRealDrillKube({ podReadyDelayMs: timing.podReadyDelayMs, log: options.log && ((line) => options.log!(`real kube: ${line}`)) })
        : await startEmulatedDrillKube({ podReadyDelayMs: timing.podReadyDelayMs, tickMs: timing.kubeTickMs });
    const kubeToken = kube.token;
    const north = confluent.info(PRIMARY);
    const manifests = loadManifests(workspace, scenario.style, clientValues(north));
    const topics = producerTopics(manifests);
    const topic = topics[0];
    const namespace = clientNamespace(manifests);
    const offsetSync = {
      'consumer.offset.sync.enable': 'true',
      'consumer.offset.sync.ms': String(timing.offsetSyncMs),
      'consumer.offset.group.filters': JSON.stringify({ groupFilters: [{ name: '*', patternType: 'LITERAL', filterType: 'INCLUDE' }] }),
    };
    if (scenario.pattern === 'active-passive') {
      for (const t of topics) confluent.createTopic(PRIMARY, t, { partitions: timing.partitions });
      confluent.createLink(PRIMARY, AP_LINK, { remote: SECONDARY, mode: 'BIDIRECTIONAL', configs: offsetSync });
      confluent.createLink(SECONDARY, AP_LINK, { remote: PRIMARY, mode: 'BIDIRECTIONAL', configs: offsetSync });
      for (const t of topics) confluent.createMirror(SECONDARY, AP_LINK, t);
    } else {
      for (const cluster of [PRIMARY, SECONDARY]) for (const t of topics) confluent.createTopic(cluster, t, { partitions: timing.partitions });
      for (const cluster of [PRIMARY, SECONDARY]) {
        const { link, prefix, source } = activeActiveLink(cluster);
        confluent.createLink(cluster, link, { remote: source, mode: 'DESTINATION', prefix, configs: offsetSync });
        for (const t of topics) confluent.createMirror(cluster, link, t, prefix + t);
      }
    }
    if (kafka)
      realKafka = await startRealKafkaWorld(kafka, confluent, {
        topics,
        partitions: timing.partitions,
        replicationDelayMs: timing.replicationDelayMs,
        bidirectionalLink: scenario.pattern === 'active-passive' ? AP_LINK : undefined,
      });
    const { vars, secrets } = repositorySettings(confluent.clusters, kube.kubeconfig());
    if (scenario.pattern === 'active-passive') vars.CCLOUD_LINK_NAME = AP_LINK;
    const started = kube;
    return {
      scenario,
      confluent,
      kube: started,
      emulator: started.kind === 'emulator' ? (started as EmulatedDrillKube).emulator : undefined,
      realKafka,
      topic,
      topics,
      namespace,
      secrets,
      vars,
      secretValues: [kubeToken, ...confluent.clusters.flatMap((c) => [c.apiKey, c.apiSecret, c.appApiKey, c.appApiSecret])],
      kubeToken,
      clientReplicas: manifests
        .filter((o) => o.kind === 'Deployment')
        .reduce((sum, o) => sum + Number((o.spec as { replicas?: number } | undefined)?.replicas ?? 1), 0),
      deployClients: () => started.apply(manifests),
      async close() {
        await started.close();
        await realKafka?.close();
        await confluent.close();
        await kafka?.stop();
      },
    };
  } catch (err) {
    await kube?.close();
    await realKafka?.close();
    await confluent.close();
    await kafka?.stop();
    throw err;
  }
}
