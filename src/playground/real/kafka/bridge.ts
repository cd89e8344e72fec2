/**
 * Puts real Kafka under the Confluent emulator's links: the emulator keeps the REST control plane (links, mirror
 * states, the verbs and their rules), and for the links given here the data plane is a RealClusterLink between
 * two real Kafka clusters. The REST API's mirror_lags are then the real end offsets' (measured every `refreshMs`),
 * and a failover or promote reaches STOPPED only once the real mirror stopped: copying ended and the applications'
 * WRITE deny lifted, so a producer on the destination is refused by Kafka before and accepted after. The other verbs
 * (pause, resume, reverse-*, truncate-and-restore) are refused for the bridged mirrors, with the reason as the
 * topic's state transition error: the real link does not carry them, and the REST state must not say otherwise.
 */
import type { ConfluentEmulator, DataPlane, MirrorLag, MirrorRef } from '../../confluent/index.js';
import type { RealClusterLink } from './link.js';

/** One emulated link (on cluster `cluster`, named `link`) and the real link under it. */
export interface BridgedLink {
  cluster: string;
  link: string;
  real: RealClusterLink;
}

type Stopping = { state: 'pending' | 'done' } | { error: string };

export class RealLinkBridge implements DataPlane {
  private readonly measured = new Map<string, MirrorLag[]>();
  private readonly stopping = new Map<string, Stopping>();
  private timer?: ReturnType<typeof setInterval>;
  private refreshing?: Promise<void>;
  /** The last error of a lag measurement (the source out of reach is not one: the link then keeps the last known). */
  lastError?: string;

  private constructor(
    private readonly links: BridgedLink[],
    private readonly refreshMs: number,
  ) {}

  /** Bridges `links` under `emulator` and measures their lags now and every `refreshMs` (default 200 ms). */
  static async attach(emulator: ConfluentEmulator, links: BridgedLink[], options: { refreshMs?: number } = {}): Promise<RealLinkBridge> {
    const bridge = new RealLinkBridge(links, options.refreshMs ?? 200);
    await bridge.refresh();
    emulator.useDataPlane(bridge);
    bridge.timer = setInterval(() => void bridge.refresh(), bridge.refreshMs);
    bridge.timer.unref();
    return bridge;
  }

  lags(mirror: MirrorRef): MirrorLag[] | undefined {
    return this.measured.get(key(mirror));
  }

  apply(mirror: MirrorRef, verb: string): 'done' | 'pending' | { error: string } {
    const real = this.realOf(mirror);
    // A mirror on a link that is not bridged lives in the emulator's memory only.
    if (!real || !real.topics().includes(mirror.topic)) return 'done';
    if (verb !== 'failover' && verb !== 'promote')
      return { error: `${verb} is not available on the playground's real-Kafka data plane (failover and promote are).` };
    const id = key(mirror);
    const known = this.stopping.get(id);
    if (!known) {
      const entry: Stopping = { state: 'pending' };
      this.stopping.set(id, entry);
      (verb === 'promote' ? real.promote(mirror.topic) : real.failover(mirror.topic)).then(
        () => {
          entry.state = 'done';
          this.measured.delete(id);
        },
        (err: Error) => this.stopping.set(id, { error: `${verb} of '${mirror.topic}' on the real brokers failed: ${err.message}` }),
      );
      return 'pending';
    }
    if ('error' in known) {
      // Reported once; the verb may be sent again.
      this.stopping.delete(id);
      return { error: known.error };
    }
    return known.state;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
  }

  private realOf(mirror: MirrorRef): RealClusterLink | undefined {
    return this.links.find((l) => l.cluster === mirror.cluster && l.link === mirror.link)?.real;
  }

  /** Measures every active mirror's lags, one round at a time (a round is bounded by kafkajs' request timeouts). */
  private refresh(): Promise<void> {
    // Set before the round can end: a round with nothing to await ends at once, and must not stay "running".
    this.refreshing ??= this.measure().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async measure(): Promise<void> {
    try {
      for (const { cluster, link, real } of this.links) {
        for (const topic of real.topics()) {
          if (real.status(topic) !== 'ACTIVE') continue;
          const lags = await real.lags(topic);
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
