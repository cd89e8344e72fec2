/**
 * The emulator's topic and produce suite (test/confluent/topics-suite.ts) on real Kafka: the REST control plane is
 * the emulator's, and north's and west's topics, partitions and records are two real clusters' (the bridge's
 * `brokers`, src/playground/real/kafka/brokers.ts). Every topic a test made is deleted from the brokers after it.
 */
import { startConfluent, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { RealLinkBridge } from '../../src/playground/real/kafka/bridge.js';
import { Client, FAST, bidirectional } from '../confluent/rest.js';
import { topicsSuite } from '../confluent/topics-suite.js';
import { clearCluster, createTopic, endOffsets, kafkaForFile, partitionRecords } from './helpers.js';

const kafka = kafkaForFile();
let emu: ConfluentEmulator;
let bridge: RealLinkBridge;

topicsSuite({
  async start() {
    emu = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], ...FAST });
    bridge = await RealLinkBridge.attach(emu, [], { brokers: kafka().clusters });
    return { emu, north: new Client(emu.info('north')), west: new Client(emu.info('west')) };
  },
  async stop() {
    await bridge.close();
    await emu.close();
    await Promise.all([clearCluster(kafka().cluster('north')), clearCluster(kafka().cluster('west'))]);
  },
  async createTopic(cluster, topic, partitions) {
    emu.createTopic(cluster, topic, { partitions });
    await createTopic(kafka().cluster(cluster), topic, partitions);
  },
  async mirrored(topics, partitions) {
    // The link's rules are the control plane's; on the brokers, west holds each mirror topic with north's partitions,
    // as the link makes it (nothing is copied: the suite only writes to mirrors, which the control plane refuses).
    bidirectional(emu, topics, partitions);
    for (const topic of topics)
      await Promise.all([createTopic(kafka().cluster('north'), topic, partitions), createTopic(kafka().cluster('west'), topic, partitions)]);
  },
  records: (cluster, topic, partition) => partitionRecords(kafka().cluster(cluster), topic, partition),
  endOffsets: (cluster, topic) => endOffsets(kafka().cluster(cluster), topic),
});
