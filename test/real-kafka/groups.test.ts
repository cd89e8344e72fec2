/**
 * The emulator's consumer-group suite (test/confluent/groups-suite.ts) on real Kafka: north's groups are a real
 * cluster's (the bridge's `brokers`, read every 200 ms), with a real member, real committed offsets and lags from the
 * brokers' end offsets. Each test's topic and groups are deleted from the brokers after it.
 */
import { startConfluent, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { RealLinkBridge } from '../../src/playground/real/kafka/bridge.js';
import { kafkaConfig } from '../../src/playground/real/kafka/index.js';
import { AssignerProtocol, Kafka, finalConsumer, type Consumer, type PartitionAssigner } from '../../src/playground/real/kafka/kafkajs.js';
import { Client, FAST } from '../confluent/rest.js';
import { groupsSuite } from '../confluent/groups-suite.js';
import { createTopic, kafkaForFile, until } from './helpers.js';

const kafka = kafkaForFile();
let emu: ConfluentEmulator;
let bridge: RealLinkBridge;
let member: Consumer;

const north = () => kafka().cluster('north');

/** Gives the group's first member partition 0 of `orders` and nothing else (the suite's member owns only that one). */
const partitionZero: PartitionAssigner = () => ({
  name: 'PartitionZero',
  version: 0,
  async assign({ members }) {
    return members.map((m, i) => ({
      memberId: m.memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: i === 0 ? { orders: [0] } : {}, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'PartitionZero', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
  },
});

async function produce(topic: string, count: number, partition: number): Promise<void> {
  const producer = new Kafka(kafkaConfig(north(), 'app')).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ partition, value: `r${i}` })) });
  } finally {
    await producer.disconnect();
  }
}

groupsSuite({
  async start() {
    emu = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], ...FAST });
    emu.createTopic('north', 'orders', { partitions: 3 });
    await createTopic(north(), 'orders', 3);
    await produce('orders', 10, 0);
    await produce('orders', 4, 1);
    // kafkajs' setOffsets commits through a member of its own, which joins the group and leaves: `idle` is then an EMPTY
    // classic group; `billing` gets its own member below.
    const admin = new Kafka(kafkaConfig(north(), 'operator')).admin();
    await admin.connect();
    try {
      await admin.setOffsets({
        groupId: 'billing',
        topic: 'orders',
        partitions: [
          { partition: 0, offset: '2' },
          { partition: 1, offset: '4' },
        ],
      });
      await admin.setOffsets({ groupId: 'idle', topic: 'orders', partitions: [{ partition: 2, offset: '0' }] });
    } finally {
      await admin.disconnect();
    }
    // The member reads nothing it would commit (autoCommit off): the committed offsets stay as set.
    member = finalConsumer(new Kafka(kafkaConfig(north(), 'app', { clientId: 'billing-app' })), {
      groupId: 'billing',
      partitionAssigners: [partitionZero],
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    });
    await member.connect();
    await member.subscribe({ topics: ['orders'] });
    await member.run({ autoCommit: false, eachMessage: async () => undefined });
    bridge = await RealLinkBridge.attach(emu, [], { brokers: kafka().clusters, groupsEveryMs: 200 });
    const client = new Client(emu.info('north'));
    const memberId = await until('the REST API to show billing STABLE with its member, and idle', async () => {
      const groups = (await client.get('/consumer-groups')).json.data as Array<{ consumer_group_id: string; state: string }>;
      if (groups.find((g) => g.consumer_group_id === 'billing')?.state !== 'STABLE' || !groups.some((g) => g.consumer_group_id === 'idle')) return undefined;
      const consumers = (await client.get('/consumer-groups/billing/consumers')).json.data as Array<{ consumer_id: string }>;
      return consumers.length === 1 ? consumers[0].consumer_id : undefined;
    });
    return { north: client, memberId };
  },
  async stop() {
    await member.disconnect();
    await bridge.close();
    await emu.close();
    const admin = new Kafka(kafkaConfig(north(), 'operator')).admin();
    await admin.connect();
    try {
      await admin.deleteGroups(['billing', 'idle']);
      await admin.deleteTopics({ topics: ['orders'], timeout: 10_000 });
      await until('orders deleted', async () => (!(await admin.listTopics()).includes('orders') ? true : undefined));
    } finally {
      await admin.disconnect();
    }
  },
  produce: (_cluster, topic, count, partition) => produce(topic, count, partition),
});
