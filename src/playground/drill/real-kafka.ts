/**
 * `--kafka real`: the drill's data plane on two real Apache Kafka clusters (src/playground/real/kafka), north and
 * west, each behind its switchable proxy. Seed 000's active-active layout: the drill's topics on both clusters, and
 * two cluster links with prefixes (north-<topic> on west, west-<topic> on north), consumer offset sync on for every
 * group. The links run under the Confluent emulator's REST control plane (bridge.ts), so the workflows' ccloud-mirror
 * steps see real lags. An outage is the proxy refusing connections, for the clients and the links alike.
 */
import { startRealKafka, kafkaConfig, type RealKafka, type RealKafkaCluster } from '../real/kafka/index.js';
import { RealClusterLink } from '../real/kafka/link.js';
import { RealLinkBridge } from '../real/kafka/bridge.js';
import { Kafka, type Admin, type Consumer } from '../real/kafka/kafkajs.js';
import type { ConfluentEmulator } from '../confluent/index.js';
import { decodeRecord, recordKey } from './ledger.js';

/** The record reader's groups: never synced by the links, never mistaken for a client's. */
const AUDIT_GROUP = 'drill-audit-';

/** Every record key on one cluster, read by a reader of its own from the beginning of the drill's topics. */
interface Audit {
  consumer: Consumer;
  topics: string[];
  keys: Set<string>;
  /** `topic\u0000partition` -> the next offset the reader will read. */
  next: Map<string, number>;
}

export interface RealKafkaWorld {
  readonly kafka: RealKafka;
  /** The real cluster behind a bootstrap server as the pods' ConfigMaps name it, with its name. */
  resolve(bootstrap: string): { name: string; cluster: RealKafkaCluster } | undefined;
  /** Makes a cluster unreachable (its proxy refuses connections) or reachable again. */
  setReachable(cluster: string, reachable: boolean): Promise<void>;
  /**
   * A topic's end offsets once they stopped moving (the same in two reads `settleMs` apart, for at most `timeoutMs`):
   * after an outage cut the link, what its last copies left on the mirror.
   */
  settledEnds(cluster: string, topic: string, settleMs?: number, timeoutMs?: number): Promise<number[]>;
  /** Keys of the drill's records on a cluster now: its own topics and the mirrors of the other's. */
  recordKeys(cluster: string, timeoutMs?: number): Promise<Set<string>>;
  close(): Promise<void>;
}

/** Starts the two clusters. The emulator is started after, with their application users as its application keys. */
export async function startRealKafkaClusters(log?: (line: string) => void): Promise<RealKafka> {
  return startRealKafka({ log: log ?? (() => undefined) });
}

/**
 * Lays the active-active topics and links out on the started clusters and bridges the links under `confluent`
 * (whose links `north-to-west` on west and `west-to-north` on north must exist).
 */
export async function startRealKafkaWorld(
  kafka: RealKafka,
  confluent: ConfluentEmulator,
  options: { topics: string[]; partitions: number; replicationDelayMs: number; offsetSyncMs: number },
): Promise<RealKafkaWorld> {
  const clusters = kafka.clusters;
  const links: RealClusterLink[] = [];
  const audits = new Map<string, Audit>();
  // One operator admin per cluster for the whole drill: the topics, then every end-offset read (the drain reads them
  // every poll). kafkajs' default retries carry its reads over a reconnection after an outage.
  const admins = new Map<string, Admin>();
  let bridge: RealLinkBridge | undefined;
  const close = async () => {
    await bridge?.close();
    await Promise.all(links.map((l) => l.close()));
    await Promise.all([...audits.values()].map((a) => a.consumer.disconnect().catch(() => undefined)));
    await Promise.all([...admins.values()].map((a) => a.disconnect().catch(() => undefined)));
  };
  try {
    for (const cluster of clusters) {
      const admin = new Kafka(kafkaConfig(cluster, 'operator')).admin();
      admins.set(cluster.name, admin);
      await admin.connect();
      await admin.createTopics({
        topics: options.topics.map((topic) => ({ topic, numPartitions: options.partitions, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    }
    const bridged = [];
    for (const destination of clusters) {
      const source = clusters.find((c) => c !== destination)!;
      const link = await RealClusterLink.start({
        name: `${source.name}-to-${destination.name}`,
        source,
        destination,
        prefix: `${source.name}-`,
        delayMs: options.replicationDelayMs,
        offsetSync: { everyMs: options.offsetSyncMs, accept: (group) => !group.startsWith(AUDIT_GROUP) },
      });
      links.push(link);
      for (const topic of options.topics) await link.mirror(topic);
      bridged.push({ cluster: destination.name, link: `${source.name}-to-${destination.name}`, real: link });
    }
    bridge = await RealLinkBridge.attach(confluent, bridged, { refreshMs: 200 });
    for (const cluster of clusters) {
      const names = options.topics.flatMap((t) => [t, ...clusters.filter((c) => c !== cluster).map((c) => `${c.name}-${t}`)]);
      const consumer = new Kafka(kafkaConfig(cluster, 'operator', { clientId: `${AUDIT_GROUP}${cluster.name}` })).consumer({
        groupId: `${AUDIT_GROUP}${cluster.name}`,
        sessionTimeout: 10_000,
        heartbeatInterval: 1000,
      });
      const audit: Audit = { consumer, topics: names, keys: new Set(), next: new Map() };
      await consumer.connect();
      await consumer.subscribe({ topics: names, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          const id = decodeRecord(message.value?.toString('utf8') ?? '');
          if (id) audit.keys.add(recordKey(id));
          audit.next.set(`${topic}\u0000${partition}`, Number(message.offset) + 1);
        },
      });
      audits.set(cluster.name, audit);
    }
  } catch (err) {
    await close();
    throw err;
  }
  const byBootstrap = new Map(clusters.map((c) => [confluent.info(c.name).bootstrap, c]));
  return {
    kafka,
    resolve(bootstrap) {
      const cluster = byBootstrap.get(bootstrap);
      return cluster && { name: cluster.name, cluster };
    },
    async setReachable(name, reachable) {
      await kafka.cluster(name).proxy!.setMode(reachable ? 'forward' : 'refuse');
    },
    async settledEnds(name, topic, settleMs = 1000, timeoutMs = 15_000) {
      const admin = admins.get(name)!;
      const deadline = Date.now() + timeoutMs;
      let last = await endsOf(admin, topic);
      for (;;) {
        await new Promise((r) => setTimeout(r, settleMs));
        const now = await endsOf(admin, topic);
        if (now.every((end, p) => end === last[p]) || Date.now() > deadline) return now;
        last = now;
      }
    },
    async recordKeys(name, timeoutMs = 20_000) {
      const audit = audits.get(name)!;
      const admin = admins.get(name)!;
      const deadline = Date.now() + timeoutMs;
      const ends = (await Promise.all(audit.topics.map(async (t) => (await endsOf(admin, t)).map((end, p) => [`${t}\u0000${p}`, end] as const)))).flat();
      // Every record there now has been read once the reader's positions reach the end offsets (bounded).
      while (ends.some(([k, end]) => end > 0 && (audit.next.get(k) ?? 0) < end) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return new Set(audit.keys);
    },
    close,
  };
}

/** A topic's end offsets, by partition. */
async function endsOf(admin: Admin, topic: string): Promise<number[]> {
  return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((p) => Number(p.high));
}
