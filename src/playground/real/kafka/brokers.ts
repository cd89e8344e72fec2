/**
 * One real Kafka cluster's topics and records for the Confluent emulator's REST topic routes (DataPlane.brokers):
 * `GET /topics`, a topic, its partitions, `POST /topics`, `DELETE /topics/{topic}` and produce are then answered by
 * the brokers, with the DR operator's key (the key those routes take). The admin and the producer connect on first
 * use; every request is bounded by kafkajs' connection and request timeouts and two retries.
 */
import { RestError, type BrokerRecord, type DataPlaneBrokers, type DataPlaneGroup } from '../../confluent/index.js';
import { kafkaConfig, type RealKafkaCluster } from './index.js';
import { waitFor } from '../kube/processes.js';
import { AssignerProtocol, Kafka, type Admin, type Producer } from './kafkajs.js';

export class RealBrokers implements DataPlaneBrokers {
  private readonly kafka: Kafka;
  private admin?: Promise<Admin>;
  private producer?: Promise<Producer>;
  private closed = false;

  constructor(readonly cluster: RealKafkaCluster) {
    this.kafka = new Kafka(
      kafkaConfig(cluster, 'operator', { clientId: `rest-${cluster.name}`, connectionTimeout: 3000, requestTimeout: 10_000, retry: { retries: 2 } }),
    );
  }

  async topics(): Promise<Array<{ name: string; partitions: number }>> {
    const { topics } = await failing('list the topics', async () => (await this.connectedAdmin()).fetchTopicMetadata());
    // Kafka's own topics (__consumer_offsets, __cluster_metadata) are not the cluster's topics on the REST API.
    return topics.filter((t) => !t.name.startsWith('__')).map((t) => ({ name: t.name, partitions: t.partitions.length }));
  }

  async createTopic(name: string, partitions: number): Promise<void> {
    await failing(`create topic '${name}'`, async () =>
      (await this.connectedAdmin()).createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true }),
    );
  }

  /** Deletes the topic, and returns once the broker's metadata no longer lists it (so a read after it agrees). */
  async deleteTopic(name: string): Promise<void> {
    await failing(`delete topic '${name}'`, async () => {
      const admin = await this.connectedAdmin();
      await admin.deleteTopics({ topics: [name], timeout: 10_000 });
      await waitFor(`topic '${name}' gone from the metadata after its deletion`, async () => !(await admin.listTopics()).includes(name), {
        timeoutMs: 10_000,
        intervalMs: 50,
      });
    });
  }

  async produce(
    topic: string,
    record: BrokerRecord,
  ): Promise<{ partition: number; offset: number; timestamp: number } | { error: string; retriable: boolean }> {
    // kafkajs takes headers as an object: values of one name go together (in order), names in first-seen order.
    const headers: Record<string, Array<Buffer | string>> = {};
    for (const h of record.headers ?? []) (headers[h.name] ??= []).push(h.value ?? (null as unknown as string));
    try {
      const [sent] = await (
        await this.connectedProducer()
      ).send({
        topic,
        acks: -1,
        messages: [{ partition: record.partition, key: record.key, value: record.value, headers, timestamp: String(record.timestamp) }],
      });
      return { partition: sent.partition, offset: Number(sent.baseOffset), timestamp: record.timestamp };
    } catch (err) {
      const e = err as Error & { retriable?: boolean };
      return { error: e.message, retriable: e.retriable === true };
    }
  }

  /** The cluster's consumer groups (see brokerGroups). */
  async groups(hide: (group: string) => boolean): Promise<DataPlaneGroup[]> {
    return brokerGroups(await this.connectedAdmin(), hide);
  }

  async endOffsets(topic: string): Promise<number[]> {
    return endsOf(await this.connectedAdmin(), topic);
  }

  async close(): Promise<void> {
    this.closed = true;
    const settle = async (client: Promise<Admin | Producer> | undefined) => {
      const connected = await client?.catch(() => undefined);
      await connected?.disconnect().catch(() => undefined);
    };
    await Promise.all([settle(this.admin), settle(this.producer)]);
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= this.connect(this.kafka.admin(), () => (this.admin = undefined));
    return this.admin;
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= this.connect(this.kafka.producer({ allowAutoTopicCreation: false, idempotent: false }), () => (this.producer = undefined));
    return this.producer;
  }

  /** Connects `client`; a failed connection is forgotten (`forget`), so that the next request tries again. */
  private async connect<T extends Admin | Producer>(client: T, forget: () => void): Promise<T> {
    if (this.closed) throw new Error(`the REST brokers of ${this.cluster.name} are closed`);
    try {
      await client.connect();
      return client;
    } catch (err) {
      forget();
      throw err;
    }
  }
}

/** Runs a broker call; its error becomes the REST API's, as kafka-rest reports one: HTTP 500, 50003 when retriable, else 50002. */
async function failing<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const e = err as Error & { retriable?: boolean };
    const retriable = e.retriable === true;
    throw new RestError(500, retriable ? 50003 : 50002, `${retriable ? 'Retriable Kafka error' : 'Kafka error'}: could not ${what}: ${e.message}`);
  }
}

/** The consumer groups of the playground's cluster links (on their source clusters): never an application's. */
export const LINK_GROUP = 'cluster-link-';

/**
 * A cluster's consumer groups as its brokers hold them: committed offsets, members with their assignments, and the
 * description kafka-rest reports (state, simple when it has no protocol type, the assignor). The links' own groups
 * and those `hide` selects are left out.
 */
export async function brokerGroups(admin: Admin, hide: (group: string) => boolean = () => false): Promise<DataPlaneGroup[]> {
  const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => !id.startsWith(LINK_GROUP) && !hide(id));
  if (ids.length === 0) return [];
  const described = new Map((await admin.describeGroups(ids)).groups.map((g) => [g.groupId, g]));
  const groups: DataPlaneGroup[] = [];
  for (const id of ids) {
    const offsets = (await admin.fetchOffsets({ groupId: id })).flatMap(({ topic, partitions }) =>
      partitions.filter((p) => Number(p.offset) >= 0).map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) })),
    );
    const description = described.get(id);
    const members = (description?.members ?? []).map((m) => {
      const assigned = m.memberAssignment?.length ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment : undefined;
      return {
        consumerId: m.memberId,
        clientId: m.clientId,
        assignments: Object.entries(assigned ?? {}).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition }))),
      };
    });
    groups.push({
      id,
      offsets,
      members,
      // Kafka's states (Stable, PreparingRebalance, …) as kafka-rest names them (STABLE, PREPARING_REBALANCE, …).
      described: description && {
        state: description.state ? description.state.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() : 'UNKNOWN',
        simple: !description.protocolType,
        assignor: description.protocol ?? '',
      },
    });
  }
  return groups;
}

/** A topic's end offsets, by partition. */
export async function endsOf(admin: Admin, topic: string): Promise<number[]> {
  return (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition).map((p) => Number(p.high));
}
