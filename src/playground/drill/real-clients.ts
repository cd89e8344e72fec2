/**
 * Real Kafka clients for the drill's pods (`--kafka real`): each producer or consumer pod the Kubernetes side starts
 * gets a kafkajs client that reads the configuration the pod mounted when it started (a rolled pod reads the new
 * one, as seed 000's Java clients do), connects with SASL/PLAIN to the real cluster its bootstrap server names, and
 * runs until the pod is deleted. The bootstrap names in the ConfigMaps are the clusters' public names
 * (`north.kafka.local:9092`); `resolve` is the pod network's DNS, giving the real cluster behind a name (its proxy
 * in front of the broker, which an outage switches to refusing).
 * - Producers sit behind a service: `users` concurrent users send numbered records to the ready producer pods, each
 *   waiting for the broker's acknowledgement (acks=all); a send that fails (cluster unreachable, Kafka refusing a
 *   write to a read-only mirror) is an error, retried after `retryBackoffMs`, never an acknowledgement.
 * - Consumers subscribe by pattern in their group, start from the group's committed offsets (else earliest) and
 *   commit as they go; what they are delivered is booked as the broker gave it.
 */
import type { MountedConfig } from '../kube/index.js';
import { kafkaConfig, type RealKafkaCluster } from '../real/kafka/index.js';
import { Kafka, finalConsumer, type Consumer, type Producer } from '../real/kafka/kafkajs.js';
import { FleetBase, type ClientPod } from './clients.js';
import type { ClientConnection } from './client-config.js';
import type { DrillKube } from './kube.js';
import { decodeRecord, encodeRecord, recordKey, type Ledger } from './ledger.js';
import type { Timing } from './options.js';

/** A pod's real client. */
interface Client {
  producer?: Producer;
  consumer?: Consumer;
  /** Resolves when the client connected (or failed to). */
  connecting: Promise<void>;
}

/** How long a closing client may take to leave (a client of an unreachable cluster cannot say goodbye). */
const DISCONNECT_MS = 5000;

export class RealClientFleet extends FleetBase {
  private readonly clients = new Map<ClientPod, Client>();

  constructor(
    kube: Pick<DrillKube, 'onPod' | 'get'>,
    ledger: Ledger,
    timing: Pick<Timing, 'users' | 'userIntervalMs' | 'retryBackoffMs'>,
    /** The real cluster a bootstrap server (`host:port`) names, and the cluster's name; undefined when none. */
    private readonly resolve: (bootstrap: string) => { name: string; cluster: RealKafkaCluster } | undefined,
  ) {
    super(kube, ledger, timing);
  }

  async stopTraffic(): Promise<void> {
    await this.stopUsers();
  }

  pollNow(): void {
    // Real consumers fetch continuously: nothing to nudge.
  }

  async close(): Promise<void> {
    await this.stopTraffic();
    this.detach();
    await Promise.all([...this.clients.keys()].map((pod) => this.disconnect(pod)));
  }

  protected onPod(event: 'started' | 'ready' | 'deleted', ref: { namespace: string; name: string; owner: string }, mounted: MountedConfig): void {
    if (event === 'started') {
      const pod = this.started(ref, mounted);
      if (pod?.connection) this.connect(pod, pod.connection);
      return;
    }
    const pod = this.podOf(ref);
    if (!pod) return;
    if (event === 'ready') pod.readyAt = this.now();
    else {
      pod.deletedAt = this.now();
      void this.disconnect(pod);
    }
  }

  /** Connects the pod's client to the cluster its configuration names; `pod.cluster` is set once connected. */
  private connect(pod: ClientPod, connection: ClientConnection): void {
    const target = this.resolve(connection.bootstrap);
    if (!target) {
      pod.problem = `bootstrap server '${connection.bootstrap}' does not resolve to a cluster of the playground`;
      return;
    }
    const kafka = new Kafka({
      ...kafkaConfig(target.cluster, 'app', { clientId: pod.name }),
      // The pod's own credentials, as configured: a wrong key fails SASL on the broker, as it would on Confluent Cloud.
      sasl: { mechanism: 'plain', username: connection.username, password: connection.password },
      connectionTimeout: 3000,
      requestTimeout: 5000,
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    const client: Client = { connecting: Promise.resolve() };
    this.clients.set(pod, client);
    client.connecting = (async () => {
      try {
        if (connection.role === 'producer') {
          // No retries inside the client: the user retries a failed send after retryBackoffMs, never counted as acked.
          client.producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
          await client.producer.connect();
        } else {
          const consumer = finalConsumer(kafka, {
            groupId: connection.group!,
            sessionTimeout: 10_000,
            heartbeatInterval: 1000,
            rebalanceTimeout: 10_000,
            // A deleted pod's process is gone: its client must not come back (kafkajs restarts a crashed consumer,
            // which would rejoin the group once an unreachable cluster is back, and consume for a pod that is no more).
            retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2000, restartOnFailure: async () => pod.deletedAt === undefined },
          });
          client.consumer = consumer;
          await consumer.connect();
          await consumer.subscribe({ topics: [connection.pattern!], fromBeginning: true });
          await consumer.run({
            eachMessage: async ({ topic, partition, message }) => {
              // Never booked for a deleted pod; the error stops its consumer for good (no restart, see above).
              if (pod.deletedAt !== undefined) throw new Error(`pod ${pod.name} was deleted`);
              const id = decodeRecord(message.value?.toString('utf8') ?? '');
              if (id)
                this.ledger.deliver({
                  key: recordKey(id),
                  cluster: target.name,
                  topic,
                  partition,
                  offset: Number(message.offset),
                  at: Date.now(),
                  pod: pod.name,
                });
            },
          });
          consumer.on(consumer.events.CRASH, (e) => this.note(pod, `consumer crashed: ${(e.payload as { error?: Error }).error?.message ?? 'unknown error'}`));
        }
        if (pod.deletedAt === undefined) pod.cluster = target.name;
      } catch (err) {
        pod.problem = `${connection.role} could not connect to ${target.name}: ${(err as Error).message}`;
        this.note(pod, pod.problem);
      }
    })();
  }

  private async disconnect(pod: ClientPod): Promise<void> {
    const client = this.clients.get(pod);
    if (!client) return;
    this.clients.delete(pod);
    await client.connecting;
    const leaving = Promise.all([client.producer?.disconnect(), client.consumer?.disconnect()]).catch(() => undefined);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, DISCONNECT_MS);
      void leaving.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** One attempt to send a record through a ready producer pod: true when the broker acknowledged it. */
  protected async send(id: { user: number; seq: number }): Promise<boolean> {
    const pod = this.pickProducer();
    if (!pod) return false;
    const producer = this.clients.get(pod)?.producer;
    if (!pod.cluster || !pod.connection?.topic || !producer) {
      this.note(pod, pod.problem ?? 'not connected');
      return false;
    }
    const cluster = pod.cluster;
    const topic = pod.connection.topic;
    try {
      const [placed] = await producer.send({ topic, acks: -1, timeout: 5000, messages: [{ key: `user-${id.user}`, value: encodeRecord(id) }] });
      this.ledger.ack({ key: recordKey(id), cluster, topic, partition: placed.partition, offset: Number(placed.baseOffset), at: Date.now(), pod: pod.name });
      pod.lastError = undefined;
      return true;
    } catch (err) {
      this.note(pod, (err as Error).message);
      return false;
    }
  }
}
