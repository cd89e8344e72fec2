/**
 * The emulator's mirror verb suite (test/confluent/mirrors-suite.ts) with real Kafka under the link: the REST control
 * plane is the emulator's, on a clock the tests move; north's and west's topics and records, the copying, the
 * read-only mirrors (Kafka ACLs) and the lags are two real clusters', joined both ways by real links under the
 * bidirectional link `dr` (src/playground/real/kafka/bridge.ts). Each test starts from empty clusters.
 */
import { startConfluent, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { RealLinkBridge } from '../../src/playground/real/kafka/bridge.js';
import { kafkaConfig } from '../../src/playground/real/kafka/index.js';
import { Kafka } from '../../src/playground/real/kafka/kafkajs.js';
import { RealClusterLink } from '../../src/playground/real/kafka/link.js';
import { Client, FAST, ManualClock } from '../confluent/rest.js';
import { mirrorsSuite } from '../confluent/mirrors-suite.js';
import { clearCluster, commitOffset, createTopic, endOffsets, kafkaForFile, partitionRecords, until } from './helpers.js';

const kafka = kafkaForFile();
let emu: ConfluentEmulator;
let clock: ManualClock;
let toWest: RealClusterLink | undefined;
let toNorth: RealClusterLink | undefined;
let bridge: RealLinkBridge | undefined;
/** The links, once a test's setup has made them. */
const links = () => {
  if (!toWest || !toNorth || !bridge) throw new Error('setup() makes the real links and their bridge');
  return { toWest, toNorth, bridge };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

mirrorsSuite({
  async start() {
    clock = new ManualClock();
    emu = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], ...FAST, clock });
    return { emu, clock, north: new Client(emu.info('north')), west: new Client(emu.info('west')) };
  },
  async stop() {
    await bridge?.close();
    await Promise.all([toWest?.close(), toNorth?.close()]);
    toWest = toNorth = bridge = undefined;
    await Promise.all([kafka().cluster('north').proxy?.setMode('forward'), emu.close()]);
    await Promise.all([clearCluster(kafka().cluster('north')), clearCluster(kafka().cluster('west'))]);
  },
  async setup(topics, partitions, mirrors) {
    for (const t of topics) {
      emu.createTopic('north', t, { partitions });
      await createTopic(kafka().cluster('north'), t, partitions);
    }
    emu.createLink('north', 'dr', { remote: 'west', mode: 'BIDIRECTIONAL' });
    emu.createLink('west', 'dr', { remote: 'north', mode: 'BIDIRECTIONAL' });
    // Neither real link syncs offsets of its own: the bridge turns it on as the REST link's configs say.
    [toWest, toNorth] = await Promise.all([
      RealClusterLink.start({ name: 'dr', source: kafka().cluster('north'), destination: kafka().cluster('west') }),
      RealClusterLink.start({ name: 'dr', source: kafka().cluster('west'), destination: kafka().cluster('north') }),
    ]);
    bridge = await RealLinkBridge.attach(
      emu,
      [
        { cluster: 'west', link: 'dr', real: toWest, reverse: toNorth },
        { cluster: 'north', link: 'dr', real: toNorth, reverse: toWest },
      ],
      { refreshMs: 100, brokers: kafka().clusters },
    );
    if (mirrors)
      for (const t of topics) {
        emu.createMirror('west', 'dr', t);
        await toWest.mirror(t);
      }
  },
  async produce(cluster, topic, values, partition, key) {
    const producer = new Kafka(kafkaConfig(kafka().cluster(cluster), 'app', { retry: { retries: 1 } })).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key, value, partition })) });
    } finally {
      await producer.disconnect();
    }
  },
  endOffsets: (cluster, topic) => endOffsets(kafka().cluster(cluster), topic),
  records: async (cluster, topic, partition) =>
    (await partitionRecords(kafka().cluster(cluster), topic, partition)).map((r) =>
      r.key === undefined ? { value: r.value } : { key: r.key, value: r.value },
    ),
  commit: (cluster, group, topic, partition, offset) => commitOffset(kafka().cluster(cluster), group, topic, partition, offset),
  async committed(cluster, group) {
    const admin = new Kafka(kafkaConfig(kafka().cluster(cluster), 'operator')).admin();
    await admin.connect();
    try {
      const topics = await admin.fetchOffsets({ groupId: group });
      return topics.flatMap(({ topic, partitions }) =>
        partitions.filter((p) => Number(p.offset) >= 0).map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) })),
      );
    } finally {
      await admin.disconnect();
    }
  },
  async outage(cluster, down) {
    // Seed 001's outage: the cluster's proxy refuses every connection (clients' and the link's), and its REST API is gone.
    await Promise.all([
      kafka()
        .cluster(cluster)
        .proxy!.setMode(down ? 'refuse' : 'forward'),
      emu.setFault(cluster, down ? { kind: 'unreachable' } : null),
    ]);
  },
  async replicated() {
    const { toWest, toNorth, bridge } = links();
    for (const link of [toWest, toNorth])
      for (const topic of link.topics().filter((t) => link.status(t) === 'ACTIVE'))
        await until(
          `${topic} copied to ${link.clusters.destination}`,
          async () => {
            const [source, destination] = await Promise.all([link.endOffsets('source', topic), link.endOffsets('destination', topic)]);
            return source.every((end, p) => end === destination[p]) ? true : undefined;
          },
          60_000,
        );
    await bridge.afterRound();
  },
  measured: () => links().bridge.afterRound(),
  async hold() {
    links().toWest.delayMs = links().toNorth.delayMs = 600_000;
  },
  async release() {
    links().toWest.delayMs = links().toNorth.delayMs = 0;
  },
  async elapse(ms) {
    clock.advance(ms);
    await sleep(ms);
  },
  pace: async () => void (await sleep(25)),
  maxSteps: Number.POSITIVE_INFINITY,
});
