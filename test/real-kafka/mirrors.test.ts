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
import { clearCluster, createTopic, endOffsets, kafkaForFile, partitionRecords, until } from './helpers.js';

const kafka = kafkaForFile();
let emu: ConfluentEmulator;
let clock: ManualClock;
let toWest: RealClusterLink;
let toNorth: RealClusterLink;
let bridge: RealLinkBridge;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

mirrorsSuite({
  async start() {
    clock = new ManualClock();
    emu = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], ...FAST, clock });
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
    return { emu, clock, north: new Client(emu.info('north')), west: new Client(emu.info('west')) };
  },
  async stop() {
    await bridge.close();
    await Promise.all([toWest.close(), toNorth.close()]);
    await emu.close();
    await Promise.all([clearCluster(kafka().cluster('north')), clearCluster(kafka().cluster('west'))]);
  },
  async setup(topics, partitions, mirrors) {
    for (const t of topics) {
      emu.createTopic('north', t, { partitions });
      await createTopic(kafka().cluster('north'), t, partitions);
    }
    emu.createLink('north', 'dr', { remote: 'west', mode: 'BIDIRECTIONAL' });
    emu.createLink('west', 'dr', { remote: 'north', mode: 'BIDIRECTIONAL' });
    if (mirrors)
      for (const t of topics) {
        emu.createMirror('west', 'dr', t);
        await toWest.mirror(t);
      }
  },
  async produce(cluster, topic, values, partition) {
    const producer = new Kafka(kafkaConfig(kafka().cluster(cluster), 'app', { retry: { retries: 1 } })).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value, partition })) });
    } finally {
      await producer.disconnect();
    }
  },
  endOffsets: (cluster, topic) => endOffsets(kafka().cluster(cluster), topic),
  values: async (cluster, topic, partition) => (await partitionRecords(kafka().cluster(cluster), topic, partition)).map((r) => r.value),
  async replicated() {
    for (const link of [toWest, toNorth])
      for (const topic of link.topics().filter((t) => link.status(t) === 'ACTIVE'))
        await until(`${topic} copied to ${link.clusters.destination}`, async () => {
          const [source, destination] = await Promise.all([link.endOffsets('source', topic), link.endOffsets('destination', topic)]);
          return source.every((end, p) => end === destination[p]) ? true : undefined;
        });
    await bridge.afterRound();
  },
  measured: () => bridge.afterRound(),
  async hold() {
    toWest.delayMs = toNorth.delayMs = 600_000;
  },
  async release() {
    toWest.delayMs = toNorth.delayMs = 0;
  },
  async elapse(ms) {
    clock.advance(ms);
    await sleep(ms);
  },
  pace: async () => void (await sleep(25)),
  maxSteps: Number.POSITIVE_INFINITY,
});
