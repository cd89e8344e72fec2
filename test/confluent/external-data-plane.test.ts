import { afterEach, describe, expect, it } from '@jest/globals';
import type {
  BrokerRecord,
  ConfluentEmulator,
  DataPlane,
  DataPlaneBrokers,
  DataPlaneGroup,
  MirrorLag,
  MirrorRef,
} from '../../src/playground/confluent/index.js';
import { ManualClock, bidirectional, twoClusters } from './rest.js';

// A data plane outside the emulator (real Kafka in the real tier, src/playground/real/kafka/bridge.ts): here a
// scripted one, to pin down what the emulator asks of it and what the REST API then shows.
let emu: ConfluentEmulator;
afterEach(() => emu?.close());

class ScriptedPlane implements DataPlane {
  readonly asked: string[] = [];
  answer: 'done' | 'pending' | { error: string } = 'pending';
  measured: MirrorLag[] | undefined = [
    { partition: 0, lag: 7, last_source_fetch_offset: 40 },
    { partition: 1, lag: 0, last_source_fetch_offset: 12 },
  ];
  lags(mirror: MirrorRef): MirrorLag[] | undefined {
    return mirror.topic === 'orders' ? this.measured : undefined;
  }
  apply(mirror: MirrorRef, verb: string) {
    this.asked.push(`${verb} ${mirror.cluster}/${mirror.link}/${mirror.topic}`);
    return this.answer;
  }
  /** End offsets there, by `cluster/topic`; stopped mirrors' offsets by `cluster/link/topic`; groups by cluster. */
  ends = new Map<string, number[]>();
  stopped = new Map<string, number[]>();
  groups = new Map<string, DataPlaneGroup[]>();
  endOffsets(cluster: string, topic: string): number[] | undefined {
    return this.ends.get(`${cluster}/${topic}`);
  }
  stoppedOffsets(mirror: MirrorRef): number[] | undefined {
    return this.stopped.get(`${mirror.cluster}/${mirror.link}/${mirror.topic}`);
  }
  consumerGroups(cluster: string): DataPlaneGroup[] | undefined {
    return this.groups.get(cluster);
  }
  /** Clusters whose topics the plane's brokers hold. */
  held = new Map<string, ScriptedBrokers>();
  brokers(cluster: string): DataPlaneBrokers | undefined {
    return this.held.get(cluster);
  }
}

/** Brokers in a map: topic -> partitions -> records; `failNext` fails the next produce with that error. */
class ScriptedBrokers implements DataPlaneBrokers {
  readonly log = new Map<string, BrokerRecord[][]>();
  failNext?: { error: string; retriable: boolean };
  constructor(topics: Record<string, number>) {
    for (const [name, n] of Object.entries(topics))
      this.log.set(
        name,
        Array.from({ length: n }, () => []),
      );
  }
  async topics() {
    return [...this.log].map(([name, p]) => ({ name, partitions: p.length })).sort((a, b) => a.name.localeCompare(b.name));
  }
  async createTopic(name: string, partitions: number) {
    this.log.set(
      name,
      Array.from({ length: partitions }, () => []),
    );
  }
  async deleteTopic(name: string) {
    this.log.delete(name);
  }
  async produce(topic: string, record: BrokerRecord) {
    if (this.failNext) {
      const failure = this.failNext;
      this.failNext = undefined;
      return failure;
    }
    const partition = record.partition ?? 0;
    const log = this.log.get(topic)![partition];
    log.push(record);
    return { partition, offset: log.length - 1, timestamp: record.timestamp };
  }
}

async function setup() {
  const clock = new ManualClock();
  const started = await twoClusters({ clock });
  emu = started.emu;
  bidirectional(emu, ['orders'], 2);
  const plane = new ScriptedPlane();
  emu.useDataPlane(plane);
  return { ...started, clock, plane };
}

describe('an external data plane under the links', () => {
  it("serves the data plane's measured lags in the listing, the mirror and the alter answer; its own while the plane has none", async () => {
    const { west, plane } = await setup();
    expect((await west.get('/links/dr/mirrors')).json.data[0].mirror_lags).toEqual(plane.measured);
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_lags).toEqual(plane.measured);
    const answer = await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
    expect(answer.json.data[0].mirror_lags).toEqual(plane.measured);
    plane.measured = undefined;
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_lags).toEqual([
      { partition: 0, lag: 0, last_source_fetch_offset: 0 },
      { partition: 1, lag: 0, last_source_fetch_offset: 0 },
    ]);
  });

  it('keeps a failover PENDING_STOPPED until the data plane has stopped the mirror, asking again each transition, then STOPPED with no lag', async () => {
    const { west, clock, plane } = await setup();
    await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
    for (let i = 0; i < 3; i++) {
      clock.advance(30);
      expect((await west.get('/links/dr/mirrors/orders')).json.mirror_status).toBe('PENDING_STOPPED');
    }
    expect(plane.asked).toEqual(['failover west/dr/orders', 'failover west/dr/orders', 'failover west/dr/orders']);
    plane.answer = 'done';
    clock.advance(30);
    const stopped = (await west.get('/links/dr/mirrors/orders')).json;
    expect(stopped.mirror_status).toBe('STOPPED');
    expect(stopped.mirror_lags).toEqual([
      { partition: 0, lag: 0, last_source_fetch_offset: -1 },
      { partition: 1, lag: 0, last_source_fetch_offset: -1 },
    ]);
  });

  it("fails the change back to ACTIVE with the data plane's reason as a state transition error when it cannot stop the mirror", async () => {
    const { west, clock, plane } = await setup();
    plane.answer = { error: 'promote is not available on this data plane' };
    await west.post('/links/dr/mirrors:promote', { mirror_topic_names: ['orders'] });
    clock.advance(30);
    const mirror = (await west.get('/links/dr/mirrors/orders', { query: { include_state_transition_errors: 'true' } })).json;
    expect(mirror.mirror_status).toBe('ACTIVE');
    expect(mirror.mirror_state_transition_errors).toEqual([{ error_code: 'INTERNAL_ERROR', error_message: 'promote is not available on this data plane' }]);
    expect(plane.asked).toEqual(['promote west/dr/orders']);
  });

  it('asks the data plane for pause and resume too, and leaves a mirror it refused as it was', async () => {
    const { west, clock, plane } = await setup();
    plane.answer = { error: 'pause is not available on this data plane' };
    await west.post('/links/dr/mirrors:pause', { mirror_topic_names: ['orders'] });
    clock.advance(30);
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_status).toBe('ACTIVE');
    plane.answer = 'done';
    await west.post('/links/dr/mirrors:pause', { mirror_topic_names: ['orders'] });
    clock.advance(30);
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_status).toBe('PAUSED');
    expect(plane.asked).toEqual(['pause west/dr/orders', 'pause west/dr/orders']);
  });

  it('takes one data plane only', async () => {
    await setup();
    expect(() => emu.useDataPlane(new ScriptedPlane())).toThrow('already has a data plane');
  });

  it("counts truncate-and-restore from the data plane's offsets (the old primary's ends past the stopped mirror's), not from its own memory", async () => {
    const { north, west, clock, plane } = await setup();
    plane.answer = 'done';
    await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
    clock.advance(30);
    expect((await west.get('/links/dr/mirrors/orders')).json.mirror_status).toBe('STOPPED');
    // The records are on the brokers: north holds 9 and 4, west's mirror stopped at 5 and 4, and west has 8 and 6 now.
    plane.ends.set('north/orders', [9, 4]).set('west/orders', [8, 6]);
    plane.stopped.set('west/dr/orders', [5, 4]);
    const answer = await north.post(
      '/links/dr/mirrors:truncate-and-restore',
      { mirror_topic_names: ['orders'] },
      { query: { include_partition_level_truncation_data: true } },
    );
    expect(answer.json.data[0]).toMatchObject({
      mirror_topic_name: 'orders',
      error_code: null,
      messages_truncated: 4,
      partition_level_truncation_data: [
        { partition_id: 0, offset_truncated_to: 5, messages_truncated: 4 },
        { partition_id: 1, offset_truncated_to: 4, messages_truncated: 0 },
      ],
      mirror_lags: [
        { partition: 0, lag: 3, last_source_fetch_offset: 5 },
        { partition: 1, lag: 2, last_source_fetch_offset: 4 },
      ],
    });
    // Then the data plane is asked to carry it out (the topic restored there), and the mirror is ACTIVE once it has.
    clock.advance(100);
    await north.get('/links/dr/mirrors/orders');
    expect(plane.asked.at(-1)).toBe('truncate-and-restore north/dr/orders');
  });

  it("serves the data plane's consumer groups, their lags from its end offsets, and 404 for a group only its memory had", async () => {
    const { emu: e, west, plane } = await setup();
    e.commitOffsets('west', 'memory-only', [{ topic: 'orders', partition: 0, offset: 1 }]);
    plane.groups.set('west', [
      {
        id: 'billing',
        offsets: [{ topic: 'orders', partition: 1, offset: 2 }],
        members: [{ consumerId: 'c-1', clientId: 'billing-app', assignments: [{ topic: 'orders', partition: 1 }] }],
      },
    ]);
    plane.ends.set('west/orders', [0, 7]);
    expect((await west.get('/consumer-groups')).json.data.map((g: { consumer_group_id: string }) => g.consumer_group_id)).toEqual(['billing']);
    expect((await west.get('/consumer-groups/billing')).json).toMatchObject({ consumer_group_id: 'billing', state: 'STABLE' });
    const lags = (await west.get('/consumer-groups/billing/lags')).json.data;
    expect(lags.map((l: Record<string, unknown>) => [l.topic_name, l.partition_id, l.current_offset, l.log_end_offset, l.lag, l.consumer_id])).toEqual([
      ['orders', 1, 2, 7, 5, 'c-1'],
    ]);
    expect((await west.get('/consumer-groups/memory-only')).status).toBe(404);
    // Without groups from the plane for a cluster, its own memory answers.
    plane.groups.delete('west');
    expect((await west.get('/consumer-groups')).json.data.map((g: { consumer_group_id: string }) => g.consumer_group_id)).toEqual(['memory-only']);
  });

  it("serves a cluster's topics, partitions and produce from the data plane's brokers when they hold them, the control plane's rules first", async () => {
    const { west, plane } = await setup();
    const brokers = new ScriptedBrokers({ orders: 2, 'only-on-brokers': 3 });
    plane.held.set('west', brokers);
    emu.createTopic('west', 'memory-only', { partitions: 1 });
    const listed = (await west.get('/topics')).json.data.map((t: { topic_name: string; partitions_count: number }) => [t.topic_name, t.partitions_count]);
    expect(listed).toEqual([
      ['only-on-brokers', 3],
      ['orders', 2],
    ]);
    expect((await west.get('/topics/memory-only')).status).toBe(404);
    expect((await west.get('/topics/only-on-brokers')).json.partitions_count).toBe(3);
    expect((await west.get('/topics/only-on-brokers/partitions')).json.data.map((p: { partition_id: number }) => p.partition_id)).toEqual([0, 1, 2]);
    expect((await west.get('/topics/only-on-brokers/partitions/3')).status).toBe(404);

    // orders is west's mirror (ACTIVE): refused by the control plane, and nothing reaches the brokers.
    const refused = await west.post('/topics/orders/records', { value: { type: 'STRING', data: 'x' } });
    expect([refused.status, refused.json.error_code, refused.json.message]).toEqual([200, 40002, "Cannot append records to read-only mirror topic 'orders'"]);
    expect(brokers.log.get('orders')!.flat()).toEqual([]);

    const sent = await west.post('/topics/only-on-brokers/records', {
      partition_id: 2,
      key: { type: 'STRING', data: 'k1' },
      value: { type: 'BINARY', data: Buffer.from([0, 255, 7]).toString('base64') },
      headers: [{ name: 'trace', value: Buffer.from('t-1').toString('base64') }],
      timestamp: '2026-12-02T03:00:00.000Z',
    });
    expect(sent.json).toMatchObject({ error_code: 200, topic_name: 'only-on-brokers', partition_id: 2, offset: 0, timestamp: '2026-12-02T03:00:00.000Z' });
    expect(sent.json.value).toEqual({ type: 'BINARY', size: 3 });
    const [stored] = brokers.log.get('only-on-brokers')![2];
    expect([stored.key?.toString(), [...(stored.value ?? [])], stored.headers?.map((h) => [h.name, h.value?.toString()]), stored.timestamp]).toEqual([
      'k1',
      [0, 255, 7],
      [['trace', 't-1']],
      Date.parse('2026-12-02T03:00:00.000Z'),
    ]);
    // Streaming: every record is sent in turn, and a failed send is reported as kafka-rest reports it.
    brokers.failNext = { error: 'Request Produce timed out', retriable: true };
    const streamed = await west.call('POST', '/topics/only-on-brokers/records', {
      rawBody: '{"value":{"type":"STRING","data":"a"}}\n{"value":{"type":"STRING","data":"b"}}',
      concatenated: true,
    });
    expect(streamed.text.split('\n').map((line) => JSON.parse(line) as { error_code: number; message?: string; offset?: number })).toEqual([
      { error_code: 50003, message: 'Retriable Kafka error: Request Produce timed out' },
      expect.objectContaining({ error_code: 200, partition_id: 0, offset: 0 }),
    ]);

    // Topics are made and deleted on the brokers; one the brokers hold already exists, whatever the memory says.
    expect((await west.post('/topics', { topic_name: 'made', partitions_count: 4 })).status).toBe(201);
    expect(brokers.log.get('made')?.length).toBe(4);
    const exists = await west.post('/topics', { topic_name: 'only-on-brokers' });
    expect([exists.status, exists.json.message]).toEqual([400, "Topic 'only-on-brokers' already exists."]);
    expect((await west.call('DELETE', '/topics/only-on-brokers')).status).toBe(204);
    expect(brokers.log.has('only-on-brokers')).toBe(false);
    expect((await west.call('DELETE', '/topics/only-on-brokers')).status).toBe(404);
  });
});
