/**
 * `--kafka real`: the drill's data plane on two real Apache Kafka clusters (src/playground/real/kafka), north and
 * west, each behind its switchable proxy, with consumer offset sync as the REST links are configured (the bridge
 * follows their configs; the drill's own readers are never synced):
 * - active-active (seed 000): the drill's topics on both clusters, and two cluster links with prefixes
 *   (north-<topic> on west, west-<topic> on north);
 * - active-passive (seed 001): the topics on north, mirrored under the same name on west over a bidirectional link,
 *   a real link each way (the west -> north one carries nothing until a failback's truncate-and-restore or reverse).
 * The links run under the Confluent emulator's REST control plane (bridge.ts), so the workflows' ccloud-mirror
 * steps see real lags and their verbs act on the brokers. An outage is the proxy refusing connections, for the
 * clients and the links alike.
 */
import { startRealKafka, kafkaConfig, type RealKafka, type RealKafkaCluster } from '../real/kafka/index.js';
import { endsOf } from '../real/kafka/brokers.js';
import { RealClusterLink, settledEnds } from '../real/kafka/link.js';
import { RealLinkBridge, type BridgedLink } from '../real/kafka/bridge.js';
import { Kafka, finalConsumer, type Admin, type Consumer } from '../real/kafka/kafkajs.js';
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
  /** How many readers came before this one on the cluster (each a group of its own). */
  round: number;
  /** `topic\u0000partition\u0000offset` -> the record key there. */
  at: Map<string, string>;
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
  /**
   * Active-passive: the keys of the records `cluster` holds in `topic` at or past the offsets where the other side's
   * mirror of it stopped (what a truncate-and-restore there drops), once its reader has read everything there is.
   */
  pastTheCut(cluster: string, topic: string, timeoutMs?: number): Promise<string[]>;
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
  options: {
    topics: string[];
    partitions: number;
    replicationDelayMs: number;
    /** active-passive: the bidirectional link's name (on both clusters); absent: active-active. */
    bidirectionalLink?: string;
  },
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
  const startAudit = async (cluster: RealKafkaCluster, names: string[], round = 0): Promise<void> => {
    const consumer = finalConsumer(new Kafka(kafkaConfig(cluster, 'operator', { clientId: `${AUDIT_GROUP}${cluster.name}` })), {
      groupId: `${AUDIT_GROUP}${cluster.name}-${round}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    const audit: Audit = { consumer, topics: names, keys: new Set(), next: new Map(), round, at: new Map() };
    await consumer.connect();
    await consumer.subscribe({ topics: names, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const id = decodeRecord(message.value?.toString('utf8') ?? '');
        if (id) {
          audit.keys.add(recordKey(id));
          audit.at.set(`${topic}\u0000${partition}\u0000${message.offset}`, recordKey(id));
        }
        audit.next.set(`${topic}\u0000${partition}`, Number(message.offset) + 1);
      },
    });
    audits.set(cluster.name, audit);
  };
  // truncate-and-restore made a cluster's topic again: its reader starts over, or it would still count the dropped records.
  const restarted = async (cluster: RealKafkaCluster) => {
    const old = audits.get(cluster.name)!;
    await old.consumer.disconnect().catch(() => undefined);
    await startAudit(cluster, old.topics, old.round + 1);
  };
  try {
    const bidirectional = options.bidirectionalLink;
    for (const cluster of clusters) {
      const admin = new Kafka(kafkaConfig(cluster, 'operator')).admin();
      admins.set(cluster.name, admin);
      await admin.connect();
      if (bidirectional && cluster !== clusters[0]) continue;
      await admin.createTopics({
        topics: options.topics.map((topic) => ({ topic, numPartitions: options.partitions, replicationFactor: 1 })),
        waitForLeaders: true,
      });
    }
    const bridged: BridgedLink[] = [];
    if (bidirectional) {
      const [primary, secondary] = clusters;
      const start = (source: RealKafkaCluster, destination: RealKafkaCluster) =>
        RealClusterLink.start({
          name: bidirectional,
          source,
          destination,
          delayMs: options.replicationDelayMs,
          onRecreated: () => restarted(destination),
        });
      const toSecondary = await start(primary, secondary);
      links.push(toSecondary);
      const toPrimary = await start(secondary, primary);
      links.push(toPrimary);
      for (const topic of options.topics) await toSecondary.mirror(topic);
      bridged.push(
        { cluster: secondary.name, link: bidirectional, real: toSecondary, reverse: toPrimary },
        { cluster: primary.name, link: bidirectional, real: toPrimary, reverse: toSecondary },
      );
    } else {
      for (const destination of clusters) {
        const source = clusters.find((c) => c !== destination)!;
        const link = await RealClusterLink.start({
          name: `${source.name}-to-${destination.name}`,
          source,
          destination,
          prefix: `${source.name}-`,
          delayMs: options.replicationDelayMs,
        });
        links.push(link);
        for (const topic of options.topics) await link.mirror(topic);
        bridged.push({ cluster: destination.name, link: `${source.name}-to-${destination.name}`, real: link });
      }
    }
    // The REST API's consumer groups are the brokers' (the clients' groups; the drill's own readers hidden), so
    // ccloud-mirror's offset-sync report names the groups the applications really have; its topics and produce are
    // the brokers' too (what seed 001's runbook reads with curl).
    bridge = await RealLinkBridge.attach(confluent, bridged, {
      refreshMs: 200,
      groupsEveryMs: 1000,
      hideGroups: (group) => group.startsWith(AUDIT_GROUP),
      brokers: clusters,
    });
    for (const cluster of clusters) {
      const mirrored = bidirectional ? [] : clusters.filter((c) => c !== cluster).map((c) => options.topics.map((t) => `${c.name}-${t}`));
      await startAudit(cluster, [...options.topics, ...mirrored.flat()]);
    }
  } catch (err) {
    await close();
    throw err;
  }
  /** A cluster's reader once it has read every record there now (bounded by `timeoutMs`). */
  const caughtUp = async (name: string, timeoutMs: number): Promise<Audit> => {
    const audit = audits.get(name)!;
    const admin = admins.get(name)!;
    const deadline = Date.now() + timeoutMs;
    const ends = (await Promise.all(audit.topics.map(async (t) => (await endsOf(admin, t)).map((end, p) => [`${t}\u0000${p}`, end] as const)))).flat();
    while (ends.some(([k, end]) => end > 0 && (audit.next.get(k) ?? 0) < end) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return audit;
  };
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
      return (await settledEnds(admins.get(name)!, topic, settleMs, timeoutMs)).ends;
    },
    async recordKeys(name, timeoutMs = 20_000) {
      return new Set((await caughtUp(name, timeoutMs)).keys);
    },
    async pastTheCut(name, topic, timeoutMs = 20_000) {
      const peer = clusters.find((c) => c.name !== name)!.name;
      const stopped = bridge!.stoppedOffsets({ cluster: peer, link: options.bidirectionalLink ?? '', topic });
      if (!stopped) throw new Error(`the mirror of ${topic} on ${peer} has not stopped`);
      const audit = await caughtUp(name, timeoutMs);
      const keys: string[] = [];
      for (const [where, key] of audit.at) {
        const [t, partition, offset] = where.split('\u0000');
        if (t === topic && Number(offset) >= (stopped[Number(partition)] ?? 0)) keys.push(key);
      }
      return keys;
    },
    close,
  };
}
