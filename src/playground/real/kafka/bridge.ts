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
 * - pause and resume: the real link stops copying (the mirror stays read-only, its lag growing) and copies on;
 *   reverse-and-pause-mirror is the reverse above with the other side's new mirror paused;
 * - a mirror created over REST on a bridged link is made on the brokers too (its topic, read-only, copying) before it
 *   turns ACTIVE;
 * - each bridged link syncs consumer offsets as its side of the REST link is configured (consumer.offset.sync.enable,
 *   .ms and .group.filters, read every round, so a change over REST applies within `refreshMs`), never for the
 *   groups `hideGroups` leaves out.
 * A verb the real link cannot carry out fails, with the reason as the topic's state transition error: the REST state
 * must not say what the brokers do not.
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

/** A verb being carried out on the brokers, per mirror. */
type Work = { verb: string } & ({ state: 'pending' | 'done' } | { error: string });

export class RealLinkBridge implements DataPlane {
  private readonly measured = new Map<string, MirrorLag[]>();
  /** End offsets of the topics of bidirectional links, on both clusters, and of the groups' topics (`cluster\0topic`). */
  private readonly ends = new Map<string, number[]>();
  /** Each destination cluster's consumer groups, as last read. */
  private readonly groups = new Map<string, DataPlaneGroup[]>();
  private groupTimer?: ReturnType<typeof setInterval>;
  private readingGroups?: Promise<void>;
  private readonly working = new Map<string, Work>();
  private timer?: ReturnType<typeof setInterval>;
  private refreshing?: Promise<void>;
  /** The last error of a lag measurement (the source out of reach is not one: the link then keeps the last known). */
  lastError?: string;

  /** The clusters whose REST topics and produce are the brokers', by name. */
  private readonly held = new Map<string, RealBrokers>();

  private constructor(
    private readonly emulator: ConfluentEmulator,
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
    const bridge = new RealLinkBridge(emulator, links, options.refreshMs ?? 200, options.hideGroups ?? (() => false));
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
    // A mirror on a link that is not bridged lives in the emulator's memory only.
    if (!bridged) return 'done';
    const { real, reverse } = bridged;
    const known = real.topics().includes(mirror.topic) || reverse?.topics().includes(mirror.topic);
    // So does one the test or drill made in memory alone (the programmatic setup): only REST creation makes it real.
    if (!known && verb !== 'create') return 'done';
    const work = this.work(mirror, verb, real, reverse);
    if (typeof work !== 'function') return work;
    const id = key(mirror);
    const state = this.working.get(id);
    if (state && state.verb !== verb) {
      // Another verb is still being carried out (a resume sent during its pause): this one waits for it.
      if ('state' in state && state.state === 'pending') return 'pending';
      this.working.delete(id);
    } else if (state) {
      if ('error' in state) {
        // Reported once; the verb may be sent again.
        this.working.delete(id);
        return { error: state.error };
      }
      // Done: forgotten, so that a later verb on the same topic (a failback after a failover) is carried out afresh.
      if (state.state === 'done') this.working.delete(id);
      return state.state;
    }
    const entry: Work = { verb, state: 'pending' };
    this.working.set(id, entry);
    work().then(
      () => {
        entry.state = 'done';
        this.measured.delete(id);
      },
      (err: Error) => this.working.set(id, { verb, error: `${verb} of '${mirror.topic}' on the real brokers failed: ${err.message}` }),
    );
    return 'pending';
  }

  /** What carrying out `verb` on the brokers takes, or why it cannot be done there. */
  private work(mirror: MirrorRef, verb: string, real: RealClusterLink, reverse: RealClusterLink | undefined): (() => Promise<unknown>) | { error: string } {
    const topic = mirror.topic;
    switch (verb) {
      case 'create':
        return async () => {
          if (real.topics().includes(topic)) return;
          const made = await real.mirror(mirror.source ?? topic);
          if (made !== topic) throw new Error(`the real link names the mirror of '${mirror.source ?? topic}' '${made}', not '${topic}'`);
        };
      case 'failover':
        return () => real.failover(topic);
      case 'promote':
        return () => real.promote(topic);
      case 'pause':
        return () => real.pause(topic);
      case 'resume':
        return () => real.resume(topic);
      case 'reverse-and-start-mirror':
      case 'reverse-and-pause-mirror':
        if (!reverse) break;
        // The other side's topic takes no more writes, every record of it is copied and the mirror stops here, then
        // that topic mirrors this one from there on (paused for reverse-and-pause-mirror). A failure before the last
        // step leaves it writable again.
        return async () => {
          await reverse.denyWrites(topic);
          try {
            await reverse.quiet(topic);
            await real.promote(topic);
          } catch (err) {
            await reverse.allowWrites(topic).catch(() => undefined);
            throw err;
          }
          await reverse.adopt(topic, verb === 'reverse-and-pause-mirror');
        };
      case 'truncate-and-restore': {
        if (!reverse) break;
        const stoppedAt = reverse.topics().includes(topic) ? reverse.stoppedOffsets(topic) : undefined;
        if (!stoppedAt) return { error: `truncate-and-restore of '${topic}': its mirror on the other cluster has not stopped on the real brokers.` };
        return () => real.restore(topic, stoppedAt);
      }
    }
    return {
      error: `${verb} of '${topic}' is not available on the playground's real-Kafka data plane here: the link's other side is not bridged (reverse verbs and truncate-and-restore need a bidirectional link bridged on both clusters).`,
    };
  }

  /** Resolves after a whole round of lag measurement begun now (what a test reads next reflects the brokers as of now). */
  async afterRound(): Promise<void> {
    await this.refreshing;
    await this.refresh();
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

  /** Each real link's offset sync, as its REST link's configs set it now. */
  private followConfigs(): void {
    for (const { cluster, link, real } of this.links) {
      const sync = this.emulator.offsetSync(cluster, link);
      real.setOffsetSync(sync && { everyMs: sync.everyMs, accept: (group) => sync.accept(group) && !this.hideGroups(group) });
    }
  }

  private bridged(mirror: MirrorRef): BridgedLink | undefined {
    return this.links.find((l) => l.cluster === mirror.cluster && l.link === mirror.link);
  }

  /** Measures every active mirror's lags, one round at a time (a round is bounded by kafkajs' request timeouts). */
  private refresh(): Promise<void> {
    this.followConfigs();
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
          if (real.status(topic) === 'STOPPED') continue;
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
