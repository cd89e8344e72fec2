/**
 * Simulated Kafka clients for the emulated pods. Each producer or consumer pod the Kubernetes emulator starts
 * gets a client that reads the configuration the pod mounted at start (a rolled pod picks up the new one, as the
 * Java clients do), connects to the cluster its bootstrap server names, and runs until the pod is deleted.
 * - Producers sit behind a service: `users` concurrent users send numbered records to the ready producer pods,
 *   each waiting for the acknowledgement; a refused or failed send (cluster unreachable, read-only mirror) is an
 *   error, retried after `retryBackoffMs`, never an acknowledgement.
 * - Consumers subscribe by pattern (or topic), share partitions with the other members of their group on the
 *   same cluster, start from the group's committed offsets (else earliest), and commit after every poll.
 */
import type { ConfluentEmulator } from '../confluent/index.js';
import type { MountedConfig } from '../kube/index.js';
import type { DrillKube } from './kube.js';
import { resolveConnection, type ClientConnection, type PodSpecLike } from './client-config.js';
import { decodeRecord, encodeRecord, recordKey, type Ledger } from './ledger.js';
import type { Timing } from './options.js';

/** One client pod, from its start to its deletion. */
export interface ClientPod {
  namespace: string;
  name: string;
  /** `Deployment/java-cloud-producer`. */
  owner: string;
  role: 'producer' | 'consumer';
  connection?: ClientConnection;
  /** The cluster it is connected to (name), when its configuration resolved and authenticated. */
  cluster?: string;
  /** Why it has no connection (it then only produces errors). */
  problem?: string;
  startedAt: number;
  readyAt?: number;
  deletedAt?: number;
  /** Consumer: partition positions, `topic\u0000partition` -> next offset. */
  positions: Map<string, number>;
  errorCount: number;
  lastError?: string;
}

/** What the drill asks of its clients, simulated (ClientFleet) or real Kafka clients (RealClientFleet). */
export interface Fleet {
  readonly pods: ClientPod[];
  /** Starts following pods (call before the Deployments are applied, so no pod is missed). */
  attach(): void;
  /** Pods alive now (started, not deleted). */
  live(role?: 'producer' | 'consumer'): ClientPod[];
  startTraffic(): void;
  /** Stops the users (a send in retry is abandoned, never counted); consumers keep consuming. */
  stopUsers(): Promise<void>;
  stopTraffic(): Promise<void>;
  /** Lets every consumer take what is there now (simulated clients poll on a timer; real ones consume on their own). */
  pollNow(): void;
  close(): Promise<void>;
}

type Sleep = (ms: number) => Promise<void>;
const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What both fleets share: the pods they follow, and the users, which send numbered records through the ready
 * producer pods (the service's endpoints, round robin), each waiting for the acknowledgement and retrying a failed
 * send after `retryBackoffMs`. Each fleet says how a pod connects and how one send goes.
 */
export abstract class FleetBase implements Fleet {
  readonly pods: ClientPod[] = [];
  private unsubscribe?: () => void;
  private users: Array<Promise<void>> = [];
  private stopped = true;
  private nextProducer = 0;
  protected readonly now: () => number;
  protected readonly sleep: Sleep;

  protected constructor(
    protected readonly kube: Pick<DrillKube, 'onPod' | 'get'>,
    protected readonly ledger: Ledger,
    protected readonly timing: Pick<Timing, 'users' | 'userIntervalMs' | 'retryBackoffMs'>,
    options: { now?: () => number; sleep?: Sleep } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  attach(): void {
    this.unsubscribe = this.kube.onPod((event, pod, mounted) => this.onPod(event, pod, mounted));
  }

  live(role?: 'producer' | 'consumer'): ClientPod[] {
    return this.pods.filter((p) => p.deletedAt === undefined && (!role || p.role === role));
  }

  startTraffic(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.trafficStarts();
    const spread = this.timing.userIntervalMs / this.timing.users;
    this.users = Array.from({ length: this.timing.users }, (_, user) => this.userLoop(user, user * spread));
  }

  async stopUsers(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.users);
    this.users = [];
  }

  abstract stopTraffic(): Promise<void>;
  abstract pollNow(): void;
  abstract close(): Promise<void>;

  /** Stops following pods. */
  protected detach(): void {
    this.unsubscribe?.();
  }

  /** What else starts with the users (the simulated consumers' poll loop). */
  protected trafficStarts(): void {}

  protected abstract onPod(event: 'started' | 'ready' | 'deleted', ref: { namespace: string; name: string; owner: string }, mounted: MountedConfig): void;

  /** One attempt to send a record through a ready producer pod: true when acknowledged. */
  protected abstract send(id: { user: number; seq: number }): boolean | Promise<boolean>;

  /**
   * A started pod's record, from its spec and what it mounted: its connection, or why it has none; undefined for a
   * pod that mounts no client configuration (not a Kafka client).
   */
  protected started(ref: { namespace: string; name: string; owner: string }, mounted: MountedConfig): ClientPod | undefined {
    const spec = (this.kube.get('Pod', ref.namespace, ref.name) as { spec?: PodSpecLike } | undefined)?.spec;
    if (!spec) return undefined;
    const resolved = resolveConnection(spec, mounted);
    if ('problem' in resolved && resolved.problem.includes('mounts no ConfigMap')) return undefined;
    const pod: ClientPod = {
      ...ref,
      role: 'problem' in resolved ? (ref.owner.includes('consumer') ? 'consumer' : 'producer') : resolved.role,
      startedAt: this.now(),
      positions: new Map(),
      errorCount: 0,
    };
    if ('problem' in resolved) pod.problem = resolved.problem;
    else pod.connection = resolved;
    this.pods.push(pod);
    return pod;
  }

  /** The live pod a ready or deleted event is about. */
  protected podOf(ref: { namespace: string; name: string }): ClientPod | undefined {
    return this.pods.find((p) => p.namespace === ref.namespace && p.name === ref.name && p.deletedAt === undefined);
  }

  protected note(pod: ClientPod, message: string): void {
    pod.errorCount++;
    if (pod.lastError === message) return;
    pod.lastError = message;
    this.ledger.error({ at: this.now(), pod: pod.name, cluster: pod.cluster, role: pod.role, message });
  }

  /** The next ready producer pod, round robin (the service's endpoints). */
  protected pickProducer(): ClientPod | undefined {
    const ready = this.pods.filter((p) => p.role === 'producer' && p.readyAt !== undefined && p.deletedAt === undefined);
    if (ready.length === 0) return undefined;
    return ready[this.nextProducer++ % ready.length];
  }

  private async userLoop(user: number, startDelayMs: number): Promise<void> {
    await this.sleep(startDelayMs);
    for (let seq = 0; !this.stopped; seq++) {
      const id = { user, seq };
      while (!this.stopped && !(await this.send(id))) await this.sleep(this.timing.retryBackoffMs);
      await this.sleep(this.timing.userIntervalMs);
    }
  }
}

/** The simulated clients of one playground (both roles, every pod the emulator starts). */
export class ClientFleet extends FleetBase {
  private pollTimer?: NodeJS.Timeout;
  /** Consumer groups the clients used (`cluster\u0000group`), and the membership each cluster last accepted. */
  private readonly groups = new Set<string>();
  private readonly groupSignatures = new Map<string, string>();

  constructor(
    private readonly confluent: ConfluentEmulator,
    kube: Pick<DrillKube, 'onPod' | 'get'>,
    ledger: Ledger,
    protected override readonly timing: Pick<Timing, 'users' | 'userIntervalMs' | 'pollMs' | 'retryBackoffMs'>,
    options: { now?: () => number; sleep?: Sleep } = {},
  ) {
    super(kube, ledger, timing, options);
  }

  /** Once the consumers poll, they poll until stopTraffic: stopUsers then startTraffic is a no-op, as before. */
  override startTraffic(): void {
    if (this.pollTimer) return;
    super.startTraffic();
  }

  /** The consumers' poll loop starts with the users. */
  protected override trafficStarts(): void {
    this.pollTimer = setInterval(() => this.pollAll(), this.timing.pollMs);
  }

  /** Stops the users and the consumers. */
  async stopTraffic(): Promise<void> {
    await this.stopUsers();
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** Polls every consumer once more, outside the timer (used while draining). */
  pollNow(): void {
    this.pollAll();
  }

  async close(): Promise<void> {
    await this.stopTraffic();
    this.detach();
  }

  protected onPod(event: 'started' | 'ready' | 'deleted', ref: { namespace: string; name: string; owner: string }, mounted: MountedConfig): void {
    const now = this.now();
    if (event === 'started') {
      const pod = this.started(ref, mounted);
      if (!pod) return;
      if (pod.connection) {
        const problem = this.authenticate(pod.connection);
        if (typeof problem === 'string') pod.problem = problem;
        else pod.cluster = problem.cluster;
      }
      if (pod.role === 'consumer') this.updateGroup(pod);
      return;
    }
    const pod = this.podOf(ref);
    if (!pod) return;
    if (event === 'ready') pod.readyAt = now;
    else {
      pod.deletedAt = now;
      if (pod.role === 'consumer') this.updateGroup(pod);
    }
  }

  /**
   * SASL PLAIN against the cluster the bootstrap names: the key and secret must be that cluster's application key
   * (the DR operator's key holds no topic ACLs, so clients configured with it are refused, as on Confluent Cloud).
   */
  private authenticate(connection: ClientConnection): { cluster: string } | string {
    let info;
    try {
      info = this.confluent.info(connection.bootstrap);
    } catch {
      return `bootstrap server '${connection.bootstrap}' does not resolve to a cluster of the playground`;
    }
    if (connection.username === info.apiKey && connection.password === info.apiSecret)
      return `not authorized on cluster ${info.name}: the configured API key is the DR operator's, which holds no topic ACLs; configure the application key`;
    if (connection.username !== info.appApiKey || connection.password !== info.appApiSecret) {
      // Never print the values: they are credentials.
      return `SASL authentication failed on cluster ${info.name}: the configured API key/secret are not ${info.name}'s`;
    }
    return { cluster: info.name };
  }

  protected send(id: { user: number; seq: number }): boolean {
    const pod = this.pickProducer();
    if (!pod) return false;
    if (!pod.cluster || !pod.connection?.topic) {
      this.note(pod, pod.problem ?? 'no connection');
      return false;
    }
    try {
      const [placed] = this.confluent.produce(pod.cluster, pod.connection.topic, [{ key: `user-${id.user}`, value: encodeRecord(id) }]);
      this.ledger.ack({
        key: recordKey(id),
        cluster: pod.cluster,
        topic: pod.connection.topic,
        partition: placed.partition,
        offset: placed.offset,
        at: this.now(),
        pod: pod.name,
      });
      pod.lastError = undefined;
      return true;
    } catch (err) {
      this.note(pod, (err as Error).message);
      return false;
    }
  }

  /** The live members of a consumer group on one cluster, in join order. */
  private members(cluster: string, group: string): ClientPod[] {
    return this.pods
      .filter((p) => p.role === 'consumer' && p.deletedAt === undefined && p.cluster === cluster && p.connection?.group === group)
      .sort((a, b) => a.startedAt - b.startedAt || a.name.localeCompare(b.name));
  }

  /**
   * Tells the cluster who is in the group (a group in use is not overwritten by the link's offset sync). A change
   * the cluster could not hear (it was unreachable) is sent again on every poll until it can: the broker expiring
   * the sessions of consumers that went away.
   */
  private updateGroup(pod: ClientPod): void {
    const group = pod.connection?.group;
    if (!pod.cluster || !group) return;
    this.groups.add(`${pod.cluster}\u0000${group}`);
    this.syncGroup(pod.cluster, group);
  }

  private syncGroup(cluster: string, group: string): void {
    const members = this.members(cluster, group);
    const signature = members.map((m) => m.name).join(',');
    const id = `${cluster}\u0000${group}`;
    if (this.groupSignatures.get(id) === signature) return;
    try {
      this.confluent.setGroupMembers(
        cluster,
        group,
        members.map((m) => ({ consumerId: m.name, clientId: group, assignments: [] })),
      );
      this.groupSignatures.set(id, signature);
    } catch {
      // Unreachable: retried on the next poll.
    }
  }

  private pollAll(): void {
    for (const id of this.groups) {
      const [cluster, group] = id.split('\u0000');
      this.syncGroup(cluster, group);
    }
    for (const pod of this.live('consumer')) this.poll(pod);
  }

  /** One poll: refresh the subscription, take this member's share of the partitions, fetch, commit. */
  private poll(pod: ClientPod): void {
    const cluster = pod.cluster;
    const connection = pod.connection;
    if (!cluster || !connection?.group || !connection.pattern) {
      this.note(pod, pod.problem ?? 'no connection');
      return;
    }
    const group = connection.group;
    const pattern = connection.pattern;
    try {
      const partitions = this.confluent
        .topics(cluster)
        .filter((t) => pattern.test(t))
        .flatMap((topic) => this.confluent.endOffsets(cluster, topic).map((_, partition) => ({ topic, partition })));
      const members = this.members(cluster, group);
      const index = members.indexOf(pod);
      const mine = partitions.filter((_, i) => i % members.length === index);
      const keys = new Set(mine.map((p) => `${p.topic}\u0000${p.partition}`));
      for (const key of [...pod.positions.keys()]) if (!keys.has(key)) pod.positions.delete(key);
      const committed = new Map(this.confluent.committedOffsets(cluster, group).map((o) => [`${o.topic}\u0000${o.partition}`, o.offset]));
      const commits: Array<{ topic: string; partition: number; offset: number }> = [];
      for (const { topic, partition } of mine) {
        const key = `${topic}\u0000${partition}`;
        let position = pod.positions.get(key) ?? committed.get(key) ?? 0;
        let records;
        try {
          records = this.confluent.fetch(cluster, topic, partition, position, 500);
        } catch (err) {
          if (!/out of range/i.test((err as Error).message)) throw err;
          // auto.offset.reset=earliest, as the example consumers are configured.
          this.ledger.resets.push({ at: this.now(), pod: pod.name, cluster, topic, partition, from: position, to: 0 });
          position = 0;
          records = this.confluent.fetch(cluster, topic, partition, position, 500);
        }
        const at = this.now();
        for (const record of records) {
          const id = decodeRecord(record.value);
          if (id) this.ledger.deliver({ key: recordKey(id), cluster, topic, partition, offset: record.offset, at, pod: pod.name });
          position = record.offset + 1;
        }
        pod.positions.set(key, position);
        if (committed.get(key) !== position) commits.push({ topic, partition, offset: position });
      }
      if (commits.length) this.confluent.commitOffsets(cluster, group, commits);
      pod.lastError = undefined;
    } catch (err) {
      this.note(pod, (err as Error).message);
    }
  }
}
