/**
 * Confluent Cloud emulator: several Kafka clusters in one process, each with its own Kafka REST v3 endpoint
 * (cluster links, mirror topics and their state machine, topics, produce, consumer groups), replication between
 * them, and faults switchable at run time. See README "Confluent Cloud emulator" for what it serves.
 */
import { randomBytes } from 'node:crypto';
import { advance } from './engine.js';
import { RestError } from './errors.js';
import { commit, groupFilter, groupOf } from './groups.js';
import { config, createLink as createLinkIn, offsetSyncMs } from './links.js';
import { createMirror as createMirrorIn } from './mirrors.js';
import { effectiveStatus, mirrorLags, refreshKnown } from './replication.js';
import { ClusterServer } from './server.js';
import { World, type Cluster } from './state.js';
import { append, createTopic as createTopicIn, deleteTopic as deleteTopicIn, read, requireTopic, requireUp } from './topics.js';
import type {
  ClusterConfig,
  ClusterInfo,
  ConfluentEmulator,
  ConfluentOptions,
  DataPlane,
  Fault,
  GroupMember,
  LinkMode,
  MirrorLag,
  PermissionLevel,
  RequestRecord,
} from './types.js';

export type * from './types.js';
export { KafkaError, RestError } from './errors.js';
export { ROUTE_TEMPLATES } from './routes.js';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A random cluster API key: 16 upper-case letters and digits, the form Confluent Cloud keys take. */
export function randomApiKey(): string {
  return Array.from(randomBytes(16), (b) => KEY_ALPHABET[b % KEY_ALPHABET.length]).join('');
}

/** A random API secret: 64 base64 characters, like Confluent Cloud secrets. */
export function randomApiSecret(): string {
  return randomBytes(48).toString('base64');
}

/** Starts one REST server per cluster on 127.0.0.1. Close it with `close()`. */
export async function startConfluent(options: ConfluentOptions): Promise<ConfluentEmulator> {
  if (!options.clusters.length) throw new Error('startConfluent: give at least one cluster.');
  const clock = options.clock;
  const world = new World(
    options.replicationDelayMs ?? 50,
    options.transitionMs ?? 50,
    clock ? () => clock.now() : Date.now,
    options.unavailableAfterMs ?? 300_000,
  );
  const log: RequestRecord[] = [];
  const servers = new Map<Cluster, ClusterServer>();
  try {
    for (const config of options.clusters) {
      const cluster = newCluster(config);
      if (world.find(cluster.name) || world.find(cluster.id))
        throw new Error(`startConfluent: cluster name or id '${cluster.name}'/'${cluster.id}' is used twice.`);
      world.clusters.push(cluster);
      const server = new ClusterServer(world, cluster, log);
      servers.set(cluster, server);
      await server.listen(config.port ?? 0);
      cluster.restEndpoint = `http://127.0.0.1:${server.port}`;
    }
  } catch (err) {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    throw err;
  }
  return new Emulator(world, servers, log);
}

function newCluster(config: ClusterConfig): Cluster {
  if (!/^[a-z0-9-]+$/i.test(config.name)) throw new Error(`startConfluent: cluster name '${config.name}' must be letters, digits and dashes.`);
  return {
    name: config.name,
    id: config.id ?? `lkc-${config.name}`,
    apiKey: config.apiKey ?? randomApiKey(),
    apiSecret: config.apiSecret ?? randomApiSecret(),
    appApiKey: config.appApiKey ?? randomApiKey(),
    appApiSecret: config.appApiSecret ?? randomApiSecret(),
    bootstrap: `${config.name}.kafka.local:9092`,
    restEndpoint: '',
    topics: new Map(),
    links: new Map(),
    groups: new Map(),
    permissions: 'full',
    down: false,
    downChangedAt: 0,
  };
}

class Emulator implements ConfluentEmulator {
  private closed = false;

  constructor(
    private readonly world: World,
    private readonly servers: Map<Cluster, ClusterServer>,
    private readonly log: RequestRecord[],
  ) {}

  get clusters(): ClusterInfo[] {
    return this.world.clusters.map(toInfo);
  }

  info(ref: string): ClusterInfo {
    return toInfo(this.world.cluster(ref));
  }

  /** Brings state up to now and resolves a cluster reference. */
  private at(ref: string): Cluster {
    advance(this.world);
    return this.world.cluster(ref);
  }

  createTopic(cluster: string, topic: string, options: { partitions?: number } = {}): void {
    createTopicIn(this.world, this.at(cluster), { name: topic, partitions: options.partitions });
  }

  deleteTopic(cluster: string, topic: string): void {
    deleteTopicIn(this.world, this.at(cluster), topic);
  }

  createLink(
    cluster: string,
    link: string,
    options: { remote: string; mode?: LinkMode; prefix?: string; clusterLinkId?: string; configs?: Record<string, string> },
  ): void {
    const local = this.at(cluster);
    const remote = this.world.cluster(options.remote);
    const mode = options.mode ?? 'DESTINATION';
    // The configs a real destination-initiated link carries, with the remote's own credentials.
    const configs = new Map<string, string>([
      ['link.mode', mode],
      ['bootstrap.servers', `SASL_SSL://${remote.bootstrap}`],
      ['security.protocol', 'SASL_SSL'],
      ['sasl.mechanism', 'PLAIN'],
      ['sasl.jaas.config', `org.apache.kafka.common.security.plain.PlainLoginModule required username="${remote.apiKey}" password="${remote.apiSecret}";`],
      ...Object.entries(options.configs ?? {}),
    ]);
    if (options.prefix) configs.set('cluster.link.prefix', options.prefix);
    createLinkIn(
      this.world,
      local,
      link,
      {
        sourceClusterId: mode === 'DESTINATION' ? remote.id : undefined,
        destinationClusterId: mode === 'SOURCE' ? remote.id : undefined,
        remoteClusterId: mode === 'BIDIRECTIONAL' ? remote.id : undefined,
        clusterLinkId: options.clusterLinkId,
        configs,
      },
      { autoPair: true },
    );
  }

  createMirror(cluster: string, link: string, sourceTopic: string, mirrorTopic?: string): void {
    createMirrorIn(this.world, this.at(cluster), link, { sourceTopic, mirrorTopic });
  }

  produce(cluster: string, topic: string, records: Array<{ key?: string; value: string }>, partition?: number): Array<{ partition: number; offset: number }> {
    const c = this.at(cluster);
    requireUp(c);
    return append(
      this.world,
      c,
      requireTopic(c, topic),
      records.map((r) => ({ key: r.key, value: r.value })),
      partition,
    );
  }

  fetch(cluster: string, topic: string, partition: number, offset: number, max = 500): Array<{ offset: number; key?: string; value: string }> {
    const c = this.at(cluster);
    requireUp(c);
    return read(requireTopic(c, topic), partition, offset, max);
  }

  endOffsets(cluster: string, topic: string): number[] {
    const c = this.at(cluster);
    requireUp(c);
    return requireTopic(c, topic).partitions.map((p) => p.length);
  }

  topics(cluster: string): string[] {
    const c = this.at(cluster);
    requireUp(c);
    return [...c.topics.keys()].sort();
  }

  commitOffsets(cluster: string, group: string, offsets: Array<{ topic: string; partition: number; offset: number }>): void {
    const c = this.at(cluster);
    requireUp(c);
    commit(c, group, offsets);
  }

  committedOffsets(cluster: string, group: string): Array<{ topic: string; partition: number; offset: number }> {
    const c = this.at(cluster);
    requireUp(c);
    const found = c.groups.get(group);
    if (!found) return [];
    return [...found.offsets].flatMap(([topic, byPartition]) => [...byPartition].map(([partition, offset]) => ({ topic, partition, offset })));
  }

  setGroupMembers(cluster: string, group: string, members: GroupMember[]): void {
    const c = this.at(cluster);
    requireUp(c);
    const g = groupOf(c, group);
    g.members = members.map((m) => ({ ...m, assignments: [...m.assignments] }));
    // A member's join gives the group its protocol type for good, as on Kafka: after the last member leaves it is an
    // EMPTY classic group, not a simple one (which only ever had offsets committed from outside).
    if (members.length) g.classic = true;
  }

  offsetSync(cluster: string, linkName: string): { everyMs: number; accept: (group: string) => boolean } | undefined {
    const link = this.world.cluster(cluster).links.get(linkName);
    if (!link || config(link, 'consumer.offset.sync.enable') !== 'true') return undefined;
    const accept = groupFilter(config(link, 'consumer.offset.group.filters'));
    return accept && { everyMs: offsetSyncMs(link), accept };
  }

  mirrorState(cluster: string, link: string, topic: string): { status: string; lags: MirrorLag[] } | undefined {
    const mirror = this.at(cluster).links.get(link)?.mirrors.get(topic);
    if (!mirror) return undefined;
    return { status: effectiveStatus(this.world, mirror), lags: mirrorLags(this.world, mirror) };
  }

  useDataPlane(plane: DataPlane): void {
    if (this.world.dataPlane) throw new Error('useDataPlane: this emulator already has a data plane.');
    this.world.dataPlane = plane;
  }

  setPermissions(cluster: string, level: PermissionLevel): void {
    this.world.cluster(cluster).permissions = level;
  }

  async setFault(cluster: string, fault: Fault | null): Promise<void> {
    const c = this.at(cluster);
    const server = this.servers.get(c)!;
    // Lag must freeze at what the links knew when the cluster went away.
    for (const mirror of this.world.allMirrors()) refreshKnown(this.world, mirror);
    const down = fault?.kind === 'unreachable' ? (fault.mode ?? 'refuse') : false;
    if (down !== c.down) {
      c.down = down;
      c.downChangedAt = this.world.now();
    }
    await server.setFault(fault);
    for (const mirror of this.world.allMirrors()) this.world.dirty.add(mirror);
  }

  requests(cluster?: string): RequestRecord[] {
    if (cluster === undefined) return [...this.log];
    const name = this.world.cluster(cluster).name;
    return this.log.filter((r) => r.cluster === name);
  }

  resetRequests(): void {
    this.log.length = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.servers.values()].map((s) => s.stop()));
  }
}

function toInfo(c: Cluster): ClusterInfo {
  return {
    name: c.name,
    id: c.id,
    restEndpoint: c.restEndpoint,
    bootstrap: c.bootstrap,
    apiKey: c.apiKey,
    apiSecret: c.apiSecret,
    appApiKey: c.appApiKey,
    appApiSecret: c.appApiSecret,
  };
}

/** True for an error the emulator raised for a rule of the API (as opposed to a bug). */
export function isRestError(err: unknown): err is RestError {
  return err instanceof RestError;
}
