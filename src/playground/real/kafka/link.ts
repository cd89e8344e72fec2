/**
 * A cluster link between two real Kafka clusters, as Confluent's Cluster Linking behaves for the playground: mirror
 * topics are byte-for-byte, offset-preserving copies of their source topics, read-only for applications (a WRITE
 * DENY for the application principal until the mirror stops), with consumer group offsets synced every interval for
 * the groups a filter selects, and lags measured from the two clusters' real end offsets. The link's REST control
 * plane stays in the Confluent emulator; this is the data plane under it.
 *
 * Offsets stay equal because the destination partition is written only by the link, one record per source offset,
 * in order: a record is copied only when its source offset is the destination's end offset, so a batch delivered
 * twice (a consumer restart, a retried send) is never written twice.
 */
import { kafkaConfig, type RealKafkaCluster } from './index.js';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  ResourcePatternTypes,
  type AclEntry,
  type Admin,
  type Consumer,
  type Producer,
} from './kafkajs.js';
import { waitForAcls } from './acls.js';

/** Options of a RealClusterLink. */
export interface RealLinkOptions {
  /** The link's name: its consumer groups on the source are `cluster-link-<name>-<mirror topic>`. */
  name: string;
  source: RealKafkaCluster;
  destination: RealKafkaCluster;
  /** A record is copied no sooner than this long after the source appended it (default 0). */
  delayMs?: number;
  /** `cluster.link.prefix`: mirror topics are named `<prefix><source topic>` (active-active), default none. */
  prefix?: string;
  /** Consumer offset sync: every `everyMs`, the committed offsets of the groups `accept` selects. */
  offsetSync?: { everyMs: number; accept: (group: string) => boolean };
}

/** One partition's lag, from the two clusters' end offsets (`lastSourceFetchOffset` is the destination's end). */
export interface RealMirrorLag {
  partition: number;
  lag: number;
  lastSourceFetchOffset: number;
}

interface Mirror {
  /** The mirror topic, on the destination: the prefix and the source topic's name. */
  topic: string;
  /** The source topic. */
  source: string;
  status: 'ACTIVE' | 'STOPPED';
  consumer?: Consumer;
  /** The destination's end offset of each partition: the next source offset to copy. */
  next: Map<number, number>;
  /** The source's end offsets as last read (they stay known while the source is out of reach). */
  sourceEnd: Map<number, number>;
  /** The destination's end offsets when the mirror stopped. */
  stoppedOffsets?: number[];
  /** A promote is syncing every record: the replication delay no longer holds them back. */
  flushing?: boolean;
  deny: AclEntry;
}

const LINK_GROUP = 'cluster-link-';

export class RealClusterLink {
  private readonly mirrors = new Map<string, Mirror>();
  private readonly source: Kafka;
  private readonly destination: Kafka;
  private sourceAdmin!: Admin;
  private destinationAdmin!: Admin;
  private producer!: Producer;
  private syncTimer: ReturnType<typeof setInterval> | undefined;
  private syncing: Promise<void> | undefined;
  /** Groups synced by the last offset sync round, and the last error of one (for tests and reports). */
  lastSync: { groups: string[]; error?: string } = { groups: [] };

  private constructor(private readonly options: RealLinkOptions) {
    // The link connects as the operator, through the source's proxy: an outage there stops it as it stops clients.
    this.source = new Kafka(
      kafkaConfig(options.source, 'operator', { clientId: `${LINK_GROUP}${options.name}`, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 } }),
    );
    // Short retries on both sides: a round of offset sync begun during an outage fails in seconds, not after kafkajs'
    // default half minute of backoff, so syncing resumes soon after the cluster is back.
    this.destination = new Kafka(
      kafkaConfig(options.destination, 'operator', {
        clientId: `${LINK_GROUP}${options.name}`,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      }),
    );
  }

  static async start(options: RealLinkOptions): Promise<RealClusterLink> {
    const link = new RealClusterLink(options);
    link.sourceAdmin = link.source.admin();
    link.destinationAdmin = link.destination.admin();
    link.producer = link.destination.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await Promise.all([link.sourceAdmin.connect(), link.destinationAdmin.connect(), link.producer.connect()]);
    if (options.offsetSync) {
      link.syncTimer = setInterval(() => {
        link.syncing ??= link.syncOffsets().finally(() => (link.syncing = undefined));
      }, options.offsetSync.everyMs);
    }
    return link;
  }

  /**
   * Creates the mirror of source topic `source` on the destination (same partitions; named with the link's prefix),
   * read-only for applications, and starts copying. Returns the mirror topic's name (what the other methods take).
   */
  async mirror(source: string): Promise<string> {
    const topic = `${this.options.prefix ?? ''}${source}`;
    if (this.mirrors.has(topic)) throw new Error(`${topic} is already a mirror topic of link ${this.options.name}`);
    const [metadata] = (await this.sourceAdmin.fetchTopicMetadata({ topics: [source] })).topics;
    const partitions = metadata.partitions.length;
    await this.destinationAdmin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    const deny: AclEntry = {
      principal: this.options.destination.users.app.principal,
      host: '*',
      resourceType: AclResourceTypes.TOPIC,
      resourceName: topic,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      operation: AclOperationTypes.WRITE,
      permissionType: AclPermissionTypes.DENY,
    };
    await this.destinationAdmin.createAcls({ acl: [deny] });
    await waitForAcls(this.destinationAdmin, [deny]);
    const mirror: Mirror = { topic, source, status: 'ACTIVE', next: new Map(), sourceEnd: new Map(), deny };
    for (const p of await this.destinationAdmin.fetchTopicOffsets(topic)) mirror.next.set(p.partition, Number(p.high));
    this.mirrors.set(topic, mirror);
    await this.startCopying(mirror);
    return topic;
  }

  private async startCopying(mirror: Mirror): Promise<void> {
    const consumer = this.source.consumer({ groupId: `${LINK_GROUP}${this.options.name}-${mirror.topic}`, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    mirror.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [mirror.source], fromBeginning: true });
    const delayMs = this.options.delayMs ?? 0;
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const partition = batch.partition;
        for (const message of batch.messages) {
          if (!isRunning() || isStale() || mirror.status !== 'ACTIVE') return;
          const offset = Number(message.offset);
          const next = mirror.next.get(partition) ?? 0;
          if (offset < next) {
            resolveOffset(message.offset); // copied before (a redelivery)
            continue;
          }
          if (offset > next)
            throw new Error(`link ${this.options.name}: ${mirror.topic}/${partition} has a gap: source offset ${offset}, destination end ${next}`);
          // The replication delay, in short sleeps: a failover must not wait for a batch that waits for its time.
          const dueAt = Number(message.timestamp) + delayMs;
          while (Date.now() < dueAt && !mirror.flushing && mirror.status === 'ACTIVE' && isRunning())
            await new Promise((r) => setTimeout(r, Math.min(50, dueAt - Date.now())));
          if (mirror.status !== 'ACTIVE' || !isRunning()) return;
          await this.producer.send({
            topic: mirror.topic,
            acks: -1,
            messages: [{ partition, key: message.key, value: message.value, headers: message.headers, timestamp: message.timestamp }],
          });
          mirror.next.set(partition, offset + 1);
          resolveOffset(message.offset);
          await heartbeat();
        }
      },
    });
  }

  /** Per-partition lag of a mirror: the source's end offset (as last read) minus the destination's. */
  async lags(topic: string): Promise<RealMirrorLag[]> {
    const mirror = this.get(topic);
    const destination = (await this.destinationAdmin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
    if (mirror.status === 'STOPPED') return destination.map((p) => ({ partition: p.partition, lag: 0, lastSourceFetchOffset: -1 }));
    try {
      for (const p of await this.sourceAdmin.fetchTopicOffsets(mirror.source)) mirror.sourceEnd.set(p.partition, Number(p.high));
    } catch {
      // The source is out of reach: the lag is measured against what the link last learnt, as Cluster Linking's is.
    }
    return destination.map((p) => {
      const end = Number(p.high);
      return { partition: p.partition, lag: Math.max(0, (mirror.sourceEnd.get(p.partition) ?? end) - end), lastSourceFetchOffset: end };
    });
  }

  /** The link's mirror topics. */
  topics(): string[] {
    return [...this.mirrors.keys()];
  }

  status(topic: string): 'ACTIVE' | 'STOPPED' {
    return this.get(topic).status;
  }

  /** The destination's end offsets when the mirror stopped (what truncate-and-restore would truncate the old source to). */
  stoppedOffsets(topic: string): number[] | undefined {
    return this.get(topic).stoppedOffsets;
  }

  /** Stops mirroring at once (failover): the topic becomes writable for applications; what was not copied is lost here. */
  async failover(topic: string): Promise<void> {
    const mirror = this.get(topic);
    if (mirror.status === 'STOPPED') return;
    mirror.status = 'STOPPED';
    await mirror.consumer?.disconnect();
    mirror.consumer = undefined;
    const ends = await this.destinationAdmin.fetchTopicOffsets(topic);
    mirror.stoppedOffsets = ends.sort((a, b) => a.partition - b.partition).map((p) => Number(p.high));
    await this.destinationAdmin.deleteAcls({ filters: [mirror.deny] });
  }

  /** Copies every record the source holds, without the replication delay (and, with offset sync, syncs once more), then stops (promote). */
  async promote(topic: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Promote syncs everything there is, at once, as Cluster Linking's does: the replication delay is not waited out.
    const mirror = this.get(topic);
    mirror.flushing = true;
    for (;;) {
      // Needs the source: its end offsets now, not the last known ones.
      const sourceEnd = await this.sourceAdmin.fetchTopicOffsets(mirror.source);
      const copied = new Map((await this.destinationAdmin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
      if (sourceEnd.every((p) => Number(p.high) <= (copied.get(p.partition) ?? 0))) break;
      if (Date.now() > deadline) throw new Error(`promote of ${topic}: still lagging after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (this.options.offsetSync) await this.syncOffsets(topic);
    await this.failover(topic);
  }

  /**
   * One round of consumer offset sync: the committed offsets of the selected source groups, for the topics still
   * mirroring, capped at the destination's end, written to the destination. Groups with members on the destination
   * are skipped (the real link reports CONSUMER_GROUP_IN_USE_ERROR); so are the link's own groups.
   */
  async syncOffsets(only?: string): Promise<void> {
    const accept = this.options.offsetSync?.accept ?? (() => false);
    const mirrors = [...this.mirrors.values()].filter((m) => m.status === 'ACTIVE' && (!only || m.topic === only));
    // A group's offsets for a source topic are written for its mirror topic (the prefixed name, with a prefix).
    const mirrorOf = new Map(mirrors.map((m) => [m.source, m.topic]));
    const topics = [...mirrorOf.keys()];
    const synced: string[] = [];
    try {
      if (topics.length === 0) return;
      const { groups } = await this.sourceAdmin.listGroups();
      for (const { groupId } of groups) {
        if (groupId.startsWith(LINK_GROUP) || !accept(groupId)) continue;
        const [described] = (await this.destinationAdmin.describeGroups([groupId])).groups;
        if (described && described.members.length > 0) continue;
        const committed = await this.sourceAdmin.fetchOffsets({ groupId, topics });
        let wrote = false;
        for (const { topic: source, partitions } of committed) {
          const topic = mirrorOf.get(source)!;
          const ends = new Map((await this.destinationAdmin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
          const set = partitions
            .filter((p) => Number(p.offset) >= 0)
            .map((p) => ({ partition: p.partition, offset: String(Math.min(Number(p.offset), ends.get(p.partition) ?? 0)) }));
          if (set.length === 0) continue;
          await this.destinationAdmin.setOffsets({ groupId, topic, partitions: set });
          wrote = true;
        }
        if (wrote) synced.push(groupId);
      }
      this.lastSync = { groups: synced };
    } catch (err) {
      this.lastSync = { groups: synced, error: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.syncTimer) clearInterval(this.syncTimer);
    await this.syncing;
    for (const mirror of this.mirrors.values()) await mirror.consumer?.disconnect().catch(() => undefined);
    await Promise.all([this.producer.disconnect(), this.sourceAdmin.disconnect(), this.destinationAdmin.disconnect()].map((p) => p.catch(() => undefined)));
  }

  private get(topic: string): Mirror {
    const mirror = this.mirrors.get(topic);
    if (!mirror) throw new Error(`${topic} is not a mirror topic of link ${this.options.name}`);
    return mirror;
  }
}
