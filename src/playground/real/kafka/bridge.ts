/**
 * Puts real Kafka under the Confluent emulator's links: the emulator keeps the REST control plane (links, mirror
 * states, the verbs and their rules), and for the links given here the data plane is a RealClusterLink between
 * two real Kafka clusters. The REST API's mirror_lags are then the real end offsets' (measured every `refreshMs`),
 * and a verb reaches its target state only once the real link has carried it out:
 * - failover and promote: copying ended and the applications' WRITE deny lifted, so a producer on the destination
 *   is refused by Kafka before and accepted after;
 * - on a bidirectional link (both sides bridged, each with the other as `reverse`): reverse-and-start-mirror
 *   promotes here and makes the other side's topic a mirror of this one; truncate-and-restore drops the records the
 *   former source took after its mirror stopped (counted from the real offsets) and mirrors it again.
 * Pause, resume and reverse-and-pause-mirror are refused for the bridged mirrors, with the reason as the topic's
 * state transition error: the real link does not carry them, and the REST state must not say otherwise.
 */
import type { ConfluentEmulator, DataPlane, DataPlaneBrokers, DataPlaneGroup, MirrorLag, MirrorRef } from '../../confluent/index.js';
import { RealBrokers } from './brokers.js';
import type { RealKafkaCluster } from './index.js';
import type { RealClusterLink } from './link.js';

/** One emulated link (on cluster `cluster`, named `link`) and the real link under it (its source the link's remote). */
export interface BridgedLink {
  cluster: string;
  link: string;
  real: RealClusterLink;
  /** A bidirectional link: the real link the other way (under the same link's side on the remote cluster). */
  reverse?: RealClusterLink;
}

type Stopping = { state: 'pending' | 'done' } | { error: string };

export class RealLinkBridge implements DataPlane {
  private readonly measured = new Map<string, MirrorLag[]>();
  /** End offsets of the topics of bidirectional links, on both clusters, and of the groups' topics (`cluster\0topic`). */
  private readonly ends = new Map<string, number[]>();
  /** Each destination cluster's consumer groups, as last read. */
  private readonly groups = new Map<string, DataPlaneGroup[]>();
  private groupTimer?: ReturnType<typeof setInterval>;
  private readingGroups?: Promise<void>;
  private readonly stopping = new Map<string, Stopping>();
  private timer?: ReturnType<typeof setInterval>;
  private refreshing?: Promise<void>;
  /** The last error of a lag measurement (the source out of reach is not one: the link then keeps the last known). */
  lastError?: string;

  /** The clusters whose REST topics and produce are the brokers', by name. */
  private readonly held = new Map<string, RealBrokers>();

  private constructor(
    private readonly links: BridgedLink[],
    private readonly refreshMs: number,
    private readonly hideGroups: (group: string) => boolean,
  ) {}

  /**
   * Bridges `links` under `emulator` and measures their lags now and every `refreshMs` (default 200 ms). With
   * `groupsEveryMs`, the consumer groups of every link's destination and of the `brokers` are read now and every `groupsEveryMs`, and
   * the REST API serves them (`hideGroups` leaves out groups that are not the applications', e.g. a test's own
   * readers); without it the emulator's own groups answer. For the `brokers` (named as in the emulator), the REST
   * API's topics, partitions and produce are the brokers' (brokers.ts); the other clusters' stay in its memory.
   */
  static async attach(
    emulator: ConfluentEmulator,
    links: BridgedLink[],
    options: { refreshMs?: number; groupsEveryMs?: number; hideGroups?: (group: string) => boolean; brokers?: RealKafkaCluster[] } = {},
  ): Promise<RealLinkBridge> {
    const bridge = new RealLinkBridge(links, options.refreshMs ?? 200, options.hideGroups ?? (() => false));
    for (const cluster of options.brokers ?? []) bridge.held.set(cluster.name, new RealBrokers(cluster));
    const groupsEveryMs = options.groupsEveryMs;
    await Promise.all([bridge.refresh(), groupsEveryMs !== undefined ? bridge.refreshGroups() : undefined]);
    emulator.useDataPlane(bridge);
    bridge.timer = setInterval(() => void bridge.refresh(), bridge.refreshMs);
    bridge.timer.unref();
    if (groupsEveryMs !== undefined) {
      bridge.groupTimer = setInterval(() => void bridge.refreshGroups(), groupsEveryMs);
      bridge.groupTimer.unref();
    }
    return bridge;
  }

  brokers(cluster: string): DataPlaneBrokers | undefined {
    return this.held.get(cluster);
  }

  consumerGroups(cluster: string): DataPlaneGroup[] | undefined {
    return this.groups.get(cluster);
  }

  lags(mirror: MirrorRef): MirrorLag[] | undefined {
    return this.measured.get(key(mirror));
  }

  endOffsets(cluster: string, topic: string): number[] | undefined {
    return this.ends.get(`${cluster}\u0000${topic}`);
  }

  stoppedOffsets(mirror: MirrorRef): number[] | undefined {
    const real = this.bridged(mirror)?.real;
    return real?.topics().includes(mirror.topic) ? real.stoppedOffsets(mirror.topic) : undefined;
  }

  apply(mirror: MirrorRef, verb: string): 'done' | 'pending' | { error: string } {
    const bridged = this.bridged(mirror);
    const known = bridged && (bridged.real.topics().includes(mirror.topic) || bridged.reverse?.topics().includes(mirror.topic));
    // A mirror on a link that is not bridged lives in the emulator's memory only.
    if (!bridged || !known) return 'done';
    const { real, reverse } = bridged;
    let work: (() => Promise<unknown>) | undefined;
    if (verb === 'failover') work = () => real.failover(mirror.topic);
    else if (verb === 'promote') work = () => real.promote(mirror.topic);
    else if (verb === 'reverse-and-start-mirror' && reverse)
      // The other side's topic takes no more writes, every record of it is copied and the mirror stops here, then
      // that topic mirrors this one from there on. A failure before the last step leaves it writable again.
      work = async () => {
        await reverse.denyWrites(mirror.topic);
        try {
          await reverse.quiet(mirror.topic);
          await real.promote(mirror.topic);
        } catch (err) {
          await reverse.allowWrites(mirror.topic).catch(() => undefined);
          throw err;
        }
        await reverse.adopt(mirror.topic);
      };
    else if (verb === 'truncate-and-restore' && reverse) {
      const stoppedAt = reverse.topics().includes(mirror.topic) ? reverse.stoppedOffsets(mirror.topic) : undefined;
      if (!stoppedAt) return { error: `truncate-and-restore of '${mirror.topic}': its mirror on the other cluster has not stopped on the real brokers.` };
      work = () => real.restore(mirror.topic, stoppedAt);
    }
    if (!work)
      return {
        error: `${verb} is not available on the playground's real-Kafka data plane (failover and promote are; reverse-and-start-mirror and truncate-and-restore on a bidirectional link).`,
      };
    const id = key(mirror);
    const state = this.stopping.get(id);
    if (!state) {
      const entry: Stopping = { state: 'pending' };
      this.stopping.set(id, entry);
      work().then(
        () => {
          entry.state = 'done';
          this.measured.delete(id);
        },
        (err: Error) => this.stopping.set(id, { error: `${verb} of '${mirror.topic}' on the real brokers failed: ${err.message}` }),
      );
      return 'pending';
    }
    if ('error' in state) {
      // Reported once; the verb may be sent again.
      this.stopping.delete(id);
      return { error: state.error };
    }
    // Done: forgotten, so that a later verb on the same topic (a failback after a failover) is carried out afresh.
    if (state.state === 'done') this.stopping.delete(id);
    return state.state;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.groupTimer) clearInterval(this.groupTimer);
    await Promise.all([this.refreshing, this.readingGroups, ...[...this.held.values()].map((b) => b.close())]);
  }

  /**
   * Reads the consumer groups of every cluster whose topics the brokers hold and of every link's destination, and the
   * end offsets of the topics they committed to.
   */
  private refreshGroups(): Promise<void> {
    this.readingGroups ??= (async () => {
      const readers = new Map<string, { groups: () => Promise<DataPlaneGroup[]>; ends: (topic: string) => Promise<number[]> }>();
      for (const [cluster, brokers] of this.held) readers.set(cluster, { groups: () => brokers.groups(this.hideGroups), ends: (t) => brokers.endOffsets(t) });
      for (const { real } of this.links) {
        const cluster = real.clusters.destination;
        if (!readers.has(cluster))
          readers.set(cluster, { groups: () => real.destinationGroups(this.hideGroups), ends: (t) => real.endOffsets('destination', t) });
      }
      for (const [cluster, reader] of readers) {
        try {
          const groups = await reader.groups();
          for (const topic of new Set(groups.flatMap((g) => g.offsets.map((o) => o.topic)))) {
            const ends = await reader.ends(topic).catch(() => undefined);
            if (ends) this.ends.set(`${cluster}\u0000${topic}`, ends);
          }
          this.groups.set(cluster, groups);
        } catch (err) {
          // The cluster is out of reach: the groups as last read stay (as the REST API of a reachable cluster would).
          this.lastError = (err as Error).message;
        }
      }
    })().finally(() => (this.readingGroups = undefined));
    return this.readingGroups;
  }

  private bridged(mirror: MirrorRef): BridgedLink | undefined {
    return this.links.find((l) => l.cluster === mirror.cluster && l.link === mirror.link);
  }

  /** Measures every active mirror's lags, one round at a time (a round is bounded by kafkajs' request timeouts). */
  private refresh(): Promise<void> {
    // Set before the round can end: a round with nothing to await ends at once, and must not stay "running".
    this.refreshing ??= this.measure().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async measure(): Promise<void> {
    try {
      for (const { cluster, link, real, reverse } of this.links) {
        // End offsets read this round, by topic: a mirror's lag is measured from them, not read a second time.
        const read = new Map<string, { destination: number[]; source: number[] | null }>();
        if (reverse) {
          // A bidirectional link's topics on both clusters: what a truncate-and-restore would drop is counted from these.
          const { source, destination } = real.clusters;
          for (const topic of new Set([...real.topics(), ...reverse.topics()])) {
            const ends = { destination: await real.endOffsets('destination', topic), source: await real.endOffsets('source', topic).catch(() => null) };
            read.set(topic, ends);
            this.ends.set(`${destination}\u0000${topic}`, ends.destination);
            this.ends.set(`${source}\u0000${topic}`, ends.source ?? this.ends.get(`${source}\u0000${topic}`) ?? []);
          }
        }
        for (const topic of real.topics()) {
          if (real.status(topic) !== 'ACTIVE') continue;
          const lags = await real.lags(topic, read.get(topic));
          this.measured.set(
            key({ cluster, link, topic }),
            lags.map((l) => ({ partition: l.partition, lag: l.lag, last_source_fetch_offset: l.lastSourceFetchOffset })),
          );
        }
      }
      this.lastError = undefined;
    } catch (err) {
      this.lastError = (err as Error).message;
    }
  }
}

function key(m: MirrorRef): string {
  return `${m.cluster}\u0000${m.link}\u0000${m.topic}`;
}
