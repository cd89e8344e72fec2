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
import type { DataPlaneGroup } from '../../confluent/index.js';
import { Kafka, finalConsumer, type AclEntry, type Admin, type Consumer, type Producer } from './kafkajs.js';
import { denyWrite, waitForAcls } from './acls.js';
import { LINK_GROUP, brokerGroups, endsOf } from './brokers.js';

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
  /** Consumer offset sync: every `everyMs`, the committed offsets of the groups `accept` selects (see setOffsetSync). */
  offsetSync?: OffsetSync;
  /** Called when truncate-and-restore has made a destination topic again (readers of the old one must start over). */
  onRecreated?: (topic: string) => void | Promise<void>;
}

/** A link's consumer offset sync: every `everyMs`, the committed offsets of the groups `accept` selects. */
export interface OffsetSync {
  everyMs: number;
  accept: (group: string) => boolean;
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
  /** PAUSED: copying halted (pause, or reverse-and-pause-mirror's new mirror), still read-only and lagging. */
  status: 'ACTIVE' | 'PAUSED' | 'STOPPED';
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

/** At most this many records per produce request of the copier. */
const COPY_BATCH = 500;

export class RealClusterLink {
  private readonly mirrors = new Map<string, Mirror>();
  private readonly source: Kafka;
  private readonly destination: Kafka;
  private sourceAdmin!: Admin;
  private destinationAdmin!: Admin;
  private producer!: Producer;
  private syncTimer: ReturnType<typeof setInterval> | undefined;
  private sync: OffsetSync | undefined;
  private closed = false;
  private syncing: Promise<void> | undefined;
  private starts = 0;
  /** Groups synced by the last offset sync round, and the last error of one (for tests and reports). */
  lastSync: { groups: string[]; error?: string } = { groups: [] };

  /** The replication delay now (`delayMs` at start; a test may hold records back by raising it). */
  delayMs: number;

  private constructor(private readonly options: RealLinkOptions) {
    this.delayMs = options.delayMs ?? 0;
    this.sync = options.offsetSync;
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
    link.setOffsetSync(options.offsetSync);
    return link;
  }

  /**
   * Turns consumer offset sync on (or changes its interval or groups) or, with undefined, off: what the bridge does
   * when the REST link's consumer.offset.sync configs change. A round under way finishes as it began.
   */
  setOffsetSync(sync: OffsetSync | undefined): void {
    if (this.closed) return;
    const every = this.syncTimer ? this.sync?.everyMs : undefined;
    this.sync = sync;
    if (every === sync?.everyMs) return;
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.syncTimer = undefined;
    if (!sync) return;
    this.syncTimer = setInterval(() => {
      this.syncing ??= this.syncOffsets().finally(() => (this.syncing = undefined));
    }, sync.everyMs);
  }

  /**
   * Creates the mirror of source topic `source` on the destination (same partitions; named with the link's prefix),
   * read-only for applications, and starts copying. Returns the mirror topic's name (what the other methods take).
   */
  async mirror(source: string): Promise<string> {
    const topic = `${this.options.prefix ?? ''}${source}`;
    if (this.mirrors.has(topic)) throw new Error(`${topic} is already a mirror topic of link ${this.options.name}`);
    const [metadata] = (await this.sourceAdmin.fetchTopicMetadata({ topics: [source] })).topics;
    await this.destinationAdmin.createTopics({ topics: [{ topic, numPartitions: metadata.partitions.length, replicationFactor: 1 }], waitForLeaders: true });
    await this.startMirror(topic, source);
    return topic;
  }

  /**
   * Turns the destination's existing topic `topic` (no prefix: a bidirectional link) back into a mirror of the
   * source's topic of the same name, copying from the destination's end offsets on: the second half of a reverse,
   * where the other side has just synced every record and stopped, so both hold the same records up to there.
   * Refused when the destination holds records the source does not (that is truncate-and-restore's case). With
   * `paused` (reverse-and-pause-mirror), the topic is a read-only mirror that copies nothing until `resume`.
   */
  async adopt(topic: string, paused = false): Promise<void> {
    if (this.options.prefix) throw new Error(`link ${this.options.name} has a prefix: a reverse needs a link without one`);
    if (this.mirroring(topic)) return;
    const source = await endsOf(this.sourceAdmin, topic);
    const destination = await endsOf(this.destinationAdmin, topic);
    const ahead = destination.map((end, p) => end - (source[p] ?? 0)).filter((n) => n > 0);
    if (ahead.length || source.length !== destination.length)
      throw new Error(
        `${topic} on ${this.options.destination.name} holds records its source on ${this.options.source.name} does not (${destination.join(',')} vs ${source.join(',')}): truncate-and-restore it instead`,
      );
    await this.startMirror(topic, topic, paused);
  }

  /**
   * truncate-and-restore: the destination's topic `topic` (a former source, written after its mirror on the other
   * cluster stopped at `stoppedAt`) loses the records past `stoppedAt` and mirrors the source's topic again. Kafka
   * cannot cut a log's tail, so the topic is deleted and made again with the same partitions and copied from offset 0:
   * the records below `stoppedAt` are the same on both sides, so the offsets come out as a truncation leaves them.
   * Returns the records dropped per partition.
   */
  async restore(topic: string, stoppedAt: number[], timeoutMs = 60_000): Promise<number[]> {
    if (this.options.prefix) throw new Error(`link ${this.options.name} has a prefix: truncate-and-restore needs a link without one`);
    if (this.mirroring(topic)) return [];
    const deadline = Date.now() + timeoutMs;
    const ends = await endsOf(this.destinationAdmin, topic);
    const dropped = ends.map((end, p) => Math.max(0, end - Math.min(end, stoppedAt[p] ?? end)));
    await this.destinationAdmin.deleteTopics({ topics: [topic], timeout: Math.max(1000, deadline - Date.now()) });
    // A deleted topic's name is free again once the controller has removed it: until then creating it is refused.
    for (;;) {
      try {
        const created = await this.destinationAdmin.createTopics({
          topics: [{ topic, numPartitions: ends.length, replicationFactor: 1 }],
          waitForLeaders: true,
        });
        if (created) break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`truncate-and-restore of ${topic}: could not make it again: ${(err as Error).message}`, { cause: err });
      }
      if (Date.now() > deadline) throw new Error(`truncate-and-restore of ${topic}: it was not deleted within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
    this.mirrors.delete(topic);
    await this.startMirror(topic, topic);
    await this.options.onRecreated?.(topic);
    return dropped;
  }

  /**
   * Refuses the applications' writes to the destination's `topic` (a WRITE deny for their principal), once the
   * broker applies it. The first step of a reverse on the other side: the topic about to become a mirror takes no
   * more records while the other side syncs the last ones.
   */
  async denyWrites(topic: string): Promise<AclEntry> {
    const deny = this.denyEntry(topic);
    await this.destinationAdmin.createAcls({ acl: [deny] });
    await waitForAcls(this.destinationAdmin, [deny]);
    return deny;
  }

  /**
   * Waits until the destination's `topic` takes no more records: its end offsets the same in two reads `quietMs`
   * apart (a send authorized just before denyWrites applied may still be appended), for at most `timeoutMs`.
   */
  async quiet(topic: string, quietMs = 300, timeoutMs = 10_000): Promise<void> {
    if (!(await settledEnds(this.destinationAdmin, topic, quietMs, timeoutMs)).settled)
      throw new Error(`${topic} on ${this.options.destination.name} still takes records ${timeoutMs} ms after its writes were denied`);
  }

  /** Lifts denyWrites (a reverse that did not complete leaves the topic writable, as it was). */
  async allowWrites(topic: string): Promise<void> {
    if (this.mirroring(topic)) return;
    await this.destinationAdmin.deleteAcls({ filters: [this.denyEntry(topic)] });
  }

  /** Whether `topic` is a mirror of this link that has not stopped (ACTIVE or PAUSED). */
  private mirroring(topic: string): boolean {
    const status = this.mirrors.get(topic)?.status;
    return status !== undefined && status !== 'STOPPED';
  }

  /** The WRITE deny for the applications' principal on the destination's `topic`. */
  private denyEntry(topic: string): AclEntry {
    return denyWrite(this.options.destination.users.app.principal, topic);
  }

  /** Makes `topic` on the destination read-only for applications and starts copying `source` into it from its end (unless `paused`). */
  private async startMirror(topic: string, source: string, paused = false): Promise<void> {
    const deny = await this.denyWrites(topic);
    const mirror: Mirror = { topic, source, status: paused ? 'PAUSED' : 'ACTIVE', next: new Map(), sourceEnd: new Map(), deny };
    this.mirrors.set(topic, mirror);
    if (!paused) await this.startCopying(mirror);
  }

  /** Stops copying (pause): the topic stays a read-only mirror, its lag grows with the source, and `resume` copies on. */
  async pause(topic: string): Promise<void> {
    const mirror = this.get(topic);
    if (mirror.status !== 'ACTIVE') return;
    mirror.status = 'PAUSED';
    // kafkajs' disconnect waits for the batch being copied: nothing is written to the mirror after this.
    await mirror.consumer?.disconnect();
    mirror.consumer = undefined;
  }

  /** Copies again from where the mirror stands (resume). */
  async resume(topic: string): Promise<void> {
    const mirror = this.get(topic);
    if (mirror.status !== 'PAUSED') return;
    mirror.status = 'ACTIVE';
    await this.startCopying(mirror);
  }

  private async startCopying(mirror: Mirror): Promise<void> {
    // Only the link writes the mirror: its end offsets are the next source offsets to copy.
    mirror.next.clear();
    for (const p of await this.destinationAdmin.fetchTopicOffsets(mirror.topic)) mirror.next.set(p.partition, Number(p.high));
    // A group of its own per start: what an earlier run of the same mirror committed (before a reverse, or on a topic
    // since deleted and made again) never decides where this one reads; `next` does.
    const consumer = finalConsumer(this.source, {
      groupId: `${LINK_GROUP}${this.options.name}-${mirror.topic}-${++this.starts}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    mirror.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [mirror.source], fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const partition = batch.partition;
        // Records due to be copied are sent together (one produce request of up to COPY_BATCH records, offsets in
        // order), so a restore that copies a whole topic again takes a few requests, not one per record.
        const due: typeof batch.messages = [];
        const send = async () => {
          if (!due.length) return;
          await this.producer.send({
            topic: mirror.topic,
            acks: -1,
            messages: due.map((m) => ({ partition, key: m.key, value: m.value, headers: m.headers, timestamp: m.timestamp })),
          });
          const last = due[due.length - 1].offset;
          mirror.next.set(partition, Number(last) + 1);
          resolveOffset(last);
          due.length = 0;
          await heartbeat();
        };
        for (const message of batch.messages) {
          // A stopped mirror copies nothing more: records not yet sent stay behind, as a failover leaves them.
          if (!isRunning() || isStale() || mirror.status !== 'ACTIVE') return;
          const offset = Number(message.offset);
          const next = (mirror.next.get(partition) ?? 0) + due.length;
          if (offset < next) {
            if (!due.length) resolveOffset(message.offset); // copied before (a redelivery)
            continue;
          }
          if (offset > next)
            throw new Error(`link ${this.options.name}: ${mirror.topic}/${partition} has a gap: source offset ${offset}, destination end ${next}`);
          // The replication delay, in short sleeps: a failover must not wait for a batch that waits for its time.
          // (Read on every step: a delay lowered while records wait lets them go at once.) A record held back by the
          // delay counts as not fetched yet: while the source's proxy cuts it off, it waits, as a fetch would.
          const wait = () => Number(message.timestamp) + this.delayMs - Date.now();
          const held = () => (wait() > 0 && !mirror.flushing) || (this.options.source.proxy?.mode ?? 'forward') !== 'forward';
          if (held()) {
            await send();
            while (held() && mirror.status === 'ACTIVE' && isRunning()) {
              // Read once: a second read may be past the due time, and a negative timeout is a TimeoutNegativeWarning.
              const left = wait();
              await new Promise((r) => setTimeout(r, left > 0 ? Math.min(50, left) : 50));
              await heartbeat(); // kafkajs sends one once per heartbeatInterval: a long hold keeps the group
            }
            if (mirror.status !== 'ACTIVE' || !isRunning()) return;
          }
          due.push(message);
          if (due.length >= COPY_BATCH) await send();
        }
        if (mirror.status === 'ACTIVE' && isRunning()) await send();
      },
    });
  }

  /**
   * Per-partition lag of a mirror: the source's end offset (as last read) minus the destination's. `read` gives end
   * offsets the caller has just read (by partition), so they are not asked for again; `source: null` says the source
   * was just found out of reach (not tried again: the lag is then against what the link last learnt).
   */
  async lags(topic: string, read: { destination?: number[]; source?: number[] | null } = {}): Promise<RealMirrorLag[]> {
    const mirror = this.get(topic);
    const destination = read.destination ?? (await endsOf(this.destinationAdmin, topic));
    if (mirror.status === 'STOPPED') return destination.map((_, partition) => ({ partition, lag: 0, lastSourceFetchOffset: -1 }));
    if (read.source !== null) {
      try {
        const source = read.source ?? (await endsOf(this.sourceAdmin, mirror.source));
        source.forEach((end, partition) => mirror.sourceEnd.set(partition, end));
      } catch {
        // The source is out of reach: the lag is measured against what the link last learnt, as Cluster Linking's is.
      }
    }
    return destination.map((end, partition) => ({
      partition,
      lag: Math.max(0, (mirror.sourceEnd.get(partition) ?? end) - end),
      lastSourceFetchOffset: end,
    }));
  }

  /** A topic's end offsets by partition, on the link's source or destination cluster. */
  async endOffsets(side: 'source' | 'destination', topic: string): Promise<number[]> {
    return endsOf(side === 'source' ? this.sourceAdmin : this.destinationAdmin, topic);
  }

  /**
   * The consumer groups on the link's destination as the brokers hold them: committed offsets and members with their
   * assignments. The link's own groups and those `hide` selects are left out.
   */
  async destinationGroups(hide: (group: string) => boolean = () => false): Promise<DataPlaneGroup[]> {
    return brokerGroups(this.destinationAdmin, hide);
  }

  /** The clusters the link joins, by name. */
  get clusters(): { source: string; destination: string } {
    return { source: this.options.source.name, destination: this.options.destination.name };
  }

  /** The link's mirror topics. */
  topics(): string[] {
    return [...this.mirrors.keys()];
  }

  status(topic: string): 'ACTIVE' | 'PAUSED' | 'STOPPED' {
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

  /**
   * Copies every record the source holds, without the replication delay (and, with offset sync, syncs once more), then
   * stops (promote). A paused mirror copies for it, and is paused again if the promote fails.
   */
  async promote(topic: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Promote syncs everything there is, at once, as Cluster Linking's does: the replication delay is not waited out.
    const mirror = this.get(topic);
    if (mirror.status === 'STOPPED') return;
    const wasPaused = mirror.status === 'PAUSED';
    mirror.flushing = true;
    try {
      if (wasPaused) await this.resume(topic);
      for (;;) {
        // Needs the source: its end offsets now, not the last known ones.
        const sourceEnd = await this.sourceAdmin.fetchTopicOffsets(mirror.source);
        const copied = new Map((await this.destinationAdmin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
        if (sourceEnd.every((p) => Number(p.high) <= (copied.get(p.partition) ?? 0))) break;
        if (Date.now() > deadline) throw new Error(`promote of ${topic}: still lagging after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } catch (err) {
      mirror.flushing = false;
      if (wasPaused) await this.pause(topic).catch(() => undefined);
      throw err;
    }
    if (this.sync) await this.syncOffsets(topic);
    await this.failover(topic);
  }

  /**
   * One round of consumer offset sync: the committed offsets of the selected source groups, for the topics still
   * mirroring, capped at the destination's end, written to the destination. Groups with members on the destination
   * are skipped (the real link reports CONSUMER_GROUP_IN_USE_ERROR); so are the link's own groups.
   */
  async syncOffsets(only?: string): Promise<void> {
    const accept = this.sync?.accept ?? (() => false);
    // Paused mirrors keep syncing (capped at what they hold), as the emulator's link does; stopped ones do not.
    const mirrors = [...this.mirrors.values()].filter((m) => m.status !== 'STOPPED' && (!only || m.topic === only));
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
    this.closed = true;
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

/**
 * A topic's end offsets once they stop moving: the same in two reads `settleMs` apart, for at most `timeoutMs`
 * (`settled` false: still moving then, and `ends` the last read).
 */
export async function settledEnds(admin: Admin, topic: string, settleMs: number, timeoutMs: number): Promise<{ ends: number[]; settled: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let last = await endsOf(admin, topic);
  for (;;) {
    await new Promise((r) => setTimeout(r, settleMs));
    const now = await endsOf(admin, topic);
    if (now.every((end, p) => end === last[p])) return { ends: now, settled: true };
    if (Date.now() > deadline) return { ends: now, settled: false };
    last = now;
  }
}
