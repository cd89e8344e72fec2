/**
 * The bundled ccloud-mirror, run as the runner runs it, against the Confluent emulator's REST control plane with two
 * real Kafka clusters under its link (src/playground/real/kafka/bridge.ts): the lags it reports are the real end
 * offsets', and after its failover the real topic takes writes that Kafka refused before.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRealKafka, kafkaConfig, type RealKafka, type RealKafkaCluster } from '../../src/playground/real/kafka/index.js';
import { RealClusterLink } from '../../src/playground/real/kafka/link.js';
import { RealLinkBridge } from '../../src/playground/real/kafka/bridge.js';
import { Kafka } from '../../src/playground/real/kafka/kafkajs.js';
import { startConfluent, type ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { findLeaks, runAction } from '../helpers/run-action.js';
import { commitOffset, createTopic, endOffsets, kafkaError, until } from './helpers.js';

let kafka: RealKafka;
let north: RealKafkaCluster;
let west: RealKafkaCluster;
let emu: ConfluentEmulator;
let real: RealClusterLink;
let bridge: RealLinkBridge;

const client = (cluster: RealKafkaCluster, user: 'operator' | 'app') => new Kafka(kafkaConfig(cluster, user, { retry: { retries: 1 } }));

async function produce(cluster: RealKafkaCluster, topic: string, values: string[], partition: number): Promise<Array<{ partition: number; offset: string }>> {
  const producer = client(cluster, 'app').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const sent = await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value, partition })) });
    return sent.map((r) => ({ partition: r.partition, offset: r.baseOffset ?? '' }));
  } finally {
    await producer.disconnect();
  }
}

const ends = endOffsets;

beforeAll(async () => {
  kafka = await startRealKafka({ log: () => undefined });
  north = kafka.cluster('north');
  west = kafka.cluster('west');
  await createTopic(north, 'payments', 2);
  // The link copies nothing within the test (60 s delay): the 3 records produced below stay behind, as lag.
  real = await RealClusterLink.start({ name: 'dr', source: north, destination: west, delayMs: 60_000 });
  await real.mirror('payments');
  // The emulator's own model copies nothing either: only the real data plane could explain a lag it reports.
  emu = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], transitionMs: 50, replicationDelayMs: 3_600_000 });
  emu.createTopic('north', 'payments', { partitions: 2 });
  emu.createLink('west', 'dr', { remote: 'north' });
  emu.createMirror('west', 'dr', 'payments');
  bridge = await RealLinkBridge.attach(emu, [{ cluster: 'west', link: 'dr', real }], { refreshMs: 100 });
}, 600_000);

afterAll(async () => {
  await bridge?.close();
  await real?.close();
  await emu?.close();
  await kafka?.stop();
});

/** ccloud-mirror's inputs against west of `on` (default: the suite's emulator, link dr, topic payments). */
function inputs(operation: string, on: { emulator?: ConfluentEmulator; link?: string; topics?: string } = {}): Record<string, string> {
  const w = (on.emulator ?? emu).info('west');
  return {
    'rest-endpoint': w.restEndpoint,
    'cluster-id': w.id,
    'api-key': w.apiKey,
    'api-secret': w.apiSecret,
    'link-name': on.link ?? 'dr',
    operation,
    'mirror-topics': on.topics ?? 'payments',
    'poll-interval': '100ms',
    timeout: '60s',
  };
}

/** A REST call to `cluster` of `emulator` with the DR operator's key: the status and the JSON answer. */
async function rest(emulator: ConfluentEmulator, cluster: string, method: string, path: string, body?: unknown) {
  const i = emulator.info(cluster);
  const res = await fetch(`${i.restEndpoint}/kafka/v3/clusters/${i.id}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${i.apiKey}:${i.apiSecret}`).toString('base64')}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as Record<string, unknown> & { data: Array<Record<string, unknown>> } };
}

describe('ccloud-mirror over the emulator with real Kafka under the link', () => {
  it('reports the lag of records real Kafka has not copied, fails over, and the real topic then takes the writes Kafka refused before', async () => {
    await produce(north, 'payments', ['a', 'b', 'c'], 1);
    await until('the bridge measures the lag', () => (emu.mirrorState('west', 'dr', 'payments')?.lags[1]?.lag === 3 ? true : undefined));

    const status = await runAction('ccloud-mirror', { inputs: inputs('status') });
    expect(status.code).toBe(0);
    expect([status.outputs['total-lag'], status.outputs['max-lag']]).toEqual(['3', '3']);

    // Read-only for applications while it mirrors: Kafka's own authorization error.
    const refused = await produce(west, 'payments', ['too-early'], 1).catch((e: unknown) => e);
    expect(kafkaError(refused).type).toBe('TOPIC_AUTHORIZATION_FAILED');

    const failover = await runAction('ccloud-mirror', { inputs: inputs('failover') });
    expect(failover.code).toBe(0);
    const result = JSON.parse(failover.outputs.result) as { topics: Array<{ topic: string; after: string; outcome: string; totalLag: number }> };
    expect(result.topics.map((t) => [t.topic, t.after, t.outcome, t.totalLag])).toEqual([['payments', 'STOPPED', 'changed', 3]]);
    expect(failover.outputs['total-lag']).toBe('3');
    expect(real.status('payments')).toBe('STOPPED');
    expect(findLeaks(failover.everything, [emu.info('west').apiSecret])).toEqual([]);

    // Writable now; the 3 records never copied are what the failover lost (north holds them, west does not).
    expect(await produce(west, 'payments', ['after'], 1)).toEqual([{ partition: 1, offset: '0' }]);
    expect(await ends(west, 'payments')).toEqual([0, 1]);
    expect(await ends(north, 'payments')).toEqual([0, 3]);
  }, 180_000);

  it('promotes: every record the source holds is copied before the mirror stops, with nothing lost, and the real topic is writable after', async () => {
    await createTopic(north, 'ledger', 1);
    await real.mirror('ledger');
    emu.createTopic('north', 'ledger', { partitions: 1 });
    emu.createMirror('west', 'dr', 'ledger');
    await produce(north, 'ledger', ['a', 'b'], 0);
    await until('the bridge measures the lag', () => (emu.mirrorState('west', 'dr', 'ledger')?.lags[0]?.lag === 2 ? true : undefined));

    const promote = await runAction('ccloud-mirror', { inputs: { ...inputs('promote'), 'mirror-topics': 'ledger' } });
    expect(promote.code).toBe(0);
    const result = JSON.parse(promote.outputs.result) as { topics: Array<{ topic: string; after: string; outcome: string }> };
    expect(result.topics.map((t) => [t.topic, t.after, t.outcome])).toEqual([['ledger', 'STOPPED', 'changed']]);
    expect(real.status('ledger')).toBe('STOPPED');
    // Both records crossed before the stop (the 60 s delay was not waited out): west holds what north holds.
    expect(await ends(west, 'ledger')).toEqual([2]);
    expect(await produce(west, 'ledger', ['after'], 0)).toEqual([{ partition: 0, offset: '2' }]);
  }, 180_000);

  it('bridges a prefixed link (active-active): the mirror is north-<topic> on west, copied whole, status reports its real lag (0), and synced group offsets land on the prefixed name', async () => {
    await createTopic(north, 'orders', 1);
    await produce(north, 'orders', ['a', 'b', 'c', 'd'], 0);
    const prefixed = await RealClusterLink.start({
      name: 'north-to-west',
      source: north,
      destination: west,
      prefix: 'north-',
    });
    // A second emulator (one data plane each), whose own model would report a lag of 5: only the real one says 0.
    const emu2 = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], transitionMs: 50, replicationDelayMs: 3_600_000 });
    try {
      expect(await prefixed.mirror('orders')).toBe('north-orders');
      emu2.createTopic('north', 'orders', { partitions: 1 });
      // Offset sync as the REST link is configured (the bridge turns the real link's on): the one group, and once an
      // hour, so only the test's own round below syncs.
      emu2.createLink('west', 'north-to-west', {
        remote: 'north',
        prefix: 'north-',
        configs: {
          'consumer.offset.sync.enable': 'true',
          'consumer.offset.sync.ms': '3600000',
          'consumer.offset.group.filters': JSON.stringify({ groupFilters: [{ name: 'orders-app', patternType: 'LITERAL', filterType: 'INCLUDE' }] }),
        },
      });
      emu2.createMirror('west', 'north-to-west', 'orders', 'north-orders');
      emu2.produce('north', 'orders', [{ value: '1' }, { value: '2' }, { value: '3' }, { value: '4' }, { value: '5' }], 0);
      const second = await RealLinkBridge.attach(emu2, [{ cluster: 'west', link: 'north-to-west', real: prefixed }], { refreshMs: 100 });
      try {
        await until('4 records copied to north-orders', async () => ((await ends(west, 'north-orders'))[0] === 4 ? true : undefined));
        await commitOffset(north, 'orders-app', 'orders', 0, 3);
        await prefixed.syncOffsets();
        expect(prefixed.lastSync).toEqual({ groups: ['orders-app'] });
        const wadmin = client(west, 'operator').admin();
        await wadmin.connect();
        const [synced] = await wadmin.fetchOffsets({ groupId: 'orders-app', topics: ['north-orders'] });
        await wadmin.disconnect();
        expect(synced.partitions.map((p) => [p.partition, p.offset])).toEqual([[0, '3']]);

        const status = await runAction('ccloud-mirror', {
          inputs: inputs('status', { emulator: emu2, link: 'north-to-west', topics: 'north-orders' }),
        });
        expect(status.code).toBe(0);
        const result = JSON.parse(status.outputs.result) as { topics: Array<{ topic: string; source: string; after: string; totalLag: number }> };
        expect(result.topics.map((t) => [t.topic, t.source, t.after, t.totalLag])).toEqual([['north-orders', 'orders', 'ACTIVE', 0]]);
      } finally {
        await second.close();
      }
    } finally {
      await prefixed.close();
      await emu2.close();
    }
  }, 180_000);

  it('a verb the real links cannot carry out (a reverse with only this side of the bidirectional link bridged) fails with the reason as the topic transition error, and leaves the real mirror copying', async () => {
    await createTopic(north, 'refunds', 1);
    const oneWay = await RealClusterLink.start({ name: 'bi', source: north, destination: west });
    // A second emulator (one data plane each) with a bidirectional link whose north side has no real link under it.
    const emu2 = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], transitionMs: 50, replicationDelayMs: 3_600_000 });
    try {
      await oneWay.mirror('refunds');
      emu2.createTopic('north', 'refunds', { partitions: 1 });
      emu2.createLink('north', 'bi', { remote: 'west', mode: 'BIDIRECTIONAL' });
      emu2.createLink('west', 'bi', { remote: 'north', mode: 'BIDIRECTIONAL' });
      emu2.createMirror('west', 'bi', 'refunds');
      const second = await RealLinkBridge.attach(emu2, [{ cluster: 'west', link: 'bi', real: oneWay }], { refreshMs: 100 });
      try {
        const sent = await rest(emu2, 'west', 'POST', '/links/bi/mirrors:reverse-and-start-mirror', { mirror_topic_names: ['refunds'] });
        expect([sent.status, sent.json.data[0].error_code]).toEqual([200, null]);
        // The REST state must not claim what the brokers did not do: the change fails back to ACTIVE, saying why.
        const mirror = await until('the reverse refused', async () => {
          const got = await rest(emu2, 'west', 'GET', '/links/bi/mirrors/refunds?include_state_transition_errors=true');
          return (got.json.mirror_state_transition_errors as unknown[]).length ? got.json : undefined;
        });
        expect(mirror.mirror_status).toBe('ACTIVE');
        expect(mirror.mirror_state_transition_errors).toEqual([
          {
            error_code: 'INTERNAL_ERROR',
            error_message:
              "reverse-and-start-mirror of 'refunds' is not available on the playground's real-Kafka data plane here: the link's other side is not bridged (reverse verbs and truncate-and-restore need a bidirectional link bridged on both clusters).",
          },
        ]);
        expect(oneWay.status('refunds')).toBe('ACTIVE');
        await produce(north, 'refunds', ['still copied'], 0);
        await until('the record copied to west', async () => ((await ends(west, 'refunds'))[0] === 1 ? true : undefined));
        expect(
          kafkaError(
            await produce(west, 'refunds', ['x'], 0).then(
              () => undefined,
              (err: unknown) => err,
            ),
          ).type,
        ).toBe('TOPIC_AUTHORIZATION_FAILED');
      } finally {
        await second.close();
      }
    } finally {
      await oneWay.close();
      await emu2.close();
    }
  }, 120_000);

  it("serves the brokers' consumer groups on the REST API (committed offsets, lags from the real end offsets), and ccloud-mirror status names the group the link's offset sync covers", async () => {
    await createTopic(north, 'invoices', 1);
    await produce(north, 'invoices', ['a', 'b', 'c', 'd'], 0);
    const link = await RealClusterLink.start({ name: 'inv', source: north, destination: west });
    // An emulator of its own (one data plane each), whose memory holds no consumer group at all.
    const emu3 = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], transitionMs: 50 });
    try {
      await link.mirror('invoices');
      emu3.createTopic('north', 'invoices', { partitions: 1 });
      emu3.createLink('west', 'inv', {
        remote: 'north',
        configs: {
          'consumer.offset.sync.enable': 'true',
          'consumer.offset.group.filters': JSON.stringify({ groupFilters: [{ name: '*', patternType: 'LITERAL', filterType: 'INCLUDE' }] }),
        },
      });
      emu3.createMirror('west', 'inv', 'invoices');
      await until('4 records copied to west', async () => ((await ends(west, 'invoices'))[0] === 4 ? true : undefined));
      // Two groups commit on west's mirror with the application key; the bridge is told to hide the second.
      await commitOffset(west, 'billing', 'invoices', 0, 1);
      await commitOffset(west, 'audit-reader', 'invoices', 0, 2);
      const third = await RealLinkBridge.attach(emu3, [{ cluster: 'west', link: 'inv', real: link }], {
        refreshMs: 100,
        groupsEveryMs: 200,
        hideGroups: (g) => g === 'audit-reader',
      });
      try {
        const get = async (path: string) => (await rest(emu3, 'west', 'GET', path)).json;
        // The brokers' groups (this test's, and one an earlier test's link synced here), never the hidden one.
        const listed = (await get('/consumer-groups')).data.map((g) => g.consumer_group_id);
        expect(listed).toContain('billing');
        expect(listed).not.toContain('audit-reader');
        expect(listed.filter((g) => g !== 'billing' && g !== 'orders-app')).toEqual([]);
        const lags = (await get('/consumer-groups/billing/lags')).data;
        expect(lags.map((l) => [l.topic_name, l.partition_id, l.current_offset, l.log_end_offset, l.lag])).toEqual([['invoices', 0, 1, 4, 3]]);

        const status = await runAction('ccloud-mirror', {
          inputs: inputs('status', { emulator: emu3, link: 'inv', topics: 'invoices' }),
        });
        expect(status.code).toBe(0);
        const result = JSON.parse(status.outputs.result) as { sync: { offsets: { enabled: boolean; groups: string[]; selected: number } } };
        // Every listed group is selected by the filter; only billing has offsets for the topic of this run.
        expect(result.sync.offsets).toMatchObject({ enabled: true, groups: ['billing'], selected: listed.length });
      } finally {
        await third.close();
      }
    } finally {
      await link.close();
      await emu3.close();
    }
  }, 180_000);

  it("serves the brokers' topics and produce on the REST API: a topic made with kafkajs is listed, a REST record lands on the broker as sent, the mirror takes none until its failover", async () => {
    await createTopic(north, 'receipts', 2);
    await createTopic(west, 'made-with-kafkajs', 3); // never told to the emulator
    const link = await RealClusterLink.start({ name: 'rcp', source: north, destination: west, delayMs: 60_000 });
    // An emulator of its own (one data plane each), whose memory holds only the link's topic and mirror.
    const emu4 = await startConfluent({ clusters: [{ name: 'north' }, { name: 'west' }], transitionMs: 50, replicationDelayMs: 3_600_000 });
    try {
      await link.mirror('receipts');
      emu4.createTopic('north', 'receipts', { partitions: 2 });
      emu4.createLink('west', 'rcp', { remote: 'north' });
      emu4.createMirror('west', 'rcp', 'receipts');
      const plane = await RealLinkBridge.attach(emu4, [{ cluster: 'west', link: 'rcp', real: link }], { refreshMs: 100, brokers: [north, west] });
      try {
        // West's topics are its brokers' (Kafka's own __ topics left out), exactly.
        const wadmin = client(west, 'operator').admin();
        await wadmin.connect();
        const onBrokers = (await wadmin.listTopics()).filter((t) => !t.startsWith('__')).sort();
        await wadmin.disconnect();
        const listed = (await rest(emu4, 'west', 'GET', '/topics')).json.data.map((t) => t.topic_name);
        expect(listed).toEqual(onBrokers);
        expect(listed).toEqual(expect.arrayContaining(['made-with-kafkajs', 'receipts']));
        expect((await rest(emu4, 'west', 'GET', '/topics/made-with-kafkajs/partitions')).json.data.map((p) => p.partition_id)).toEqual([0, 1, 2]);
        expect((await rest(emu4, 'west', 'GET', '/topics/never-made')).status).toBe(404);

        // A REST record on north lands on north's broker as sent: partition, offset, key, value, header.
        const sent = await rest(emu4, 'north', 'POST', '/topics/receipts/records', {
          partition_id: 1,
          key: { type: 'STRING', data: 'r-1' },
          value: { type: 'STRING', data: 'paid' },
          headers: [{ name: 'trace', value: Buffer.from('t-9').toString('base64') }],
        });
        expect(sent.json).toMatchObject({ error_code: 200, topic_name: 'receipts', partition_id: 1, offset: 0 });
        const seen: string[] = [];
        const reader = client(north, 'operator').consumer({ groupId: `rest-reader-${Date.now()}` });
        await reader.connect();
        try {
          await reader.subscribe({ topics: ['receipts'], fromBeginning: true });
          await reader.run({
            eachMessage: async ({ partition, message }) =>
              void seen.push(`${partition}/${message.offset} ${String(message.key)}=${String(message.value)} trace=${String(message.headers?.trace)}`),
          });
          await until('the REST record on north', () => (seen.length ? true : undefined));
        } finally {
          await reader.disconnect();
        }
        expect(seen).toEqual(['1/0 r-1=paid trace=t-9']);

        // West's mirror takes none: the control plane refuses before the brokers are asked.
        const refused = await rest(emu4, 'west', 'POST', '/topics/receipts/records', { value: { type: 'STRING', data: 'early' } });
        expect([refused.json.error_code, refused.json.message]).toEqual([40002, "Cannot append records to read-only mirror topic 'receipts'"]);
        expect(await ends(west, 'receipts')).toEqual([0, 0]);
        const failover = await rest(emu4, 'west', 'POST', '/links/rcp/mirrors:failover', { mirror_topic_names: ['receipts'] });
        expect(failover.status).toBe(200);
        await until('west receipts STOPPED', () => (emu4.mirrorState('west', 'rcp', 'receipts')?.status === 'STOPPED' ? true : undefined));
        const after = await rest(emu4, 'west', 'POST', '/topics/receipts/records', { partition_id: 0, value: { type: 'STRING', data: 'after' } });
        expect(after.json).toMatchObject({ error_code: 200, partition_id: 0, offset: 0 });
        expect(await ends(west, 'receipts')).toEqual([1, 0]);

        // Topics made and deleted on the REST API are made and deleted on the brokers.
        expect((await rest(emu4, 'north', 'POST', '/topics', { topic_name: 'made-by-rest', partitions_count: 2 })).status).toBe(201);
        expect(await ends(north, 'made-by-rest')).toEqual([0, 0]);
        expect((await rest(emu4, 'north', 'DELETE', '/topics/made-by-rest')).status).toBe(204);
        await until('made-by-rest gone from the REST API', async () =>
          (await rest(emu4, 'north', 'GET', '/topics/made-by-rest')).status === 404 ? true : undefined,
        );
      } finally {
        await plane.close();
      }
    } finally {
      await link.close();
      await emu4.close();
    }
  }, 180_000);
});
