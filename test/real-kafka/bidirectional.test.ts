/**
 * Seed 001's active-passive failback on real Kafka: a bidirectional link (both sides bridged under the Confluent
 * emulator, src/playground/real/kafka/bridge.ts), driven by the bundled ccloud-mirror as the runner runs it. After an
 * unplanned failover on west, truncate-and-restore on north drops the records west never received (counted from the
 * real offsets) and makes north's topic a read-only mirror of west; reverse-and-start-mirror on north then makes it
 * writable again, with every record of west's copied, and west's topic a read-only mirror of north.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRealKafka, kafkaConfig, type RealKafka, type RealKafkaCluster } from '../../src/playground/real/kafka/index.js';
import { RealClusterLink } from '../../src/playground/real/kafka/link.js';
import { RealLinkBridge } from '../../src/playground/real/kafka/bridge.js';
import { Kafka } from '../../src/playground/real/kafka/kafkajs.js';
import { startConfluent, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { findLeaks, runAction } from '../helpers/run-action.js';
import { createTopic, endOffsets, kafkaError, partitionRecords, until } from './helpers.js';

let kafka: RealKafka;
let north: RealKafkaCluster;
let west: RealKafkaCluster;
let emu: ConfluentEmulator;
let toWest: RealClusterLink;
let toNorth: RealClusterLink;
let bridge: RealLinkBridge;

/** Sends `values` to one partition with the application key; resolves to the offsets Kafka acknowledged. */
async function produce(cluster: RealKafkaCluster, topic: string, values: string[], partition: number): Promise<string[]> {
  const producer = new Kafka(kafkaConfig(cluster, 'app', { retry: { retries: 1 } })).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const sent = await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value, partition })) });
    return sent.map((r) => r.baseOffset ?? '');
  } finally {
    await producer.disconnect();
  }
}

/** Every record value of a topic's partition, in offset order, read with the operator key. */
const values = async (cluster: RealKafkaCluster, topic: string, partition: number) => (await partitionRecords(cluster, topic, partition)).map((r) => r.value);

beforeAll(async () => {
  kafka = await startRealKafka({ log: () => undefined });
  north = kafka.cluster('north');
  west = kafka.cluster('west');
  await createTopic(north, 'orders', 2);
  await produce(north, 'orders', ['n0', 'n1'], 0);
  // north -> west copies at once until the test holds it back; west -> north carries nothing until a restore.
  toWest = await RealClusterLink.start({ name: 'dr-link', source: north, destination: west });
  toNorth = await RealClusterLink.start({ name: 'dr-link', source: west, destination: north });
  await toWest.mirror('orders');
  await until('the 2 records copied to west', async () => ((await endOffsets(west, 'orders'))[0] === 2 ? true : undefined));
  emu = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], transitionMs: 50, replicationDelayMs: 3_600_000 });
  emu.createTopic('north', 'orders', { partitions: 2 });
  emu.createLink('north', 'dr-link', { remote: 'west', mode: 'BIDIRECTIONAL' });
  emu.createLink('west', 'dr-link', { remote: 'north', mode: 'BIDIRECTIONAL' });
  emu.createMirror('west', 'dr-link', 'orders');
  bridge = await RealLinkBridge.attach(
    emu,
    [
      { cluster: 'west', link: 'dr-link', real: toWest, reverse: toNorth },
      { cluster: 'north', link: 'dr-link', real: toNorth, reverse: toWest },
    ],
    { refreshMs: 100 },
  );
}, 600_000);

afterAll(async () => {
  await bridge?.close();
  await toWest?.close();
  await toNorth?.close();
  await emu?.close();
  await kafka?.stop();
});

function inputs(cluster: 'north' | 'west', operation: string): Record<string, string> {
  const c = emu.info(cluster);
  return {
    'rest-endpoint': c.restEndpoint,
    'cluster-id': c.id,
    'api-key': c.apiKey,
    'api-secret': c.apiSecret,
    'link-name': 'dr-link',
    operation,
    'mirror-topics': 'orders',
    'poll-interval': '100ms',
    timeout: '90s',
  };
}

describe('ccloud-mirror fails back over a bidirectional link with real Kafka under both sides', () => {
  it('failover on west, truncate-and-restore on north (the real records west never got are dropped and counted), then reverse-and-start-mirror on north', async () => {
    // west fails over at north's 2 records; north, still the source for its own clients, then takes 3 more that
    // west never gets, and west takes 2 of its own.
    const failover = await runAction('ccloud-mirror', { inputs: inputs('west', 'failover') });
    expect(failover.code).toBe(0);
    expect(toWest.status('orders')).toBe('STOPPED');
    expect(toWest.stoppedOffsets('orders')).toEqual([2, 0]);
    expect(await produce(west, 'orders', ['w2', 'w3'], 0)).toEqual(['2']);
    expect(await produce(north, 'orders', ['lost-2', 'lost-3', 'lost-4'], 0)).toEqual(['2']);
    await until('the bridge measures north at 5', () => (bridge.endOffsets('north', 'orders')?.[0] === 5 ? true : undefined));

    const restore = await runAction('ccloud-mirror', { inputs: inputs('north', 'truncate-and-restore') });
    expect(restore.code).toBe(0);
    expect(restore.outputs['messages-truncated']).toBe('3');
    const restored = JSON.parse(restore.outputs.result) as { topics: Array<{ topic: string; after: string; outcome: string }> };
    expect(restored.topics.map((t) => [t.topic, t.after, t.outcome])).toEqual([['orders', 'ACTIVE', 'changed']]);
    // north's topic holds exactly west's records at west's offsets, and is a read-only mirror for applications.
    await until("west's 4 records on north", async () => ((await endOffsets(north, 'orders'))[0] === 4 ? true : undefined));
    expect(await values(north, 'orders', 0)).toEqual(['n0', 'n1', 'w2', 'w3']);
    expect(kafkaError(await produce(north, 'orders', ['too-early'], 0).catch((e: unknown) => e)).type).toBe('TOPIC_AUTHORIZATION_FAILED');

    // The failback: north's mirror syncs every record and stops (writable), west's topic mirrors north again.
    await produce(west, 'orders', ['w4'], 0);
    const reverse = await runAction('ccloud-mirror', { inputs: inputs('north', 'reverse-and-start-mirror') });
    expect(reverse.code).toBe(0);
    const reversed = JSON.parse(reverse.outputs.result) as { topics: Array<{ topic: string; after: string; outcome: string }> };
    expect(reversed.topics.map((t) => [t.topic, t.after, t.outcome])).toEqual([['orders', 'STOPPED', 'changed']]);
    expect(await endOffsets(north, 'orders')).toEqual([5, 0]);
    expect(await produce(north, 'orders', ['n5'], 0)).toEqual(['5']);
    expect(kafkaError(await produce(west, 'orders', ['stale-writer'], 0).catch((e: unknown) => e)).type).toBe('TOPIC_AUTHORIZATION_FAILED');
    await until("north's new record copied to west", async () => ((await endOffsets(west, 'orders'))[0] === 6 ? true : undefined));
    expect(await values(west, 'orders', 0)).toEqual(['n0', 'n1', 'w2', 'w3', 'w4', 'n5']);
    expect(emu.mirrorState('west', 'dr-link', 'orders')?.status).toBe('ACTIVE');
    for (const run of [failover, restore, reverse]) expect(findLeaks(run.everything, [emu.info('west').apiSecret, emu.info('north').apiSecret])).toEqual([]);
  }, 300_000);
});
