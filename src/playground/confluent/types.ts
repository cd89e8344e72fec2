/** Public types of the Confluent Cloud emulator: what its users (tests, the drill, `npm run emulator`) pass and get. */

/** One emulated Kafka cluster: its id, REST port and cluster-scoped API key. */
export interface ClusterConfig {
  /** Short name, e.g. `north`; also gives the bootstrap `north.kafka.local:9092`. */
  name: string;
  /** Cluster id; default `lkc-${name}`. */
  id?: string;
  /** Cluster API key; default: 16 random upper-case letters and digits, like a real key. */
  apiKey?: string;
  /** Cluster API secret; default: 64 random base64 characters, like a real secret. */
  apiSecret?: string;
  /**
   * The applications' API key and secret (default: random): a service account with topic READ/WRITE only, so it
   * authenticates on the data plane but every REST link and mirror call answers 403, as a key without CLUSTER
   * ALTER/DESCRIBE does. `apiKey` above is the DR operator's key: the REST API, not the data plane.
   */
  appApiKey?: string;
  appApiSecret?: string;
  /** REST port; default 0 (ephemeral). It stays the same across an `unreachable` fault. */
  port?: number;
}

/** Options of `startConfluent`. */
export interface ConfluentOptions {
  clusters: ClusterConfig[];
  /** Time before a record produced on a source topic reaches its mirrors (default 50 ms). */
  replicationDelayMs?: number;
  /** How long PENDING_* states (and the wait before PAUSED/ACTIVE) last (default 50 ms). */
  transitionMs?: number;
  /**
   * How long the destination must fail to reach the source before the link says so: link_state UNAVAILABLE and
   * mirrors SOURCE_UNAVAILABLE (default 300000: Confluent's metrics docs give 5 minutes). Before that the link and
   * its mirrors still show ACTIVE, replication has stopped and the lags are those of the last fetch. Tests of an
   * outage that has lasted longer set it lower rather than wait.
   */
  unavailableAfterMs?: number;
  /**
   * Time source (default `Date.now`). Replication and state changes are computed from it on every call, so a test
   * that moves a manual clock sees exact intermediate states without real waiting (core's `Clock` fits).
   */
  clock?: { now(): number };
}

/** What a client needs to reach one cluster. */
export interface ClusterInfo {
  name: string;
  id: string;
  /** `http://127.0.0.1:PORT` */
  restEndpoint: string;
  /** `${name}.kafka.local:9092` (SASL_SSL in client configs). */
  bootstrap: string;
  /** The DR operator's key: REST link and mirror calls. */
  apiKey: string;
  apiSecret: string;
  /** The applications' key: producing and consuming only. */
  appApiKey: string;
  appApiSecret: string;
}

/**
 * A fault switched on for one cluster while the emulator runs.
 * - `unreachable`: `refuse` (default) closes the REST port (ECONNREFUSED); `hang` accepts and never answers.
 *   Either way the data plane throws, peers' mirrors from it go SOURCE_UNAVAILABLE, links to it UNAVAILABLE,
 *   and replication from and to it stops.
 * - `rate-limit`: the Jetty DoSFilter HTML 429 page, with `Retry-After` when `retryAfterSeconds` is set, for the
 *   next `count` requests (default: until cleared).
 * - `server-error`: HTTP `status` (default 503) with `{error_code: 50003, message}` for the next `count` requests.
 * - `slow`: every answer is delayed by `delayMs`.
 */
export type Fault =
  | { kind: 'unreachable'; mode?: 'refuse' | 'hang' }
  | { kind: 'rate-limit'; retryAfterSeconds?: number; count?: number }
  | { kind: 'server-error'; status?: number; count?: number }
  | { kind: 'slow'; delayMs: number };

/** One HTTP request the emulator received. */
export interface RequestRecord {
  /** Cluster name. */
  cluster: string;
  method: string;
  /** URL path, without the query string. */
  path: string;
  /** Query string without `?` (empty when none). */
  query: string;
  /** The spec's path template, e.g. `/kafka/v3/clusters/{cluster_id}/links/{link_name}/mirrors:failover`; '' when no route matched. */
  route: string;
  /** HTTP status sent; 0 while unanswered (a `hang` fault never answers). */
  status: number;
}

/** One partition's mirror lag, as the REST API reports it. */
export interface MirrorLag {
  partition: number;
  lag: number;
  last_source_fetch_offset: number;
}

/** A consumer that is a member of a group (set with `setGroupMembers`). */
export interface GroupMember {
  consumerId: string;
  clientId: string;
  instanceId?: string | null;
  assignments: Array<{ topic: string; partition: number }>;
}

/** `link.mode` of a cluster link. */
export type LinkMode = 'DESTINATION' | 'SOURCE' | 'BIDIRECTIONAL';
/** What the API key may do (see `setPermissions`). */
export type PermissionLevel = 'full' | 'read-only' | 'none';

/** The running emulator: REST servers per cluster plus programmatic admin and data-plane access. */
/** A mirror topic as a data plane sees it: the destination cluster (name), the link and the topic. */
export interface MirrorRef {
  cluster: string;
  link: string;
  topic: string;
  /** The source topic it mirrors (given to `apply`). */
  source?: string;
}

/**
 * The data plane under the emulator's link control plane when it is not the emulator's own memory: real Kafka
 * brokers (src/playground/real/kafka/bridge.ts). The REST API's lags then come from it, and an alter verb takes
 * effect only once the data plane has carried it out.
 */
export interface DataPlane {
  /** A mirror's per-partition lags as last measured there; undefined while not known (the emulator's own then). */
  lags(mirror: MirrorRef): MirrorLag[] | undefined;
  /**
   * Carries out an alter verb there (`failover`: stop at once; `promote`: stop after copying every record; …):
   * `done` once it has (the emulator asks again until then, the topic staying in its pending state), or why it
   * cannot (the change then fails, with that reason as its state transition error).
   */
  apply(mirror: MirrorRef, verb: string): 'done' | 'pending' | { error: string };
  /** A topic's end offsets there, by partition, as last measured (truncate-and-restore counts with them). */
  endOffsets?(cluster: string, topic: string): number[] | undefined;
  /** A stopped mirror's end offsets when it stopped there (what truncate-and-restore on the other side truncates to). */
  stoppedOffsets?(mirror: MirrorRef): number[] | undefined;
  /**
   * The consumer groups of a cluster there, as last read (the REST API's /consumer-groups then show them, with lags
   * from `endOffsets`); undefined while not known (the emulator's own then).
   */
  consumerGroups?(cluster: string): DataPlaneGroup[] | undefined;
  /**
   * A cluster whose topics and records live on the data plane's brokers: the REST API's topics, partitions and
   * produce then go there (links, mirror states and the rules of both stay the emulator's); undefined for a cluster
   * whose topics live in the emulator's memory.
   */
  brokers?(cluster: string): DataPlaneBrokers | undefined;
}

/** One cluster's brokers, as the REST API's topic routes use them (the DR operator's key, as those routes need). */
export interface DataPlaneBrokers {
  /** Its topics (internal ones left out), with their partition counts, by name. */
  topics(): Promise<Array<{ name: string; partitions: number }>>;
  createTopic(name: string, partitions: number): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  /** Appends one record, to its partition or to the one the client's partitioner picks: where it went, or the brokers' error. */
  produce(topic: string, record: BrokerRecord): Promise<{ partition: number; offset: number; timestamp: number } | { error: string; retriable: boolean }>;
}

/** A record for the brokers: bytes as sent, `null` for an absent key or value. */
export interface BrokerRecord {
  partition?: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Array<{ name: string; value: Buffer | null }>;
  timestamp: number;
}

/** A consumer group as a data plane holds it: its committed offsets and its members. */
export interface DataPlaneGroup {
  id: string;
  offsets: Array<{ topic: string; partition: number; offset: number }>;
  members: GroupMember[];
  /** As the brokers describe it: its state (STABLE, EMPTY, …), whether it is simple (no protocol type) and its assignor. */
  described?: GroupDescription;
}

/** What kafka-rest reports of a group from the brokers' description of it. */
export interface GroupDescription {
  state: string;
  simple: boolean;
  assignor: string;
}

export interface ConfluentEmulator {
  readonly clusters: ClusterInfo[];
  /** Puts a data plane under the links (see DataPlane); one per emulator. */
  useDataPlane(plane: DataPlane): void;
  /** A cluster by name, id or bootstrap (with or without `SASL_SSL://`); throws when unknown. */
  info(nameOrIdOrBootstrap: string): ClusterInfo;

  // Admin setup without HTTP (same rules and errors as the REST API; throws RestError).
  createTopic(cluster: string, topic: string, options?: { partitions?: number }): void;
  createLink(
    cluster: string,
    link: string,
    options: { remote: string; mode?: LinkMode; prefix?: string; clusterLinkId?: string; configs?: Record<string, string> },
  ): void;
  createMirror(cluster: string, link: string, sourceTopic: string, mirrorTopic?: string): void;
  /** Deletes a topic like `DELETE /topics/{topic}` (mirrors of it go FAILED). */
  deleteTopic(cluster: string, topic: string): void;

  // Data plane: the stand-in for the Kafka protocol used by simulated clients. Throws KafkaError when the cluster
  // is unreachable, the topic or partition is unknown, or on produce to a read-only mirror (any status but STOPPED).
  produce(cluster: string, topic: string, records: Array<{ key?: string; value: string }>, partition?: number): Array<{ partition: number; offset: number }>;
  fetch(cluster: string, topic: string, partition: number, offset: number, max?: number): Array<{ offset: number; key?: string; value: string }>;
  endOffsets(cluster: string, topic: string): number[];
  topics(cluster: string): string[];
  commitOffsets(cluster: string, group: string, offsets: Array<{ topic: string; partition: number; offset: number }>): void;
  /** Committed offsets of a group (empty when the group does not exist). */
  committedOffsets(cluster: string, group: string): Array<{ topic: string; partition: number; offset: number }>;
  /** Replaces a group's members (state STABLE with members, EMPTY without; once it had one, it is no longer simple). */
  setGroupMembers(cluster: string, group: string, members: GroupMember[]): void;
  /**
   * The link's consumer offset sync as its configs set it (`consumer.offset.sync.enable`, `.ms`, `.group.filters`):
   * every `everyMs`, the groups `accept` selects; undefined while it is off (or the link is unknown).
   */
  offsetSync(cluster: string, link: string): { everyMs: number; accept: (group: string) => boolean } | undefined;
  /** Status and lags exactly as `GET .../mirrors/{topic}` reports them; works even while the cluster is unreachable. */
  mirrorState(cluster: string, link: string, topic: string): { status: string; lags: MirrorLag[] } | undefined;

  /** `read-only`: writes and alter verbs get 403 40301; `none`: every call gets 403. */
  setPermissions(cluster: string, level: PermissionLevel): void;
  setFault(cluster: string, fault: Fault | null): Promise<void>;
  requests(cluster?: string): RequestRecord[];
  resetRequests(): void;
  close(): Promise<void>;
}
