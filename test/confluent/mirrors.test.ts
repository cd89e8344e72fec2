// The verbs' main paths are in mirrors-suite.ts, run on both backends; these are the emulator's own details
// (exact timings on its clock, faults, validation, scale).
import { afterEach, describe, expect, it } from '@jest/globals';
import type { ConfluentEmulator } from '../../src/playground/confluent/index.js';
import { Client, FAST, ManualClock, basic, bidirectional, records, twoClusters } from './rest.js';

// Time moves only with tick(): every intermediate state is observable, whatever the machine's load.
let emu: ConfluentEmulator;
let clock: ManualClock;
afterEach(() => emu?.close());

async function setup(options: Parameters<typeof twoClusters>[0] = {}) {
  clock = new ManualClock();
  const started = await twoClusters({ clock, ...options });
  emu = started.emu;
  return started;
}

const T = FAST.transitionMs;
const tick = (ms: number) => clock.advance(ms);
const status = (cluster: string, topic: string, link = 'dr') => emu.mirrorState(cluster, link, topic)?.status;
/** Moves time in half-transition steps until the mirror reaches `wanted` (at most 10 transitions). */
function settle(cluster: string, topic: string, wanted: string, link = 'dr'): void {
  for (let i = 0; i < 20 && status(cluster, topic, link) !== wanted; i++) tick(T / 2);
  expect(`${cluster}/${topic} ${status(cluster, topic, link)}`).toBe(`${cluster}/${topic} ${wanted}`);
}
const names = (body: { data: Array<{ mirror_topic_name: string }> }) => body.data.map((d) => d.mirror_topic_name).sort();

describe('mirror topics: create, list, get', () => {
  it('creates mirrors (204, empty body: accepted), PENDING_MIRROR until their first fetch, and lists them per link, across links (-) and by mirror_status', async () => {
    const { west } = await setup();
    emu.createTopic('north', 'orders', { partitions: 4 });
    emu.createTopic('north', 'payments', { partitions: 2 });
    emu.createLink('north', 'dr', { remote: 'west', mode: 'BIDIRECTIONAL' });
    emu.createLink('west', 'dr', { remote: 'north', mode: 'BIDIRECTIONAL' });
    for (const topic of ['orders', 'payments']) {
      const created = await west.post('/links/dr/mirrors', { source_topic_name: topic });
      expect([created.status, created.text]).toEqual([204, '']);
    }
    expect([status('west', 'orders'), status('west', 'payments')]).toEqual(['PENDING_MIRROR', 'PENDING_MIRROR']);
    tick(T);
    const listed = await west.get('/links/dr/mirrors');
    expect(listed.json.kind).toBe('KafkaMirrorDataList');
    expect(
      listed.json.data.map((m: { mirror_topic_name: string; mirror_status: string; num_partitions: number; mirror_lags: unknown[] }) => [
        m.mirror_topic_name,
        m.mirror_status,
        m.num_partitions,
        m.mirror_lags.length,
      ]),
    ).toEqual([
      ['orders', 'ACTIVE', 4, 4],
      ['payments', 'ACTIVE', 2, 2],
    ]);
    expect(names((await west.get('/links/-/mirrors')).json)).toEqual(['orders', 'payments']);
    expect((await west.get('/links/dr')).json.topic_names).toEqual(['orders', 'payments']);

    await west.post('/links/dr/mirrors:pause', { mirror_topic_names: ['payments'] });
    settle('west', 'payments', 'PAUSED');
    expect(names((await west.get('/links/dr/mirrors', { query: { mirror_status: 'PAUSED' } })).json)).toEqual(['payments']);
    expect(names((await west.get('/links/-/mirrors', { query: { mirror_status: 'ACTIVE' } })).json)).toEqual(['orders']);
    // Jersey answers 404 when an enum query parameter does not parse.
    expect((await west.get('/links/dr/mirrors', { query: { mirror_status: 'RUNNING' } })).status).toBe(404);

    const one = await west.get('/links/dr/mirrors/orders');
    expect([one.json.source_topic_name, one.json.link_name, one.json.mirror_topic_error]).toEqual(['orders', 'dr', 'NO_ERROR']);
    expect(one.json.mirror_state_transition_errors).toBeUndefined();
    expect((await west.get('/links/dr/mirrors/orders', { query: { include_state_transition_errors: true } })).json.mirror_state_transition_errors).toEqual([]);
    const missing = await west.get('/links/dr/mirrors/nope');
    expect([missing.status, missing.json.error_code]).toEqual([404, 40403]);
    const noLink = await west.get('/links/nope/mirrors/orders');
    expect([noLink.status, noLink.json.message]).toEqual([404, "The cluster link doesn't exist."]);
  });

  it('names mirrors prefix + source on a prefixed link and refuses any other name (the TF #233 400)', async () => {
    const { west } = await setup();
    const north = emu.info('north');
    for (const t of ['orders', 'payments']) emu.createTopic('north', t, { partitions: 2 });
    const link = await west.post(
      '/links',
      {
        source_cluster_id: north.id,
        configs: [
          { name: 'bootstrap.servers', value: `SASL_SSL://${north.bootstrap}` },
          {
            name: 'sasl.jaas.config',
            value: `org.apache.kafka.common.security.plain.PlainLoginModule required username="${north.apiKey}" password="${north.apiSecret}";`,
          },
          { name: 'cluster.link.prefix', value: 'north-' },
        ],
      },
      { query: { link_name: 'from-north' } },
    );
    expect([link.status, link.text]).toEqual([204, '']);
    expect((await west.post('/links/from-north/mirrors', { source_topic_name: 'orders' })).status).toBe(204);
    const mirror = await west.get('/links/from-north/mirrors/north-orders');
    expect([mirror.json.mirror_topic_name, mirror.json.source_topic_name]).toEqual(['north-orders', 'orders']);
    expect(emu.topics('west')).toEqual(['north-orders']);

    const renamed = await west.post('/links/from-north/mirrors', { source_topic_name: 'payments', mirror_topic_name: 'payments' });
    expect(renamed.status).toBe(400);
    expect(renamed.json.message).toMatch(/^Topic renaming for mirroring not yet supported.*must be named 'north-payments'/);
    expect((await west.post('/links/from-north/mirrors', { source_topic_name: 'payments', mirror_topic_name: 'north-payments' })).status).toBe(204);
  });

  it('refuses a mirror of a missing source topic, over an existing topic, with RF other than 3, or on a SOURCE-side link', async () => {
    const { west, north } = await setup();
    bidirectional(emu);
    const missing = await west.post('/links/dr/mirrors', { source_topic_name: 'ghost' });
    expect([missing.status, missing.json.error_code]).toEqual([404, 40403]);
    const again = await west.post('/links/dr/mirrors', { source_topic_name: 'orders' });
    expect([again.status, again.json.error_code, again.json.message]).toEqual([400, 40002, "Topic 'orders' already exists."]);
    emu.createTopic('north', 'audit');
    expect((await west.post('/links/dr/mirrors', { source_topic_name: 'audit', replication_factor: 2 })).status).toBe(400);
    expect((await west.post('/links/dr/mirrors', { source_topic_name: 'audit', mirror_topic_name: 'audit-copy' })).json.message).toMatch(/renaming/);
    emu.createLink('north', 'to-west', { remote: 'west', mode: 'SOURCE' });
    emu.createTopic('west', 'w1');
    const onSource = await north.post('/links/to-west/mirrors', { source_topic_name: 'w1' });
    expect(onSource.status).toBe(400);
    expect(onSource.json.message).toMatch(/source side/);
    expect((await west.post('/links/nope/mirrors', { source_topic_name: 'orders' })).status).toBe(404);
  });
});

describe('alter verbs: the batch answer and the state machine', () => {
  it('promote ends only after the last records are synced (STOPPED no earlier than their arrival)', async () => {
    const { west } = await setup({ replicationDelayMs: 150 });
    bidirectional(emu);
    const producedAt = clock.now();
    emu.produce('north', 'orders', records(7));
    const res = await west.post('/links/dr/mirrors:promote', { mirror_topic_names: ['orders'] });
    expect(res.json.data[0].error_code).toBeNull();
    expect(res.json.data[0].mirror_lags.reduce((s: number, l: { lag: number }) => s + l.lag, 0)).toBe(7);
    tick(149); // long past transitionMs, but the records have not arrived yet
    expect([status('west', 'orders'), emu.endOffsets('west', 'orders')]).toEqual(['PENDING_STOPPED', [0, 0, 0, 0]]);
    tick(1);
    expect(status('west', 'orders')).toBe('STOPPED');
    expect(emu.endOffsets('west', 'orders')).toEqual(emu.endOffsets('north', 'orders'));
    expect((await west.get('/links/dr/mirrors/orders')).json.state_time_ms).toBe(producedAt + 150);
  });

  it('failover during a pending promote stops at once (the promote no longer waits for records)', async () => {
    const { west } = await setup({ replicationDelayMs: 150 });
    bidirectional(emu);
    emu.produce('north', 'orders', records(3), 1);
    await west.post('/links/dr/mirrors:promote', { mirror_topic_names: ['orders'] });
    tick(100);
    expect(status('west', 'orders')).toBe('PENDING_STOPPED');
    const again = await west.post('/links/dr/mirrors:promote', { mirror_topic_names: ['orders'] });
    expect(again.json.data[0].error_code).toBeNull();
    await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
    settle('west', 'orders', 'STOPPED');
    tick(1000);
    expect(emu.endOffsets('west', 'orders')).toEqual([0, 0, 0, 0]);
  });

  it('promote is refused per topic while the source is unreachable; failover from SOURCE_UNAVAILABLE works', async () => {
    const { west } = await setup();
    bidirectional(emu);
    await emu.setFault('north', { kind: 'unreachable' });
    const mirror = await west.get('/links/dr/mirrors/orders');
    expect(mirror.json.mirror_status).toBe('SOURCE_UNAVAILABLE');
    const promote = await west.post('/links/dr/mirrors:promote', { mirror_topic_names: ['orders'] });
    expect(promote.status).toBe(200);
    expect(promote.json.data[0].error_code).toBe(400);
    expect(promote.json.data[0].error_message).toMatch(/not reachable.*use failover/);
    expect(status('west', 'orders')).toBe('SOURCE_UNAVAILABLE');
    expect((await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] })).json.data[0].error_code).toBeNull();
    settle('west', 'orders', 'STOPPED');
  });

  it('a promote whose source goes away before the last sync stays PENDING_STOPPED with a state transition error, and completes when the source is back', async () => {
    const { west } = await setup({ replicationDelayMs: 200 });
    bidirectional(emu);
    emu.produce('north', 'orders', records(2));
    await west.post('/links/dr/mirrors:promote', { mirror_topic_names: ['orders'] });
    expect(status('west', 'orders')).toBe('PENDING_STOPPED');
    await emu.setFault('north', { kind: 'unreachable', mode: 'hang' });
    tick(200); // the last sync is due now, and the source is gone
    expect(status('west', 'orders')).toBe('PENDING_STOPPED');
    // The list never carries the errors; the GET of one mirror does, when asked (the spec's only place for them).
    const listed = (await west.get('/links/dr/mirrors')).json.data[0];
    expect(listed.mirror_state_transition_errors).toBeUndefined();
    const got = await west.get('/links/dr/mirrors/orders', { query: { include_state_transition_errors: true } });
    // The code is one of the spec's LinkTaskErrorCode values; which one the service sends here is not documented.
    expect(got.json.mirror_state_transition_errors).toEqual([{ error_code: 'INTERNAL_ERROR', error_message: expect.stringContaining('Use failover') }]);
    tick(10 * T);
    expect(status('west', 'orders')).toBe('PENDING_STOPPED');
    await emu.setFault('north', null);
    tick(2 * T);
    expect(status('west', 'orders')).toBe('STOPPED');
    expect(emu.endOffsets('west', 'orders')).toEqual(emu.endOffsets('north', 'orders'));
  });

  it('a new transition starts without the errors of the last one', async () => {
    const { west } = await setup({ replicationDelayMs: 200 });
    bidirectional(emu);
    await west.post('/links/dr/mirrors:promote', { mirror_topic_names: ['orders'] });
    await emu.setFault('north', { kind: 'unreachable', mode: 'hang' });
    tick(300);
    const errors = async () =>
      (await west.get('/links/dr/mirrors/orders', { query: { include_state_transition_errors: true } })).json.mirror_state_transition_errors;
    expect(await errors()).toHaveLength(1);
    expect((await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] })).json.data[0].error_code).toBeNull();
    expect(await errors()).toEqual([]);
    settle('west', 'orders', 'STOPPED');
  });

  it('failover works from FAILED (source topic deleted); promote, pause and reverse do not', async () => {
    const { north, west } = await setup();
    bidirectional(emu);
    expect((await north.delete('/topics/orders')).status).toBe(204);
    const failed = (await west.get('/links/dr/mirrors/orders')).json;
    expect([failed.mirror_status, failed.mirror_topic_error]).toEqual(['FAILED', 'SOURCE_TOPIC_MAY_BE_DELETED']);
    for (const verb of ['promote', 'pause', 'resume']) {
      const r = await west.post(`/links/dr/mirrors:${verb}`, { mirror_topic_names: ['orders'] });
      expect([verb, r.json.data[0].error_code]).toEqual([verb, 400]);
    }
    expect((await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] })).json.data[0].error_code).toBeNull();
    settle('west', 'orders', 'STOPPED');
  });

  it('validate_only=true answers the same shape and changes nothing, for every verb', async () => {
    const { north, west } = await setup();
    bidirectional(emu, ['orders', 'held']);
    await west.post('/links/dr/mirrors:pause', { mirror_topic_names: ['held'] });
    settle('west', 'held', 'PAUSED');
    for (const verb of ['promote', 'failover', 'pause', 'reverse-and-start-mirror', 'reverse-and-pause-mirror']) {
      const r = await west.post(`/links/dr/mirrors:${verb}`, { mirror_topic_names: ['orders'] }, { query: { validate_only: true } });
      expect([verb, r.status, r.json.data[0].error_code]).toEqual([verb, 200, null]);
    }
    const resume = await west.post('/links/dr/mirrors:resume', { mirror_topic_names: ['held'] }, { query: { validate_only: true } });
    expect(resume.json.data[0].error_code).toBeNull();
    // A validated truncate-and-restore reports what it would drop, and drops nothing.
    await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['held'] });
    settle('west', 'held', 'STOPPED');
    emu.produce('north', 'held', records(3), 1);
    const truncate = await north.post('/links/dr/mirrors:truncate-and-restore', { mirror_topic_names: ['held'] }, { query: { validate_only: true } });
    expect([truncate.json.data[0].error_code, truncate.json.data[0].messages_truncated, truncate.json.data[0].partition_level_truncation_data]).toEqual([
      null,
      3,
      [],
    ]);
    tick(10 * T); // any scheduled change would have happened
    expect([status('west', 'orders'), status('west', 'held'), emu.endOffsets('north', 'held')]).toEqual(['ACTIVE', 'STOPPED', [0, 3, 0, 0]]);
    expect(emu.mirrorState('north', 'dr', 'held')).toBeUndefined();
  });

  it('validate_only=1 is NOT a dry run: Jersey reads booleans with Boolean.valueOf, so the pause happens', async () => {
    const { west } = await setup();
    bidirectional(emu);
    await west.post('/links/dr/mirrors:pause', { mirror_topic_names: ['orders'] }, { query: { validate_only: 1 } });
    settle('west', 'orders', 'PAUSED');
  });

  it('mirror_topic_name_pattern matches whole names of the link’s mirrors; a bad selection is a 400', async () => {
    const { west } = await setup();
    bidirectional(emu, ['orders-a', 'orders-b', 'pay']);
    const res = await west.post('/links/dr/mirrors:pause', { mirror_topic_name_pattern: 'orders-.*' }, { query: { validate_only: true } });
    expect(names(res.json)).toEqual(['orders-a', 'orders-b']);
    expect((await west.post('/links/dr/mirrors:pause', { mirror_topic_name_pattern: 'orders' })).json.data).toEqual([]);
    const bad = [{ mirror_topic_name_pattern: '(' }, {}, { mirror_topic_names: ['pay'], mirror_topic_name_pattern: '.*' }, { mirror_topic_names: 'pay' }];
    for (const body of bad) expect([JSON.stringify(body), (await west.post('/links/dr/mirrors:pause', body)).status]).toEqual([JSON.stringify(body), 400]);
    expect((await west.post('/links/ghost/mirrors:pause', { mirror_topic_names: ['pay'] })).status).toBe(404);
  });
});

describe('reverse and truncate-and-restore', () => {
  it('reverse verbs need a BIDIRECTIONAL link, no prefix, a reachable peer and the peer’s side of the link', async () => {
    const { west } = await setup();
    for (const t of ['orders', 'payments', 'audit']) emu.createTopic('north', t, { partitions: 2 });
    emu.createLink('west', 'plain', { remote: 'north' });
    emu.createMirror('west', 'plain', 'payments');
    emu.createLink('west', 'pfx', { remote: 'north', mode: 'BIDIRECTIONAL', prefix: 'north-' });
    emu.createLink('north', 'pfx', { remote: 'west', mode: 'BIDIRECTIONAL' });
    emu.createMirror('west', 'pfx', 'audit');
    const verbs = ['reverse-and-start-mirror', 'reverse-and-pause-mirror'];
    const expectError = async (link: string, topic: string, pattern: RegExp) => {
      for (const verb of verbs) {
        const r = await west.post(`/links/${link}/mirrors:${verb}`, { mirror_topic_names: [topic] });
        expect([verb, r.status, r.json.data[0].error_code]).toEqual([verb, 200, 400]);
        expect(r.json.data[0].error_message).toMatch(pattern);
      }
    };
    await expectError('plain', 'payments', /DESTINATION link; this operation needs a BIDIRECTIONAL link/);
    await expectError('pfx', 'north-audit', /cluster.link.prefix \('north-'\)/);
    // A bidirectional link whose other side was never created.
    emu.createLink('west', 'half', { remote: 'north', mode: 'BIDIRECTIONAL', clusterLinkId: 'only-west-side' });
    emu.createMirror('west', 'half', 'orders');
    await expectError('half', 'orders', /has no side of this bidirectional link \(cluster_link_id only-west-side\)/);
    emu.createLink('north', 'half', { remote: 'west', mode: 'BIDIRECTIONAL', clusterLinkId: 'only-west-side' });
    await emu.setFault('north', { kind: 'unreachable' });
    await expectError('half', 'orders', /remote cluster lkc-north is not reachable/);
    await emu.setFault('north', null);
    expect((await west.post('/links/half/mirrors:reverse-and-start-mirror', { mirror_topic_names: ['orders'] })).json.data[0].error_code).toBeNull();
  });

  it('truncate-and-restore without partition detail still reports the total', async () => {
    const { north, west } = await setup();
    bidirectional(emu);
    await west.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
    settle('west', 'orders', 'STOPPED');
    emu.produce('north', 'orders', records(2), 2);
    const res = await north.post('/links/dr/mirrors:truncate-and-restore', { mirror_topic_name_pattern: 'ord.*' });
    expect(
      res.json.data.map((d: { mirror_topic_name: string; messages_truncated: number; partition_level_truncation_data: unknown[] }) => [
        d.mirror_topic_name,
        d.messages_truncated,
        d.partition_level_truncation_data,
      ]),
    ).toEqual([['orders', 2, []]]);
    expect(emu.endOffsets('north', 'orders')).toEqual([0, 0, 0, 0]);
  });
});

describe('scale', () => {
  it('fails over 1,000 mirror topics of 8 partitions in one request and lists them in one', async () => {
    const { west } = await setup({ transitionMs: 20 });
    emu.createLink('west', 'big', { remote: 'north' });
    const topics = Array.from({ length: 1000 }, (_, i) => `t${String(i).padStart(4, '0')}`);
    for (const t of topics) {
      emu.createTopic('north', t, { partitions: 8 });
      emu.createMirror('west', 'big', t);
    }
    emu.produce('north', 't0001', records(3), 5);
    emu.resetRequests();
    const res = await west.post('/links/big/mirrors:failover', { mirror_topic_names: topics });
    expect(res.json.data).toHaveLength(1000);
    expect(res.json.data.filter((d: { error_code: number | null }) => d.error_code !== null)).toEqual([]);
    tick(FAST.replicationDelayMs);
    expect(topics.every((t) => status('west', t, 'big') === 'STOPPED')).toBe(true);
    const listed = await west.get('/links/big/mirrors', { query: { mirror_status: 'STOPPED' } });
    expect(listed.json.data).toHaveLength(1000);
    expect(listed.json.data[0].mirror_lags).toHaveLength(8);
    expect(emu.requests('west').map((r) => r.route)).toEqual([
      '/kafka/v3/clusters/{cluster_id}/links/{link_name}/mirrors:failover',
      '/kafka/v3/clusters/{cluster_id}/links/{link_name}/mirrors',
    ]);
  });
});

describe('authentication on mirror endpoints', () => {
  it('another cluster’s key is a 401 40101 on the verb endpoints', async () => {
    const { west } = await setup();
    bidirectional(emu);
    const north = emu.info('north');
    const wrong = new Client(emu.info('west'), basic(north.apiKey, north.apiSecret));
    const res = await wrong.post('/links/dr/mirrors:failover', { mirror_topic_names: ['orders'] });
    expect([res.status, res.json]).toEqual([401, { error_code: 40101, message: 'Authentication failed' }]);
    expect(status('west', 'orders')).toBe('ACTIVE');
    expect((await west.get('/links/dr/mirrors')).status).toBe(200);
  });
});
