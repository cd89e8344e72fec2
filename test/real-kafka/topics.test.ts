/**
 * The emulator's topic and produce suite (test/confluent/topics-suite.ts) on real Kafka: the REST control plane is
 * the emulator's, and north's and west's topics, partitions and records are two real clusters' (the bridge's
 * `brokers`, src/playground/real/kafka/brokers.ts). Every topic a test made is deleted from the brokers after it.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { startConfluent, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { RealLinkBridge } from '../../src/playground/real/kafka/bridge.js';
import { kafkaConfig, startRealKafka, type RealKafka } from '../../src/playground/real/kafka/index.js';
import { Kafka } from '../../src/playground/real/kafka/kafkajs.js';
import { Client, FAST, bidirectional } from '../confluent/rest.js';
import { topicsSuite } from '../confluent/topics-suite.js';
import { createTopic, endOffsets, until } from './helpers.js';

let kafka: RealKafka;
let emu: ConfluentEmulator;
let bridge: RealLinkBridge;

beforeAll(async () => {
  kafka = await startRealKafka({ log: () => undefined });
}, 600_000);

afterAll(async () => {
  await kafka?.stop();
});

const operator = (cluster: string) => new Kafka(kafkaConfig(kafka.cluster(cluster), 'operator'));

/** Deletes every topic but Kafka's own from a cluster, and waits until its metadata lists none. */
async function deleteTopics(cluster: string): Promise<void> {
  const admin = operator(cluster).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 10_000 });
    await until(`no topic left on ${cluster}`, async () => ((await admin.listTopics()).every((t) => t.startsWith('__')) ? true : undefined));
  } finally {
    await admin.disconnect();
  }
}

/** A partition's records from offset 0 to its end, read with the operator key. */
async function records(cluster: string, topic: string, partition: number): Promise<Array<{ offset: number; key?: string; value: string }>> {
  const end = (await endOffsets(kafka.cluster(cluster), topic))[partition];
  if (end === 0) return [];
  const seen: Array<{ offset: number; key?: string; value: string }> = [];
  const consumer = operator(cluster).consumer({ groupId: `suite-reader-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition: p, message }) => {
        if (p !== partition) return;
        const value = message.value?.toString('utf8') ?? '';
        seen.push(
          message.key === null ? { offset: Number(message.offset), value } : { offset: Number(message.offset), key: message.key.toString('utf8'), value },
        );
      },
    });
    await until(`${end} records of ${topic}/${partition} on ${cluster}`, () => (seen.length >= end ? true : undefined));
  } finally {
    await consumer.disconnect();
  }
  return seen.sort((a, b) => a.offset - b.offset);
}

topicsSuite({
  async start() {
    emu = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], ...FAST });
    bridge = await RealLinkBridge.attach(emu, [], { brokers: kafka.clusters });
    return { emu, north: new Client(emu.info('north')), west: new Client(emu.info('west')) };
  },
  async stop() {
    await bridge.close();
    await emu.close();
    await Promise.all([deleteTopics('north'), deleteTopics('west')]);
  },
  async createTopic(cluster, topic, partitions) {
    emu.createTopic(cluster, topic, { partitions });
    await createTopic(kafka.cluster(cluster), topic, partitions);
  },
  async mirrored(topics, partitions) {
    // The link's rules are the control plane's; on the brokers, west holds each mirror topic with north's partitions,
    // as the link makes it (nothing is copied: the suite only writes to mirrors, which the control plane refuses).
    bidirectional(emu, topics, partitions);
    for (const topic of topics)
      await Promise.all([createTopic(kafka.cluster('north'), topic, partitions), createTopic(kafka.cluster('west'), topic, partitions)]);
  },
  records,
  endOffsets: (cluster, topic) => endOffsets(kafka.cluster(cluster), topic),
});
