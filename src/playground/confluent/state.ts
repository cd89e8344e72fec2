/**
 * The emulator's state: clusters, topics (partitions as arrays of records, offset = index), links, mirrors and
 * consumer groups, plus the indexes that keep every operation O(topics touched). No HTTP here.
 */
import { randomUUID } from 'node:crypto';
import { RestError } from './errors.js';
import type { DataPlane, GroupDescription, GroupMember, LinkMode, PermissionLevel } from './types.js';

/** The spec's MirrorTopicStatus values (a closed enum there). */
export const MIRROR_STATUSES = [
  'ACTIVE',
  'FAILED',
  'LINK_FAILED',
  'LINK_PAUSED',
  'PAUSED',
  'PENDING_STOPPED',
  'SOURCE_UNAVAILABLE',
  'STOPPED',
  'PENDING_MIRROR',
  'PENDING_SYNCHRONIZE',
  'PENDING_SETUP_FOR_RESTORE',
  'PENDING_RESTORE',
] as const;
/** One mirror status. */
export type MirrorStatus = (typeof MIRROR_STATUSES)[number];

/** The `mirrors:<verb>` alter operations. */
export const VERBS = ['promote', 'failover', 'pause', 'resume', 'reverse-and-start-mirror', 'reverse-and-pause-mirror', 'truncate-and-restore'] as const;
/** One alter verb. */
export type Verb = (typeof VERBS)[number];

/** A record as a partition holds it. */
export interface StoredRecord {
  key?: string;
  value: string;
  /** Record timestamp (ms), as the producer set it. */
  timestamp: number;
  /** When the record landed on this cluster: replication copies it once `appendedAt + replicationDelayMs` passed. */
  appendedAt: number;
  headers?: Array<{ name: string; value: string | null }>;
}

/** A topic with its partitions (offset = index in the array). */
export interface Topic {
  name: string;
  /** Kafka topic id; a recreated topic gets a new one, which fails the mirrors of the old one. */
  id: string;
  partitions: StoredRecord[][];
  configs: Map<string, string>;
  /** Set when the topic is (or was, STOPPED) a mirror topic. */
  mirror?: Mirror;
  /** Round-robin cursor for records without key or partition. */
  nextPartition: number;
}

/** One side of a cluster link, on the cluster that holds it. */
export interface Link {
  name: string;
  cluster: Cluster;
  /** The other cluster's id: the source for DESTINATION, the destination for SOURCE, the peer for BIDIRECTIONAL. */
  remoteId: string;
  mode: LinkMode;
  clusterLinkId: string;
  /** Deprecated UUID the API still reports. */
  linkId: string;
  /** Explicitly set configs (defaults live in links.ts). */
  configs: Map<string, string>;
  /** Mirror topics on this side of the link, by mirror topic name. */
  mirrors: Map<string, Mirror>;
  /** Set when the link cannot work: the reason shows as link_state FAILED. */
  failure?: { error: string; message: string };
  lastOffsetSync: number;
}

/** A scheduled asynchronous state change: applied by `advance()` once `due` passed. */
export interface Pending {
  /** An alter verb, or `create`: a mirror created over REST is PENDING_MIRROR until its first fetch. */
  verb: Verb | 'create';
  due: number;
  /** Multi-step verbs (reverse, truncate-and-restore) count their steps here. */
  phase: number;
  /** Status to go back to when the change cannot complete (e.g. the source went away during promote). */
  previous: MirrorStatus;
}

/** A mirror topic: the local topic, the link it comes over and its state. */
export interface Mirror {
  link: Link;
  topic: Topic;
  sourceTopic: string;
  /** Id of the source topic when mirroring started; a different id later means the source was recreated. */
  sourceTopicId?: string;
  /** Stored status; SOURCE_UNAVAILABLE and LINK_FAILED are derived on read (replication.ts `effectiveStatus`). */
  status: MirrorStatus;
  stateTimeMs: number;
  pending?: Pending;
  /** Source end offsets as the link last learnt them: lag is measured against these. */
  knownSourceEnd: number[];
  /** Log-end offsets when the mirror stopped (truncate-and-restore on the peer truncates to these). */
  stoppedOffsets?: number[];
  topicError: string;
  transitionErrors: Array<{ error_code: string; error_message: string }>;
}

/** A consumer group: committed offsets and current members. */
export interface Group {
  id: string;
  /** topic -> partition -> committed offset */
  offsets: Map<string, Map<number, number>>;
  members: GroupMember[];
  /** A member has joined it once: it has a protocol type (classic), and is not a simple group even when empty. */
  classic?: boolean;
  /** A data plane's description of it (its brokers'); without it, the state, simplicity and assignor follow the members. */
  described?: GroupDescription;
}

/** One emulated cluster. */
export interface Cluster {
  name: string;
  id: string;
  apiKey: string;
  apiSecret: string;
  appApiKey: string;
  appApiSecret: string;
  bootstrap: string;
  restEndpoint: string;
  topics: Map<string, Topic>;
  links: Map<string, Link>;
  groups: Map<string, Group>;
  permissions: PermissionLevel;
  /** false, or how it is unreachable. */
  down: false | 'refuse' | 'hang';
  downChangedAt: number;
}

/** All clusters of one emulator, with the indexes and queues the engine works from. */
export class World {
  readonly clusters: Cluster[] = [];
  /** Mirrors with a scheduled change. */
  readonly scheduled = new Set<Mirror>();
  /** Mirrors that may have records to copy. */
  readonly dirty = new Set<Mirror>();
  /** `${sourceClusterId}\0${sourceTopic}` -> mirrors fetching from that topic. */
  private readonly bySource = new Map<string, Set<Mirror>>();
  /** Earliest `due` among scheduled mirrors (a lower bound), so most requests skip the queue. */
  nextDue = Infinity;
  /** The data plane under the links when it is not this memory (real Kafka brokers). */
  dataPlane?: DataPlane;

  constructor(
    readonly replicationDelayMs: number,
    readonly transitionMs: number,
    private readonly clock: () => number = Date.now,
    /** How long the source must be out of reach before the link says so (UNAVAILABLE, SOURCE_UNAVAILABLE). */
    readonly unavailableAfterMs = 300_000,
  ) {}

  now(): number {
    return this.clock();
  }

  /** A cluster by name, id or bootstrap (`SASL_SSL://` prefix allowed). */
  find(ref: string): Cluster | undefined {
    const bare = ref.replace(/^[A-Z_]+:\/\//, '');
    return this.clusters.find((c) => c.name === ref || c.id === ref || c.bootstrap === bare);
  }

  /** Like `find`, but throws a clear error for an unknown cluster. */
  cluster(ref: string): Cluster {
    const found = this.find(ref);
    if (!found) throw new RestError(404, 404, `Cluster ${ref} cannot be found (known: ${this.clusters.map((c) => c.name).join(', ')}).`);
    return found;
  }

  byId(id: string): Cluster | undefined {
    return this.clusters.find((c) => c.id === id);
  }

  remoteOf(link: Link): Cluster | undefined {
    return this.byId(link.remoteId);
  }

  /** The other side of a bidirectional link: the link on the peer with the same cluster_link_id that points back. */
  peerLink(link: Link): Link | undefined {
    const remote = this.remoteOf(link);
    if (!remote) return undefined;
    for (const candidate of remote.links.values()) {
      if (candidate.clusterLinkId === link.clusterLinkId && candidate.remoteId === link.cluster.id) return candidate;
    }
    return undefined;
  }

  newMirror(link: Link, topic: Topic, sourceTopic: string, status: MirrorStatus, sourceTopicId?: string): Mirror {
    const mirror: Mirror = {
      link,
      topic,
      sourceTopic,
      sourceTopicId,
      status,
      stateTimeMs: this.now(),
      knownSourceEnd: topic.partitions.map((p) => p.length),
      topicError: 'NO_ERROR',
      transitionErrors: [],
    };
    this.attach(mirror);
    return mirror;
  }

  /** Registers a mirror on its link, its topic and the source index; replaces any older mirror record of the topic. */
  attach(mirror: Mirror): void {
    if (mirror.topic.mirror && mirror.topic.mirror !== mirror) this.detach(mirror.topic.mirror);
    mirror.topic.mirror = mirror;
    mirror.link.mirrors.set(mirror.topic.name, mirror);
    const key = sourceKey(mirror.link.remoteId, mirror.sourceTopic);
    let set = this.bySource.get(key);
    if (!set) this.bySource.set(key, (set = new Set()));
    set.add(mirror);
    this.dirty.add(mirror);
  }

  detach(mirror: Mirror): void {
    if (mirror.topic.mirror === mirror) mirror.topic.mirror = undefined;
    if (mirror.link.mirrors.get(mirror.topic.name) === mirror) mirror.link.mirrors.delete(mirror.topic.name);
    this.bySource.get(sourceKey(mirror.link.remoteId, mirror.sourceTopic))?.delete(mirror);
    this.unschedule(mirror);
    this.dirty.delete(mirror);
  }

  /** Mirrors on other clusters that copy this topic. */
  mirrorsOf(cluster: Cluster, topic: string): Iterable<Mirror> {
    return this.bySource.get(sourceKey(cluster.id, topic)) ?? [];
  }

  *allMirrors(): Iterable<Mirror> {
    for (const cluster of this.clusters) for (const link of cluster.links.values()) yield* link.mirrors.values();
  }

  setStatus(mirror: Mirror, status: MirrorStatus, at = this.now()): void {
    mirror.status = status;
    mirror.stateTimeMs = at;
    this.dirty.add(mirror);
  }

  schedule(mirror: Mirror, pending: Pending): void {
    mirror.pending = pending;
    this.scheduled.add(mirror);
    if (pending.due < this.nextDue) this.nextDue = pending.due;
  }

  unschedule(mirror: Mirror): void {
    mirror.pending = undefined;
    this.scheduled.delete(mirror);
  }

  newTopic(cluster: Cluster, name: string, partitions: number): Topic {
    const topic: Topic = { name, id: randomUUID(), partitions: Array.from({ length: partitions }, () => []), configs: new Map(), nextPartition: 0 };
    cluster.topics.set(name, topic);
    return topic;
  }
}

function sourceKey(clusterId: string, topic: string): string {
  return `${clusterId}\u0000${topic}`;
}
